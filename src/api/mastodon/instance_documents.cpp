// The instance's documents for clients: GET /api/v1/instance/privacy_policy,
// /api/v1/instance/terms_of_service (and /:date, the only version) and
// /api/v1/instance/extended_description, as Mastodon answers them.
#include "service/instance_documents.hpp"

#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

// null for herd's built-in template.
json::value updated_at(const service::DocumentContent& content) {
  return content.updated_at ? json::value(rfc3339(*content.updated_at)) : json::value(nullptr);
}

}  // namespace

void add_instance_document_routes(http::Router& router, App& app) {
  router.get("/api/v1/instance/privacy_policy", [&app](http::Request&) {
    auto content = service::instance_document(app, service::InstanceDocument::privacy_policy);
    return http::Response::json(
        json::object{{"updated_at", updated_at(content)}, {"content", content.html}});
  });
  router.get("/api/v1/instance/extended_description", [&app](http::Request&) {
    auto content = service::instance_document(app, service::InstanceDocument::extended_description);
    return http::Response::json(
        json::object{{"updated_at", updated_at(content)}, {"content", content.html}});
  });
  auto terms = [&app](http::Request&) {
    auto content = service::instance_document(app, service::InstanceDocument::terms_of_service);
    std::string date = rfc3339_date(content.updated_at.value_or(0));
    return http::Response::json(json::object{{"effective_date", date},
                                             {"effective", true},
                                             {"content", content.html},
                                             {"succeeded_by", nullptr}});
  };
  router.get("/api/v1/instance/terms_of_service", terms);
  router.get("/api/v1/instance/terms_of_service/:date", terms);
}

}  // namespace herd::api
