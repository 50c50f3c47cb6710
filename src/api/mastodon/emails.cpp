// Email confirmation for API clients (Mastodon's Api::V1::Emails::ConfirmationsController):
//   POST /api/v1/emails/confirmations        resend the confirmation link (optional `email`
//                                            corrects the address first); {} on success, 403
//                                            once the address is confirmed
//   GET  /api/v1/emails/check_confirmation   true or false
// Both take the unconfirmed user's own token (from registration or the password grant), which
// every other endpoint refuses with 403 "Your login is missing a confirmed e-mail address".
#include "api/auth.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/credentials.hpp"

namespace herd::api {

namespace {

Viewer token_owner(App& app, const http::Request& request, std::string_view scope) {
  Viewer viewer = optional_user(app, request, scope);
  if (!viewer.token) fail(ErrorKind::unauthorized, "The access token is invalid");
  if (!viewer.user) fail(ErrorKind::validation, "This method requires an authenticated user");
  return viewer;
}

http::Response resend(App& app, http::Request& request) {
  Viewer viewer = token_owner(app, request, "write:accounts");
  service::resend_confirmation(app, viewer.user->id, http::param_string(request.params, "email"));
  return http::Response::json(boost::json::object{});
}

http::Response check(App& app, http::Request& request) {
  Viewer viewer = token_owner(app, request, "read:accounts");
  return http::Response::json(boost::json::value(viewer.user->confirmed));
}

}  // namespace

void add_email_routes(http::Router& router, App& app) {
  router.post("/api/v1/emails/confirmations",
              [&app](http::Request& request) { return resend(app, request); });
  router.get("/api/v1/emails/check_confirmation",
             [&app](http::Request& request) { return check(app, request); });
}

}  // namespace herd::api
