#include "http/upgrade.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <vector>

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
      if (queue_.size() + in_hand_ >= kMaxQueued) {
        log::warn("stream: a client fell {} messages behind; disconnecting it", kMaxQueued);
        queue_.clear();
        closing_ = true;
      } else {
        queue_.push_back(std::move(producer));
      }
      if (wake_pending_) return;
      wake_pending_ = true;
    }
    post_wake();
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    post_wake();
  }

  // The connection is gone: nothing more is queued, what was queued is dropped.
  void end() {
    {
      std::lock_guard lock(mutex_);
      ended_ = true;
      queue_.clear();
    }
    post_wake();
  }

  struct Batch {
    std::vector<Producer> producers;
    bool closing = false;
    bool ended = false;
  };
  // Everything queued; the producers taken count as queued until given back to written().
  Batch take() {
    std::lock_guard lock(mutex_);
    Batch batch;
    batch.producers.swap(queue_);
    in_hand_ += batch.producers.size();
    batch.closing = closing_;
    batch.ended = ended_;
    return batch;
  }
  void written(std::size_t n) {
    std::lock_guard lock(mutex_);
    in_hand_ -= std::min(n, in_hand_);
  }

  // Waits until something is queued (true) or `timeout` passes (false). On the connection's strand.
  asio::awaitable<bool> wait(std::chrono::steady_clock::duration timeout) {
    wake_.expires_after(timeout);
    auto [ec] = co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec == asio::error::operation_aborted;
  }

 private:
  // Wakes the writer (once for a burst of sends: a wake-up already on its way is enough).
  void post_wake() {
    asio::post(executor_, [self = shared_from_this()] {
      {
        std::lock_guard lock(self->mutex_);
        self->wake_pending_ = false;
      }
      self->wake_.cancel();
    });
  }

  asio::any_io_executor executor_;
  asio::steady_timer wake_;
  std::mutex mutex_;
  std::vector<Producer> queue_;  // (a std::deque allocates 576 bytes even when empty)
  std::size_t in_hand_ = 0;      // taken by the writer, not yet written
  bool closing_ = false, ended_ = false, wake_pending_ = false;
};

Outlet::Message produce(Outlet::Producer& producer) {
  try {
    return producer();
  } catch (const std::exception& error) {
    log::error("stream: cannot make a message: {}", error.what());
    return nullptr;
  }
}

// Makes the messages of `producers` from `next` on, until they hold kMaxBatchBytes (each producer
// is released once made); `next` is left at the first producer not made.
std::vector<Outlet::Message> make_batch(std::vector<Outlet::Producer>& producers,
                                        std::size_t& next) {
  std::vector<Outlet::Message> messages;
  std::size_t bytes = 0;
  while (next < producers.size() && bytes < Outlet::kMaxBatchBytes) {
    auto message = produce(producers[next]);
    producers[next++] = nullptr;
    if (!message || message->empty()) continue;
    bytes += message->size();
    messages.push_back(std::move(message));
  }
  return messages;
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
    std::size_t next = 0;
    while (next < batch.producers.size()) {
      std::size_t first = next;
      for (const auto& text : make_batch(batch.producers, next)) {
        ws.text(true);
        auto [ec, n] =
            co_await ws.async_write(asio::buffer(*text), asio::as_tuple(asio::use_awaitable));
        if (ec) {
          channel.end();
          co_return;
        }
      }
      channel.written(next - first);
    }
  }
}

// ---- event stream -----------------------------------------------------------------------------

std::string chunk_size_line(std::size_t size) {
  char line[20];
  int n = std::snprintf(line, sizeof line, "%zx\r\n", size);
  return std::string(line, static_cast<std::size_t>(n));
}

struct EventStreamConnection {
  EventStreamConnection(beast::tcp_stream stream, const asio::any_io_executor& executor)
      : stream(std::move(stream)), channel(std::make_shared<Channel>(executor)) {}
  beast::tcp_stream stream;
  std::shared_ptr<Channel> channel;
  bool chunked = true;
  bool write_at_once = false;  // the socket is non-blocking: write_messages tries a write first
};

// Writes the messages in one system call (one HTTP/1.1 chunk when chunked).
asio::awaitable<bool> write_messages(EventStreamConnection& connection,
                                     const std::vector<Outlet::Message>& messages) {
  std::size_t size = 0;
  for (const auto& message : messages) size += message->size();
  if (size == 0) co_return true;
  std::string head = connection.chunked ? chunk_size_line(size) : std::string();
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(messages.size() + 2);
  if (!head.empty()) buffers.push_back(asio::buffer(head));
  for (const auto& message : messages) buffers.push_back(asio::buffer(*message));
  if (connection.chunked) buffers.push_back(asio::buffer(std::string_view("\r\n")));
  // What the kernel takes at once is written without suspending, arming the write timeout or
  // going through the scheduler (the socket is non-blocking): with 10,000 streams that is most
  // of a fan-out's work outside the kernel. The rest waits for the client, with the timeout.
  std::size_t sent = 0;
  if (connection.write_at_once) {
    boost::system::error_code ec;
    sent = connection.stream.socket().write_some(buffers, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
    if (sent == asio::buffer_size(buffers)) co_return true;
  }
  std::vector<asio::const_buffer> rest;
  for (const auto& buffer : buffers) {
    if (sent >= buffer.size()) {
      sent -= buffer.size();
      continue;
    }
    rest.push_back(buffer + sent);
    sent = 0;
  }
  connection.stream.expires_after(kWriteTimeout);
  auto [write_ec, n] =
      co_await asio::async_write(connection.stream, rest, asio::as_tuple(asio::use_awaitable));
  co_return !write_ec;
}

asio::awaitable<bool> write_raw(EventStreamConnection& connection, std::string data) {
  std::vector<Outlet::Message> messages;
  messages.push_back(std::make_shared<const std::string>(std::move(data)));
  co_return co_await write_messages(connection, messages);
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
    std::size_t next = 0;
    while (next < batch.producers.size()) {
      std::size_t first = next;
      if (!co_await write_messages(*connection, make_batch(batch.producers, next))) {
        channel.end();
        boost::system::error_code ignored;
        connection->stream.socket().close(ignored);
        co_return;
      }
      channel.written(next - first);
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
  upgrade->on_open = nullptr;
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
  boost::system::error_code non_blocking_ec;
  connection->stream.socket().non_blocking(true, non_blocking_ec);
  connection->write_at_once = !non_blocking_ec;
  // Opened first: the subscriptions are in place when the client sees the headers.
  if (upgrade->on_open) upgrade->on_open(connection->channel);
  upgrade->on_open = nullptr;  // what it holds is needed no more (kept as long as the connection)
  connection->stream.expires_after(kWriteTimeout);
  auto [head_ec, written] = co_await asio::async_write(connection->stream, asio::buffer(head),
                                                       asio::as_tuple(asio::use_awaitable));
  if (head_ec ||
      (!upgrade->preamble.empty() && !co_await write_raw(*connection, upgrade->preamble))) {
    connection->channel->end();
    if (upgrade->on_close) upgrade->on_close();
    co_return;
  }
  std::string().swap(head);
  asio::co_spawn(executor, write_event_stream(connection, upgrade->heartbeat), report);
  // The client sends nothing more; reading tells when it goes away (the buffer lives as long as
  // the connection: small).
  std::array<char, 64> sink;
  for (;;) {
    auto [ec, n] = co_await connection->stream.socket().async_read_some(
        asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
  }
  connection->channel->end();
  if (upgrade->on_close) upgrade->on_close();
}

}  // namespace herd::http::detail
