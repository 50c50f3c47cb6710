// Long-lived responses: a handler may answer with a Response that carries an Upgrade, and the
// server then keeps the connection as a WebSocket (RFC 6455) or as a server-sent event stream
// (text/event-stream), independent of the network library.
//
// WebSocket: the handler answers status 101 with Upgrade{kind = websocket}; the server completes
// the handshake (echoing `subprotocol` as Sec-WebSocket-Protocol when set), pings an idle client
// every 30 s, answers its pings, closes after 60 s without a sign of life, and passes each text
// message to on_message.
// Event stream: the handler answers 200 with Upgrade{kind = event_stream}; the server sends the
// status line and the Response's headers (chunked on HTTP/1.1), then what the handler sends, and
// `heartbeat` after 15 s without anything to send.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herd::http {

// The sending side of a long-lived connection. Thread-safe; never blocks.
//
// Memory per connection is bounded: a client that falls kMaxQueued messages behind (queued and
// not yet written) is disconnected, with a warning in the log; and the writer takes at most
// kMaxBatchBytes of made messages at a time (one write: one chunk of the event stream, or a
// WebSocket frame each), leaving the rest queued until the client has read what went before.
class Outlet {
 public:
  // A message's bytes, possibly shared with other connections (one frame made once per event for
  // every subscriber of a public stream).
  using Message = std::shared_ptr<const std::string>;
  // Makes one message (a WebSocket text frame, or bytes of the event stream) when its turn to be
  // written comes, on the connection's own thread; nullptr sends nothing.
  using Producer = std::function<Message()>;

  virtual ~Outlet() = default;
  // Queues a message (see above for a client that falls behind).
  virtual void send(Producer producer) = 0;
  void send_text(std::string text) {
    send([message = std::make_shared<const std::string>(std::move(text))] { return message; });
  }
  // Closes the connection once the messages queued so far are written.
  virtual void close() = 0;

  static constexpr std::size_t kMaxQueued = 1000;
  static constexpr std::size_t kMaxBatchBytes = 256 * 1024;
};

struct Upgrade {
  enum class Kind { websocket, event_stream };
  Kind kind = Kind::websocket;
  std::string subprotocol;             // websocket: echoed in the 101 response when not empty
  std::string heartbeat = ":thump\n";  // event stream: sent after 15 s of silence
  std::string preamble = ":)\n";       // event stream: sent right after the headers
  // The connection is taken over: messages go through `outlet` from now on.
  std::function<void(std::shared_ptr<Outlet> outlet)> on_open;
  // websocket: a text message from the client.
  std::function<void(std::string_view message)> on_message;
  // The connection ended (either side); called once, after on_open.
  std::function<void()> on_close;
};

}  // namespace herd::http
