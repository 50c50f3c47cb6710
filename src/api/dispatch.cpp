#include "api/dispatch.hpp"

#include <chrono>
#include <exception>

#include "api/rate_limits.hpp"
#include "api/response_cache.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "store/database.hpp"
#include "store/invalidation.hpp"
#include "store/socket_wait.hpp"

namespace herd::api {

namespace {

void add_cors(http::Response& response) {
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  response.headers.emplace_back(
      "Access-Control-Expose-Headers",
      "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, "
      "X-Request-Id, Idempotency-Key, Mastodon-Async-Refresh");
  response.headers.emplace_back("Vary", "Origin");
}

http::Response preflight(const http::Router& router, const http::Request& request) {
  http::Response response = http::Response::text("", "", 204);
  response.headers.emplace_back("Access-Control-Allow-Methods",
                                "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  std::string_view asked = request.header("access-control-request-headers");
  response.headers.emplace_back(
      "Access-Control-Allow-Headers",
      asked.empty() ? "Authorization, Content-Type, Idempotency-Key, Accept" : std::string(asked));
  response.headers.emplace_back("Access-Control-Max-Age", "86400");
  return response;
}

// Metrics and the request's log line. route: the router's pattern ("unmatched" for none).
void observe(const http::Request& request, const std::string& route, int status,
             std::chrono::steady_clock::time_point start) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics::observe_request(request.method, route, status, seconds);
  log::request(request.method, request.path, status, seconds * 1000, route);
}

// The path and query of a request not parsed yet, as parse_request sets them: enough to look the
// cache up. Its parameters are left to the full path: a cached answer is one computed by the full
// path for the same target (whose query parsed then), and a request with a body is parsed whole.
bool split_target(http::Request& request) {
  if (request.parsed) return true;
  if (!request.body.empty()) return false;
  std::size_t question = request.target.find('?');
  request.path = http::percent_decode(std::string_view(request.target).substr(0, question), false);
  request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
  return true;
}

}  // namespace

http::FastPath make_fast_path(std::function<std::uint64_t()> generation, ResponseCache* cache,
                              RequestLimits* limits, Gate gate) {
  if (!cache || !generation) return {};
  return
      [generation, cache, limits, gate](http::Request& request) -> std::optional<http::Response> {
        if (request.method != "GET") return std::nullopt;
        try {
          if (!split_target(request)) http::parse_request(request);
        } catch (const std::exception&) {
          return std::nullopt;  // the full path answers with the error
        }
        if (gate) {
          GateVerdict verdict = gate(request, false);
          if (!verdict.decided) return std::nullopt;
          if (verdict.refusal) return std::nullopt;  // the full path refuses it, with its log line
        }
        if (!cache->cacheable(request)) return std::nullopt;
        auto start = std::chrono::steady_clock::now();
        std::string route;
        auto hit = cache->get(ResponseCache::key(request), generation(), &route);
        if (!hit) return hit;  // a miss is counted by the full path, which looks again
        if (limits) {
          RequestLimits::Verdict verdict = limits->check(request, false);
          if (!verdict.decided) return std::nullopt;  // the full path counts it
          if (verdict.refusal) hit = std::move(*verdict.refusal);
          RequestLimits::decorate(*hit, verdict);
        }
        add_cors(*hit);
        metrics::count_cache_lookup(true);
        observe(request, route, hit->status, start);
        return hit;
      };
}

std::function<bool(http::Request&)> make_runs_inline(const http::Router& router) {
  return [&router](http::Request& request) {
    if (request.method != "GET") return false;
    try {
      if (!request.parsed) http::parse_request(request);
    } catch (const std::exception&) {
      return false;  // the full path answers with the error
    }
    return router.quick_read(request);
  };
}

http::Dispatch make_dispatch(const http::Router& router, std::function<std::uint64_t()> generation,
                             ResponseCache* cache, RequestLimits* limits, Gate gate) {
  return [&router, generation, cache, limits, gate](http::Request& request) {
    auto start = std::chrono::steady_clock::now();
    static const std::string kUnmatched = "unmatched", kRateLimited = "rate_limited",
                             kRefused = "refused";
    const std::string* route = &kUnmatched;
    http::Response response;
    std::string cache_key;
    std::uint64_t cache_generation = 0;
    std::optional<ResponseCache::Flight> flight;  // this request computes a cached answer
    std::optional<store::Dependencies> loaded;    // what that answer was read from
    RequestLimits::Verdict verdict;
    try {
      if (!request.parsed) http::parse_request(request);
      if (gate) {
        GateVerdict refused = gate(request, true);
        if (refused.refusal) {
          response = std::move(*refused.refusal);
          add_cors(response);
          observe(request, kRefused, response.status, start);
          return response;
        }
      }
      if (limits && request.method != "OPTIONS") {
        verdict = limits->check(request, true);
        if (verdict.refusal) {
          log::info("{} {}: 429 rate limited ({})", request.method, request.path,
                    request.remote_address);
          response = std::move(*verdict.refusal);
          add_cors(response);
          observe(request, kRateLimited, response.status, start);
          return response;
        }
      }
      if (cache && generation && cache->cacheable(request)) {
        cache_key = ResponseCache::key(request);
        cache_generation = generation();
        std::string cached_route;
        auto hit = cache->get(cache_key, cache_generation, &cached_route);
        metrics::count_cache_lookup(hit.has_value());
        if (!hit) {
          flight.emplace(cache->join(cache_key, cache_generation));
          if (!flight->leader()) {  // another request is computing this answer: take it
            // (in a fiber, suspended: its I/O thread may be running the leader)
            auto [answer, answer_route] = flight->wait();
            hit = std::move(answer);
            cached_route = std::move(answer_route);
          } else {
            loaded.emplace();
          }
        }
        if (hit) {
          RequestLimits::decorate(*hit, verdict);
          add_cors(*hit);
          observe(request, cached_route, hit->status, start);
          return std::move(*hit);
        }
      }
      std::optional<http::Response> front;
      if (router.front() && request.method != "OPTIONS") front = router.front()(request);
      if (front) {
        response = std::move(*front);
      } else if (request.method == "OPTIONS") {
        response = preflight(router, request);
      } else {
        // Routed already when the server asked whether it is a quick read.
        const http::Handler* handler = request.routed.handler;
        http::Router::Match match = http::Router::Match::found;
        if (handler)
          route = request.routed.pattern;
        else
          match = router.route(request, &handler, &route);
        switch (match) {
          case http::Router::Match::found:
            response = (*handler)(request);
            break;
          case http::Router::Match::method_not_allowed:
            response = http::Response::error(405, "Method not allowed");
            break;
          case http::Router::Match::not_found:
            if (const http::Handler* fallback = router.fallback())
              response = (*fallback)(request);
            else
              response = http::Response::error(404, "Not found");
            break;
        }
      }
    } catch (const ApiError& error) {
      response = http::Response::error(error.status(), error.what());
    } catch (const service::RateLimited& error) {
      response = too_many_requests(error.outcome());
    } catch (const store::DatabaseError& error) {
      log::error("{} {}: database: {}", request.method, request.path, error.what());
      response = http::Response::error(
          error.unique_violation() ? 422 : 500,
          error.unique_violation() ? "Validation failed: already exists" : "Internal server error");
    } catch (const std::exception& error) {
      log::error("{} {}: {}", request.method, request.path, error.what());
      response = http::Response::error(500, "Internal server error");
    }
    if (flight)
      flight->finish(response, *route, loaded ? loaded->tags() : std::vector<store::CacheTag>{});
    RequestLimits::decorate(response, verdict);
    add_cors(response);
    observe(request, *route, response.status, start);
    return response;
  };
}

}  // namespace herd::api
