// Read positions: GET /api/v1/markers?timeline[]=home&timeline[]=notifications and
// POST /api/v1/markers with home[last_read_id] and/or notifications[last_read_id].
#include "store/markers.hpp"

#include "api/auth.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

const std::vector<std::string> kTimelines = {"home", "notifications"};

json::object markers_json(const std::vector<store::Marker>& markers) {
  json::object out;
  for (const auto& m : markers)
    out[m.timeline] = json::object{{"last_read_id", std::to_string(m.last_read_id)},
                                   {"version", m.version},
                                   {"updated_at", rfc3339(m.updated_at)}};
  return out;
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:statuses");
  std::vector<std::string> wanted;
  for (const auto& name : http::param_strings(request.params, "timeline"))
    if (std::find(kTimelines.begin(), kTimelines.end(), name) != kTimelines.end())
      wanted.push_back(name);
  auto markers = app.db->read_value(
      [&](store::Connection& c) { return store::find_markers(c, viewer.account_id(), wanted); });
  return http::Response::json(markers_json(markers));
}

http::Response save(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  std::vector<std::pair<std::string, Id>> positions;
  for (const auto& timeline : kTimelines) {
    auto value = http::param_string(request.params, timeline + ".last_read_id");
    if (!value) continue;
    auto id = parse_id(*value);
    if (!id) fail(ErrorKind::validation, "Validation failed: Last read id is not a number");
    positions.emplace_back(timeline, *id);
  }
  std::vector<std::string> saved;
  auto markers = app.db->write_value([&](store::Connection& c) {
    std::int64_t now = now_unix_ms();
    for (const auto& [timeline, id] : positions) {
      store::save_marker(c, viewer.account_id(), timeline, id, now);
      saved.push_back(timeline);
    }
    return store::find_markers(c, viewer.account_id(), saved);
  });
  return http::Response::json(markers_json(markers));
}

}  // namespace

void add_marker_routes(http::Router& router, App& app) {
  router.get("/api/v1/markers", [&app](http::Request& request) { return show(app, request); });
  router.post("/api/v1/markers", [&app](http::Request& request) { return save(app, request); });
}

}  // namespace herd::api
