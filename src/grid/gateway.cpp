#include "grid/gateway.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/log.hpp"
#include "grid/http_client.hpp"
#include "grid/process.hpp"

namespace herd::grid {

namespace fs = std::filesystem;

namespace {

void write_atomically(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + temporary);
  }
  fs::rename(temporary, path);
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The pids whose parent is `parent` (nginx's workers, when parent is its master).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  if (parent <= 0) return out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream in(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos || close + 4 > text.size()) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent && state != "Z") out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

// Inodes of the sockets listening on `port` (IPv4 and IPv6).
std::set<std::string> listening_inodes(int port) {
  std::set<std::string> out;
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, "%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      auto colon = local.rfind(':');
      if (state == "0A" && colon != std::string::npos && local.substr(colon + 1) == wanted)
        out.insert("socket:[" + inode + "]");
    }
  }
  return out;
}

// True when process pid holds one of these sockets open.
bool holds_socket(pid_t pid, const std::set<std::string>& sockets) {
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code link_ec;
    auto target = fs::read_symlink(fd.path(), link_ec);
    if (!link_ec && sockets.count(target.string())) return true;
  }
  return false;
}

}  // namespace

NginxGateway::NginxGateway(GatewayOptions options) : options_(std::move(options)) {
  options_.prefix = fs::absolute(options_.prefix).lexically_normal().string();
}

NginxGateway::~NginxGateway() {
  stop();
}

std::vector<std::string> NginxGateway::base_command() const {
  return {options_.nginx,
          "-p",
          options_.prefix,
          "-c",
          options_.prefix + "/nginx.conf",
          "-e",
          options_.prefix + "/logs/error.log"};
}

std::string NginxGateway::route_path(const std::string& name) const {
  return options_.prefix + "/conf.d/" + name + ".conf";
}

std::string NginxGateway::local_url() const {
  const auto& g = options_.gateway;
  std::string host = g.listen_address.empty() ? "127.0.0.1" : g.listen_address;
  return "http://" + host + ":" + std::to_string(g.port);
}

void NginxGateway::check_config() const {
  auto command = base_command();
  command.push_back("-t");
  command.push_back("-q");
  std::string output;
  int status = run_command(command, &output);
  if (status != 0) throw std::runtime_error("nginx -t failed: " + trim(output));
}

void NginxGateway::reload() const {
  // The workers serving the old configuration: after the reload, wait until they have closed
  // their listening sockets, so that every new connection gets the new configuration. (They
  // finish the requests they serve, e.g. the one that asked for this reload, then exit.)
  auto old_workers = children_of(pid_);
  auto command = base_command();
  command.push_back("-s");
  command.push_back("reload");
  std::string output;
  if (run_command(command, &output) != 0)
    throw std::runtime_error("nginx -s reload failed: " + trim(output));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto sockets = listening_inodes(options_.gateway.port);
    bool old_listening = false;
    for (pid_t worker : old_workers)
      if (holds_socket(worker, sockets)) old_listening = true;
    if (!old_listening) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  log::warn("gateway: old nginx workers still accept connections 10 s after the reload");
}

void NginxGateway::start() {
  std::lock_guard lock(mutex_);
  for (const char* folder : {"", "/conf.d", "/logs", "/tmp", "/acme"})
    fs::create_directories(options_.prefix + folder);
  NginxMainOptions main;
  main.prefix = options_.prefix;
  main.control_plane = options_.control_plane;
  main.gateway = options_.gateway;
  if (::geteuid() == 0) main.user = "root";
  write_atomically(options_.prefix + "/nginx.conf", render_main_config(main));
  check_config();
  SpawnOptions spawn_options;
  spawn_options.argv = base_command();
  spawn_options.env = current_environment();
  spawn_options.log_path = options_.prefix + "/logs/nginx.out";
  pid_ = spawn(spawn_options);
  // Ready when the default server answers 404 for an unknown host.
  for (int i = 0; i < 100; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      std::ifstream in(options_.prefix + "/logs/error.log");
      std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      throw std::runtime_error("nginx exited at start: " +
                               trim(log.substr(log.size() > 600 ? log.size() - 600 : 0)));
    }
    try {
      http_request("GET", local_url() + "/", "", {"", "unknown.invalid", 1000});
      log::info("gateway nginx on {} for *.{} (prefix {})", local_url(), options_.gateway.domain,
                options_.prefix);
      return;
    } catch (const HttpUnreachable&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  throw std::runtime_error("nginx did not start listening on " + local_url());
}

void NginxGateway::stop() {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return;
  ::kill(pid_, SIGQUIT);  // graceful shutdown
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
}

std::string NginxGateway::acme_webroot() const {
  return options_.prefix + "/acme";
}

void NginxGateway::add_route(const Route& route_in) {
  std::lock_guard lock(mutex_);
  Route route = route_in;
  // HTTP-01 challenges: files under <prefix>/acme/.well-known/acme-challenge/.
  route.acme_root = acme_webroot();
  std::string path = route_path(route.name);
  write_atomically(path, render_route(route, options_.gateway));
  try {
    check_config();
  } catch (...) {
    fs::remove(path);
    throw;
  }
  reload();
}

void NginxGateway::remove_route(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::error_code ec;
  if (!fs::remove(route_path(name), ec)) return;
  reload();
}

bool NginxGateway::wait_for(const std::string& host, int wanted_status, int timeout_ms,
                            const std::string& path) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      auto result = http_request("GET", local_url() + path, "", {"", host, 2000});
      if (result.status == wanted_status) return true;
    } catch (const HttpUnreachable&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace herd::grid
