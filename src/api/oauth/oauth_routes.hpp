// Route groups of the OAuth server, registered together by add_oauth_routes (oauth.cpp).
#pragma once
#include "app.hpp"
#include "http/router.hpp"

namespace herd::api {

void add_app_routes(http::Router& router, App& app);        // oauth/apps.cpp: /api/v1/apps
void add_authorize_routes(http::Router& router, App& app);  // oauth/authorize.cpp: /oauth/authorize

}  // namespace herd::api
