#include "http/upgrade.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/container/small_vector.hpp>
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

class Channel;

// The wake-ups of one I/O thread's connections: a burst of sends to many of them (one event for
// every subscriber of a stream) is one task on the thread, not one task and one timer
// cancellation each. One per io_context (an Asio service); the connections of an I/O thread run
// on its single thread, so what a wake-up does to a connection needs no lock of the connection's.
class Wakeups final : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;
  explicit Wakeups(asio::execution_context& context) : service(context) {}
  static Wakeups& of(const asio::any_io_executor& executor) {
    return asio::use_service<Wakeups>(asio::query(executor, asio::execution::context));
  }
  // Wakes `channel` on `executor`'s thread (Channel::woken), soon.
  void wake(std::shared_ptr<Channel> channel, const asio::any_io_executor& executor) {
    {
      std::lock_guard lock(mutex_);
      due_.push_back(std::move(channel));
      if (posted_) return;
      posted_ = true;
    }
    asio::post(executor, [this] { run(); });
  }

 private:
  void run();
  void shutdown() override {
    std::lock_guard lock(mutex_);
    due_.clear();
  }
  std::mutex mutex_;
  std::vector<std::shared_ptr<Channel>> due_;
  bool posted_ = false;
};

// The Outlet of one connection: a queue filled from any thread, drained by the connection's
// writer. The writer is a coroutine parked on a timer while there is nothing to write; a wake-up
// either writes what is queued at once on the connection's thread, without resuming the
// coroutine (`write_now`, when the connection has one: an event stream whose socket takes it
// whole), or cancels the timer so that the coroutine writes it.
class Channel final : public Outlet, public std::enable_shared_from_this<Channel> {
 public:
  explicit Channel(const asio::any_io_executor& executor)
      : executor_(executor), wakeups_(Wakeups::of(executor)), wake_(executor) {}

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
    wakeups_.wake(shared_from_this(), executor_);
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      if (wake_pending_) return;
      wake_pending_ = true;
    }
    wakeups_.wake(shared_from_this(), executor_);
  }

  // The connection is gone: nothing more is queued, what was queued is dropped. On the
  // connection's thread (the writer sees it when it next takes).
  void end() {
    {
      std::lock_guard lock(mutex_);
      ended_ = true;
      queue_.clear();
    }
    wake_.cancel();
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
  // Puts producers taken and not made back at the front of the queue (a write that would block).
  void give_back(std::vector<Producer>& producers, std::size_t from) {
    if (from >= producers.size()) return;
    std::lock_guard lock(mutex_);
    std::size_t n = producers.size() - from;
    in_hand_ -= std::min(n, in_hand_);
    queue_.insert(queue_.begin(), std::make_move_iterator(producers.begin() + from),
                  std::make_move_iterator(producers.end()));
  }

  // Waits until woken (true) or `timeout` passes (false). On the connection's thread.
  asio::awaitable<bool> wait(std::chrono::steady_clock::duration timeout) {
    wake_.expires_after(timeout);
    parked_ = true;
    auto [ec] = co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    parked_ = false;
    co_return ec == asio::error::operation_aborted;
  }

  // Writes what is queued without suspending; true when it did (the writer stays parked), false
  // when the writer must go on. Set by the connection; called on its thread while it is parked.
  std::function<bool()> write_now;

  // A wake-up, on the connection's thread.
  void woken() {
    {
      std::lock_guard lock(mutex_);
      wake_pending_ = false;
    }
    if (parked_ && write_now && write_now()) return;
    wake_.cancel();
  }

 private:
  asio::any_io_executor executor_;
  Wakeups& wakeups_;
  asio::steady_timer wake_;
  std::mutex mutex_;
  std::vector<Producer> queue_;  // (a std::deque allocates 576 bytes even when empty)
  std::size_t in_hand_ = 0;      // taken by the writer, not yet written
  bool closing_ = false, ended_ = false, wake_pending_ = false;
  bool parked_ = false;  // the writer waits in wait() (the connection's thread only)
};

void Wakeups::run() {
  std::vector<std::shared_ptr<Channel>> due;
  {
    std::lock_guard lock(mutex_);
    due.swap(due_);
    posted_ = false;
  }
  for (const auto& channel : due) channel->woken();
}

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

struct EventStreamConnection {
  EventStreamConnection(beast::tcp_stream stream, const asio::any_io_executor& executor)
      : stream(std::move(stream)), channel(std::make_shared<Channel>(executor)) {}
  beast::tcp_stream stream;
  std::shared_ptr<Channel> channel;
  bool chunked = true;
  bool non_blocking = false;  // writes are tried at once, without suspending
  std::string unsent;   // what the kernel did not take of a write: the writer coroutine's to write
  bool broken = false;  // a write failed (the writer coroutine closes the connection)
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
};

enum class Wrote { all, partly, failed };

// Writes `messages` in one system call (one HTTP/1.1 chunk when chunked) without suspending; what
// the kernel does not take at once is kept in connection.unsent (partly). With 10,000 streams,
// not going through the scheduler or the write timeout for a write the kernel takes whole is
// most of a fan-out's work outside the kernel.
Wrote write_at_once(EventStreamConnection& connection,
                    const std::vector<Outlet::Message>& messages) {
  std::size_t size = 0;
  for (const auto& message : messages) size += message->size();
  if (size == 0) return Wrote::all;
  char head[20];
  std::size_t head_size =
      connection.chunked
          ? static_cast<std::size_t>(std::snprintf(head, sizeof head, "%zx\r\n", size))
          : 0;
  boost::container::small_vector<asio::const_buffer, 8> buffers;
  if (head_size) buffers.push_back(asio::buffer(head, head_size));
  for (const auto& message : messages) buffers.push_back(asio::buffer(*message));
  if (connection.chunked) buffers.push_back(asio::buffer(std::string_view("\r\n")));
  std::size_t sent = 0;
  if (connection.non_blocking && connection.unsent.empty()) {
    boost::system::error_code ec;
    sent = connection.stream.socket().write_some(buffers, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return Wrote::failed;
    if (sent == head_size + size + (connection.chunked ? 2 : 0)) {
      connection.last_write = std::chrono::steady_clock::now();
      return Wrote::all;
    }
  }
  for (const auto& buffer : buffers) {
    if (sent >= buffer.size()) {
      sent -= buffer.size();
      continue;
    }
    connection.unsent.append(static_cast<const char*>(buffer.data()) + sent, buffer.size() - sent);
    sent = 0;
  }
  return Wrote::partly;
}

Wrote write_raw(EventStreamConnection& connection, std::string data) {
  std::vector<Outlet::Message> messages;
  messages.push_back(std::make_shared<const std::string>(std::move(data)));
  return write_at_once(connection, messages);
}

enum class Queue { written, unsent, closing, ended, failed };

// Makes and writes what is queued, without suspending: written (all of it), unsent (the rest of a
// write is in connection.unsent, the producers not made are queued again), closing (written, and
// the connection is to close), ended or failed.
Queue write_queued(EventStreamConnection& connection) {
  auto& channel = *connection.channel;
  auto batch = channel.take();
  if (batch.ended) return Queue::ended;
  std::size_t next = 0;
  while (next < batch.producers.size()) {
    std::size_t first = next;
    Wrote wrote = write_at_once(connection, make_batch(batch.producers, next));
    channel.written(next - first);
    if (wrote == Wrote::failed) {
      connection.broken = true;
      return Queue::failed;
    }
    if (wrote == Wrote::partly) {
      channel.give_back(batch.producers, next);
      return Queue::unsent;
    }
  }
  return batch.closing ? Queue::closing : Queue::written;
}

asio::awaitable<void> write_event_stream(std::shared_ptr<EventStreamConnection> connection,
                                         std::string heartbeat) {
  auto& c = *connection;
  auto& channel = *c.channel;
  // While the coroutine is parked, a wake-up writes what is queued itself when the kernel takes
  // it whole (Channel::write_now); the coroutine is resumed for the rest.
  struct Attached {
    Channel& channel;
    ~Attached() { channel.write_now = nullptr; }
  } attached{channel};
  if (c.non_blocking)
    channel.write_now = [&c] {
      return c.unsent.empty() && !c.broken && write_queued(c) == Queue::written;
    };
  auto fail = [&] {
    channel.end();
    boost::system::error_code ignored;
    c.stream.socket().close(ignored);
  };
  for (;;) {
    if (c.broken) co_return fail();
    if (!c.unsent.empty()) {
      c.stream.expires_after(kWriteTimeout);
      auto [ec, n] = co_await asio::async_write(c.stream, asio::buffer(c.unsent),
                                                asio::as_tuple(asio::use_awaitable));
      if (ec) co_return fail();
      c.unsent.clear();
      c.last_write = std::chrono::steady_clock::now();
    }
    switch (write_queued(c)) {
      case Queue::unsent:
        continue;
      case Queue::failed:
        co_return fail();
      case Queue::ended:
        co_return;
      case Queue::closing: {
        if (c.chunked) {
          c.stream.expires_after(kWriteTimeout);
          co_await asio::async_write(c.stream, asio::buffer(std::string_view("0\r\n\r\n")),
                                     asio::as_tuple(asio::use_awaitable));
        }
        boost::system::error_code ignored;
        c.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        channel.end();
        co_return;
      }
      case Queue::written:
        break;
    }
    // Nothing to write: wait for a wake-up, or send the heartbeat after kHeartbeat of silence
    // (writes made by wake-ups meanwhile count).
    auto now = std::chrono::steady_clock::now();
    auto quiet = heartbeat.empty() ? kHeartbeat : c.last_write + kHeartbeat - now;
    if (quiet > std::chrono::steady_clock::duration::zero() && co_await channel.wait(quiet))
      continue;
    if (!heartbeat.empty() && std::chrono::steady_clock::now() >= c.last_write + kHeartbeat &&
        write_raw(c, heartbeat) == Wrote::failed)
      co_return fail();
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
  connection->non_blocking = !non_blocking_ec;
  // Opened first: the subscriptions are in place when the client sees the headers.
  if (upgrade->on_open) upgrade->on_open(connection->channel);
  upgrade->on_open = nullptr;  // what it holds is needed no more (kept as long as the connection)
  connection->stream.expires_after(kWriteTimeout);
  auto [head_ec, written] = co_await asio::async_write(connection->stream, asio::buffer(head),
                                                       asio::as_tuple(asio::use_awaitable));
  connection->last_write = std::chrono::steady_clock::now();
  if (head_ec ||
      (!upgrade->preamble.empty() && write_raw(*connection, upgrade->preamble) == Wrote::failed)) {
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
