#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../fiber_testing.hpp"
#include "store/socket_wait.hpp"

namespace http = herd::http;
namespace store = herd::store;

namespace {

std::string this_thread_name() {
  std::ostringstream out;
  out << std::this_thread::get_id();
  return out.str();
}

// Waits `ms` milliseconds the way the PostgreSQL backend waits for its socket
// (store::wait_readable): in a fiber, the I/O thread goes on meanwhile.
void wait_like_a_query(int ms) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  itimerspec due{};
  due.it_value.tv_nsec = ms * 1000000L;
  timerfd_settime(fd, 0, &due, nullptr);
  store::wait_readable(fd);
  close(fd);
}

http::ServerOptions on_a_free_port(http::ServerOptions options) {
  options.bind = "127.0.0.1";
  options.port = 0;
  return options;
}

// A server on a free port, run by its own thread for the test's length.
struct Running {
  http::Server server;
  std::thread thread;
  Running(const http::ServerOptions& options, http::Dispatch dispatch)
      : server(on_a_free_port(options), std::move(dispatch)) {
    server.listen();
    thread = std::thread([this] { server.run(); });
  }
  ~Running() {
    server.stop();
    thread.join();
  }
};

// One keep-alive client connection, blocking.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fd_ = -1;
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  // The body of GET `path`'s answer ("" when the connection failed).
  std::string get(const std::string& path) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    if (fd_ < 0 ||
        write(fd_, request.data(), request.size()) != static_cast<ssize_t>(request.size()))
      return "";
    std::string received;
    char chunk[4096];
    for (;;) {
      auto end = received.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto length_at = received.find("Content-Length: ");
        if (length_at != std::string::npos && length_at < end) {
          std::size_t length = std::stoul(received.substr(length_at + 16));
          if (received.size() >= end + 4 + length) return received.substr(end + 4, length);
        }
      }
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return "";
      received.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
};

http::Response text(std::string body) {
  http::Response response;
  response.status = 200;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

}  // namespace

TEST(Server, EachConnectionStaysOnOneIoThreadAndConnectionsUseThemAll) {
  http::ServerOptions options;
  options.threads = 2;
  options.workers = 0;  // dispatch on the I/O thread that read the request
  Running running(options, [](http::Request&) { return text(this_thread_name()); });
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(std::make_unique<Client>(running.server.port()));
  std::set<std::string> threads;
  for (int round = 0; round < 5; ++round)
    for (std::size_t i = 0; i < clients.size(); ++i) {
      std::string thread = clients[i]->get("/");
      ASSERT_FALSE(thread.empty());
      threads.insert(thread);
    }
  // Round-robin at accept: the four connections are served by both threads, each by one.
  EXPECT_EQ(threads.size(), 2u);
  for (auto& client : clients) {
    std::string first = client->get("/");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(client->get("/"), first);
  }
}

TEST(Server, FibersOnEveryIoThreadResumeOnTheirOwn) {
  SKIP_UNDER_ASAN();
  http::ServerOptions options;
  options.threads = 2;
  options.workers = 1;
  options.runs_inline = [](http::Request&) { return true; };
  options.max_inline = 4;
  options.inline_fibers = true;
  std::atomic<int> in_flight{0}, most_in_flight{0};
  Running running(options, [&](http::Request&) {
    std::string before = this_thread_name();
    int now = ++in_flight;
    int most = most_in_flight.load();
    while (now > most && !most_in_flight.compare_exchange_weak(most, now)) {
    }
    wait_like_a_query(10);  // the I/O thread serves its other fibers meanwhile
    --in_flight;
    std::string after = this_thread_name();
    return text(before == after ? before : "moved from " + before + " to " + after);
  });
  std::mutex mutex;
  std::map<int, std::set<std::string>> seen;  // by connection: the threads that answered
  std::vector<std::thread> clients;
  for (int i = 0; i < 6; ++i)
    clients.emplace_back([&, i] {
      Client client(running.server.port());
      for (int n = 0; n < 8; ++n) {
        std::string answer = client.get("/");
        std::lock_guard lock(mutex);
        seen[i].insert(answer);
      }
    });
  for (auto& client : clients) client.join();
  std::set<std::string> threads;
  for (auto& [connection, answers] : seen) {
    ASSERT_EQ(answers.size(), 1u) << "connection " << connection << ": " << *answers.begin();
    EXPECT_EQ(answers.begin()->find("moved"), std::string::npos);
    threads.insert(*answers.begin());
  }
  EXPECT_EQ(threads.size(), 2u);  // fibers ran on both I/O threads
  EXPECT_GE(most_in_flight, 3);   // several at once: a waiting fiber gives its thread back
}

TEST(Server, QuickReadsBeyondTheFiberCapWaitForATurnOnTheirThread) {
  SKIP_UNDER_ASAN();
  http::ServerOptions options;
  options.threads = 1;
  options.workers = 2;
  options.runs_inline = [](http::Request&) { return true; };
  options.max_inline = 2;
  options.inline_fibers = true;
  std::atomic<int> in_flight{0}, most_in_flight{0};
  std::mutex mutex;
  std::set<std::string> threads;
  Running running(options, [&](http::Request&) {
    {
      std::lock_guard lock(mutex);
      threads.insert(this_thread_name());
    }
    int now = ++in_flight;
    int most = most_in_flight.load();
    while (now > most && !most_in_flight.compare_exchange_weak(most, now)) {
    }
    wait_like_a_query(15);
    --in_flight;
    return text("ok");
  });
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 5; ++i)
    clients.emplace_back([&] {
      Client client(running.server.port());
      for (int n = 0; n < 3; ++n)
        if (client.get("/") == "ok") ++answered;
    });
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered, 15);
  EXPECT_EQ(most_in_flight, 2);   // never more than the cap, and the cap was used
  EXPECT_EQ(threads.size(), 1u);  // all on the I/O thread: none went to a worker
}
