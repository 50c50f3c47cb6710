#include "grid/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace herd::grid {

namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In a forked child, before exec: closes every descriptor above stderr, so that nothing the
// parent holds (the control plane's or agent's listening sockets, accepted connections, database
// files) leaks into the program; Asio and libraries do not open everything close-on-exec.
// Async-signal-safe.
void close_inherited_descriptors() {
  if (::close_range(3, ~0U, 0) == 0) return;
  long limit = ::sysconf(_SC_OPEN_MAX);
  if (limit < 0 || limit > 1 << 20) limit = 1 << 20;
  for (int fd = 3; fd < limit; ++fd) ::close(fd);
}

void write_all(int fd, const char* text) {
  std::size_t n = std::strlen(text);
  while (n > 0) {
    ssize_t w = ::write(fd, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

int run_command(const std::vector<std::string>& argv_in, std::string* output) {
  std::vector<std::string> argv = argv_in;
  auto args = pointers(argv);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    close_inherited_descriptors();
    ::execvp(args[0], args.data());
    write_all(2, "cannot run ");
    write_all(2, args[0]);
    write_all(2, "\n");
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string collected;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0)
      collected.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output) *output = collected;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t spawn(const SpawnOptions& options) {
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env;
  for (const auto& [key, value] : options.env) env.push_back(key + "=" + value);
  auto args = pointers(argv);
  auto envp = pointers(env);
  std::vector<std::string> procs = options.cgroup_procs;
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid != 0) return pid;

  if (options.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
  }
  ::setpgid(0, 0);
  if (!options.log_path.empty()) {
    int fd = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
  }
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, 0);
  // Join the cgroups: the child's own pid, written before exec so that nothing escapes.
  char pid_text[24];
  {
    long value = static_cast<long>(::getpid());
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0);
    for (int i = 0; i < n; ++i) pid_text[i] = digits[n - 1 - i];
    pid_text[n] = 0;
  }
  for (auto& file : procs) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, pid_text, std::strlen(pid_text)) < 0) {
      write_all(2, "herd grid: cannot join cgroup ");
      write_all(2, file.c_str());
      write_all(2, "\n");
      ::_exit(127);
    }
    ::close(fd);
  }
  // Signals blocked or ignored by the agent's threads must not leak into the instance.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  close_inherited_descriptors();
  if (args[0][0] == '/')
    ::execve(args[0], args.data(), envp.data());
  else
    ::execvpe(args[0], args.data(), envp.data());
  write_all(2, "herd grid: cannot execute ");
  write_all(2, args[0]);
  write_all(2, "\n");
  ::_exit(127);
}

std::string self_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "/proc/self/exe";
  return path.string();
}

int free_port(const std::string& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    throw std::runtime_error("not an IPv4 address: " + address);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind " + address + ": " + std::strerror(errno));
  }
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::int64_t directory_size(const std::string& path) {
  std::int64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           path, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      auto size = it->file_size(size_ec);
      if (!size_ec) total += static_cast<std::int64_t>(size);
    }
  }
  return total;
}

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    auto eq = entry.find('=');
    if (eq != std::string::npos) out[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return out;
}

}  // namespace herd::grid
