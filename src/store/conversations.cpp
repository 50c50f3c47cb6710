#include "store/conversations.hpp"

#include "core/ids.hpp"

namespace herd::store {

namespace {

constexpr const char* kColumns =
    "id, account_id, participant_key, unread, removed_up_to, updated_at";

std::vector<AccountConversation> rows_from(const Result& result) {
  std::vector<AccountConversation> out;
  for (const Row& r : result.rows)
    out.push_back(AccountConversation{r.i(0), r.i(1), r.s(2), r.b(3), r.i(4), r.i(5)});
  return out;
}

}  // namespace

void touch_conversation(Connection& c, Id account_id, const std::string& participant_key,
                        bool unread, std::int64_t now) {
  c.query(
      "INSERT INTO account_conversations (id, account_id, participant_key, unread, removed_up_to, "
      "updated_at) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (account_id, participant_key) DO UPDATE "
      "SET unread = excluded.unread, updated_at = excluded.updated_at",
      {Value(next_id()), Value(account_id), Value(participant_key),
       Value(std::int64_t{unread ? 1 : 0}), Value(now)});
}

std::vector<AccountConversation> conversations_by_keys(Connection& c, Id account_id,
                                                       const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  std::vector<Value> params{Value(account_id)};
  for (const auto& key : keys) params.emplace_back(key);
  return rows_from(c.query(std::string("SELECT ") + kColumns +
                               " FROM account_conversations WHERE account_id = ? AND "
                               "participant_key IN (" +
                               placeholders(keys.size()) + ")",
                           params));
}

std::optional<AccountConversation> find_account_conversation(Connection& c, Id id) {
  auto rows = rows_from(c.query(
      std::string("SELECT ") + kColumns + " FROM account_conversations WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

void mark_conversation_read(Connection& c, Id id) {
  c.query("UPDATE account_conversations SET unread = 0 WHERE id = ?", {Value(id)});
}

void remove_conversation(Connection& c, Id id, Id up_to_status_id) {
  c.query("UPDATE account_conversations SET unread = 0, removed_up_to = ? WHERE id = ?",
          {Value(up_to_status_id), Value(id)});
}

}  // namespace herd::store
