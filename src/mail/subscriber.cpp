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

// The values a user's texts may name.
std::map<std::string, std::string> values_for(const App& app, const Recipient& r,
                                              std::map<std::string, std::string> more = {}) {
  more.emplace("instance", app.config.instance_title);
  more.emplace("domain", app.domain());
  more.emplace("username", r.account.username);
  more.emplace("email", r.user.email);
  return more;
}

void confirmation(App& app, store::Connection& c, const Recipient& r, const std::string& token) {
  const std::string& l = r.user.locale;
  auto v = values_for(app, r);
  Content content;
  content.locale = l;
  content.subject = subject("confirmation", l, names(app));
  content.heading = text("confirmation.heading", l, v);
  content.paragraphs = {text("confirmation.created", l, v), text("confirmation.confirm", l, v)};
  content.action_label = text("confirm_email", l, v);
  content.action_url = confirmation_link(app, token);
  send(app, c, r.user.email, content);
}

void pending_account(App& app, store::Connection& c, const Recipient& r) {
  auto v = values_for(app, r);
  for (const store::User& staff : store::staff_users(c)) {
    if (!wants(c, staff.id, "pending_account")) continue;
    const std::string& l = staff.locale;
    Content content;
    content.locale = l;
    content.subject = subject("pending_account", l, names(app, r.account.username));
    content.heading = text("pending.heading", l, v);
    content.paragraphs = {text("pending.text", l, v)};
    if (!r.user.registration_reason.empty()) content.quote = r.user.registration_reason;
    content.action_label = text("pending.action", l, v);
    content.action_url = app.base_url() + "/api/v1/admin/accounts?status=pending";
    content.footer = text("pending.footer", l, v);
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
  const std::string& l = user->locale;
  std::map<std::string, std::string> v{{"name", who},
                                       {"acct", from->acct()},
                                       {"instance", app.config.instance_title},
                                       {"url", app.base_url() + "/auth/edit/notifications"}};
  Content content;
  content.locale = l;
  content.subject = subject(preference, l, names(app, who));
  content.heading = content.subject;
  std::string profile = from->local() ? app.account_url(from->username) : from->url;
  content.paragraphs = {text(preference + ".text", l, v)};
  if (preference == "mention" || preference == "direct") {
    if (status)
      content.quote = status->spoiler_text.empty()
                          ? text::strip_html(status->content)
                          : text("content_warning", l, {{"text", status->spoiler_text}});
    content.action_label = text("view_post", l, v);
    content.action_url = status && !status->url.empty() ? status->url : profile;
  } else if (preference == "follow" || preference == "follow_request") {
    content.action_label = text("view_profile", l, v);
    content.action_url = profile;
  } else {
    content.action_label = text("open_instance", l, v);
    content.action_url = app.base_url() + "/";
  }
  content.footer = text("notification.footer", l, v);
  send(app, c, user->email, content, unsubscribe_url(app, c, user->id, preference));
}

}  // namespace

void on_event(App& app, store::Connection& c, const Event& event) {
  if (event.kind == EventKind::notification_created) {
    if (event.notification) notification(app, c, *event.notification);
    return;
  }
  if (!event.user_id) return;  // not about a user (federation's events)
  auto r = recipient_of_user(c, event.user_id);
  if (!r) return;
  const std::string& l = r->user.locale;
  auto v = values_for(app, *r);
  Content content;
  content.locale = l;
  switch (event.kind) {
    case EventKind::account_registered:
      if (!r->user.confirmed && !event.token.empty()) confirmation(app, c, *r, event.token);
      if (!r->user.approved) pending_account(app, c, *r);
      return;
    case EventKind::confirmation_requested:
      confirmation(app, c, *r, event.token);
      return;
    case EventKind::email_change_requested:
      content.subject = subject("email_change", l, names(app));
      content.heading = text("email_change.heading", l, v);
      content.paragraphs = {text("email_change.text", l, v), text("email_change.confirm", l, v)};
      content.action_label = text("confirm_email", l, v);
      content.action_url = confirmation_link(app, event.token);
      send(app, c, event.email, content);
      return;
    case EventKind::email_changed:
      content.subject = subject("email_changed", l, names(app));
      content.heading = text("email_changed.heading", l, v);
      content.paragraphs = {text("email_changed.text", l, v), text("not_you.reset", l, v)};
      content.action_label = text("reset_password", l, v);
      content.action_url = app.base_url() + "/auth/password/new";
      send(app, c, event.email, content);
      return;
    case EventKind::password_reset_requested:
      content.subject = subject("reset_password", l, names(app));
      content.heading = text("reset.heading", l, v);
      content.paragraphs = {text("reset.text", l, v), text("reset.link", l, v)};
      content.action_label = text("change_password", l, v);
      content.action_url = app.base_url() + "/auth/password/edit?reset_password_token=" +
                           http::percent_encode(event.token);
      send(app, c, r->user.email, content);
      return;
    case EventKind::password_changed:
      content.subject = subject("password_changed", l, names(app));
      content.heading = text("password_changed.heading", l, v);
      content.paragraphs = {text("password_changed.text", l, v),
                            text("password_changed.not_you", l, v)};
      content.action_label = text("reset_password", l, v);
      content.action_url = app.base_url() + "/auth/password/new";
      send(app, c, r->user.email, content);
      return;
    case EventKind::signed_in_new_browser: {
      if (!wants(c, r->user.id, "sign_in")) return;
      std::string unknown = text("unknown", l, v);
      content.subject = subject("sign_in", l, names(app));
      content.heading = text("sign_in.heading", l, v);
      content.paragraphs = {
          text("sign_in.text", l, v),
          text("sign_in.browser", l, {{"browser", event.detail.empty() ? unknown : event.detail}}),
          text("sign_in.address", l,
               {{"address", event.address.empty() ? unknown : event.address}}),
          text("sign_in.not_you", l, v)};
      content.action_label = text("account_settings", l, v);
      content.action_url = app.base_url() + "/auth/edit";
      send(app, c, r->user.email, content, unsubscribe_url(app, c, r->user.id, "sign_in"));
      return;
    }
    case EventKind::account_warned: {
      std::string action = event.detail;
      if (action != "sensitive" && action != "disable" && action != "silence" &&
          action != "suspend")
        action = "none";
      content.subject = subject("warning", l, names(app));
      content.heading = text("warning.heading", l, v);
      content.paragraphs = {text("warning." + action, l, v),
                            text("warning.rules", l, {{"url", app.base_url() + "/about"}})};
      send(app, c, r->user.email, content);
      return;
    }
    case EventKind::archive_ready:
      content.subject = subject("archive_ready", l, names(app));
      content.heading = text("archive.heading", l, v);
      content.paragraphs = {text("archive.text", l, v), text("archive.when", l, v)};
      content.action_label = text("archive.action", l, v);
      content.action_url = event.detail;
      send(app, c, r->user.email, content);
      return;
    default:
      return;  // notification_created (above) and federation's events
  }
}

}  // namespace herd::mail
