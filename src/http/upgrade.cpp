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

  // Wakes the writer coroutine if it is parked; on the connection's thread.
  void nudge() { wake_.cancel(); }

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

// ---- writing ---------------------------------------------------------------------------------

// The writing side of a streaming connection, on its I/O thread. Messages are framed (as an
// HTTP/1.1 chunk, as they are, or as WebSocket text frames) and written with one non-blocking
// sendmsg when nothing waits to be written before them: with 10,000 streams, not going through
// the scheduler or a write timeout for a write the kernel takes whole is most of a fan-out's work
// outside the kernel. What the kernel does not take waits in `backlog` for the writer coroutine
// (flush_backlog), as do bytes added while it writes them.
struct Outgoing {
  enum class Framing { chunked, plain, websocket };
  Outgoing(std::shared_ptr<Channel> channel, Framing framing)
      : channel(std::move(channel)), framing(framing) {}

  std::shared_ptr<Channel> channel;
  Framing framing;
  tcp::socket* socket = nullptr;
  bool at_once = false;   // the socket is non-blocking: writes are tried at once
  std::string backlog;    // written by the writer coroutine, in order, before anything else
  bool flushing = false;  // the writer coroutine is writing what was in the backlog
  bool broken = false;    // a write failed
  bool closed = false;    // WebSocket: the close frame went out (no message may follow it)
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();

  bool idle() const { return backlog.empty() && !flushing; }

  // Writes go to `to` (made non-blocking: then they are tried at once).
  void attach(tcp::socket& to) {
    socket = &to;
    boost::system::error_code ec;
    socket->non_blocking(true, ec);
    at_once = !ec;
  }
  // The connection failed: nothing more is queued, and the socket is closed (its reader ends).
  void fail() {
    channel->end();
    boost::system::error_code ignored;
    socket->close(ignored);
  }

  // Writes `buffers` at once when nothing waits before them, else (and what the kernel does not
  // take) into the backlog; false when the socket failed.
  template <class Buffers>
  bool write(const Buffers& buffers) {
    std::size_t total = asio::buffer_size(buffers), sent = 0;
    if (total == 0) return true;
    if (broken) return false;
    if (at_once && idle()) {
      boost::system::error_code ec;
      sent = socket->write_some(buffers, ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
        broken = true;
        return false;
      }
      if (sent == total) {
        last_write = std::chrono::steady_clock::now();
        return true;
      }
    }
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
         ++it) {
      asio::const_buffer buffer(*it);
      if (sent >= buffer.size()) {
        sent -= buffer.size();
        continue;
      }
      backlog.append(static_cast<const char*>(buffer.data()) + sent, buffer.size() - sent);
      sent = 0;
    }
    return true;
  }
};

// Frames and writes `messages` (one write: one chunk of the event stream, or a frame each).
bool write_messages(Outgoing& out, const std::vector<Outlet::Message>& messages) {
  if (messages.empty()) return true;
  boost::container::small_vector<asio::const_buffer, 8> buffers;
  char chunk_head[20];
  struct FrameHead {
    unsigned char bytes[10];
    std::size_t size;
  };
  boost::container::small_vector<FrameHead, 4> heads;
  switch (out.framing) {
    case Outgoing::Framing::chunked: {
      std::size_t size = 0;
      for (const auto& message : messages) size += message->size();
      if (size == 0) return true;
      int n = std::snprintf(chunk_head, sizeof chunk_head, "%zx\r\n", size);
      buffers.push_back(asio::buffer(chunk_head, static_cast<std::size_t>(n)));
      for (const auto& message : messages) buffers.push_back(asio::buffer(*message));
      buffers.push_back(asio::buffer(std::string_view("\r\n")));
      break;
    }
    case Outgoing::Framing::plain:
      for (const auto& message : messages) buffers.push_back(asio::buffer(*message));
      break;
    case Outgoing::Framing::websocket:
      // A final text frame each, unmasked (RFC 6455 5.2; no extension is negotiated).
      heads.resize(messages.size());
      for (std::size_t i = 0; i < messages.size(); ++i) {
        auto& head = heads[i];
        std::uint64_t size = messages[i]->size();
        head.bytes[0] = 0x81;
        if (size < 126) {
          head.bytes[1] = static_cast<unsigned char>(size);
          head.size = 2;
        } else if (size <= 0xFFFF) {
          head.bytes[1] = 126;
          head.bytes[2] = static_cast<unsigned char>(size >> 8);
          head.bytes[3] = static_cast<unsigned char>(size);
          head.size = 4;
        } else {
          head.bytes[1] = 127;
          for (int k = 0; k < 8; ++k)
            head.bytes[2 + k] = static_cast<unsigned char>(size >> (56 - 8 * k));
          head.size = 10;
        }
        buffers.push_back(asio::buffer(head.bytes, head.size));
        buffers.push_back(asio::buffer(*messages[i]));
      }
      break;
  }
  return out.write(buffers);
}

bool write_text(Outgoing& out, std::string text) {
  std::vector<Outlet::Message> messages;
  messages.push_back(std::make_shared<const std::string>(std::move(text)));
  return write_messages(out, messages);
}

enum class Queue { written, unsent, closing, ended, failed };

// Makes and writes what is queued, without suspending: written (all of it), unsent (the rest
// waits in the backlog, the producers not made are queued again), closing (written, and the
// connection is to close), ended or failed.
Queue write_queued(Outgoing& out) {
  auto& channel = *out.channel;
  auto batch = channel.take();
  if (batch.ended || out.closed) {
    channel.written(batch.producers.size());
    return Queue::ended;
  }
  std::size_t next = 0;
  while (next < batch.producers.size()) {
    std::size_t first = next;
    bool wrote = write_messages(out, make_batch(batch.producers, next));
    channel.written(next - first);
    if (!wrote) return Queue::failed;
    if (!out.backlog.empty()) {
      channel.give_back(batch.producers, next);
      return Queue::unsent;
    }
  }
  return batch.closing ? Queue::closing : Queue::written;
}

// Writes the backlog and what joins it meanwhile (with the write timeout when `timed` is given:
// the event stream's); false when the socket failed.
asio::awaitable<bool> flush_backlog(Outgoing& out, beast::tcp_stream* timed) {
  while (!out.backlog.empty() && !out.broken) {
    std::string writing;
    writing.swap(out.backlog);
    out.flushing = true;
    boost::system::error_code ec;
    if (timed) {
      timed->expires_after(kWriteTimeout);
      std::tie(ec, std::ignore) = co_await asio::async_write(*timed, asio::buffer(writing),
                                                             asio::as_tuple(asio::use_awaitable));
    } else {
      std::tie(ec, std::ignore) = co_await asio::async_write(*out.socket, asio::buffer(writing),
                                                             asio::as_tuple(asio::use_awaitable));
    }
    out.flushing = false;
    if (ec) out.broken = true;
    out.last_write = std::chrono::steady_clock::now();
  }
  co_return !out.broken;
}

// What the writer coroutine does when resumed: writes the backlog and what is queued until
// nothing is left (written), or the connection is to close (closing), ended or failed.
asio::awaitable<Queue> write_everything(Outgoing& out, beast::tcp_stream* timed) {
  for (;;) {
    if (!co_await flush_backlog(out, timed)) co_return Queue::failed;
    Queue queue = write_queued(out);
    if (queue != Queue::unsent) co_return queue;
  }
}

// While the writer coroutine is parked, a wake-up writes what is queued itself when the kernel
// takes it whole (Channel::write_now); the coroutine is resumed for the rest. Detached when the
// coroutine ends.
struct WriteNow {
  explicit WriteNow(Outgoing& out) : channel(*out.channel) {
    if (out.at_once)
      channel.write_now = [&out] {
        return out.idle() && !out.broken && !out.closed && write_queued(out) == Queue::written;
      };
  }
  ~WriteNow() { channel.write_now = nullptr; }
  Channel& channel;
};

// ---- WebSocket --------------------------------------------------------------------------------

// The transport under Beast's websocket::stream: reads go to the socket; Beast's own writes (the
// handshake's answer, pings, pongs, the close frame) join the connection's Outgoing bytes, in
// order with the message frames the connection writes itself (write_messages), so that the two
// never interleave within a frame. Beast still reads, answers and times out as before.
class FramedSocket {
 public:
  using executor_type = asio::any_io_executor;
  FramedSocket(tcp::socket socket, std::shared_ptr<Outgoing> out)
      : socket_(std::move(socket)), out_(std::move(out)) {}
  executor_type get_executor() noexcept { return socket_.get_executor(); }
  tcp::socket& socket() { return socket_; }
  Outgoing& out() { return *out_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return socket_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& buffers) {
          Outgoing& out = *out_;
          std::size_t size = asio::buffer_size(buffers);
          for (auto it = asio::buffer_sequence_begin(buffers);
               it != asio::buffer_sequence_end(buffers); ++it)
            if (asio::const_buffer(*it).size()) {  // a frame starts each write (Beast's whole)
              if (*static_cast<const unsigned char*>(asio::const_buffer(*it).data()) == 0x88)
                out.closed = true;
              break;
            }
          boost::system::error_code ec;
          if (!out.write(buffers))
            ec = asio::error::broken_pipe;
          else if (!out.backlog.empty() && !out.flushing)
            out.channel->nudge();  // the writer coroutine writes it
          auto executor = asio::get_associated_executor(handler, socket_.get_executor());
          asio::post(executor, beast::bind_front_handler(std::move(handler), ec, ec ? 0 : size));
        },
        token, buffers);
  }

 private:
  tcp::socket socket_;
  std::shared_ptr<Outgoing> out_;
};

// Beast's customisation points for FramedSocket (found by argument-dependent lookup; only the
// asynchronous ones: the synchronous API is not used).
void beast_close_socket(FramedSocket& framed) {
  boost::system::error_code ignored;
  framed.socket().close(ignored);
}

// The end of the connection after the closing handshake: what still waits to be written (the
// close frame, when the kernel did not take it at once), then the socket's end.
template <class Handler>
void async_teardown(beast::role_type, FramedSocket& framed, Handler&& handler) {
  auto executor = asio::get_associated_executor(handler, framed.get_executor());
  auto finish = [&framed, executor, handler = std::forward<Handler>(handler)](
                    boost::system::error_code, std::size_t) mutable {
    boost::system::error_code ignored;
    framed.socket().shutdown(tcp::socket::shutdown_both, ignored);
    framed.socket().close(ignored);
    asio::post(executor,
               beast::bind_front_handler(std::move(handler), boost::system::error_code{}));
  };
  Outgoing& out = framed.out();
  if (out.backlog.empty() || out.flushing || out.broken) return finish({}, 0);
  auto rest = std::make_shared<std::string>();
  rest->swap(out.backlog);
  asio::async_write(framed.socket(), asio::buffer(*rest),
                    [rest, finish = std::move(finish)](boost::system::error_code ec,
                                                       std::size_t n) mutable { finish(ec, n); });
}

struct WebSocketConnection {
  WebSocketConnection(tcp::socket socket, const asio::any_io_executor& executor)
      : out(std::make_shared<Outgoing>(std::make_shared<Channel>(executor),
                                       Outgoing::Framing::websocket)),
        ws(FramedSocket(std::move(socket), out)) {
    out->attach(ws.next_layer().socket());
  }
  std::shared_ptr<Outgoing> out;
  websocket::stream<FramedSocket> ws;
};

asio::awaitable<void> write_websocket(std::shared_ptr<WebSocketConnection> connection) {
  auto& out = *connection->out;
  auto& channel = *out.channel;
  WriteNow attached(out);
  for (;;) {
    switch (co_await write_everything(out, nullptr)) {
      case Queue::unsent:  // (write_everything goes on until there is none)
      case Queue::failed:
        co_return out.fail();
      case Queue::ended:
        co_return;
      case Queue::closing:
        co_await connection->ws.async_close(websocket::close_code::normal,
                                            asio::as_tuple(asio::use_awaitable));
        co_return;
      case Queue::written:
        break;
    }
    co_await channel.wait(std::chrono::hours(1));  // pings are Beast's (idle timeout)
  }
}

// ---- event stream -----------------------------------------------------------------------------

struct EventStreamConnection {
  EventStreamConnection(beast::tcp_stream stream, const asio::any_io_executor& executor,
                        bool chunked)
      : stream(std::move(stream)),
        out(std::make_shared<Channel>(executor),
            chunked ? Outgoing::Framing::chunked : Outgoing::Framing::plain) {
    out.attach(this->stream.socket());
  }
  beast::tcp_stream stream;
  Outgoing out;
};

asio::awaitable<void> write_event_stream(std::shared_ptr<EventStreamConnection> connection,
                                         std::string heartbeat) {
  auto& out = connection->out;
  auto& channel = *out.channel;
  WriteNow attached(out);
  for (;;) {
    switch (co_await write_everything(out, &connection->stream)) {
      case Queue::unsent:  // (write_everything goes on until there is none)
      case Queue::failed:
        co_return out.fail();
      case Queue::ended:
        co_return;
      case Queue::closing: {
        if (out.framing == Outgoing::Framing::chunked) {
          connection->stream.expires_after(kWriteTimeout);
          co_await asio::async_write(connection->stream,
                                     asio::buffer(std::string_view("0\r\n\r\n")),
                                     asio::as_tuple(asio::use_awaitable));
        }
        boost::system::error_code ignored;
        out.socket->shutdown(tcp::socket::shutdown_both, ignored);
        channel.end();
        co_return;
      }
      case Queue::written:
        break;
    }
    // Nothing to write: wait for a wake-up, or send the heartbeat after kHeartbeat of silence
    // (writes made by wake-ups meanwhile count).
    auto now = std::chrono::steady_clock::now();
    auto quiet = heartbeat.empty() ? kHeartbeat : out.last_write + kHeartbeat - now;
    if (quiet > std::chrono::steady_clock::duration::zero() && co_await channel.wait(quiet))
      continue;
    if (!heartbeat.empty() && std::chrono::steady_clock::now() >= out.last_write + kHeartbeat &&
        !write_text(out, heartbeat))
      co_return out.fail();
  }
}

}  // namespace

asio::awaitable<void> serve_websocket(beast::tcp_stream stream,
                                      bhttp::request<bhttp::string_body> request,
                                      std::shared_ptr<Upgrade> upgrade) {
  auto executor = co_await asio::this_coro::executor;
  metrics::StreamingConnection counted("websocket");
  stream.expires_never();
  auto connection = std::make_shared<WebSocketConnection>(stream.release_socket(), executor);
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
  if (upgrade->on_open) upgrade->on_open(connection->out->channel);
  upgrade->on_open = nullptr;
  auto [accept_ec] = co_await ws.async_accept(request, asio::as_tuple(asio::use_awaitable));
  if (accept_ec) {
    connection->out->channel->end();
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
  connection->out->channel->end();
  if (upgrade->on_close) upgrade->on_close();
}

asio::awaitable<void> serve_event_stream(beast::tcp_stream stream, std::string head, bool chunked,
                                         std::shared_ptr<Upgrade> upgrade) {
  auto executor = co_await asio::this_coro::executor;
  metrics::StreamingConnection counted("sse");
  auto connection = std::make_shared<EventStreamConnection>(std::move(stream), executor, chunked);
  auto& out = connection->out;
  // Opened first: the subscriptions are in place when the client sees the headers.
  if (upgrade->on_open) upgrade->on_open(out.channel);
  upgrade->on_open = nullptr;  // what it holds is needed no more (kept as long as the connection)
  connection->stream.expires_after(kWriteTimeout);
  auto [head_ec, written] = co_await asio::async_write(connection->stream, asio::buffer(head),
                                                       asio::as_tuple(asio::use_awaitable));
  out.last_write = std::chrono::steady_clock::now();
  if (head_ec || (!upgrade->preamble.empty() && !write_text(out, upgrade->preamble))) {
    out.channel->end();
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
  out.channel->end();
  if (upgrade->on_close) upgrade->on_close();
}

}  // namespace herd::http::detail
