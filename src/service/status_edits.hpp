// Editing statuses (Mastodon's UpdateStatusService) and the edit history. An edit replaces the
// text, content warning, sensitivity, language and attachments of the author's own status in
// place; the first edit also records the original, so that the history always starts with the
// post as it was first seen. Visibility and the reply target never change.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "service/polls.hpp"
#include "store/media.hpp"
#include "store/models.hpp"
#include "store/status_edits.hpp"

namespace herd::service {

struct MediaChange {
  std::string id;
  std::optional<std::string> description;
  std::optional<std::string> focus;  // "x,y"
};

// What PUT /api/v1/statuses/:id sends: the whole new state, as in Mastodon (missing media_ids
// removes the attachments, a missing spoiler_text removes the content warning).
struct StatusChange {
  std::string text;
  std::vector<std::string> media_ids;
  std::vector<MediaChange> media_attributes;  // descriptions/focus of (kept or new) attachments
  std::optional<bool> sensitive;              // default: false, true with a content warning
  std::string spoiler_text;
  std::optional<std::string> language;  // default: unchanged
  // The poll as it should be (Mastodon: one whose options, multiple or expiry differ replaces the
  // old one and its votes; none removes a poll the status had).
  std::optional<NewPoll> poll;
  // public / followers / nobody (private and direct statuses stay nobody); default: unchanged. A
  // change alone is no edit (no new version). The quote a status makes never changes.
  std::optional<std::string> quote_approval_policy;
};

// Edits the account's own status (404 for others' statuses and for reblogs). Validation as for a
// new status (blank without media, length, at most 4 attachments that are the author's own and
// unattached or already on this status: 422). When nothing changes, returns the status as it is
// and records no edit. Otherwise sets edited_at, records the version, notifies newly mentioned
// local accounts (mention), local accounts that reblogged it (update) and the local authors of
// its accepted quotes (quoted_update), streams status.update
// and sends Update(Note) to the status's audience.
store::Status edit_status(App& app, Id account_id, Id status_id, const StatusChange& change);

// The versions of a status the viewer may see (404 otherwise), oldest first; a status never
// edited has one version, itself.
std::vector<store::StatusEdit> status_history(App& app, Id viewer_account_id, Id status_id);

// ---- federation ingest (federation/inbox.cpp) ---------------------------------------------------

// A remote author's Update of a status already stored: new (sanitised) content, content warning,
// sensitivity, hashtags and attachments (remote media rows for the status, not stored yet; they
// replace the old ones when their files or descriptions differ), edited at `edited_at`. An update
// older than the stored version is ignored (returns false). Records the versions, notifies local
// rebloggers and streams the update.
bool receive_edit(App& app, const store::Status& status, const std::string& content,
                  const std::string& spoiler_text, bool sensitive,
                  const std::vector<std::string>& tags,
                  const std::vector<store::MediaAttachment>& media, std::int64_t edited_at);

}  // namespace herd::service
