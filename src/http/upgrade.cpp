#include "http/upgrade.hpp"

#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>

#include "core/log.hpp"
#include "core/metrics.hpp"

namespace herd::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr auto kWriteTimeout = std::chrono::seconds(60);

// The Outlet of one connection: a queue filled from any thread, drained by the connection's
// writer coroutine, which a timer wakes.
class Channel final : public Outlet, public std::enable_shared_from_this<Channel> {
 public:
  explicit Channel(const asio::any_io_executor& executor) : executor_(executor), wake_(executor) {}

  void send(Producer producer) override {
    {
      std::lock_guard lock(mutex_);
      if (ended_ || closing_) return;
      if (queue_.size() >= kMaxQueued) {
        log::warn("stream: a client fell {} messages behind; disconnecting it", kMaxQueued);
        queue_.clear();
        closing_ = true;
      } else {
        queue_.push_back(std::move(producer));
      }
    }
    poke();
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    poke();
  }

  // The connection is gone: nothing more is queued, what was queued is dropped.
  void end() {
    {
      std::lock_guard lock(mutex_);
      ended_ = true;
      queue_.clear();
    }
    poke();
  }

  struct Batch {
    std::deque<Producer> producers;
    bool closing = false;
    bool ended = false;
  };
  Batch take() {
    std::lock_guard lock(mutex_);
    Batch batch;
    batch.producers.swap(queue_);
    batch.closing = closing_;
    batch.ended = ended_;
    return batch;
  }

  // Waits until something is queued (true) or `timeout` passes (false). On the connection's strand.
  asio::awaitable<bool> wait(std::chrono::steady_clock::duration timeout) {
    wake_.expires_after(timeout);
    auto [ec] = co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec == asio::error::operation_aborted;
  }

 private:
  void poke() {
    asio::post(executor_, [self = shared_from_this()] { self->wake_.cancel(); });
  }

  asio::any_io_executor executor_;
  asio::steady_timer wake_;
  std::mutex mutex_;
  std::deque<Producer> queue_;
  bool closing_ = false, ended_ = false;
};

std::optional<std::string> produce(Outlet::Producer& producer) {
  try {
    return producer();
  } catch (const std::exception& error) {
    log::error("stream: cannot make a message: {}", error.what());
    return std::nullopt;
  }
}

void report(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::error("stream: connection ended by an error: {}", e.what());
  } catch (...) {
  }
}

// ---- WebSocket --------------------------------------------------------------------------------

struct WebSocketConnection {
  WebSocketConnection(beast::tcp_stream stream, const asio::any_io_executor& executor)
      : ws(std::move(stream)), channel(std::make_shared<Channel>(executor)) {}
  websocket::stream<beast::tcp_stream> ws;
  std::shared_ptr<Channel> channel;
};

asio::awaitable<void> write_websocket(std::shared_ptr<WebSocketConnection> connection) {
  auto& ws = connection->ws;
  auto& channel = *connection->channel;
  for (;;) {
    auto batch = channel.take();
    if (batch.ended) co_return;
    if (batch.producers.empty()) {
      if (batch.closing) {
        co_await ws.async_close(websocket::close_code::normal, asio::as_tuple(asio::use_awaitable));
        co_return;
      }
      co_await channel.wait(std::chrono::hours(1));  // pings are Beast's (idle timeout)
      continue;
    }
    for (auto& producer : batch.producers) {
      auto text = produce(producer);
      if (!text) continue;
      ws.text(true);
      auto [ec, n] =
          co_await ws.async_write(asio::buffer(*text), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        channel.end();
        co_return;
      }
    }
  }
}

// ---- event stream -----------------------------------------------------------------------------

std::string chunk(std::string_view data) {
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size, static_cast<std::size_t>(n));
  out += data;
  out += "\r\n";
  return out;
}

struct EventStreamConnection {
  EventStreamConnection(beast::tcp_stream stream, const asio::any_io_executor& executor)
      : stream(std::move(stream)), channel(std::make_shared<Channel>(executor)) {}
  beast::tcp_stream stream;
  std::shared_ptr<Channel> channel;
  bool chunked = true;
};

asio::awaitable<bool> write_raw(EventStreamConnection& connection, std::string data) {
  if (connection.chunked) data = chunk(data);
  connection.stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await asio::async_write(connection.stream, asio::buffer(data),
                                            asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

asio::awaitable<void> write_event_stream(std::shared_ptr<EventStreamConnection> connection,
                                         std::string heartbeat) {
  auto& channel = *connection->channel;
  for (;;) {
    auto batch = channel.take();
    if (batch.ended) co_return;
    if (batch.producers.empty()) {
      if (batch.closing) {
        if (connection->chunked) {
          connection->stream.expires_after(kWriteTimeout);
          co_await asio::async_write(connection->stream,
                                     asio::buffer(std::string_view("0\r\n\r\n")),
                                     asio::as_tuple(asio::use_awaitable));
        }
        boost::system::error_code ignored;
        connection->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        channel.end();
        co_return;
      }
      bool woken = co_await channel.wait(kHeartbeat);
      if (!woken && !heartbeat.empty() && !co_await write_raw(*connection, heartbeat)) {
        channel.end();
        boost::system::error_code ignored;
        connection->stream.socket().close(ignored);
        co_return;
      }
      continue;
    }
    std::string data;
    for (auto& producer : batch.producers)
      if (auto text = produce(producer)) data += *text;
    if (data.empty()) continue;
    if (!co_await write_raw(*connection, std::move(data))) {
      channel.end();
      boost::system::error_code ignored;
      connection->stream.socket().close(ignored);
      co_return;
    }
  }
}

}  // namespace

asio::awaitable<void> serve_websocket(beast::tcp_stream stream,
                                      bhttp::request<bhttp::string_body> request,
                                      std::shared_ptr<Upgrade> upgrade) {
  auto executor = co_await asio::this_coro::executor;
  metrics::StreamingConnection counted("websocket");
  stream.expires_never();
  auto connection = std::make_shared<WebSocketConnection>(std::move(stream), executor);
  auto& ws = connection->ws;
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = std::chrono::seconds(60);  // a ping after 30 s of silence
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [subprotocol = upgrade->subprotocol](websocket::response_type& response) {
        response.set(bhttp::field::server, "herd");
        if (!subprotocol.empty()) response.set(bhttp::field::sec_websocket_protocol, subprotocol);
      }));
  ws.read_message_max(64 * 1024);
  // Opened first: subscriptions made at connect are in place when the client sees the 101, and
  // what arrives meanwhile waits in the queue.
  if (upgrade->on_open) upgrade->on_open(connection->channel);
  auto [accept_ec] = co_await ws.async_accept(request, asio::as_tuple(asio::use_awaitable));
  if (accept_ec) {
    connection->channel->end();
    if (upgrade->on_close) upgrade->on_close();
    co_return;
  }
  asio::co_spawn(executor, write_websocket(connection), report);
  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    if (ws.got_text() && upgrade->on_message) {
      try {
        upgrade->on_message(beast::buffers_to_string(buffer.data()));
      } catch (const std::exception& error) {
        log::error("stream: handling a message: {}", error.what());
      }
    }
  }
  connection->channel->end();
  if (upgrade->on_close) upgrade->on_close();
}

asio::awaitable<void> serve_event_stream(beast::tcp_stream stream, std::string head, bool chunked,
                                         std::shared_ptr<Upgrade> upgrade) {
  auto executor = co_await asio::this_coro::executor;
  metrics::StreamingConnection counted("sse");
  auto connection = std::make_shared<EventStreamConnection>(std::move(stream), executor);
  connection->chunked = chunked;
  // Opened first: the subscriptions are in place when the client sees the headers.
  if (upgrade->on_open) upgrade->on_open(connection->channel);
  connection->stream.expires_after(kWriteTimeout);
  auto [head_ec, written] = co_await asio::async_write(connection->stream, asio::buffer(head),
                                                       asio::as_tuple(asio::use_awaitable));
  if (head_ec ||
      (!upgrade->preamble.empty() && !co_await write_raw(*connection, upgrade->preamble))) {
    connection->channel->end();
    if (upgrade->on_close) upgrade->on_close();
    co_return;
  }
  asio::co_spawn(executor, write_event_stream(connection, upgrade->heartbeat), report);
  // The client sends nothing more; reading tells when it goes away.
  std::array<char, 1024> sink;
  for (;;) {
    auto [ec, n] = co_await connection->stream.socket().async_read_some(
        asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
  }
  connection->channel->end();
  if (upgrade->on_close) upgrade->on_close();
}

}  // namespace herd::http::detail
