#include "core/log.hpp"

#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iterator>
#include <mutex>
#include <thread>

#include "core/log_buffer.hpp"
#include "core/time.hpp"

namespace herd::log {

namespace {

std::atomic<bool> json_lines{false};

// Writes every byte of `parts` to stderr, again after a signal or a partial write. A failing
// stderr (closed, disk full) loses the lines, as fwrite did. Async-signal-safe.
void write_all(iovec* parts, int count) {
  int saved_errno = errno;
  while (count > 0) {
    if (parts->iov_len == 0) {
      ++parts;
      --count;
      continue;
    }
    ssize_t written = ::writev(STDERR_FILENO, parts, count);
    if (written < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto left = static_cast<std::size_t>(written);
    while (count > 0 && left >= parts->iov_len) {
      left -= parts->iov_len;
      ++parts;
      --count;
    }
    if (count > 0) {
      parts->iov_base = static_cast<char*>(parts->iov_base) + left;
      parts->iov_len -= left;
    }
  }
  errno = saved_errno;
}

constexpr std::size_t kHeldBytes = 32 * 1024;
constexpr auto kFlushDelay = std::chrono::milliseconds(5);

// The request lines held (log_buffer.hpp): two buffers, one filling while the other is written.
struct Held {
  std::mutex order;  // held by whoever writes to stderr: lines leave in the order they were taken
  std::mutex mutex;  // the fields below
  std::array<std::array<char, kHeldBytes>, 2> buffers;
  std::atomic<int> filling{0};
  std::atomic<std::size_t> used{0};  // bytes in buffers[filling]; atomic for the signal handler
  bool on = false;                   // a BufferedRequests lives
  bool pending = false;              // lines held and the flusher told
  bool stopping = false;
  std::condition_variable wake;
  std::thread flusher;
};

Held& held() {
  static Held* h = new Held;  // never destroyed: threads may log during exit
  return *h;
}

// With `order` taken: writes the held lines, then `line`, in one system call.
void write_held_then(Held& h, std::string_view line) {
  const char* data = nullptr;
  std::size_t size = 0;
  {
    std::lock_guard lock(h.mutex);
    size = h.used.load(std::memory_order_relaxed);
    int filling = h.filling.load(std::memory_order_relaxed);
    data = h.buffers[filling].data();
    if (size) {
      h.used.store(0, std::memory_order_release);
      h.filling.store(1 - filling, std::memory_order_release);
    }
    h.pending = false;
  }
  // The other buffer fills meanwhile; this one is not filled again before `order` is released.
  iovec parts[2] = {{const_cast<char*>(data), size}, {const_cast<char*>(line.data()), line.size()}};
  write_all(parts, 2);
}

// A line written now, after the held ones.
void emit(std::string_view line) {
  Held& h = held();
  std::lock_guard order(h.order);
  write_held_then(h, line);
}

// A request line: held while a BufferedRequests lives, else written now.
void hold(std::string_view line) {
  Held& h = held();
  for (;;) {
    std::unique_lock lock(h.mutex);
    if (!h.on || line.size() > kHeldBytes) break;
    std::size_t used = h.used.load(std::memory_order_relaxed);
    if (used + line.size() <= kHeldBytes) {
      std::memcpy(h.buffers[h.filling.load(std::memory_order_relaxed)].data() + used, line.data(),
                  line.size());
      h.used.store(used + line.size(), std::memory_order_release);
      if (h.pending) return;
      h.pending = true;
      lock.unlock();
      h.wake.notify_one();
      return;
    }
    lock.unlock();
    flush();  // full: written now, then held again
  }
  emit(line);
}

void run_flusher(Held& h) {
  std::unique_lock lock(h.mutex);
  for (;;) {
    h.wake.wait(lock, [&] { return h.pending || h.stopping; });
    if (h.stopping) return;
    // Lines arriving within the delay leave with the first one.
    h.wake.wait_for(lock, kFlushDelay, [&] { return h.stopping; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

#if !defined(__SANITIZE_ADDRESS__)  // (AddressSanitizer's own handler reports a fault)
// Fatal signals: the held lines, then the signal's previous action.
constexpr std::array<int, 5> kFatalSignals = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction previous_actions[kFatalSignals.size()];

void on_fatal_signal(int signal, siginfo_t* info, void*) {
  Held& h = held();  // constructed already (the handler is installed after)
  std::size_t used = std::min(h.used.load(std::memory_order_acquire), kHeldBytes);
  iovec part{h.buffers[h.filling.load(std::memory_order_acquire)].data(), used};
  write_all(&part, 1);
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i)
    if (kFatalSignals[i] == signal) sigaction(signal, &previous_actions[i], nullptr);
  // Sent (abort(), kill): sent again, to the previous action once this handler returns. A fault
  // happens again when this handler returns, under the previous action.
  if (!info || info->si_code <= 0) raise(signal);
}
#endif

// "2026-12-07T04:17:11.123Z": the part up to the second is formatted once a second per thread.
void append_time(std::string& out) {
  thread_local std::int64_t second = -1;
  thread_local char prefix[32];
  thread_local std::size_t prefix_size = 0;
  std::int64_t ms = now_unix_ms();
  std::int64_t now_second = ms / 1000;
  if (now_second != second) {
    std::time_t t = static_cast<std::time_t>(now_second);
    std::tm tm{};
    gmtime_r(&t, &tm);
    int n =
        std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    prefix_size = n > 0 ? static_cast<std::size_t>(n) : 0;
    second = now_second;
  }
  int millis = static_cast<int>(ms % 1000);
  out.append(prefix, prefix_size);
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
}

}  // namespace

BufferedRequests::BufferedRequests() {
  Held& h = held();
  {
    std::lock_guard lock(h.mutex);
    h.on = true;
    h.stopping = false;
  }
  h.flusher = std::thread([&h] { run_flusher(h); });
  static bool at_exit = [] { return std::atexit([] { flush(); }) == 0; }();
  (void)at_exit;
#if !defined(__SANITIZE_ADDRESS__)
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
    struct sigaction action {};
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(kFatalSignals[i], &action, &previous_actions[i]);
  }
#endif
}

BufferedRequests::~BufferedRequests() {
  Held& h = held();
#if !defined(__SANITIZE_ADDRESS__)
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i)
    sigaction(kFatalSignals[i], &previous_actions[i], nullptr);
#endif
  {
    std::lock_guard lock(h.mutex);
    h.on = false;  // from now on request lines are written at once
    h.stopping = true;
  }
  h.wake.notify_one();
  h.flusher.join();
  flush();
}

void flush() {
  Held& h = held();
  std::lock_guard order(h.order);
  write_held_then(h, {});
}

void use_json(bool json) {
  json_lines = json;
}

void write(std::string_view level, std::string_view message) {
  if (json_lines) {
    boost::json::object o{{"time", rfc3339(now_unix_ms())}, {"level", level}, {"message", message}};
    emit(boost::json::serialize(o) + "\n");
    return;
  }
  std::string line;
  line.reserve(32 + level.size() + message.size());
  append_time(line);
  line += ' ';
  line += level;
  line += ' ';
  line += message;
  line += '\n';
  emit(line);
}

void request(std::string_view method, std::string_view path, int status, double duration_ms,
             std::string_view route) {
  if (json_lines) {
    boost::json::object o{{"time", rfc3339(now_unix_ms())},
                          {"level", "INFO"},
                          {"event", "request"},
                          {"method", method},
                          {"path", path},
                          {"status", status},
                          {"route", route}};
    std::string line = boost::json::serialize(o);
    line.pop_back();  // '}': the duration is written as a plain decimal, not in E notation
    fmt::format_to(std::back_inserter(line), ",\"duration_ms\":{:.3f}}}\n", duration_ms);
    hold(line);
    return;
  }
  thread_local std::string line;
  line.clear();
  append_time(line);
  line += " INFO ";
  line += method;
  line += ' ';
  for (char ch : path)  // a decoded path may hold control characters: one line stays one
    line += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? '?' : ch;
  fmt::format_to(std::back_inserter(line), " {} {:.1f}ms {}\n", status, duration_ms, route);
  hold(line);
}

}  // namespace herd::log
