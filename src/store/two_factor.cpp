#include "store/two_factor.hpp"

namespace herd::store {

namespace {

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace

TwoFactor find_two_factor(Connection& c, Id user_id) {
  auto result = c.query(
      "SELECT otp_secret, otp_required, otp_backup_codes, consumed_timestep FROM users WHERE id = "
      "?",
      {Value(user_id)});
  TwoFactor out;
  if (result.empty()) return out;
  const Row& row = result.front();
  out.secret = row.os(0);
  out.required = row.b(1);
  out.recovery_hashes = split_lines(row.s(2));
  out.consumed_step = row.oi(3);
  return out;
}

void set_otp_secret(Connection& c, Id user_id, const std::string& secret) {
  c.query(
      "UPDATE users SET otp_secret = ?, otp_required = 0, otp_backup_codes = '', "
      "consumed_timestep = NULL WHERE id = ?",
      {Value(secret), Value(user_id)});
}

void enable_two_factor(Connection& c, Id user_id, const std::vector<std::string>& recovery_hashes) {
  c.query("UPDATE users SET otp_required = 1, otp_backup_codes = ? WHERE id = ?",
          {Value(join_lines(recovery_hashes)), Value(user_id)});
}

void set_recovery_hashes(Connection& c, Id user_id, const std::vector<std::string>& hashes) {
  c.query("UPDATE users SET otp_backup_codes = ? WHERE id = ?",
          {Value(join_lines(hashes)), Value(user_id)});
}

void disable_two_factor(Connection& c, Id user_id) {
  c.query(
      "UPDATE users SET otp_secret = NULL, otp_required = 0, otp_backup_codes = '', "
      "consumed_timestep = NULL WHERE id = ?",
      {Value(user_id)});
}

bool consume_otp_step(Connection& c, Id user_id, std::int64_t step) {
  return c.query(
              "UPDATE users SET consumed_timestep = ? WHERE id = ? AND "
              "(consumed_timestep IS NULL OR consumed_timestep < ?)",
              {Value(step), Value(user_id), Value(step)})
             .affected == 1;
}

void set_pending_sign_in(Connection& c, std::string_view token, std::optional<Id> user_id,
                         std::int64_t at) {
  c.query("UPDATE web_sessions SET pending_user_id = ?, pending_at = ? WHERE token = ?",
          {opt(user_id), user_id ? Value(at) : null_value(), Value(std::string(token))});
}

std::optional<PendingSignIn> find_pending_sign_in(Connection& c, std::string_view token) {
  auto result = c.query(
      "SELECT pending_user_id, pending_at FROM web_sessions WHERE token = ? AND "
      "pending_user_id IS NOT NULL",
      {Value(std::string(token))});
  if (result.empty()) return std::nullopt;
  return PendingSignIn{result.front().i(0), result.front().i(1)};
}

}  // namespace herd::store
