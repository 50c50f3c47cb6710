// What operators and their tools ask of a running instance: GET /health/ready (the database
// answers and its schema is current; 503 otherwise) and GET /metrics in Prometheus's text format
// (core/metrics plus what lives in the database: job queues by kind with the age of the oldest,
// and the connection pool). /metrics is off unless HERD_METRICS_TOKEN is set, and then asks for it
// as a bearer token (Prometheus: `authorization: {credentials: ...}` in the scrape config).
// GET /health (liveness: the process answers) lives with the instance routes.
#include "store/operations.hpp"

#include <boost/json.hpp>

#include "api/held_page.hpp"
#include "api/routes.hpp"
#include "api/status_cache.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

http::Response ready(App& app, http::Request&) {
  std::vector<int> pending;
  try {
    app.db->read([&](store::Connection& c) { pending = store::pending_migrations(c); });
  } catch (const std::exception& error) {
    log::error("health check: the database does not answer: {}", error.what());
    return http::Response::json(
        json::object{{"status", "unavailable"}, {"database", "unreachable"}}, 503);
  }
  if (!pending.empty()) {
    json::array versions;
    for (int version : pending) versions.push_back(version);
    return http::Response::json(json::object{{"status", "unavailable"},
                                             {"database", "reachable"},
                                             {"migrations", "pending"},
                                             {"pending_migrations", std::move(versions)}},
                                503);
  }
  return http::Response::json(
      json::object{{"status", "ok"}, {"database", "reachable"}, {"migrations", "current"}});
}

void database_series(App& app, std::string& out) {
  std::vector<store::JobQueueStats> queues;
  app.db->read([&](store::Connection& c) { queues = store::job_queue_stats(c); });
  std::int64_t now = now_unix_ms();
  metrics::header(out, "herd_jobs", "gauge", "Background jobs waiting in the database, by kind.");
  for (const auto& queue : queues)
    out += "herd_jobs{queue=\"" + metrics::label(queue.queue) + "\"} " +
           std::to_string(queue.count) + "\n";
  metrics::header(out, "herd_jobs_oldest_age_seconds", "gauge",
                  "Age of the oldest waiting job, by kind.");
  for (const auto& queue : queues)
    out += "herd_jobs_oldest_age_seconds{queue=\"" + metrics::label(queue.queue) + "\"} " +
           std::to_string(std::max<std::int64_t>(0, now - queue.oldest_created_at) / 1000.0) + "\n";
  metrics::header(out, "herd_jobs_failing", "gauge",
                  "Waiting jobs that failed at least once (being retried), by kind.");
  for (const auto& queue : queues)
    out += "herd_jobs_failing{queue=\"" + metrics::label(queue.queue) + "\"} " +
           std::to_string(queue.failing) + "\n";
  store::PoolStats pool = app.db->pool_stats();
  metrics::header(
      out, "herd_database_connections", "gauge",
      "Database connections of this process: open, in use, and the most the pool opens.");
  out += "herd_database_connections{state=\"open\"} " + std::to_string(pool.open) + "\n";
  out += "herd_database_connections{state=\"in_use\"} " + std::to_string(pool.in_use) + "\n";
  out += "herd_database_connections{state=\"max\"} " + std::to_string(pool.size) + "\n";
  metrics::header(out, "herd_database_waiting", "gauge",
                  "Callers waiting for a database connection (SQLite: for the writer).");
  out += "herd_database_waiting " + std::to_string(pool.waiting) + "\n";
  if (StatusCache* cache = status_cache()) {
    StatusCache::Stats stats = cache->stats();
    metrics::header(out, "herd_status_cache_lookups_total", "counter",
                    "Lookups of statuses rendered as JSON text (the status cache), by result.");
    out += "herd_status_cache_lookups_total{result=\"hit\"} " + std::to_string(stats.hits) + "\n";
    out +=
        "herd_status_cache_lookups_total{result=\"miss\"} " + std::to_string(stats.misses) + "\n";
    metrics::header(out, "herd_status_cache_bytes", "gauge",
                    "Bytes held by the status cache (at most HERD_STATUS_CACHE_MB).");
    out += "herd_status_cache_bytes " + std::to_string(stats.bytes) + "\n";
    metrics::header(out, "herd_status_cache_entries", "gauge", "Statuses in the status cache.");
    out += "herd_status_cache_entries " + std::to_string(stats.entries) + "\n";
    metrics::header(out, "herd_status_cache_invalidations_total", "counter",
                    "Status cache invalidations: emptied by a write that did not say what it "
                    "changed (everything), or entries dropped by one that did (precise).");
    out += "herd_status_cache_invalidations_total{kind=\"everything\"} " +
           std::to_string(stats.clears) + "\n";
    out += "herd_status_cache_invalidations_total{kind=\"precise\"} " +
           std::to_string(stats.drops) + "\n";
  }
  TimelineRows rows = timeline_rows();
  metrics::header(out, "herd_timeline_rows_total", "counter",
                  "Statuses of timeline pages (home, public, hashtag, link), by where their rows "
                  "came from: the status cache (held), read by id, or read with the page.");
  out += "herd_timeline_rows_total{source=\"held\"} " + std::to_string(rows.held) + "\n";
  out += "herd_timeline_rows_total{source=\"by_id\"} " + std::to_string(rows.by_id) + "\n";
  out += "herd_timeline_rows_total{source=\"page\"} " + std::to_string(rows.whole) + "\n";
}

http::Response metrics_page(App& app, http::Request& request) {
  const std::string& token = app.config.metrics_token;
  if (token.empty()) return http::Response::error(404, "Not found");
  std::string_view authorization = request.header("authorization");
  if (authorization.substr(0, 7) != "Bearer " ||
      !secure_equals(std::string(authorization.substr(7)), token))
    return http::Response::error(401, "This page needs HERD_METRICS_TOKEN as a bearer token")
        .with_header("WWW-Authenticate", "Bearer realm=\"metrics\"");
  std::string out;
  out.reserve(16384);
  metrics::render(out);
  database_series(app, out);
  return http::Response::text(std::move(out), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void add_operation_routes(http::Router& router, App& app) {
  router.get("/health/ready", [&app](http::Request& request) { return ready(app, request); });
  router.get("/metrics", [&app](http::Request& request) { return metrics_page(app, request); });
}

}  // namespace herd::api
