// Direct conversations (Mastodon's AccountConversation): per local account and set of other
// participants, whether there is something unread and up to which status the account removed
// the conversation from its list. Inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct AccountConversation {
  Id id = 0;
  Id account_id = 0;
  std::string participant_key;  // the other participants' ids, sorted, comma-separated
  bool unread = false;
  Id removed_up_to = 0;  // statuses up to this id are hidden (DELETE /api/v1/conversations/:id)
  std::int64_t updated_at = 0;
};

// Creates the row, or updates it: a new status makes it unread (or read, for its author).
void touch_conversation(Connection& c, Id account_id, const std::string& participant_key,
                        bool unread, std::int64_t now);
std::vector<AccountConversation> conversations_by_keys(Connection& c, Id account_id,
                                                       const std::vector<std::string>& keys);
std::optional<AccountConversation> find_account_conversation(Connection& c, Id id);
void mark_conversation_read(Connection& c, Id id);
void remove_conversation(Connection& c, Id id, Id up_to_status_id);

}  // namespace herd::store
