#include "api/routes.hpp"

#include "api/admin.hpp"
#include "web/client.hpp"

namespace herd::api {

http::Router build_router(App& app) {
  http::Router router;
  add_instance_routes(router, app);
  add_account_routes(router, app);
  add_status_routes(router, app);
  add_status_edit_routes(router, app);
  add_quote_routes(router, app);
  add_timeline_routes(router, app);
  add_list_routes(router, app);
  add_filter_routes(router, app);
  add_marker_routes(router, app);
  add_email_routes(router, app);
  add_conversation_routes(router, app);
  add_scheduled_status_routes(router, app);
  add_tag_routes(router, app);
  add_admin_account_routes(router, app);
  add_admin_instance_routes(router, app);
  add_account_session_routes(router, app);
  add_admin_block_routes(router, app);
  add_admin_dashboard_routes(router, app);
  add_trend_routes(router, app);
  add_instance_document_routes(router, app);
  add_user_domain_block_routes(router, app);
  add_announcement_routes(router, app);
  add_notification_routes(router, app);
  add_notification_group_routes(router, app);
  add_search_routes(router, app);
  add_discovery_routes(router, app);
  add_async_refresh_routes(router, app);
  add_media_routes(router, app);
  add_poll_routes(router, app);
  add_streaming_routes(router, app);
  add_report_routes(router, app);
  add_admin_report_routes(router, app);
  add_push_routes(router, app);
  add_operation_routes(router, app);
  add_oauth_routes(router, app);
  add_activitypub_routes(router, app);  // before the web pages: it negotiates shared URLs
  web::add_client_routes(router, app);  // the web client: shell, assets, signed-in routes
  add_web_routes(router, app);
  return router;
}

}  // namespace herd::api
