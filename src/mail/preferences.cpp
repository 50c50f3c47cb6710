#include "mail/preferences.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <mutex>

#include "core/crypto.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/mail.hpp"

namespace herd::mail {

namespace json = boost::json;

namespace {

constexpr std::string_view kSecretSetting = "mail_unsubscribe_secret";

json::object parse_preferences(const std::string& text) {
  if (text.empty()) return {};
  try {
    auto value = json::parse(text);
    if (value.is_object()) return value.as_object();
  } catch (const std::exception&) {
  }
  return {};
}

// The HMAC key: created once (the first stored key stands when processes race). Read and
// written through `c`, the caller's connection, so that it works inside a transaction.
std::string secret(store::Connection& c) {
  static std::mutex mutex;
  static std::string cached;
  std::lock_guard lock(mutex);
  if (!cached.empty()) return cached;
  auto stored = store::get_setting(c, kSecretSetting);
  if (!stored) {
    store::insert_setting_if_absent(c, kSecretSetting, random_token(32));
    stored = store::get_setting(c, kSecretSetting);
  }
  if (!stored) throw std::runtime_error("unsubscribe secret unavailable");
  cached = *stored;
  return cached;
}

std::string token_for(store::Connection& c, Id user_id, std::string_view name) {
  std::string key = secret(c);
  std::string data = std::to_string(user_id) + ":" + std::string(name);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

const std::vector<std::string>& preference_names() {
  static const std::vector<std::string> names = {
      "mention", "direct", "follow", "follow_request", "report", "pending_account", "sign_in"};
  return names;
}

std::string preference_label(std::string_view name) {
  if (name == "mention") return "Someone mentioned you";
  if (name == "direct") return "Someone sent you a private mention";
  if (name == "follow") return "Someone followed you";
  if (name == "follow_request") return "Someone requested to follow you";
  if (name == "report") return "A new report was submitted (staff)";
  if (name == "pending_account") return "A new account needs review (staff)";
  if (name == "sign_in") return "Someone signed in to your account from a new browser";
  return std::string(name);
}

bool wants(store::Connection& c, Id user_id, std::string_view name) {
  json::object prefs = parse_preferences(store::user_email_preferences(c, user_id));
  const json::value* value = prefs.if_contains(name);
  return !value || !value->is_bool() || value->as_bool();
}

void set_preference(store::Connection& c, Id user_id, std::string_view name, bool on) {
  const auto& names = preference_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return;
  json::object prefs = parse_preferences(store::user_email_preferences(c, user_id));
  prefs[name] = on;
  store::update_user_email_preferences(c, user_id, json::serialize(prefs));
}

std::string unsubscribe_url(App& app, store::Connection& c, Id user_id, std::string_view name) {
  return app.base_url() + "/unsubscribe?user=" + std::to_string(user_id) +
         "&type=" + std::string(name) + "&token=" + token_for(c, user_id, name);
}

bool unsubscribe_token_valid(App& app, Id user_id, std::string_view name, std::string_view token) {
  std::string expected =
      app.db->write_value([&](store::Connection& c) { return token_for(c, user_id, name); });
  return secure_equals(expected, token);
}

}  // namespace herd::mail
