// Event streams and WebSockets through a real http::Server: what the handler's side sends through
// its Outlet, from any thread, reaches the client whole, in order and validly framed, also when
// the client reads nothing for a while (the kernel takes only part of a write, the rest waits) and
// when many connections are woken by one burst of sends; a WebSocket's pings, pongs and closing
// handshake (Beast's) stay whole among the message frames (http/upgrade.cpp writes those).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "http/stream.hpp"

namespace http = herd::http;

namespace {

// The outlets of the event streams opened so far, in the order they opened.
struct Outlets {
  std::mutex mutex;
  std::condition_variable opened;
  std::vector<std::shared_ptr<http::Outlet>> list;

  std::shared_ptr<http::Outlet> wait_for(std::size_t index) {
    std::unique_lock lock(mutex);
    opened.wait_for(lock, std::chrono::seconds(10), [&] { return list.size() > index; });
    return list.size() > index ? list[index] : nullptr;
  }
};

struct Running {
  http::Server server;
  std::thread thread;
  explicit Running(http::Dispatch dispatch) : server(options(), std::move(dispatch)) {
    server.listen();
    thread = std::thread([this] { server.run(); });
  }
  ~Running() {
    server.stop();
    thread.join();
  }
  static http::ServerOptions options() {
    http::ServerOptions options;
    options.bind = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.workers = 0;
    return options;
  }
};

// Every GET opens an event stream (a WebSocket when it asks for one) whose outlet goes to
// `outlets`.
http::Dispatch event_streams(Outlets& outlets) {
  return [&outlets](http::Request& request) {
    auto upgrade = std::make_shared<http::Upgrade>();
    bool websocket = request.header("upgrade") == "websocket";
    upgrade->kind = websocket ? http::Upgrade::Kind::websocket : http::Upgrade::Kind::event_stream;
    upgrade->on_open = [&outlets](std::shared_ptr<http::Outlet> outlet) {
      std::lock_guard lock(outlets.mutex);
      outlets.list.push_back(std::move(outlet));
      outlets.opened.notify_all();
    };
    http::Response response = websocket ? http::Response::text("", "", 101)
                                        : http::Response::text("", "text/event-stream", 200);
    response.upgrade = std::move(upgrade);
    return response;
  };
}

// A blocking connection to the server on `port` (-1 when it fails), with a receive buffer of
// `receive_buffer` bytes when not 0 (set before it connects) and reads that give up after 20 s.
int connect_to(std::uint16_t port, int receive_buffer) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  timeval timeout{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  close(fd);
  return -1;
}

// A WebSocket client (blocking), with a small receive buffer (set before it connects).
class WebSocketClient {
 public:
  struct Frame {
    int opcode;
    std::string payload;
  };
  WebSocketClient(std::uint16_t port, int receive_buffer) : fd_(connect_to(port, receive_buffer)) {
    if (fd_ < 0) return;
    std::string request =
        "GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (write(fd_, request.data(), request.size()) != ssize_t(request.size())) return;
    while (received_.find("\r\n\r\n") == std::string::npos)
      if (!receive()) return;
    upgraded_ = received_.compare(0, 12, "HTTP/1.1 101") == 0;
    received_.erase(0, received_.find("\r\n\r\n") + 4);
  }
  ~WebSocketClient() {
    if (fd_ >= 0) close(fd_);
  }
  bool upgraded() const { return upgraded_; }

  // The next frame the server sent (opcode -1 when the connection ended or broke a frame).
  Frame next() {
    for (;;) {
      if (received_.size() >= 2) {
        auto byte = [&](std::size_t i) { return static_cast<unsigned char>(received_[i]); };
        if (byte(1) & 0x80) return {-1, "a masked frame from the server"};
        std::uint64_t size = byte(1) & 0x7F;
        std::size_t start = 2;
        if (size == 126 && received_.size() >= 4) {
          size = (std::uint64_t(byte(2)) << 8) | byte(3);
          start = 4;
        } else if (size == 127 && received_.size() >= 10) {
          size = 0;
          for (int k = 0; k < 8; ++k) size = (size << 8) | byte(2 + k);
          start = 10;
        }
        if (size < 126 || start > 2) {
          if (received_.size() >= start + size) {
            Frame frame{byte(0) & 0x0F, received_.substr(start, size)};
            if (!(byte(0) & 0x80)) return {-1, "a fragment"};
            received_.erase(0, start + size);
            return frame;
          }
        }
      }
      if (!receive()) return {-1, ""};
    }
  }
  // Sends a frame, masked as a client must.
  bool send_frame(int opcode, std::string_view payload) {
    std::string frame = {static_cast<char>(0x80 | opcode),
                         static_cast<char>(0x80 | payload.size())};
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
      frame += static_cast<char>(payload[i] ^ mask[i % 4]);
    return write(fd_, frame.data(), frame.size()) == ssize_t(frame.size());
  }
  // True when the server ends the connection (after what it sent, which is left unread).
  bool ends() {
    char buffer[4096];
    for (;;) {
      ssize_t n = read(fd_, buffer, sizeof buffer);
      if (n == 0) return true;
      if (n < 0) return false;
    }
  }

 private:
  bool receive() {
    char buffer[65536];
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) return false;
    received_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool upgraded_ = false;
  std::string received_;
};

// A client of one event stream, with a small receive buffer (set before it connects).
class StreamClient {
 public:
  StreamClient(std::uint16_t port, int receive_buffer) : fd_(connect_to(port, receive_buffer)) {
    if (fd_ < 0) return;
    std::string request = "GET /stream HTTP/1.1\r\nHost: test\r\n\r\n";
    connected_ = write(fd_, request.data(), request.size()) == ssize_t(request.size());
  }
  ~StreamClient() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return connected_; }

  // Reads until the body holds `bytes` bytes of content or the stream ends; false on a
  // malformed chunk.
  bool read_content(std::size_t bytes) {
    char buffer[65536];
    while (content_.size() < bytes && !ended_) {
      ssize_t n = read(fd_, buffer, sizeof buffer);
      if (n <= 0) return false;
      received_.append(buffer, static_cast<std::size_t>(n));
      if (!dechunk()) return false;
    }
    return content_.size() >= bytes;
  }
  // Reads until the last chunk and the connection's end.
  bool read_to_end() {
    char buffer[65536];
    while (!ended_) {
      ssize_t n = read(fd_, buffer, sizeof buffer);
      if (n <= 0) return false;
      received_.append(buffer, static_cast<std::size_t>(n));
      if (!dechunk()) return false;
    }
    return read(fd_, buffer, sizeof buffer) == 0;
  }
  const std::string& content() const { return content_; }

 private:
  // Moves complete chunks from received_ to content_ (after the head).
  bool dechunk() {
    if (!head_done_) {
      auto end = received_.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      if (received_.compare(0, 12, "HTTP/1.1 200") != 0) return false;
      received_.erase(0, end + 4);
      head_done_ = true;
    }
    for (;;) {
      auto line_end = received_.find("\r\n");
      if (line_end == std::string::npos) return true;
      std::size_t size = std::stoul(received_.substr(0, line_end), nullptr, 16);
      if (received_.size() < line_end + 2 + size + 2) return true;
      if (received_.compare(line_end + 2 + size, 2, "\r\n") != 0) return false;
      content_.append(received_, line_end + 2, size);
      received_.erase(0, line_end + 2 + size + 2);
      if (size == 0) {
        ended_ = true;
        return true;
      }
    }
  }
  int fd_ = -1;
  bool connected_ = false, head_done_ = false, ended_ = false;
  std::string received_, content_;
};

// A server whose every GET opens an event stream, and the outlets of those streams (let go of
// before the server goes: an outlet's connection belongs to the server's I/O thread).
struct Streams {
  Outlets outlets;
  Running running{event_streams(outlets)};
  ~Streams() {
    std::lock_guard lock(outlets.mutex);
    outlets.list.clear();
  }
};

std::string message(int n, std::size_t size) {
  std::string text = "event: update\ndata: " + std::to_string(n) + " ";
  text.append(size - text.size() - 2, static_cast<char>('a' + n % 26));
  return text + "\n\n";
}

}  // namespace

TEST(EventStream, AClientThatReadsLateGetsEveryMessageWholeAndInOrder) {
  Streams streams;
  StreamClient client(streams.running.server.port(), 4096);
  ASSERT_TRUE(client.connected());
  auto outlet = streams.outlets.wait_for(0);
  ASSERT_TRUE(outlet);
  // 900 messages of 16 KiB (14 MiB) while the client reads nothing: more than the kernel's
  // buffers hold, so herd's writes are taken in part and the rest waits for the client.
  constexpr int kMessages = 900;
  constexpr std::size_t kSize = 16 * 1024;
  std::string expected = ":)\n";
  for (int n = 0; n < kMessages; ++n) {
    expected += message(n, kSize);
    outlet->send_text(message(n, kSize));
  }
  outlet->close();
  ASSERT_TRUE(client.read_to_end())
      << "read " << client.content().size() << " bytes of " << expected.size();
  ASSERT_EQ(client.content().size(), expected.size());
  EXPECT_TRUE(client.content() == expected) << "the messages arrive whole and in order";
}

TEST(EventStream, OneBurstOfSendsReachesEveryConnection) {
  Streams streams;
  constexpr int kConnections = 40;
  std::vector<std::unique_ptr<StreamClient>> clients;
  std::vector<std::shared_ptr<http::Outlet>> opened;
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(std::make_unique<StreamClient>(streams.running.server.port(), 0));
    ASSERT_TRUE(clients.back()->connected());
    opened.push_back(streams.outlets.wait_for(static_cast<std::size_t>(i)));
    ASSERT_TRUE(opened.back());
  }
  // Sent from two threads at once, each its own messages to every connection, as the hub does
  // for each event.
  constexpr int kRounds = 200;
  auto sender = [&](int first) {
    for (int round = 0; round < kRounds; ++round)
      for (auto& outlet : opened) outlet->send_text(message(first + round, 64));
  };
  std::thread a(sender, 0), b(sender, 1000);
  a.join();
  b.join();
  for (auto& outlet : opened) outlet->close();
  for (auto& client : clients) {
    ASSERT_TRUE(client->read_to_end());
    // Each thread's messages in its order; both threads' messages all there.
    const std::string& content = client->content();
    std::size_t at_a = 0, at_b = 0;
    for (int round = 0; round < kRounds; ++round) {
      at_a = content.find(message(round, 64), at_a);
      at_b = content.find(message(1000 + round, 64), at_b);
      ASSERT_NE(at_a, std::string::npos) << "message " << round;
      ASSERT_NE(at_b, std::string::npos) << "message " << 1000 + round;
    }
    EXPECT_EQ(content.size(), 3 + 2 * kRounds * 64u);
  }
}

TEST(WebSocket, AClientThatReadsLateGetsEveryFrameWholeAndItsPingAnswered) {
  Streams streams;
  WebSocketClient client(streams.running.server.port(), 4096);
  ASSERT_TRUE(client.upgraded());
  auto outlet = streams.outlets.wait_for(0);
  ASSERT_TRUE(outlet);
  // 900 messages of 16 KiB (14 MiB) while the client reads nothing; its ping meanwhile is answered
  // by Beast in the same byte stream: every frame must stay whole.
  constexpr int kMessages = 900;
  for (int n = 0; n < kMessages; ++n) outlet->send_text(message(n, 16 * 1024));
  ASSERT_TRUE(client.send_frame(0x9, "are you there"));
  int texts = 0, pongs = 0;
  while (texts < kMessages || pongs == 0) {
    auto frame = client.next();
    ASSERT_NE(frame.opcode, -1) << frame.payload << " after " << texts << " messages";
    if (frame.opcode == 0xA) {
      EXPECT_EQ(frame.payload, "are you there");
      ++pongs;
      continue;
    }
    ASSERT_EQ(frame.opcode, 0x1);
    ASSERT_TRUE(frame.payload == message(texts, 16 * 1024)) << "message " << texts;
    ++texts;
  }
  EXPECT_EQ(pongs, 1);
  // The server closes: a close frame (1000, normal), answered, then the connection ends.
  outlet->close();
  auto closing = client.next();
  ASSERT_EQ(closing.opcode, 0x8);
  ASSERT_GE(closing.payload.size(), 2u);
  EXPECT_EQ((static_cast<unsigned char>(closing.payload[0]) << 8) |
                static_cast<unsigned char>(closing.payload[1]),
            1000);
  ASSERT_TRUE(client.send_frame(0x8, closing.payload.substr(0, 2)));
  EXPECT_TRUE(client.ends());
}

TEST(WebSocket, AClientThatClosesGetsTheCloseFrameBackAndNoMessageAfterIt) {
  Streams streams;
  WebSocketClient client(streams.running.server.port(), 0);
  ASSERT_TRUE(client.upgraded());
  auto outlet = streams.outlets.wait_for(0);
  ASSERT_TRUE(outlet);
  outlet->send_text("before");
  auto first = client.next();
  EXPECT_EQ(first.opcode, 0x1);
  EXPECT_EQ(first.payload, "before");
  ASSERT_TRUE(client.send_frame(0x8, std::string("\x03\xe8", 2)));
  auto reply = client.next();
  EXPECT_EQ(reply.opcode, 0x8) << reply.payload;
  outlet->send_text("after the close");
  auto after = client.next();
  EXPECT_EQ(after.opcode, -1) << "nothing after the close frame, then the end: got "
                              << after.payload;
}
