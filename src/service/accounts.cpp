#include "service/accounts.hpp"

#include <boost/json.hpp>
#include <regex>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/admin_blocks.hpp"
#include "service/credentials.hpp"
#include "service/events.hpp"
#include "service/profile_images.hpp"
#include "store/accounts.hpp"
#include "store/oauth.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

void validate_new_account(const NewAccount& input) {
  static const std::regex username(R"(^[A-Za-z0-9_]{1,30}$)");
  if (!std::regex_match(input.username, username))
    fail(ErrorKind::validation,
         "Validation failed: Username must contain only letters, numbers and underscores (at most "
         "30)");
  validate_email(input.email);
  validate_password(input.password);
}

}  // namespace

void validate_password(const std::string& password) {
  if (password.size() < 8)
    fail(ErrorKind::validation,
         "Validation failed: Password is too short (minimum is 8 characters)");
  if (password.size() > 72)
    fail(ErrorKind::validation,
         "Validation failed: Password is too long (maximum is 72 characters)");
}

void validate_email(const std::string& email) {
  static const std::regex shape(R"(^[^@\s]+@[^@\s]+$)");
  if (!std::regex_match(email, shape))
    fail(ErrorKind::validation, "Validation failed: Email is invalid");
}

store::Account local_account_record(const App& app, Id id, const std::string& username,
                                    const KeyPair& keys, std::int64_t now) {
  store::Account account;
  account.id = id;
  account.username = username;
  account.uri = app.account_uri(username);
  account.url = app.account_url(username);
  account.inbox_url = account.uri + "/inbox";
  account.shared_inbox_url = app.base_url() + "/inbox";
  account.outbox_url = account.uri + "/outbox";
  account.followers_url = account.uri + "/followers";
  account.following_url = account.uri + "/following";
  account.featured_url = account.uri + "/collections/featured";
  account.public_key_pem = keys.public_pem;
  account.private_key_pem = keys.private_pem;
  account.created_at = account.updated_at = now;
  return account;
}

std::pair<store::Account, store::User> create_local_account(App& app, const NewAccount& input) {
  validate_new_account(input);
  bool needs_approval = input.sign_up && check_sign_up(app, input.email, input.ip);
  // Expensive parts outside the write transaction.
  std::string password_hash = hash_password(input.password);
  KeyPair keys = generate_rsa_keypair();
  std::int64_t now = now_unix_ms();

  store::Account account = local_account_record(app, next_id(), input.username, keys, now);

  store::User user;
  user.id = next_id();
  user.account_id = account.id;
  user.email = input.email;
  user.password_hash = password_hash;
  user.role = input.role;
  // Without mail there is no way to confirm an address: the step is skipped.
  user.confirmed = input.confirmed || !app.config.mail_enabled();
  user.approved = input.approved && !needs_approval;
  user.locale = input.locale;
  user.registration_reason = input.reason;
  user.created_at = now;

  app.db->write([&](store::Connection& c) {
    if (store::find_account_by_username(c, input.username, ""))
      fail(ErrorKind::validation, "Validation failed: Username has already been taken");
    if (store::find_user_by_email(c, input.email))
      fail(ErrorKind::validation, "Validation failed: Email has already been taken");
    store::insert_account(c, account);
    store::insert_user(c, user);
    Event registered(EventKind::account_registered, user.id);
    if (!user.confirmed)
      registered.token = issue_user_token(c, user.id, "confirmation", user.email, now);
    record(app, c, registered);
  });
  return {account, user};
}

Registration register_account(App& app, const NewAccount& input, Id application_id,
                              const std::string& scopes) {
  Registration result;
  std::tie(result.account, result.user) = create_local_account(app, input);
  result.token.id = next_id();
  result.token.token = random_token(32);
  result.token.application_id = application_id;
  result.token.user_id = result.user.id;
  result.token.scopes = scopes;
  result.token.created_at = now_unix_ms();
  app.db->write([&](store::Connection& c) { store::insert_token(c, result.token); });
  return result;
}

std::optional<std::string> bootstrap_admin(App& app) {
  bool exists = app.db->read_value(
      [&](store::Connection& c) { return store::get_setting(c, "admin_account_id").has_value(); });
  if (exists) return std::nullopt;
  NewAccount admin;
  admin.username = app.config.admin_username;
  admin.email = app.config.admin_email;
  admin.role = "owner";
  admin.confirmed = true;
  bool generated = app.config.admin_password.empty();
  admin.password = generated ? random_password(24) : app.config.admin_password;
  auto [account, user] = create_local_account(app, admin);
  app.db->write([&](store::Connection& c) {
    store::put_setting(c, "admin_account_id", std::to_string(account.id));
  });
  log::info("created admin account @{} <{}>", account.username, user.email);
  if (generated) return admin.password;
  return std::nullopt;
}

namespace {

store::Account write_profile(App& app, Id account_id, const ProfileUpdate& update,
                             const std::string& new_avatar, const std::string& new_header,
                             std::string& old_avatar, std::string& old_header) {
  auto no_mentions = [](std::string_view, std::string_view) -> std::optional<text::MentionTarget> {
    return std::nullopt;
  };
  store::Account result;
  app.db->write([&](store::Connection& c) {
    auto account = store::find_account(c, account_id);
    if (!account) not_found();
    old_avatar = account->avatar_url;
    old_header = account->header_url;
    if (!new_avatar.empty()) account->avatar_url = new_avatar;
    if (!new_header.empty()) account->header_url = new_header;
    if (update.display_name) account->display_name = *update.display_name;
    if (update.note) {
      account->note_source = *update.note;
      account->note = update.note->empty()
                          ? ""
                          : text::format_status(*update.note, app.base_url(), no_mentions).html;
    }
    if (update.locked) account->locked = *update.locked;
    if (update.bot) account->bot = *update.bot;
    if (update.discoverable) account->discoverable = *update.discoverable;
    if (update.indexable) account->indexable = *update.indexable;
    if (update.hide_collections) account->hide_collections = *update.hide_collections;
    if (update.fields) {
      boost::json::array fields;
      for (const auto& [name, value] : *update.fields) {
        if (name.empty() && value.empty()) continue;
        std::string html = text::format_status(value, app.base_url(), no_mentions).html;
        // Field values are inline: drop the paragraph wrapper Mastodon does not use there.
        if (html.rfind("<p>", 0) == 0 && html.size() >= 7) html = html.substr(3, html.size() - 7);
        fields.push_back(
            boost::json::object{{"name", name}, {"value", html}, {"source_value", value}});
      }
      account->fields_json = boost::json::serialize(fields);
    }
    account->updated_at = now_unix_ms();
    store::update_account_profile(c, *account);
    record(app, c, Event(EventKind::profile_updated).by(account_id));
    if (update.default_privacy || update.default_sensitive || update.default_language) {
      store::update_user_preferences(c, account_id, update.default_privacy,
                                     update.default_sensitive, update.default_language);
    }
    result = *account;
  });
  return result;
}

}  // namespace

store::Account update_profile(App& app, Id account_id, const ProfileUpdate& update) {
  if (update.display_name && update.display_name->size() > 30 * 4)
    fail(ErrorKind::validation,
         "Validation failed: Display name is too long (maximum is 30 characters)");
  if (update.note && text::count_characters(*update.note) > 500)
    fail(ErrorKind::validation, "Validation failed: Note is too long (maximum is 500 characters)");
  if (update.fields && update.fields->size() > 4)
    fail(ErrorKind::validation, "Validation failed: Fields is too long (maximum is 4 fields)");
  if (update.default_privacy && !store::parse_visibility(*update.default_privacy))
    fail(ErrorKind::validation, "Validation failed: Default privacy is not valid");
  // Image files first (validated, within the quota); removed again if the update fails.
  std::string new_avatar, new_header, old_avatar, old_header;
  try {
    if (update.avatar) new_avatar = store_profile_image(app, ProfileImage::avatar, *update.avatar);
    if (update.header) new_header = store_profile_image(app, ProfileImage::header, *update.header);
  } catch (...) {
    remove_profile_image_file(app, new_avatar);
    throw;
  }
  store::Account result;
  try {
    result = write_profile(app, account_id, update, new_avatar, new_header, old_avatar, old_header);
  } catch (...) {
    remove_profile_image_file(app, new_avatar);
    remove_profile_image_file(app, new_header);
    throw;
  }
  if (!new_avatar.empty()) remove_profile_image_file(app, old_avatar);
  if (!new_header.empty()) remove_profile_image_file(app, old_header);
  return result;
}

}  // namespace herd::service
