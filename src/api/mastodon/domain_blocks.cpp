// A user's domain blocks: GET /api/v1/domain_blocks (paged list of domains), POST and DELETE with
// `domain`.
#include "api/auth.hpp"
#include "api/pagination.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/relationships.hpp"
#include "store/relationships.hpp"

namespace herd::api {

namespace {

namespace json = boost::json;

std::string domain_param(const http::Request& request) {
  return http::param_string(request.params, "domain").value_or("");
}

http::Response index(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "read:blocks");
  store::PageQuery page = read_page(request, 100, 200);
  std::vector<Id> cursors;
  json::array body;
  app.db->read([&](store::Connection& c) {
    for (const auto& entry : store::page_account_domain_blocks(c, viewer.account_id(), page)) {
      cursors.push_back(entry.row_id);
      body.emplace_back(entry.domain);
    }
  });
  http::Response response = http::Response::json(body);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

}  // namespace

void add_user_domain_block_routes(http::Router& router, App& app) {
  router.get("/api/v1/domain_blocks", [&app](http::Request& r) { return index(app, r); });
  router.post("/api/v1/domain_blocks", [&app](http::Request& r) {
    Viewer viewer = require_user(app, r, "write:blocks");
    service::block_domain(app, viewer.account_id(), domain_param(r));
    return http::Response::json(json::object{});
  });
  router.del("/api/v1/domain_blocks", [&app](http::Request& r) {
    Viewer viewer = require_user(app, r, "write:blocks");
    service::unblock_domain(app, viewer.account_id(), domain_param(r));
    return http::Response::json(json::object{});
  });
}

}  // namespace herd::api
