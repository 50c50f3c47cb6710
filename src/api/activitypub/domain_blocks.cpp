// Domain blocks, as Mastodon's admin API has them (admins and owners; admin:read:domain_blocks /
// admin:write:domain_blocks, delivery failures admin:read):
//   GET    /api/v1/admin/domain_blocks         the list
//   POST   /api/v1/admin/domain_blocks         domain (required), severity (default suspend)
//   DELETE /api/v1/admin/domain_blocks/:id
// A blocked domain's accounts are suspended; its inbox deliveries are dropped unread and nothing
// is fetched from it. Unblocking lifts the suspension.
// And the deliveries that could not be made (herd's own; Mastodon shows them per instance):
//   GET    /api/v1/admin/delivery_failures     the latest 200, newest first: inbox ("" when the
//          account has none even after a refetch), account_uri, activity type and id, error.
#include <algorithm>

#include "api/activitypub/activitypub.hpp"
#include "api/admin.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "store/federation.hpp"
#include "store/federation_records.hpp"

namespace herd::api::activitypub {

namespace json = boost::json;

namespace {

json::object block_json(const store::DomainBlock& block) {
  return json::object{{"id", std::to_string(block.id)},
                      {"domain", block.domain},
                      {"created_at", rfc3339(block.created_at)},
                      {"severity", block.severity},
                      {"reject_media", false},
                      {"reject_reports", false},
                      {"private_comment", nullptr},
                      {"public_comment", nullptr},
                      {"obfuscate", false}};
}

std::string normalize(std::string domain) {
  std::transform(domain.begin(), domain.end(), domain.begin(), ::tolower);
  while (!domain.empty() && (domain.back() == '.' || domain.back() == '/')) domain.pop_back();
  return domain;
}

}  // namespace

void add_domain_block_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/delivery_failures", [&app](http::Request& request) {
    require_admin(app, request, "admin:read");
    json::array out;
    for (const auto& f : app.db->read_value(
             [](store::Connection& c) { return store::list_delivery_failures(c, 200); }))
      out.push_back(json::object{{"id", std::to_string(f.id)},
                                 {"inbox", f.inbox},
                                 {"account_uri", f.account_uri},
                                 {"activity_type", f.activity_type},
                                 {"activity_id", f.activity_id},
                                 {"error", f.error},
                                 {"created_at", rfc3339(f.created_at)}});
    return http::Response::json(out);
  });
  router.get("/api/v1/admin/domain_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:domain_blocks");
    json::array out;
    for (const auto& block :
         app.db->read_value([](store::Connection& c) { return store::list_domain_blocks(c); }))
      out.push_back(block_json(block));
    return http::Response::json(out);
  });
  router.post("/api/v1/admin/domain_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_blocks");
    std::string domain = normalize(http::param_string(request.params, "domain").value_or(""));
    if (domain.empty() || domain.find_first_of(" /@") != std::string::npos)
      fail(ErrorKind::validation, "Validation failed: Domain is invalid");
    std::string severity = http::param_string(request.params, "severity").value_or("suspend");
    if (severity != "suspend" && severity != "silence" && severity != "noop")
      fail(ErrorKind::validation, "Validation failed: Severity is not included in the list");
    std::optional<store::DomainBlock> stored;
    app.db->write([&](store::Connection& c) {
      if (!store::insert_domain_block(c, next_id(), domain, severity, now_unix_ms()))
        fail(ErrorKind::validation, "Validation failed: Domain has already been taken");
      store::set_domain_suspended(c, domain, severity == "suspend");
      for (const auto& block : store::list_domain_blocks(c))
        if (block.domain == domain) stored = block;
    });
    return http::Response::json(block_json(*stored));
  });
  router.del("/api/v1/admin/domain_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_blocks");
    auto id = parse_id(request.path_param("id"));
    if (!id) not_found();
    std::optional<store::DomainBlock> found;
    app.db->write([&](store::Connection& c) {
      for (const auto& block : store::list_domain_blocks(c))
        if (block.id == *id) found = block;
      if (!found) not_found();
      store::delete_domain_block(c, found->domain);
      store::set_domain_suspended(c, found->domain, false);
    });
    return http::Response::json_text("{}");
  });
}

}  // namespace herd::api::activitypub
