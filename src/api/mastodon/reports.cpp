// Reports: POST /api/v1/reports (account_id, status_ids[], comment, forward, category,
// rule_ids[]) -> Report. 404 for an unknown account or a status that is not the account's, 422 for
// a comment over 1000 characters, an unknown category or unknown rules.
#include "service/reports.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"

namespace herd::api {

namespace {

// Ids as given; one that is not a number matches nothing (-1).
std::vector<Id> id_list(const http::Request& request, std::string_view key) {
  std::vector<Id> out;
  for (const auto& text : http::param_strings(request.params, key))
    out.push_back(parse_id(text).value_or(-1));
  return out;
}

http::Response create(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:reports");
  service::ReportRequest input;
  auto target = parse_id(http::param_string(request.params, "account_id").value_or(""));
  if (!target) not_found();
  input.target_account_id = *target;
  input.status_ids = id_list(request, "status_ids");
  input.rule_ids = id_list(request, "rule_ids");
  input.comment = http::param_string(request.params, "comment").value_or("");
  input.forward = http::param_bool(request.params, "forward").value_or(false);
  if (auto category = http::param_string(request.params, "category");
      category && !category->empty())
    input.category = *category;
  store::Report report = service::file_report(app, viewer.account_id(), input);
  json::object body =
      app.db->read_value([&](store::Connection& c) { return report_json(app, c, report); });
  return http::Response::json(body);
}

}  // namespace

void add_report_routes(http::Router& router, App& app) {
  router.post("/api/v1/reports", [&app](http::Request& request) { return create(app, request); });
}

}  // namespace herd::api
