// The HTTP/1.1 server: Boost.Beast on Asio, one io_context per I/O thread; accepted connections go
// round the threads, and each is served by its thread until it closes. Each connection is a
// coroutine; requests are parsed into http::Request, handed to `dispatch` (which may block
// briefly: SQLite reads, hashing) and the Response is written back. Keep-alive, body-size limits
// (413 with a JSON error) and graceful stop on SIGINT/SIGTERM.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/request.hpp"

namespace herd::http {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 3000;                // 0 picks a free port (see Server::port())
  std::size_t max_body_bytes = 1 << 20;     // JSON and forms
  std::size_t max_upload_bytes = 40 << 20;  // multipart/form-data (media)
  int threads = 2;                          // I/O threads: parse, write, and the fast path
  // Worker threads that run `dispatch` (handlers may block: SQLite, argon2id, remote fetches).
  // 0 runs dispatch on the I/O threads.
  int workers = 4;
  // Most connections open at once from one client address (0: no cap); one more is answered
  // 429 and closed. Addresses for which `uncapped` says true (trusted proxies, whose clients
  // the proxy caps) are not counted.
  int max_connections_per_address = 0;
  std::function<bool(const std::string& address)> uncapped;
  // Requests this says yes to (quick local reads: http::Cost::quick_read) run `dispatch` on the
  // I/O thread that read them, as long as fewer than `max_inline` I/O threads are doing so;
  // others go to a worker. Saves the hand-over to a worker and back (two thread wake-ups).
  std::function<bool(Request&)> runs_inline;
  int max_inline = 0;
  // Runs those in fibers (http/fiber.hpp): one waiting for its database socket gives the I/O
  // thread back to the event loop, which resumes it once the socket is readable (on the same
  // thread: a connection stays on its I/O thread). max_inline then caps the fibers in flight on
  // each I/O thread; a quick read beyond the cap waits there for a fiber of its thread to end.
  bool inline_fibers = false;
};

using Dispatch = std::function<Response(Request&)>;
// Answers on the I/O thread when it can do so without blocking (a cached response); nullopt
// sends the request on to `dispatch` on a worker.
using FastPath = std::function<std::optional<Response>(Request&)>;

class Server {
 public:
  Server(ServerOptions options, Dispatch dispatch, FastPath fast_path = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; throws std::runtime_error with the address on failure.
  void listen();
  std::uint16_t port() const;
  // Serves until stop() or a SIGINT/SIGTERM; blocks the calling thread.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::http
