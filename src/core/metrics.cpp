#include "core/metrics.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

namespace herd::metrics {

namespace {

constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,    2.5,   5,    10};

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> buckets{};  // cumulative when rendered
  std::uint64_t count = 0;
  double sum = 0;
};

// Series keys, looked up by views of the request's method and route (no copy on each request).
struct RequestKey {
  std::string method, route;
  int status = 0;
};
struct RouteKey {
  std::string method, route;
};
struct KeyLess {
  using is_transparent = void;
  static auto view(const RequestKey& k) {
    return std::tuple<std::string_view, std::string_view, int>(k.method, k.route, k.status);
  }
  static auto view(const RouteKey& k) {
    return std::pair<std::string_view, std::string_view>(k.method, k.route);
  }
  template <typename T>
  static const T& view(const T& k) {
    return k;
  }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return view(a) < view(b);
  }
};

struct Registry {
  std::mutex mutex;
  std::map<RequestKey, std::uint64_t, KeyLess> requests;
  std::map<RouteKey, Histogram, KeyLess> latency;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> deliveries;  // ok, failed
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: threads may record during exit
  return *r;
}

std::atomic<std::uint64_t> cache_hits{0}, cache_misses{0};
std::atomic<std::uint64_t> cache_clears{0}, cache_drops{0};
std::atomic<std::int64_t> websockets{0}, event_streams{0};

std::string number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

// Resident and virtual memory, CPU seconds and start time of this process, from /proc/self.
void process_series(std::string& out) {
  long page = sysconf(_SC_PAGESIZE), ticks = sysconf(_SC_CLK_TCK);
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  if (statm >> size >> resident) {
    header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out += "process_resident_memory_bytes " + std::to_string(resident * page) + "\n";
    header(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    out += "process_virtual_memory_bytes " + std::to_string(size * page) + "\n";
  }
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream fields(stat.substr(close + 2));  // from field 3 (state) on
  std::string field;
  std::array<std::string, 20> f;
  for (size_t i = 0; i < f.size() && fields >> field; ++i) f[i] = field;
  // utime, stime: fields 14 and 15; starttime: field 22 (clock ticks after boot).
  double cpu = (std::stod(f[11].empty() ? "0" : f[11]) + std::stod(f[12].empty() ? "0" : f[12])) /
               double(ticks);
  header(out, "process_cpu_seconds_total", "counter", "User and system CPU time in seconds.");
  out += "process_cpu_seconds_total " + number(cpu) + "\n";
  std::ifstream uptime_file("/proc/uptime");
  double uptime = 0;
  if (uptime_file >> uptime && !f[19].empty()) {
    double started = double(time(nullptr)) - uptime + std::stod(f[19]) / double(ticks);
    header(out, "process_start_time_seconds", "gauge", "Start time since the epoch in seconds.");
    out += "process_start_time_seconds " + number(std::floor(started)) + "\n";
  }
}

}  // namespace

std::string label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    if (ch == '\\')
      out += "\\\\";
    else if (ch == '"')
      out += "\\\"";
    else if (ch == '\n')
      out += "\\n";
    else
      out += ch;
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void observe_request(std::string_view method, std::string_view route, int status, double seconds) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::tuple<std::string_view, std::string_view, int> request_key(method, route, status);
  auto counted = r.requests.find(request_key);
  if (counted == r.requests.end())
    counted =
        r.requests.emplace(RequestKey{std::string(method), std::string(route), status}, 0).first;
  ++counted->second;
  std::pair<std::string_view, std::string_view> route_key(method, route);
  auto timed = r.latency.find(route_key);
  if (timed == r.latency.end())
    timed = r.latency.emplace(RouteKey{std::string(method), std::string(route)}, Histogram{}).first;
  Histogram& histogram = timed->second;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      ++histogram.buckets[i];
      break;
    }
  ++histogram.count;
  histogram.sum += seconds;
}

void count_delivery(std::string_view domain, bool delivered) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto& counts = r.deliveries[std::string(domain)];
  ++(delivered ? counts.first : counts.second);
}

void count_cache_lookup(bool hit) {
  ++(hit ? cache_hits : cache_misses);
}

void count_cache_invalidation(bool everything) {
  ++(everything ? cache_clears : cache_drops);
}

StreamingConnection::StreamingConnection(std::string_view transport)
    : websocket_(transport == "websocket") {
  ++(websocket_ ? websockets : event_streams);
}

StreamingConnection::~StreamingConnection() {
  --(websocket_ ? websockets : event_streams);
}

void render(std::string& out) {
  Registry& r = registry();
  {
    std::lock_guard lock(r.mutex);
    header(out, "herd_http_requests_total", "counter",
           "HTTP requests answered, by route pattern, method and status.");
    for (const auto& [key, count] : r.requests)
      out += "herd_http_requests_total{method=\"" + label(key.method) + "\",route=\"" +
             label(key.route) + "\",status=\"" + std::to_string(key.status) + "\"} " +
             std::to_string(count) + "\n";
    header(out, "herd_http_request_duration_seconds", "histogram",
           "Time from a parsed request to its response, by route pattern and method.");
    for (const auto& [key, histogram] : r.latency) {
      std::string labels =
          "method=\"" + label(key.method) + "\",route=\"" + label(key.route) + "\"";
      std::uint64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.buckets[i];
        out += "herd_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
               number(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
      }
      out += "herd_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
             std::to_string(histogram.count) + "\n";
      out +=
          "herd_http_request_duration_seconds_sum{" + labels + "} " + number(histogram.sum) + "\n";
      out += "herd_http_request_duration_seconds_count{" + labels + "} " +
             std::to_string(histogram.count) + "\n";
    }
    header(out, "herd_federation_deliveries_total", "counter",
           "Deliveries to remote inboxes that were accepted, by domain.");
    for (const auto& [domain, counts] : r.deliveries)
      out += "herd_federation_deliveries_total{domain=\"" + label(domain) + "\"} " +
             std::to_string(counts.first) + "\n";
    header(out, "herd_federation_delivery_failures_total", "counter",
           "Delivery attempts that failed (retried or given up), by domain.");
    for (const auto& [domain, counts] : r.deliveries)
      out += "herd_federation_delivery_failures_total{domain=\"" + label(domain) + "\"} " +
             std::to_string(counts.second) + "\n";
  }
  std::uint64_t hits = cache_hits, misses = cache_misses;
  header(out, "herd_response_cache_lookups_total", "counter",
         "Response cache lookups of cacheable GET requests, by result.");
  out += "herd_response_cache_lookups_total{result=\"hit\"} " + std::to_string(hits) + "\n";
  out += "herd_response_cache_lookups_total{result=\"miss\"} " + std::to_string(misses) + "\n";
  header(out, "herd_response_cache_hit_ratio", "gauge",
         "Share of response cache lookups answered from the cache since start (0 before any).");
  out += "herd_response_cache_hit_ratio " +
         number(hits + misses ? double(hits) / double(hits + misses) : 0.0) + "\n";
  header(out, "herd_response_cache_invalidations_total", "counter",
         "Response cache invalidations, by kind: everything (a write that did not name what it "
         "changes, or another process's write) or precise (only the answers showing it).");
  out += "herd_response_cache_invalidations_total{kind=\"everything\"} " +
         std::to_string(cache_clears.load()) + "\n";
  out += "herd_response_cache_invalidations_total{kind=\"precise\"} " +
         std::to_string(cache_drops.load()) + "\n";
  header(out, "herd_streaming_connections", "gauge",
         "Open streaming API connections, by transport.");
  out += "herd_streaming_connections{transport=\"websocket\"} " +
         std::to_string(websockets.load()) + "\n";
  out += "herd_streaming_connections{transport=\"sse\"} " + std::to_string(event_streams.load()) +
         "\n";
  process_series(out);
}

}  // namespace herd::metrics
