// The admin API's route groups added for Mastodon 4.5's admin web UI, and the check they share.
// (The older admin groups, accounts and reports, are in routes.hpp.)
#pragma once
#include <string_view>

#include "api/auth.hpp"
#include "app.hpp"
#include "http/router.hpp"

namespace herd::api {

// require_user() for admins and owners only (Mastodon's manage_blocks and manage_federation
// permissions): 403 "This action is not allowed" for moderators and users. Moderators pass
// require_staff() (dashboard, reports, accounts, trends).
Viewer require_admin(App& app, const http::Request& request, std::string_view scope);

void add_admin_block_routes(http::Router& router, App& app);      // mastodon/admin_blocks.cpp
void add_admin_dashboard_routes(http::Router& router, App& app);  // mastodon/admin_dashboard.cpp
// The admin's trends review (tags, statuses, links).
void add_trend_routes(http::Router& router, App& app);  // mastodon/trends.cpp

}  // namespace herd::api
