// The process's own metrics, in the Prometheus text exposition format (version 0.0.4): HTTP
// requests by route pattern, method and status with latency histograms, federation deliveries and
// failures by domain, response cache hits and misses, open streaming connections, and the process's
// memory and CPU time (from /proc/self). Thread-safe; counters only grow while the process lives.
// What lives in the database (job queues, pool use) is added by api/metrics.cpp at scrape time.
#pragma once
#include <string>
#include <string_view>

namespace herd::metrics {

// One answered request. route: the router's pattern ("/api/v1/statuses/:id"), "unmatched" when
// no route matched (so that random paths cannot grow the series without bound).
void observe_request(std::string_view method, std::string_view route, int status, double seconds);

// One delivery attempt to a remote inbox on `domain`: delivered (2xx), else a failure.
void count_delivery(std::string_view domain, bool delivered);

// One lookup in the response cache (api/response_cache.hpp).
void count_cache_lookup(bool hit);
// One invalidation of the response cache: everything (a write that did not say what it changes,
// seen when the cache next stores an answer) or precise (the entries holding some tags).
void count_cache_invalidation(bool everything);

// An open streaming connection (WebSocket or event stream) while the object lives.
class StreamingConnection {
 public:
  explicit StreamingConnection(std::string_view transport);  // "websocket" or "sse"
  ~StreamingConnection();
  StreamingConnection(const StreamingConnection&) = delete;
  StreamingConnection& operator=(const StreamingConnection&) = delete;

 private:
  bool websocket_;
};

// Appends the process's series (HELP and TYPE lines included) to `out`.
void render(std::string& out);

// Helpers for series rendered elsewhere: a label value escaped for the exposition format, and one
// "# HELP"/"# TYPE" header.
std::string label(std::string_view value);
void header(std::string& out, std::string_view name, std::string_view type, std::string_view help);

}  // namespace herd::metrics
