#include "http/router.hpp"

namespace herd::http {

std::vector<std::string_view> Router::split(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return segments;
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler, Cost cost) {
  Route route;
  route.cost = cost;
  route.method = std::string(method);
  route.pattern = std::string(pattern);
  for (auto segment : split(pattern)) {
    route.segments.emplace_back(segment);
    if (segment.empty() || segment[0] != ':') ++route.literal_count;
  }
  route.handler = std::move(handler);
  if (by_length_.size() <= route.segments.size()) by_length_.resize(route.segments.size() + 1);
  by_length_[route.segments.size()].push_back(routes_.size());
  routes_.push_back(std::move(route));
}

const std::vector<std::size_t>& Router::of_length(std::size_t length) const {
  static const std::vector<std::size_t> none;
  return length < by_length_.size() ? by_length_[length] : none;
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& segments) {
  if (route.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = route.segments[i];
    if (!expected.empty() && expected[0] == ':') continue;
    if (expected != segments[i]) return false;
  }
  return true;
}

const Router::Route* Router::best(const std::vector<std::string_view>& segments,
                                  std::string_view method, bool* path_known) const {
  const Route* best = nullptr;
  for (std::size_t index : of_length(segments.size())) {
    const Route& route = routes_[index];
    if (!matches(route, segments)) continue;
    *path_known = true;
    bool method_ok = route.method == method || (method == "HEAD" && route.method == "GET");
    if (method_ok && (!best || route.literal_count > best->literal_count)) best = &route;
  }
  return best;
}

void Router::capture(const Route& route, const std::vector<std::string_view>& segments,
                     Request& request) {
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!route.segments[i].empty() && route.segments[i][0] == ':')
      request.path_params[route.segments[i].substr(1)] = std::string(segments[i]);
  }
}

bool Router::quick_read(Request& request) const {
  request.routed = {};
  if (request.method != "GET" && request.method != "HEAD") return false;
  auto segments = split(request.path);
  bool path_known = false;
  const Route* found = best(segments, request.method, &path_known);
  if (!found) return false;
  capture(*found, segments, request);
  request.routed = RouteMatch{&found->handler, &found->pattern};
  return found->cost == Cost::quick_read;
}

Router::Match Router::route(Request& request, const Handler** handler,
                            const std::string** pattern) const {
  auto segments = split(request.path);
  bool path_known = false;
  const Route* best = this->best(segments, request.method, &path_known);
  if (!best) return path_known ? Match::method_not_allowed : Match::not_found;
  capture(*best, segments, request);
  *handler = &best->handler;
  if (pattern) *pattern = &best->pattern;
  return Match::found;
}

std::vector<std::string> Router::methods_for(std::string_view path) const {
  auto segments = split(path);
  std::vector<std::string> methods;
  for (std::size_t index : of_length(segments.size()))
    if (matches(routes_[index], segments)) methods.push_back(routes_[index].method);
  return methods;
}

std::vector<std::pair<std::string, std::string>> Router::table() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& route : routes_) out.emplace_back(route.method, route.pattern);
  return out;
}

bool Router::is_quick_read(std::string_view method, std::string_view pattern) const {
  for (const Route& route : routes_)
    if (route.method == method && route.pattern == pattern) return route.cost == Cost::quick_read;
  return false;
}

}  // namespace herd::http
