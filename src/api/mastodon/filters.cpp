// Filters: v2 (GET/POST /api/v2/filters, GET/PUT/DELETE /api/v2/filters/:id, keywords and
// statuses of a filter, GET/PUT/DELETE /api/v2/filters/keywords/:id, GET/DELETE
// /api/v2/filters/statuses/:id) and the v1 API older clients use (GET/POST /api/v1/filters,
// GET/PUT/DELETE /api/v1/filters/:id), where each keyword is one filter.
#include "service/filters.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"

namespace herd::api {

namespace {

std::optional<std::vector<std::string>> context_param(const json::object& params) {
  if (!http::param(params, "context")) return std::nullopt;
  return http::param_strings(params, "context");
}

service::ExpiresIn expires_in_param(const json::object& params) {
  service::ExpiresIn out;
  const json::value* value = http::param(params, "expires_in");
  if (!value) return out;
  out.given = true;
  if (value->is_null() || (value->is_string() && value->as_string().empty())) return out;
  out.seconds = http::param_int(params, "expires_in");
  return out;
}

service::KeywordInput keyword_input(const json::object& params) {
  service::KeywordInput input;
  if (auto id = http::param_string(params, "id"); id && !id->empty()) {
    input.id = parse_id(*id);
    if (!input.id) not_found();
  }
  input.keyword = http::param_string(params, "keyword");
  input.whole_word = http::param_bool(params, "whole_word");
  input.destroy = http::param_bool(params, "_destroy").value_or(false);
  return input;
}

service::FilterInput filter_input(const http::Request& request) {
  const auto& p = request.params;
  service::FilterInput input;
  input.title = http::param_string(p, "title");
  input.context = context_param(p);
  input.filter_action = http::param_string(p, "filter_action");
  input.expires_in = expires_in_param(p);
  for (const auto& attributes : http::param_objects(p, "keywords_attributes"))
    input.keywords.push_back(keyword_input(attributes));
  return input;
}

json::object rules_json(const service::FilterWithRules& f) {
  return filter_json(f.filter, &f.keywords, &f.statuses);
}

Id me(App& app, const http::Request& request, std::string_view scope) {
  return require_user(app, request, scope).account_id();
}

// ---- v2 ------------------------------------------------------------------------------------

http::Response index(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto filters =
      app.db->read_value([&](store::Connection& c) { return service::filters_of(c, owner); });
  json::array out;
  for (const auto& f : filters) out.push_back(rules_json(f));
  return http::Response::json(out);
}

http::Response show(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto filter = app.db->read_value(
      [&](store::Connection& c) { return service::own_filter(c, owner, path_id(request, "id")); });
  return http::Response::json(rules_json(filter));
}

http::Response create(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  return http::Response::json(
      rules_json(service::create_filter(app, owner, filter_input(request))));
}

http::Response update(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  return http::Response::json(rules_json(
      service::update_filter(app, owner, path_id(request, "id"), filter_input(request))));
}

http::Response destroy(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  service::delete_filter(app, owner, path_id(request, "id"));
  return http::Response::json(json::object{});
}

http::Response keywords(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto filter = app.db->read_value([&](store::Connection& c) {
    return service::own_filter(c, owner, path_id(request, "filter_id"));
  });
  json::array out;
  for (const auto& k : filter.keywords) out.push_back(filter_keyword_json(k));
  return http::Response::json(out);
}

http::Response add_keyword(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  service::KeywordInput input;
  input.keyword = http::param_string(request.params, "keyword");
  input.whole_word = http::param_bool(request.params, "whole_word");
  return http::Response::json(filter_keyword_json(
      service::add_filter_keyword(app, owner, path_id(request, "filter_id"), input)));
}

http::Response show_keyword(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto keyword = app.db->read_value([&](store::Connection& c) {
    return service::own_filter_keyword(c, owner, path_id(request, "id"));
  });
  return http::Response::json(filter_keyword_json(keyword));
}

http::Response update_keyword(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  service::KeywordInput input;
  input.keyword = http::param_string(request.params, "keyword");
  input.whole_word = http::param_bool(request.params, "whole_word");
  return http::Response::json(filter_keyword_json(
      service::update_filter_keyword(app, owner, path_id(request, "id"), input)));
}

http::Response delete_keyword(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  service::delete_filter_keyword(app, owner, path_id(request, "id"));
  return http::Response::json(json::object{});
}

http::Response statuses(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto filter = app.db->read_value([&](store::Connection& c) {
    return service::own_filter(c, owner, path_id(request, "filter_id"));
  });
  json::array out;
  for (const auto& s : filter.statuses) out.push_back(filter_status_json(s));
  return http::Response::json(out);
}

http::Response add_status(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  auto text = http::param_string(request.params, "status_id");
  std::optional<Id> status_id = text ? parse_id(*text) : std::nullopt;
  return http::Response::json(filter_status_json(
      service::add_filter_status(app, owner, path_id(request, "filter_id"), status_id)));
}

http::Response show_status(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto status = app.db->read_value([&](store::Connection& c) {
    return service::own_filter_status(c, owner, path_id(request, "id"));
  });
  return http::Response::json(filter_status_json(status));
}

http::Response delete_status(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  service::delete_filter_status(app, owner, path_id(request, "id"));
  return http::Response::json(json::object{});
}

// ---- v1 ------------------------------------------------------------------------------------

service::V1FilterInput v1_input(const http::Request& request) {
  const auto& p = request.params;
  service::V1FilterInput input;
  input.phrase = http::param_string(p, "phrase");
  input.context = context_param(p);
  input.irreversible = http::param_bool(p, "irreversible");
  input.whole_word = http::param_bool(p, "whole_word");
  input.expires_in = expires_in_param(p);
  return input;
}

json::object v1_json(const service::V1Filter& f) {
  return v1_filter_json(f.filter, f.keyword);
}

http::Response v1_index(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto filters =
      app.db->read_value([&](store::Connection& c) { return service::v1_filters_of(c, owner); });
  json::array out;
  for (const auto& f : filters) out.push_back(v1_json(f));
  return http::Response::json(out);
}

http::Response v1_show(App& app, http::Request& request) {
  Id owner = me(app, request, "read:filters");
  auto filter = app.db->read_value([&](store::Connection& c) {
    return service::own_v1_filter(c, owner, path_id(request, "id"));
  });
  return http::Response::json(v1_json(filter));
}

http::Response v1_create(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  return http::Response::json(v1_json(service::create_v1_filter(app, owner, v1_input(request))));
}

http::Response v1_update(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  return http::Response::json(
      v1_json(service::update_v1_filter(app, owner, path_id(request, "id"), v1_input(request))));
}

http::Response v1_destroy(App& app, http::Request& request) {
  Id owner = me(app, request, "write:filters");
  service::delete_v1_filter(app, owner, path_id(request, "id"));
  return http::Response::json(json::object{});
}

}  // namespace

void add_filter_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.get("/api/v2/filters", bind(index));
  router.post("/api/v2/filters", bind(create));
  router.get("/api/v2/filters/:id", bind(show));
  router.put("/api/v2/filters/:id", bind(update));
  router.del("/api/v2/filters/:id", bind(destroy));
  router.get("/api/v2/filters/:filter_id/keywords", bind(keywords));
  router.post("/api/v2/filters/:filter_id/keywords", bind(add_keyword));
  router.get("/api/v2/filters/keywords/:id", bind(show_keyword));
  router.put("/api/v2/filters/keywords/:id", bind(update_keyword));
  router.del("/api/v2/filters/keywords/:id", bind(delete_keyword));
  router.get("/api/v2/filters/:filter_id/statuses", bind(statuses));
  router.post("/api/v2/filters/:filter_id/statuses", bind(add_status));
  router.get("/api/v2/filters/statuses/:id", bind(show_status));
  router.del("/api/v2/filters/statuses/:id", bind(delete_status));
  router.get("/api/v1/filters", bind(v1_index));
  router.post("/api/v1/filters", bind(v1_create));
  router.get("/api/v1/filters/:id", bind(v1_show));
  router.put("/api/v1/filters/:id", bind(v1_update));
  router.del("/api/v1/filters/:id", bind(v1_destroy));
}

}  // namespace herd::api
