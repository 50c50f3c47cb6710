#include "mail/subscriber.hpp"

#include "http/request.hpp"
#include "mail/catalog.hpp"
#include "mail/preferences.hpp"
#include "mail/queue.hpp"
#include "store/accounts.hpp"
#include "store/mail.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::mail {

using service::Event;
using service::EventKind;

namespace {

struct Recipient {
  store::User user;
  store::Account account;
};

std::optional<Recipient> recipient_of_user(store::Connection& c, Id user_id) {
  auto user = store::find_user(c, user_id);
  if (!user) return std::nullopt;
  auto account = store::find_account(c, user->account_id);
  if (!account) return std::nullopt;
  return Recipient{*user, *account};
}

std::map<std::string, std::string> names(const App& app, const std::string& name = "") {
  return {{"instance", app.config.instance_title}, {"name", name}};
}

void send(App& app, store::Connection& c, const std::string& to, const Content& content,
          const std::string& unsubscribe = "") {
  enqueue(c, compose(app, to, content, unsubscribe));
}

std::string confirmation_link(const App& app, const std::string& token) {
  return app.base_url() + "/auth/confirmation?confirmation_token=" + http::percent_encode(token);
}

void confirmation(App& app, store::Connection& c, const Recipient& r, const std::string& token) {
  Content content;
  content.subject = subject("confirmation", r.user.locale, names(app));
  content.heading = "Welcome, @" + r.account.username + "!";
  content.paragraphs = {"You created an account on " + app.config.instance_title + " (" +
                            app.domain() + ") with this email address.",
                        "Confirm it to finish signing up. The link works once, for 24 hours; "
                        "if you did not sign up, ignore this message."};
  content.action_label = "Confirm email address";
  content.action_url = confirmation_link(app, token);
  send(app, c, r.user.email, content);
}

void pending_account(App& app, store::Connection& c, const Recipient& r) {
  for (const store::User& staff : store::staff_users(c)) {
    if (!wants(c, staff.id, "pending_account")) continue;
    Content content;
    content.subject = subject("pending_account", staff.locale, names(app, r.account.username));
    content.heading = "A new account is waiting for review";
    content.paragraphs = {"@" + r.account.username + " (" + r.user.email +
                          ") signed up and waits for approval."};
    if (!r.user.registration_reason.empty()) content.quote = r.user.registration_reason;
    content.action_label = "Review sign-ups";
    content.action_url = app.base_url() + "/api/v1/admin/accounts?status=pending";
    content.footer = "You get this because you moderate " + app.config.instance_title + ".";
    send(app, c, staff.email, content, unsubscribe_url(app, c, staff.id, "pending_account"));
  }
}

void notification(App& app, store::Connection& c, const store::Notification& n) {
  auto user = store::find_user_by_account(c, n.account_id);
  if (!user || user->disabled) return;
  auto from = store::find_account(c, n.from_account_id);
  if (!from) return;
  std::optional<store::Status> status;
  if (n.status_id) status = store::find_status(c, *n.status_id);
  std::string preference;
  if (n.type == "mention")
    preference = status && status->visibility == store::Visibility::direct ? "direct" : "mention";
  else if (n.type == "follow" || n.type == "follow_request")
    preference = n.type;
  else if (n.type == "admin.report")
    preference = "report";
  else
    return;  // favourites, boosts, polls, edits: no email (as Mastodon's defaults)
  if (!wants(c, user->id, preference)) return;
  std::string who = from->display_name.empty() ? "@" + from->acct() : from->display_name;
  Content content;
  content.subject = subject(preference, user->locale, names(app, who));
  content.heading = content.subject;
  std::string profile = from->local() ? app.account_url(from->username) : from->url;
  if (preference == "mention" || preference == "direct") {
    content.paragraphs = {who + " (@" + from->acct() + ") mentioned you" +
                          (preference == "direct" ? " privately:" : ":")};
    if (status)
      content.quote = status->spoiler_text.empty() ? text::strip_html(status->content)
                                                   : "Content warning: " + status->spoiler_text;
    content.action_label = "View the post";
    content.action_url = status && !status->url.empty() ? status->url : profile;
  } else if (preference == "follow") {
    content.paragraphs = {who + " (@" + from->acct() + ") is now following you."};
    content.action_label = "View profile";
    content.action_url = profile;
  } else if (preference == "follow_request") {
    content.paragraphs = {who + " (@" + from->acct() +
                          ") asked to follow you. Accept or reject the request in your app."};
    content.action_label = "View profile";
    content.action_url = profile;
  } else {
    content.paragraphs = {"@" + from->acct() +
                          " submitted a report. Review it in your app or "
                          "with `herd admin reports`."};
    content.action_label = "Open " + app.config.instance_title;
    content.action_url = app.base_url() + "/";
  }
  content.footer = "You get this email because of your notification settings: " + app.base_url() +
                   "/auth/edit/notifications";
  send(app, c, user->email, content, unsubscribe_url(app, c, user->id, preference));
}

std::string warning_text(const std::string& action) {
  if (action == "sensitive") return "Your media will be marked as sensitive from now on.";
  if (action == "disable") return "Your account has been disabled: you cannot sign in.";
  if (action == "silence")
    return "Your account has been limited: only people who already follow you see your posts.";
  if (action == "suspend")
    return "Your account has been suspended: it can no longer be used and your profile is hidden.";
  return "A moderator sent you a warning about your conduct on this server.";
}

}  // namespace

void on_event(App& app, store::Connection& c, const Event& event) {
  if (event.kind == EventKind::notification_created) {
    if (event.notification) notification(app, c, *event.notification);
    return;
  }
  auto r = recipient_of_user(c, event.user_id);
  if (!r) return;
  const std::string& locale = r->user.locale;
  Content content;
  switch (event.kind) {
    case EventKind::account_registered:
      if (!r->user.confirmed && !event.token.empty()) confirmation(app, c, *r, event.token);
      if (!r->user.approved) pending_account(app, c, *r);
      return;
    case EventKind::confirmation_requested:
      confirmation(app, c, *r, event.token);
      return;
    case EventKind::email_change_requested:
      content.subject = subject("email_change", locale, names(app));
      content.heading = "Confirm your new email address";
      content.paragraphs = {"You asked to change the email address of @" + r->account.username +
                                " on " + app.config.instance_title + " to this one.",
                            "Confirm it to make the change. The link works once, for 24 hours; "
                            "until then your old address stays in use."};
      content.action_label = "Confirm email address";
      content.action_url = confirmation_link(app, event.token);
      send(app, c, event.email, content);
      return;
    case EventKind::email_changed:
      content.subject = subject("email_changed", locale, names(app));
      content.heading = "Your email address was changed";
      content.paragraphs = {"The email address of @" + r->account.username + " on " +
                                app.config.instance_title + " is now " + r->user.email + ".",
                            "If you did not do this, reset your password and contact the "
                            "server's administrators."};
      content.action_label = "Reset password";
      content.action_url = app.base_url() + "/auth/password/new";
      send(app, c, event.email, content);
      return;
    case EventKind::password_reset_requested:
      content.subject = subject("reset_password", locale, names(app));
      content.heading = "Reset your password";
      content.paragraphs = {"Someone asked to reset the password of @" + r->account.username +
                                " on " + app.config.instance_title + ".",
                            "Choose a new password with this link; it works once, for 2 hours. "
                            "If you did not ask, ignore this message: your password stays as it "
                            "is."};
      content.action_label = "Change password";
      content.action_url = app.base_url() + "/auth/password/edit?reset_password_token=" +
                           http::percent_encode(event.token);
      send(app, c, r->user.email, content);
      return;
    case EventKind::password_changed:
      content.subject = subject("password_changed", locale, names(app));
      content.heading = "Your password was changed";
      content.paragraphs = {"The password of @" + r->account.username + " on " +
                                app.config.instance_title + " was just changed.",
                            "If you did not do this, reset your password at once."};
      content.action_label = "Reset password";
      content.action_url = app.base_url() + "/auth/password/new";
      send(app, c, r->user.email, content);
      return;
    case EventKind::signed_in_new_browser:
      if (!wants(c, r->user.id, "sign_in")) return;
      content.subject = subject("sign_in", locale, names(app));
      content.heading = "New sign-in to your account";
      content.paragraphs = {"Someone signed in to @" + r->account.username + " on " +
                                app.config.instance_title + " from a browser not seen before.",
                            "Browser: " + (event.detail.empty() ? "unknown" : event.detail),
                            "Address: " + (event.address.empty() ? "unknown" : event.address),
                            "If this was not you, change your password at once."};
      content.action_label = "Account settings";
      content.action_url = app.base_url() + "/auth/edit";
      send(app, c, r->user.email, content, unsubscribe_url(app, c, r->user.id, "sign_in"));
      return;
    case EventKind::account_warned:
      content.subject = subject("warning", locale, names(app));
      content.heading = "A moderator took action on your account";
      content.paragraphs = {warning_text(event.detail),
                            "Read the server's rules: " + app.base_url() + "/about"};
      send(app, c, r->user.email, content);
      return;
    case EventKind::archive_ready:
      content.subject = subject("archive_ready", locale, names(app));
      content.heading = "Your archive is ready";
      content.paragraphs = {"The archive of @" + r->account.username + " on " +
                                app.config.instance_title + " you asked for is ready.",
                            "Download it while you are signed in; you can ask for a new one "
                            "every 6 days."};
      content.action_label = "Download archive";
      content.action_url = event.detail;
      send(app, c, r->user.email, content);
      return;
    case EventKind::notification_created:
      return;
  }
}

}  // namespace herd::mail
