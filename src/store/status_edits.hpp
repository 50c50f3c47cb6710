// The edit history of statuses (Mastodon's StatusEdit) and the row changes an edit makes to a
// status: its text, content warning, sensitivity, language, mentions, hashtags and attachments.
// All functions run inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// One version of a status as it was from `created_at` on (the first one is the original post).
struct StatusEdit {
  Id id = 0;
  Id status_id = 0;
  Id account_id = 0;
  std::string text;  // source as typed (local statuses)
  std::string content;
  std::string spoiler_text;
  bool sensitive = false;
  std::vector<Id> media_ids;                             // in display order
  std::optional<std::vector<std::string>> poll_options;  // titles, when the version had a poll
  std::int64_t created_at = 0;
};

void insert_status_edit(Connection& c, const StatusEdit& edit);
// Oldest first.
std::vector<StatusEdit> status_edits(Connection& c, Id status_id);
bool has_status_edits(Connection& c, Id status_id);

// Writes text, content, spoiler_text, sensitive, language, has_media and edited_at.
void update_status_text(Connection& c, const Status& status);
// Replaces the status's mentions and hashtag links.
void replace_mentions(Connection& c, Id status_id, const std::vector<Id>& account_ids);
void replace_tags(Connection& c, Id status_id, const std::vector<Id>& tag_ids);
// Makes `ids` (in this order) the status's attachments: each must be the account's own and either
// unattached or already on this status; attachments dropped from the list are detached (kept for
// the edit history). Returns false, changing nothing visible to others, when one is not usable.
bool set_status_media(Connection& c, Id account_id, Id status_id, const std::vector<Id>& ids);

}  // namespace herd::store
