#include "http/server.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <climits>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/log.hpp"
#include "http/fiber.hpp"
#include "http/stream.hpp"
#include "http/upgrade.hpp"

namespace herd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::Impl {
  // One I/O thread: its own io_context (a connection's coroutine, its timers, its WebSocket or
  // event stream and its fibers all stay on this thread) and its fibers' turns.
  struct Lane {
    // Fibers in flight here (ServerOptions::inline_fibers, at most max_inline) and the quick reads
    // waiting for one of them to end, first come first served. Touched only by this lane's thread.
    int fibers = 0;
    std::deque<asio::steady_timer*> waiting;
    // The database sockets its fibers wait for (store::wait_readable), each with the timer its
    // session awaits (cancelled once the socket is readable): armed for one readiness each
    // (EPOLLONESHOT) in an epoll set of the lane's own, itself watched by `io`, instead of each
    // registered with `io` and released again (epoll_ctl ADD, an ioctl and DEL a wait).
    // database_epoll: -1 not made yet, -2 not usable (the waits register with `io` as before).
    std::vector<std::pair<int, asio::steady_timer*>> database_waits;
    int database_epoll = -1;
    bool database_watched = false;  // an async_wait of database_watch is pending
    asio::io_context io{1};  // run by one thread; destroyed first (its coroutines use the above)
    std::optional<asio::posix::stream_descriptor> database_watch;  // owns database_epoll
  };
  // Arms `fd` for one readiness in the lane's set; false when it cannot (then wait as before).
  static bool arm_database_wait(Lane& lane, int fd);
  // Watches the lane's set while a fiber waits; wakes the fibers whose sockets are readable.
  static void watch_database_waits(Lane& lane);
  static std::vector<std::unique_ptr<Lane>> make_lanes(int threads) {
    std::vector<std::unique_ptr<Lane>> lanes;
    for (int i = 0; i < std::max(1, threads); ++i) lanes.push_back(std::make_unique<Lane>());
    return lanes;
  }

  explicit Impl(int threads) : lanes(make_lanes(threads)) {}
  ServerOptions options;
  Dispatch dispatch;
  FastPath fast_path;
  std::unique_ptr<asio::thread_pool> workers;
  std::atomic<int> running_inline{0};  // I/O threads running dispatch (ServerOptions::runs_inline)
  std::vector<std::unique_ptr<Lane>> lanes;  // one per I/O thread; accepted connections go round
  std::size_t next_lane = 0;                 // (the accept loop's only)
  tcp::acceptor acceptor{lanes.front()->io};
  asio::signal_set signals{lanes.front()->io, SIGINT, SIGTERM};

  // Connections open per client address (ServerOptions::max_connections_per_address).
  std::mutex connections_mutex;
  std::unordered_map<std::string, int> connections;

  asio::awaitable<void> accept_loop();
  // A slot for a connection from `address`: released when the last copy goes (the session, or
  // the WebSocket/event stream that took the connection over); nullptr when the address is at
  // its cap.
  std::shared_ptr<void> take_connection_slot(const std::string& address);
  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<void> slot, Lane& lane);
};

std::shared_ptr<void> Server::Impl::take_connection_slot(const std::string& address) {
  int cap = options.max_connections_per_address;
  if (cap <= 0 || (options.uncapped && options.uncapped(address))) return std::make_shared<int>(0);
  std::lock_guard lock(connections_mutex);
  int& open = connections[address];
  if (open >= cap) {
    if (open == 0) connections.erase(address);
    return nullptr;
  }
  ++open;
  return std::shared_ptr<int>(new int(0), [this, address](int* counted) {
    delete counted;
    std::lock_guard lock(connections_mutex);
    auto it = connections.find(address);
    if (it != connections.end() && --it->second <= 0) connections.erase(it);
  });
}

namespace {

// The answer to a connection over its address's cap: 429, then closed.
asio::awaitable<void> refuse_connection(tcp::socket socket) {
  static const std::string kBody = R"({"error":"Too many connections from this address"})";
  static const std::string kResponse =
      "HTTP/1.1 429 Too Many Requests\r\nServer: herd\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(kBody.size()) + "\r\nConnection: close\r\n\r\n" + kBody;
  asio::steady_timer timer(socket.get_executor());
  timer.expires_after(std::chrono::seconds(5));
  timer.async_wait([&socket](boost::system::error_code ec) {
    boost::system::error_code ignored;
    if (!ec) socket.close(ignored);
  });
  co_await asio::async_write(socket, asio::buffer(kResponse), asio::as_tuple(asio::use_awaitable));
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  timer.cancel();
  socket.close(ignored);
}

}  // namespace

Server::Server(ServerOptions options, Dispatch dispatch, FastPath fast_path)
    : impl_(std::make_unique<Impl>(options.threads)) {
  impl_->fast_path = std::move(fast_path);
  if (options.workers > 0) impl_->workers = std::make_unique<asio::thread_pool>(options.workers);
  impl_->options = std::move(options);
  impl_->dispatch = std::move(dispatch);
}

Server::~Server() = default;

void Server::listen() {
  auto& acceptor = impl_->acceptor;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.bind, ec);
  if (ec) throw std::runtime_error("BIND: not an IP address: " + impl_->options.bind);
  tcp::endpoint endpoint(address, impl_->options.port);
  acceptor.open(endpoint.protocol());
  // Asio does not open sockets close-on-exec: a program this process starts must not inherit
  // the listening socket (herd grid spawns nginx and instances; backups run pg_dump).
  ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + impl_->options.bind + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections);
}

std::uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::run() {
  auto& impl = *impl_;
  impl.signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    std::cerr << "herd: received signal " << signal_number << ", stopping\n";
    stop();
  });
  asio::co_spawn(impl.acceptor.get_executor(), impl.accept_loop(), [](std::exception_ptr error) {
    if (error) std::cerr << "herd: the accept loop ended by an error\n";
  });
  // Each lane runs until stop(), connections or not.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& lane : impl.lanes) guards.push_back(asio::make_work_guard(lane->io));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.lanes.size(); ++i)
    threads.emplace_back([lane = impl.lanes[i].get()] { lane->io.run(); });
  impl.lanes.front()->io.run();
  for (auto& thread : threads) thread.join();
}

void Server::stop() {
  asio::post(impl_->lanes.front()->io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->signals.cancel(ignored);
    for (auto& lane : impl->lanes) lane->io.stop();
  });
}

bool Server::Impl::arm_database_wait(Lane& lane, int fd) {
  if (lane.database_epoll == -1) {
    lane.database_epoll = -2;
    int set = ::epoll_create1(EPOLL_CLOEXEC);
    if (set < 0) return false;
    boost::system::error_code ec;
    lane.database_watch.emplace(lane.io);
    lane.database_watch->assign(set, ec);
    if (ec) {
      lane.database_watch.reset();
      ::close(set);
      return false;
    }
    lane.database_epoll = set;
  }
  if (lane.database_epoll < 0) return false;
  // Level-triggered, once: armed again by the next wait (MOD), readable at once if it already is.
  // A closed socket leaves the set by itself; its number, taken again, is added anew (ENOENT).
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.fd = fd;
  if (::epoll_ctl(lane.database_epoll, EPOLL_CTL_MOD, fd, &event) == 0) return true;
  return errno == ENOENT && ::epoll_ctl(lane.database_epoll, EPOLL_CTL_ADD, fd, &event) == 0;
}

void Server::Impl::watch_database_waits(Lane& lane) {
  if (lane.database_watched || lane.database_waits.empty()) return;
  lane.database_watched = true;
  lane.database_watch->async_wait(
      asio::posix::stream_descriptor::wait_read, [&lane](boost::system::error_code ec) {
        lane.database_watched = false;
        if (ec == asio::error::operation_aborted) return;  // stopping
        if (ec) {  // not expected: every waiting fiber tries again, the next waits as before
          log::error("database socket waits: {}", ec.message());
          lane.database_epoll = -2;
          for (auto& [fd, ready] : lane.database_waits) ready->cancel();
          lane.database_waits.clear();
          return;
        }
        // Every readiness reported (the set is then not readable: the next one is a new edge
        // for `io`, which the async_wait below, started before `io` looks again, receives).
        std::array<epoll_event, 64> events;
        int n = 0;
        do {
          n = ::epoll_wait(lane.database_epoll, events.data(), static_cast<int>(events.size()), 0);
          for (int i = 0; i < n; ++i) {
            auto& waits = lane.database_waits;
            auto it = std::find_if(waits.begin(), waits.end(),
                                   [&](const auto& w) { return w.first == events[i].data.fd; });
            if (it == waits.end()) continue;
            it->second->cancel();
            waits.erase(it);
          }
        } while (n == static_cast<int>(events.size()) || (n < 0 && errno == EINTR));
        watch_database_waits(lane);
      });
}

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    // Connections go round the lanes: each is served by one I/O thread from accept to close.
    Lane& lane = *lanes[next_lane++ % lanes.size()];
    auto [ec, accepted] =
        co_await acceptor.async_accept(lane.io, asio::as_tuple(asio::use_awaitable));
    tcp::socket socket(std::move(accepted));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      continue;  // EMFILE and the like: keep serving existing connections
    }
    std::string address;
    {
      boost::system::error_code endpoint_ec;
      auto endpoint = socket.remote_endpoint(endpoint_ec);
      if (!endpoint_ec) address = endpoint.address().to_string();
    }
    std::shared_ptr<void> slot = take_connection_slot(address);
    if (!slot) {
      log::info("connection from {} refused: {} connections open (HERD_MAX_CONNECTIONS_PER_IP)",
                address, options.max_connections_per_address);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, refuse_connection(std::move(socket)), asio::detached);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket), std::move(slot), lane),
                   [](std::exception_ptr error) {
                     if (!error) return;
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       std::cerr << "herd: connection ended by an error: " << e.what() << "\n";
                     } catch (...) {
                     }
                   });
  }
}

namespace {

// The status line and headers of a response, serialised by hand: one gather write of (head, body)
// sends a response without copying the body (cached bodies are shared, not copied). An event
// stream has no length: chunked on HTTP/1.1, ended by closing on HTTP/1.0.
std::string serialize_head(const Response& response, unsigned version, bool keep_alive,
                           bool event_stream = false) {
  std::string head;
  head.reserve(512);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += std::string_view(bhttp::obsolete_reason(static_cast<bhttp::status>(response.status)));
  head += "\r\nServer: herd\r\n";
  if (!response.content_type.empty()) {
    head += "Content-Type: ";
    head += response.content_type;
    head += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (event_stream) {
    head += version == 10 ? "Connection: close\r\n" : "Transfer-Encoding: chunked\r\n";
    head += "\r\n";
    return head;
  }
  head += "Content-Length: ";
  head += std::to_string(response.payload_size());
  head += "\r\n";
  if (!keep_alive)
    head += "Connection: close\r\n";
  else if (version == 10)
    head += "Connection: keep-alive\r\n";
  head += "\r\n";
  return head;
}

Response body_too_large() {
  return Response::error(413, "Request body is larger than this server accepts");
}

void report_stream_error(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::cerr << "herd: stream ended by an error: " << e.what() << "\n";
  } catch (...) {
  }
}

// Writes the head and (unless `head_only`) the body with one gather write. A body in pieces
// (BodyPieces) is offered to the socket in one sendmsg of every piece (asio's writes take at most
// 64 buffers a call); what the socket does not take at once follows with async_write.
asio::awaitable<boost::system::error_code> write_response(beast::tcp_stream& stream,
                                                          const std::string& head_bytes,
                                                          const Response& response,
                                                          bool head_only) {
  if (head_only || !response.pieces || response.pieces->count() + 1 > IOV_MAX) {
    std::string flat = head_only || !response.pieces ? std::string() : response.pieces->flatten();
    const std::string& payload = response.pieces ? flat : response.payload();
    std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head_bytes), head_only ? asio::const_buffer() : asio::buffer(payload)};
    auto [ec, written] =
        co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  }
  std::vector<iovec> pieces;
  pieces.reserve(response.pieces->count() + 1);
  pieces.push_back(iovec{const_cast<char*>(head_bytes.data()), head_bytes.size()});
  response.pieces->for_each([&](std::string_view piece) {
    pieces.push_back(iovec{const_cast<char*>(piece.data()), piece.size()});
  });
  msghdr message{};
  message.msg_iov = pieces.data();
  message.msg_iovlen = pieces.size();
  ssize_t sent = ::sendmsg(stream.socket().native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    co_return boost::system::error_code(errno, boost::system::system_category());
  std::size_t skip = sent > 0 ? static_cast<std::size_t>(sent) : 0;
  std::vector<asio::const_buffer> rest;  // what the socket did not take
  for (const iovec& piece : pieces) {
    if (skip >= piece.iov_len) {
      skip -= piece.iov_len;
      continue;
    }
    rest.emplace_back(static_cast<const char*>(piece.iov_base) + skip, piece.iov_len - skip);
    skip = 0;
  }
  if (rest.empty()) co_return boost::system::error_code();
  auto [ec, written] =
      co_await asio::async_write(stream, rest, asio::as_tuple(asio::use_awaitable));
  co_return ec;
}

}  // namespace

asio::awaitable<void> Server::Impl::session(tcp::socket socket, std::shared_ptr<void> slot,
                                            Lane& lane) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  std::string remote;
  {
    boost::system::error_code ec;
    auto endpoint = stream.socket().remote_endpoint(ec);
    if (!ec) remote = endpoint.address().to_string();
  }
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(boost::none);
    stream.expires_after(std::chrono::seconds(75));
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser,
                                                     asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    auto& header = parser.get();
    unsigned version = header.version();
    bool keep_alive = header.keep_alive();
    std::string content_type(header[bhttp::field::content_type]);
    bool is_upload = content_type.rfind("multipart/form-data", 0) == 0;
    std::size_t limit = is_upload ? options.max_upload_bytes : options.max_body_bytes;
    if (parser.content_length() && *parser.content_length() > limit) {
      Response refusal = body_too_large();
      std::string head = serialize_head(refusal, version, false);
      stream.expires_after(std::chrono::seconds(30));
      std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(refusal.body)};
      co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
      co_return;
    }
    parser.body_limit(limit);
    if (!parser.is_done()) {
      stream.expires_after(std::chrono::seconds(300));
      auto [read_ec, m] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (read_ec == bhttp::error::body_limit) {
        Response refusal = body_too_large();
        std::string head = serialize_head(refusal, version, false);
        std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(refusal.body)};
        co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
        co_return;
      }
      if (read_ec) co_return;
    }
    auto message = parser.release();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.remote_address = remote;
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(message.body());
    bool head = request.method == "HEAD";
    Response response;
    std::optional<Response> quick;
    if (fast_path) quick = fast_path(request);
    bool run_inline = false;  // a quick read, run here (ServerOptions::runs_inline)
    bool run_in_fiber = false;
    if (!quick && workers && options.runs_inline && options.runs_inline(request)) {
      if (options.inline_fibers) {
        run_in_fiber = options.max_inline > 0;
      } else {
        run_inline = running_inline.fetch_add(1, std::memory_order_acq_rel) < options.max_inline;
        if (!run_inline) running_inline.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
    if (quick) {
      response = std::move(*quick);
    } else if (run_in_fiber) {
      // A turn among this lane's fibers: taken at once while fewer than max_inline are in flight,
      // else handed over by the one that ends first (waiting here, not on a worker).
      if (lane.fibers < options.max_inline) {
        ++lane.fibers;
      } else {
        struct Waiting {
          Lane& lane;
          asio::steady_timer turn;
          ~Waiting() {  // gone before its turn came (the server stopping): out of the queue
            auto it = std::find(lane.waiting.begin(), lane.waiting.end(), &turn);
            if (it != lane.waiting.end()) lane.waiting.erase(it);
          }
        } waiting{lane,
                  asio::steady_timer(stream.get_executor(), asio::steady_timer::time_point::max())};
        lane.waiting.push_back(&waiting.turn);
        co_await waiting.turn.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      struct Turn {
        Lane& lane;
        ~Turn() {  // to the first waiting, else one fiber fewer
          if (lane.waiting.empty()) {
            --lane.fibers;
            return;
          }
          asio::steady_timer* next = lane.waiting.front();
          lane.waiting.pop_front();
          next->cancel();
        }
      } turn{lane};
      Fiber fiber([this, &request, &response] { response = dispatch(request); });
      while (!fiber.resume()) {  // waits for its database socket meanwhile
        int fd = fiber.waiting_fd();
        if (arm_database_wait(lane, fd)) {
          struct Waiting {
            Lane& lane;
            int fd;
            asio::steady_timer ready;
            ~Waiting() {  // still listed when gone before its socket was readable (stopping)
              auto& waits = lane.database_waits;
              auto it = std::find(waits.begin(), waits.end(), std::make_pair(fd, &ready));
              if (it != waits.end()) waits.erase(it);
            }
          } waiting{
              lane, fd,
              asio::steady_timer(stream.get_executor(), asio::steady_timer::time_point::max())};
          lane.database_waits.emplace_back(fd, &waiting.ready);
          watch_database_waits(lane);
          co_await waiting.ready.async_wait(asio::as_tuple(asio::use_awaitable));
          continue;
        }
        asio::posix::stream_descriptor socket(stream.get_executor(), fd);
        co_await socket.async_wait(asio::posix::stream_descriptor::wait_read,
                                   asio::as_tuple(asio::use_awaitable));
        socket.release();
      }
    } else if (run_inline) {
      struct Done {
        std::atomic<int>& count;
        ~Done() { count.fetch_sub(1, std::memory_order_acq_rel); }
      } done{running_inline};
      response = dispatch(request);
    } else if (workers) {
      // Run the handler on a worker; the coroutine resumes on this connection's I/O thread.
      response = co_await asio::co_spawn(
          workers->get_executor(),
          [this, &request]() -> asio::awaitable<Response> { co_return dispatch(request); },
          asio::use_awaitable);
    } else {
      response = dispatch(request);
    }
    if (response.upgrade && !head) {
      // A WebSocket or event stream: it takes the connection over, on the connection's I/O
      // thread (its reader and writer coroutines need no strand: the thread is the lane's only).
      auto upgrade = std::move(response.upgrade);
      auto executor = stream.get_executor();
      if (upgrade->kind == Upgrade::Kind::websocket && response.status == 101) {
        asio::co_spawn(executor,
                       detail::serve_websocket(std::move(stream), std::move(message), upgrade),
                       [slot](std::exception_ptr error) { report_stream_error(error); });
        co_return;
      }
      if (upgrade->kind == Upgrade::Kind::event_stream && response.status == 200) {
        asio::co_spawn(executor,
                       detail::serve_event_stream(std::move(stream),
                                                  serialize_head(response, version, true, true),
                                                  version != 10, upgrade),
                       [slot](std::exception_ptr error) { report_stream_error(error); });
        co_return;
      }
    }
    std::string head_bytes = serialize_head(response, version, keep_alive);
    stream.expires_after(std::chrono::seconds(60));
    auto write_ec = co_await write_response(stream, head_bytes, response, head);
    if (write_ec || !keep_alive) {
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
  }
}

}  // namespace herd::http
