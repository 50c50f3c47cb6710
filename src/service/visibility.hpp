// Who may see a status: the single rule every endpoint applies (Mastodon's StatusPolicy#show?).
//  - The author always sees their own statuses (unless suspended: nobody sees a suspended
//  author's).
//  - public, unlisted: everyone, except a viewer the author blocks.
//  - private: the author's followers and the accounts it mentions.
//  - direct: only the accounts it mentions.
//  - A reblog is visible when the reblog itself and the reblogged status are both visible.
// Statuses one cannot see answer 404 everywhere, never 403.
#pragma once
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {
struct PageFacts;
}

namespace herd::service {

// What the rule needs to know about one viewer and one status's author.
struct ViewerFacts {
  bool signed_in = false;
  bool is_author = false;
  bool follows_author = false;
  bool mentioned = false;
  bool blocked_by_author = false;
  bool author_suspended = false;
};

// The rule itself, on facts (no database).
bool visible(store::Visibility visibility, const ViewerFacts& facts);

// Loads the facts for viewer (0: anonymous) and applies the rule (for a reblog: to both).
bool can_see(store::Connection& c, Id viewer, const store::Status& status);

// The status, or ApiError not_found when it does not exist or the viewer cannot see it.
store::Status find_visible_status(store::Connection& c, Id viewer, Id status_id);

// Keeps the statuses the viewer may see, in order, with a fixed number of queries (for threads,
// lists by id and notifications).
std::vector<store::Status> visible_only(store::Connection& c, Id viewer,
                                        const std::vector<store::Status>& statuses);
// The same with what it asks already loaded for these statuses (store::load_page_facts for the
// same viewer): no query. Filters `statuses` in place (pass it moved when it is not needed again).
std::vector<store::Status> visible_only(Id viewer, std::vector<store::Status> statuses,
                                        const store::PageFacts& facts);

// Whether the viewer may reblog the (original) status: visible, not private/direct (the author's
// own private status excepted, as in Mastodon), and the viewer does not block the author.
bool can_reblog(store::Connection& c, Id viewer, const store::Status& status);

}  // namespace herd::service
