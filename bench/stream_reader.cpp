// A lean reader of many streaming connections for bench/streams.py (--reader native): the
// Python readers spend ~10 µs of CPU per event they read, on the same cores as herd; this one
// a fraction of it, so that what bench/streams.py measures is herd's fan-out more than its own.
//
//   herd_stream_reader HOST PORT PATH TOKENS_FILE FIRST COUNT [--websocket]
//
// Opens COUNT streams (GET PATH, signed in with the tokens of TOKENS_FILE, one a line, from
// FIRST on, round robin), as event streams or WebSockets, and prints "opened N failed M" once they
// are open. Then records when each `update` event arrives (CLOCK_MONOTONIC, the clock of Python's
// time.monotonic()) until its standard input closes, and prints "open N" (streams still open) and
// one line per status: its id and the arrival times.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

double monotonic() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct Stream {
  int fd = -1;
  std::string buffer;
};

// The status id after `key` in `text` ("" when absent).
std::string id_after(std::string_view text, std::string_view key) {
  auto at = text.find(key);
  if (at == std::string_view::npos) return "";
  at += key.size();
  auto end = at;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  return std::string(text.substr(at, end - at));
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s HOST PORT PATH TOKENS_FILE FIRST COUNT [--websocket]\n",
                 argv[0]);
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const std::string path = argv[3];
  std::vector<std::string> tokens;
  {
    std::ifstream in(argv[4]);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) tokens.push_back(line);
  }
  const long first = std::atol(argv[5]), count = std::atol(argv[6]);
  const bool websocket = argc > 7 && std::string_view(argv[7]) == "--websocket";
  if (tokens.empty()) return 2;

  int epoll = epoll_create1(0);
  std::map<int, Stream> streams;
  long opened = 0, failed = 0;
  for (long i = first; i < first + count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    const std::string& token = tokens[static_cast<std::size_t>(i) % tokens.size()];
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" +
                          std::to_string(port) + "\r\nAuthorization: Bearer " + token + "\r\n";
    request += websocket ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
                           "13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                         : "Accept: text/event-stream\r\n\r\n";
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        !send_all(fd, request)) {
      close(fd);
      ++failed;
      continue;
    }
    // The response's head, read blocking (what follows it stays in the buffer).
    std::string head;
    char chunk[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      head.append(chunk, static_cast<std::size_t>(n));
    }
    auto end = head.find("\r\n\r\n");
    if (end == std::string::npos ||
        head.compare(0, 12, websocket ? "HTTP/1.1 101" : "HTTP/1.1 200") != 0) {
      close(fd);
      ++failed;
      continue;
    }
    Stream& stream = streams[fd];
    stream.fd = fd;
    stream.buffer = head.substr(end + 4);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    ++opened;
  }
  std::printf("opened %ld failed %ld\n", opened, failed);
  std::fflush(stdout);

  epoll_event stop{};
  stop.events = EPOLLIN;
  stop.data.fd = 0;
  epoll_ctl(epoll, EPOLL_CTL_ADD, 0, &stop);
  std::map<std::string, std::vector<double>> arrivals;
  std::vector<epoll_event> ready(1024);
  static char data[65536];
  for (bool running = true; running;) {
    int n = epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), 1000);
    for (int i = 0; i < n; ++i) {
      int fd = ready[static_cast<std::size_t>(i)].data.fd;
      if (fd == 0) {
        running = false;
        continue;
      }
      ssize_t got = read(fd, data, sizeof data);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) {
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        streams.erase(fd);
        continue;
      }
      double now = monotonic();
      Stream& stream = streams[fd];
      stream.buffer.append(data, static_cast<std::size_t>(got));
      std::string& buffer = stream.buffer;
      if (websocket) {
        std::size_t at = 0;
        for (;;) {
          if (buffer.size() - at < 2) break;
          auto byte = [&](std::size_t k) { return static_cast<unsigned char>(buffer[at + k]); };
          int opcode = byte(0) & 0x0F;
          std::uint64_t length = byte(1) & 0x7F;
          std::size_t start = 2;
          if (length == 126) {
            if (buffer.size() - at < 4) break;
            length = (std::uint64_t(byte(2)) << 8) | byte(3);
            start = 4;
          } else if (length == 127) {
            if (buffer.size() - at < 10) break;
            length = 0;
            for (int k = 0; k < 8; ++k) length = (length << 8) | byte(2 + k);
            start = 10;
          }
          if (buffer.size() - at < start + length) break;
          std::string_view payload(buffer.data() + at + start, length);
          if (opcode == 1 && payload.find("\"event\":\"update\"") != std::string_view::npos) {
            auto id = id_after(payload, "\\\"id\\\":\\\"");
            if (!id.empty()) arrivals[id].push_back(now);
          } else if (opcode == 9) {  // a ping: a masked pong (mask 0: the payload as is)
            std::string pong = {char(0x8A), char(0x80 | length), 0, 0, 0, 0};
            pong.append(payload);
            send_all(fd, pong);
          }
          at += start + length;
        }
        buffer.erase(0, at);
      } else {
        std::size_t at = 0;
        for (;;) {
          auto end = buffer.find("\n\n", at);
          if (end == std::string::npos) break;
          std::string_view message(buffer.data() + at, end - at);
          if (message.find("event: update") != std::string_view::npos) {
            auto id = id_after(message, "\"id\":\"");
            if (!id.empty()) arrivals[id].push_back(now);
          }
          at = end + 2;
        }
        buffer.erase(0, at);
      }
    }
  }
  std::printf("open %zu\n", streams.size());
  for (const auto& [id, times] : arrivals) {
    std::printf("%s", id.c_str());
    for (double t : times) std::printf(" %.6f", t);
    std::printf("\n");
  }
  return 0;
}
