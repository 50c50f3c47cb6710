// Direct conversations, as Mastodon's conversations API shows them: a local account's direct
// statuses (written or mentioned in) grouped by the other participants, newest first, with an
// unread flag and a way to hide one until the next message. Grouping is by participants (herd's
// choice: all direct messages among the same people form one conversation), computed when read
// from the statuses themselves, so that deletions and edits never leave a stale entry.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "store/conversations.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::service {

struct Conversation {
  store::AccountConversation row;
  std::vector<Id> participants;  // the others (the viewer alone when writing to itself)
  store::Status last_status;
};

// The viewer's conversations whose last status is within the page bounds (max_id / since_id /
// min_id on the last status id), newest first, at most page.limit.
std::vector<Conversation> conversations_of(store::Connection& c, Id viewer,
                                           const store::PageQuery& page);

// Inside the transaction that stored a direct status: its local participants' conversations are
// touched (unread for everyone but the author) and a `conversation` event is published on their
// direct streams.
void record_direct_status(App& app, store::Connection& c, const store::Status& status,
                          const std::vector<Id>& mentioned);

// The viewer's own conversation (not_found otherwise): mark read / hide until a newer status.
Conversation mark_conversation_read(App& app, Id viewer, Id conversation_id);
void remove_conversation(App& app, Id viewer, Id conversation_id);

}  // namespace herd::service
