// Every route group registers itself here; build_router() wires them all. Each group lives in its
// own file under api/ (mastodon/, oauth/, activitypub/) or web/.
#pragma once
#include "app.hpp"
#include "http/router.hpp"

namespace herd::api {

void add_instance_routes(http::Router& router, App& app);      // mastodon/instance.cpp
void add_oauth_routes(http::Router& router, App& app);         // oauth/oauth.cpp
void add_account_routes(http::Router& router, App& app);       // mastodon/accounts.cpp
void add_status_routes(http::Router& router, App& app);        // mastodon/statuses.cpp
void add_status_edit_routes(http::Router& router, App& app);   // mastodon/status_edits.cpp
void add_quote_routes(http::Router& router, App& app);         // mastodon/quotes.cpp
void add_timeline_routes(http::Router& router, App& app);      // mastodon/timelines.cpp
void add_list_routes(http::Router& router, App& app);          // mastodon/lists.cpp
void add_filter_routes(http::Router& router, App& app);        // mastodon/filters.cpp
void add_marker_routes(http::Router& router, App& app);        // mastodon/markers.cpp
void add_conversation_routes(http::Router& router, App& app);  // mastodon/conversations.cpp
void add_scheduled_status_routes(http::Router& router,
                                 App& app);                       // mastodon/scheduled_statuses.cpp
void add_tag_routes(http::Router& router, App& app);              // mastodon/tags.cpp
void add_admin_account_routes(http::Router& router, App& app);    // mastodon/admin_accounts.cpp
void add_admin_instance_routes(http::Router& router, App& app);   // mastodon/admin_instance.cpp
void add_account_session_routes(http::Router& router, App& app);  // mastodon/account_sessions.cpp
void add_instance_document_routes(http::Router& router,
                                  App& app);  // mastodon/instance_documents.cpp
void add_user_domain_block_routes(http::Router& router, App& app);  // mastodon/domain_blocks.cpp
void add_announcement_routes(http::Router& router, App& app);       // mastodon/announcements.cpp
void add_notification_routes(http::Router& router, App& app);       // mastodon/notifications.cpp
void add_notification_group_routes(http::Router& router,
                                   App& app);                   // mastodon/notification_groups.cpp
void add_search_routes(http::Router& router, App& app);         // mastodon/search.cpp
void add_discovery_routes(http::Router& router, App& app);      // mastodon/discovery.cpp
void add_async_refresh_routes(http::Router& router, App& app);  // mastodon/async_refreshes.cpp
void add_media_routes(http::Router& router, App& app);          // mastodon/media.cpp
void add_poll_routes(http::Router& router, App& app);           // mastodon/polls.cpp
void add_web_routes(http::Router& router, App& app);            // web/pages.cpp
void add_activitypub_routes(http::Router& router, App& app);    // activitypub/actors.cpp
void add_streaming_routes(http::Router& router, App& app);      // mastodon/streaming.cpp
void add_report_routes(http::Router& router, App& app);         // mastodon/reports.cpp
void add_admin_report_routes(http::Router& router, App& app);   // mastodon/admin_reports.cpp
void add_push_routes(http::Router& router, App& app);           // mastodon/push.cpp
void add_operation_routes(http::Router& router,
                          App& app);                    // operations.cpp: /health/ready, /metrics
void add_email_routes(http::Router& router, App& app);  // mastodon/emails.cpp

http::Router build_router(App& app);

}  // namespace herd::api
