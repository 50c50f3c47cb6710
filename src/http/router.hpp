// Maps (method, path) to a handler. Patterns are literal segments and ":name" captures, e.g.
// "/api/v1/statuses/:id/favourite". A trailing slash on the request path is ignored. Literal
// segments win over captures when both match.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"

namespace herd::http {

// How a route's handler runs. `may_block` (the default): on a worker, since it may wait (writes,
// remote servers, password hashing). `quick_read`: it only reads the local database and computes
// (no writes, no remote requests, no waiting on anything but the database's reads), so that the
// server may run it on the I/O thread when the database answers reads without waiting
// (ServerOptions::runs_inline). Only API routes, which the front handler never takes over.
enum class Cost { may_block, quick_read };

class Router {
 public:
  void add(std::string_view method, std::string_view pattern, Handler handler,
           Cost cost = Cost::may_block);
  void get(std::string_view pattern, Handler h, Cost cost = Cost::may_block) {
    add("GET", pattern, std::move(h), cost);
  }
  void post(std::string_view pattern, Handler h) { add("POST", pattern, std::move(h)); }
  void put(std::string_view pattern, Handler h) { add("PUT", pattern, std::move(h)); }
  void patch(std::string_view pattern, Handler h) { add("PATCH", pattern, std::move(h)); }
  void del(std::string_view pattern, Handler h) { add("DELETE", pattern, std::move(h)); }

  enum class Match { found, method_not_allowed, not_found };
  // On found, fills request.path_params and returns the handler (and, when asked, the route's
  // pattern, e.g. "/api/v1/statuses/:id", which lives as long as the router).
  Match route(Request& request, const Handler** handler,
              const std::string** pattern = nullptr) const;
  // Routes a GET or HEAD request ahead of dispatch: when a route matches, records it in
  // request.routed (its captures in path_params), so that dispatch need not route it again, and
  // returns whether it is a `quick_read` one. request.path must be parsed (http::parse_request).
  bool quick_read(Request& request) const;
  // Methods that have a route for this path (for OPTIONS / 405 Allow).
  std::vector<std::string> methods_for(std::string_view path) const;
  // Every route as registered (method, pattern), in order: the route table `herd admin routes`
  // prints and the authorization matrix test walks.
  std::vector<std::pair<std::string, std::string>> table() const;
  // Whether the route registered for (method, pattern) is a `quick_read` one (false for none).
  bool is_quick_read(std::string_view method, std::string_view pattern) const;
  // The handler for paths no route matches (nullptr: the dispatcher's JSON 404).
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }
  const Handler* fallback() const { return fallback_ ? &fallback_ : nullptr; }

  // Asked before any route: when it answers, its response is used instead of routing (the web
  // client takes over a signed-in browser's navigations this way, web/client.hpp).
  using Front = std::function<std::optional<Response>(Request&)>;
  void set_front(Front front) { front_ = std::move(front); }
  const Front& front() const { return front_; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // ":x" for captures
    int literal_count = 0;
    Handler handler;
    Cost cost = Cost::may_block;
  };
  static std::vector<std::string_view> split(std::string_view path);
  static bool matches(const Route& route, const std::vector<std::string_view>& segments);
  // The route a request with these segments and method takes (nullptr: none; *path_known then
  // says whether another method has one).
  const Route* best(const std::vector<std::string_view>& segments, std::string_view method,
                    bool* path_known) const;
  // Fills request.path_params with the route's captures.
  static void capture(const Route& route, const std::vector<std::string_view>& segments,
                      Request& request);
  std::vector<Route> routes_;
  // Indexes into routes_ by segment count, in the order added: a path is matched only against
  // the routes of its length.
  std::vector<std::vector<std::size_t>> by_length_;
  const std::vector<std::size_t>& of_length(std::size_t length) const;
  Handler fallback_;
  Front front_;
};

}  // namespace herd::http
