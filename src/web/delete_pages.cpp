// Deleting one's own account (Mastodon's /settings/delete): a page that says what happens and
// asks for the current password; posting it deletes the account (service/account_deletion.hpp),
// signs the browser out and shows the sign-in page's notice. Signed-in browsers only.
#include "core/error.hpp"
#include "service/account_deletion.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

constexpr std::string_view kPath = "/settings/delete";

http::Response delete_page(App& app, const service::BrowserSession& session, std::string_view error,
                           int status) {
  Page page;
  page.title = "Delete account";
  page.status = status;
  std::int64_t days = app.config.account_deletion_grace_seconds / 86400;
  std::string& b = page.body;
  b = "<section class=\"card\"><h1>Delete account</h1>";
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  b += "<p>You are about to delete @" + h(session.account->username) +
       " for good. This cannot be undone:</p><ul><li>you are signed out everywhere and cannot "
       "sign in again;</li><li>other servers are told that the account is gone and remove its "
       "posts and profile;</li><li>your posts, follows, lists and everything else are removed "
       "from this server " +
       (days > 0 ? "after " + std::to_string(days) + " days" : std::string("shortly")) +
       ";</li><li>the username @" + h(session.account->username) +
       " stays reserved: nobody can take it.</li></ul><p><a href=\"/settings/export\">Export "
       "your data</a> first if you want to keep it.</p><form method=\"post\" action=\"" +
       std::string(kPath) + "\">" + csrf_field(session.session) +
       "<label for=\"password\">Current password</label><input type=\"password\" "
       "id=\"password\" name=\"password\" autocomplete=\"current-password\" required><div "
       "class=\"actions\"><button type=\"submit\" class=\"danger\">Delete my account"
       "</button></div></form></section>";
  return render(app, page);
}

http::Response get_delete(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fdelete", 303);
  return delete_page(app, *session, "", 200);
}

http::Response post_delete(App& app, http::Request& request) {
  auto session = current_session(app, request);
  if (!session || !session->signed_in())
    return http::Response::redirect("/auth/sign_in?return_to=%2Fsettings%2Fdelete", 303);
  if (!csrf_valid(session, request))
    return delete_page(app, *session,
                       "Your session expired or the form was submitted twice. Please try again.",
                       422);
  try {
    service::delete_own_account(app, session->user->id, form_value(request, "password"));
  } catch (const ApiError& error) {
    if (error.kind() != ErrorKind::validation) throw;
    return delete_page(app, *session, "Incorrect password.", 422);
  }
  http::Response response = message_page(
      app, 200, "Account deleted",
      "Your account was deleted. Other servers are being told; your data goes as described.");
  clear_session_cookie(app, response);
  return response;
}

}  // namespace

void add_delete_pages(http::Router& router, App& app) {
  router.get(std::string(kPath), html_handler(app, get_delete));
  router.post(std::string(kPath), html_handler(app, post_delete));
}

}  // namespace herd::web
