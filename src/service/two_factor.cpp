#include "service/two_factor.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/totp.hpp"
#include "store/two_factor.hpp"

namespace herd::service {

namespace {

std::string hex(std::string_view raw) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Recovery codes are typed by people: lower-case hex, 10 characters (40 bits), as Mastodon's.
std::string normalize_recovery_code(std::string_view code) {
  std::string out;
  for (char c : code)
    if (c != ' ' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string recovery_hash(std::string_view code) {
  return hex(sha256_raw(normalize_recovery_code(code)));
}

std::vector<std::string> new_recovery_codes(std::vector<std::string>& hashes) {
  std::vector<std::string> codes;
  hashes.clear();
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    codes.push_back(hex(base64_decode(random_token(5))));
    hashes.push_back(recovery_hash(codes.back()));
  }
  return codes;
}

TwoFactorSetup setup_of(App& app, const store::User& user, const std::string& secret) {
  std::string issuer = app.domain();
  return TwoFactorSetup{secret, totp::provisioning_uri(issuer, user.email, secret)};
}

// Inside a write: true when code is a fresh TOTP code or an unused recovery code (used up here).
bool check_code(store::Connection& c, Id user_id, std::string_view code, std::int64_t now_ms,
                bool require_enabled) {
  store::TwoFactor state = store::find_two_factor(c, user_id);
  if (!state.secret || (require_enabled && !state.required)) return false;
  auto raw = totp::base32_decode(*state.secret);
  if (!raw) return false;
  if (auto step = totp::matching_step(*raw, code, now_ms / 1000))
    return store::consume_otp_step(c, user_id, *step);
  if (!state.required) return false;
  std::string hash = recovery_hash(code);
  auto found = std::find_if(state.recovery_hashes.begin(), state.recovery_hashes.end(),
                            [&](const std::string& h) { return secure_equals(h, hash); });
  if (found == state.recovery_hashes.end()) return false;
  state.recovery_hashes.erase(found);
  store::set_recovery_hashes(c, user_id, state.recovery_hashes);
  log::info("user {} signed in with a recovery code ({} left)", user_id,
            state.recovery_hashes.size());
  return true;
}

void require_code(App& app, Id user_id, std::string_view code, std::int64_t now_ms) {
  if (!verify_two_factor(app, user_id, code, now_ms))
    fail(ErrorKind::validation, "Invalid two-factor code");
}

}  // namespace

bool two_factor_enabled(App& app, Id user_id) {
  return app.db->read_value(
      [&](store::Connection& c) { return store::find_two_factor(c, user_id).required; });
}

TwoFactorSetup begin_two_factor(App& app, const store::User& user) {
  std::string secret = totp::new_secret();
  app.db->write([&](store::Connection& c) {
    if (store::find_two_factor(c, user.id).required)
      fail(ErrorKind::conflict, "Two-factor authentication is already enabled");
    store::set_otp_secret(c, user.id, secret);
  });
  return setup_of(app, user, secret);
}

std::optional<TwoFactorSetup> pending_two_factor(App& app, const store::User& user) {
  auto state =
      app.db->read_value([&](store::Connection& c) { return store::find_two_factor(c, user.id); });
  if (!state.secret || state.required) return std::nullopt;
  return setup_of(app, user, *state.secret);
}

std::vector<std::string> enable_two_factor(App& app, Id user_id, std::string_view code,
                                           std::int64_t now_ms) {
  std::vector<std::string> codes, hashes;
  app.db->write([&](store::Connection& c) {
    store::TwoFactor state = store::find_two_factor(c, user_id);
    if (state.required) fail(ErrorKind::conflict, "Two-factor authentication is already enabled");
    if (!state.secret) fail(ErrorKind::conflict, "Start the setup first");
    if (!check_code(c, user_id, code, now_ms, false))
      fail(ErrorKind::validation, "Invalid two-factor code");
    codes = new_recovery_codes(hashes);
    store::enable_two_factor(c, user_id, hashes);
  });
  log::info("user {} enabled two-factor authentication", user_id);
  return codes;
}

bool verify_two_factor(App& app, Id user_id, std::string_view code, std::int64_t now_ms) {
  bool ok = false;
  app.db->write([&](store::Connection& c) { ok = check_code(c, user_id, code, now_ms, true); });
  return ok;
}

void disable_two_factor(App& app, Id user_id, std::string_view code, std::int64_t now_ms) {
  require_code(app, user_id, code, now_ms);
  app.db->write([&](store::Connection& c) { store::disable_two_factor(c, user_id); });
  log::info("user {} disabled two-factor authentication", user_id);
}

std::vector<std::string> regenerate_recovery_codes(App& app, Id user_id, std::string_view code,
                                                   std::int64_t now_ms) {
  require_code(app, user_id, code, now_ms);
  std::vector<std::string> codes, hashes;
  codes = new_recovery_codes(hashes);
  app.db->write([&](store::Connection& c) { store::set_recovery_hashes(c, user_id, hashes); });
  return codes;
}

bool admin_disable_two_factor(App& app, Id user_id) {
  bool was_on = false;
  app.db->write([&](store::Connection& c) {
    was_on = store::find_two_factor(c, user_id).required;
    store::disable_two_factor(c, user_id);
  });
  return was_on;
}

void set_pending_sign_in(App& app, std::string_view token, Id user_id, std::int64_t now_ms) {
  app.db->write(
      [&](store::Connection& c) { store::set_pending_sign_in(c, token, user_id, now_ms); });
}

std::optional<Id> pending_sign_in(App& app, std::string_view token, std::int64_t now_ms) {
  auto pending = app.db->read_value(
      [&](store::Connection& c) { return store::find_pending_sign_in(c, token); });
  if (!pending || now_ms - pending->at > kPendingSignInMs) return std::nullopt;
  return pending->user_id;
}

}  // namespace herd::service
