#include "service/credentials.hpp"

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/accounts.hpp"
#include "service/events.hpp"
#include "store/accounts.hpp"
#include "store/mail.hpp"

namespace herd::service {

namespace {

constexpr std::int64_t kConfirmationLifetimeMs = 24 * 3600 * 1000LL;
constexpr std::int64_t kResetLifetimeMs = 2 * 3600 * 1000LL;

std::string digest(std::string_view token) {
  static const char* hex = "0123456789abcdef";
  std::string raw = sha256_raw(token);
  std::string out;
  for (unsigned char ch : raw) {
    out += hex[ch >> 4];
    out += hex[ch & 15];
  }
  return out;
}

void check_current_password(const store::User& user, std::string_view password) {
  if (!verify_password(password, user.password_hash))
    fail(ErrorKind::validation, "Validation failed: Current password is invalid");
}

store::User load_user(App& app, Id user_id) {
  auto user =
      app.db->read_value([&](store::Connection& c) { return store::find_user(c, user_id); });
  if (!user) not_found();
  return *user;
}

}  // namespace

std::string issue_user_token(store::Connection& c, Id user_id, std::string_view kind,
                             std::string_view email, std::int64_t now) {
  std::string token = random_token(24);
  store::delete_user_tokens(c, user_id, kind);
  store::UserToken row;
  row.user_id = user_id;
  row.kind = std::string(kind);
  row.email = std::string(email);
  row.created_at = now;
  row.expires_at = now + (kind == "reset_password" ? kResetLifetimeMs : kConfirmationLifetimeMs);
  store::insert_user_token(c, digest(token), row);
  return token;
}

void resend_confirmation(App& app, Id user_id, const std::optional<std::string>& new_email) {
  if (new_email) validate_email(*new_email);
  app.db->write([&](store::Connection& c) {
    auto user = store::find_user(c, user_id);
    if (!user) not_found();
    if (user->confirmed)
      fail(ErrorKind::forbidden,
           "This method is only available while the e-mail is awaiting confirmation");
    if (new_email && *new_email != user->email) {
      auto other = store::find_user_by_email(c, *new_email);
      if (other && other->id != user->id)
        fail(ErrorKind::validation, "Validation failed: Email has already been taken");
      store::update_user_email(c, user->id, *new_email);
      user->email = *new_email;
    }
    std::string token = issue_user_token(c, user->id, "confirmation", user->email, now_unix_ms());
    record(app, c, Event(EventKind::confirmation_requested, user->id).with_token(token));
  });
}

void resend_confirmation_to(App& app, std::string_view email) {
  app.db->write([&](store::Connection& c) {
    auto user = store::find_user_by_email(c, email);
    if (!user || user->confirmed) return;
    std::string token = issue_user_token(c, user->id, "confirmation", user->email, now_unix_ms());
    record(app, c, Event(EventKind::confirmation_requested, user->id).with_token(token));
  });
}

std::optional<store::User> confirm_email(App& app, std::string_view token) {
  std::string key = digest(token);
  return app.db->write_value([&](store::Connection& c) -> std::optional<store::User> {
    std::int64_t now = now_unix_ms();
    if (auto row = store::take_user_token(c, key, "confirmation", now)) {
      store::confirm_user(c, row->user_id);
      return store::find_user(c, row->user_id);
    }
    auto row = store::take_user_token(c, key, "email_change", now);
    if (!row) return std::nullopt;
    auto user = store::find_user(c, row->user_id);
    if (!user) return std::nullopt;
    auto other = store::find_user_by_email(c, row->email);
    if (other && other->id != user->id)
      fail(ErrorKind::validation, "Validation failed: Email has already been taken");
    std::string old_email = user->email;
    store::update_user_email(c, user->id, row->email);
    store::confirm_user(c, user->id);
    record(app, c, Event(EventKind::email_changed, user->id).with_email(old_email));
    return store::find_user(c, user->id);
  });
}

void request_password_reset(App& app, std::string_view login) {
  app.db->write([&](store::Connection& c) {
    auto user = store::find_user_by_email(c, login);
    if (!user && login.find('@') == std::string_view::npos) {
      if (auto account = store::find_account_by_username(c, login, ""))
        user = store::find_user_by_account(c, account->id);
    }
    if (!user || user->disabled) {
      log::info("password reset asked for an unknown address");
      return;
    }
    std::string token = issue_user_token(c, user->id, "reset_password", user->email, now_unix_ms());
    record(app, c, Event(EventKind::password_reset_requested, user->id).with_token(token));
  });
}

std::optional<Id> reset_password(App& app, std::string_view token, const std::string& password) {
  validate_password(password);
  std::string hash = hash_password(password);
  std::string key = digest(token);
  return app.db->write_value([&](store::Connection& c) -> std::optional<Id> {
    auto row = store::take_user_token(c, key, "reset_password", now_unix_ms());
    if (!row) return std::nullopt;
    store::update_user_password(c, row->user_id, hash);
    store::delete_user_tokens(c, row->user_id, "reset_password");
    // The link came by mail: the address works.
    store::confirm_user(c, row->user_id);
    record(app, c, Event(EventKind::password_changed, row->user_id));
    return row->user_id;
  });
}

void change_password(App& app, Id user_id, std::string_view current_password,
                     const std::string& new_password) {
  check_current_password(load_user(app, user_id), current_password);
  validate_password(new_password);
  std::string hash = hash_password(new_password);
  app.db->write([&](store::Connection& c) {
    store::update_user_password(c, user_id, hash);
    store::delete_user_tokens(c, user_id, "reset_password");
    record(app, c, Event(EventKind::password_changed, user_id));
  });
}

void request_email_change(App& app, Id user_id, std::string_view current_password,
                          const std::string& new_email) {
  store::User user = load_user(app, user_id);
  check_current_password(user, current_password);
  validate_email(new_email);
  app.db->write([&](store::Connection& c) {
    auto other = store::find_user_by_email(c, new_email);
    if (other && other->id != user_id)
      fail(ErrorKind::validation, "Validation failed: Email has already been taken");
    if (other) fail(ErrorKind::validation, "Validation failed: Email is the current one");
    if (!app.config.mail_enabled()) {
      store::update_user_email(c, user_id, new_email);
      record(app, c, Event(EventKind::email_changed, user_id).with_email(user.email));
      return;
    }
    std::string token = issue_user_token(c, user_id, "email_change", new_email, now_unix_ms());
    record(
        app, c,
        Event(EventKind::email_change_requested, user_id).with_token(token).with_email(new_email));
  });
}

std::string admin_reset_password(App& app, std::string_view username) {
  std::string password = random_password(24);
  std::string hash = hash_password(password);
  app.db->write([&](store::Connection& c) {
    auto account = store::find_account_by_username(c, username, "");
    auto user = account ? store::find_user_by_account(c, account->id) : std::nullopt;
    if (!user) fail(ErrorKind::not_found, "no local account @" + std::string(username));
    store::update_user_password(c, user->id, hash);
    store::delete_user_tokens(c, user->id, "reset_password");
    record(app, c, Event(EventKind::password_changed, user->id));
  });
  return password;
}

void note_sign_in(App& app, Id user_id, std::string_view browser, std::string_view user_agent,
                  std::string_view address) {
  if (browser.empty()) return;
  std::string key = digest(browser);
  app.db->write([&](store::Connection& c) {
    bool known_others = store::count_user_browsers(c, user_id) > 0;
    bool fresh = store::remember_user_browser(c, user_id, key, now_unix_ms());
    if (fresh && known_others)
      record(app, c,
             Event(EventKind::signed_in_new_browser, user_id)
                 .with_detail(std::string(user_agent.substr(0, 200)))
                 .with_address(std::string(address)));
  });
}

}  // namespace herd::service
