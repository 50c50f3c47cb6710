// GET /api/v1_alpha/async_refreshes/:id (Mastodon 4.4, experimental): the state of background work
// a response announced with the Mastodon-Async-Refresh header (store/async_refreshes.hpp).
#include "store/async_refreshes.hpp"

#include "api/auth.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"

namespace herd::api {

void add_async_refresh_routes(http::Router& router, App& app) {
  router.get("/api/v1_alpha/async_refreshes/:id", [&app](http::Request& request) {
    require_user(app, request, "read");
    Id id = path_id(request);
    auto refresh =
        app.db->read_value([&](store::Connection& c) { return store::find_async_refresh(c, id); });
    if (!refresh) not_found();
    return http::Response::json(boost::json::object{
        {"async_refresh", boost::json::object{{"id", std::to_string(refresh->id)},
                                              {"status", refresh->status},
                                              {"result_count", refresh->result_count}}}});
  });
}

}  // namespace herd::api
