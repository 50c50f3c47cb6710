// Instance announcements (Mastodon's Announcement): the admin's notices, each user's dismissals and
// emoji reactions. Inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct Announcement {
  Id id = 0;
  std::string text;  // plain text as the admin wrote it
  std::optional<std::int64_t> starts_at, ends_at;
  bool all_day = false;
  std::int64_t published_at = 0, updated_at = 0;  // published_at: creation time of a draft
  bool published = true;                          // false: a draft only staff see
};

void insert_announcement(Connection& c, const Announcement& a);
// Rewrites every field of the announcement with a.id; false when there is none.
bool update_announcement(Connection& c, const Announcement& a);
bool delete_announcement(Connection& c, Id id);
std::optional<Announcement> find_announcement(Connection& c, Id id);
// Published ones whose window includes `now` (no window: always), newest first (no drafts).
std::vector<Announcement> active_announcements(Connection& c, std::int64_t now);
// Every announcement, drafts too, newest first.
std::vector<Announcement> all_announcements(Connection& c);

void dismiss_announcement(Connection& c, Id announcement_id, Id account_id);
std::unordered_set<Id> dismissed_among(Connection& c, Id account_id, const std::vector<Id>& ids);

// Returns whether a row changed.
bool add_reaction(Connection& c, Id announcement_id, Id account_id, const std::string& name);
bool remove_reaction(Connection& c, Id announcement_id, Id account_id, const std::string& name);
struct ReactionCount {
  std::string name;
  std::int64_t count = 0;
  bool me = false;
};
// announcement id -> reactions (by name), with the viewer's own marked.
std::unordered_map<Id, std::vector<ReactionCount>> load_reactions(Connection& c, Id viewer,
                                                                  const std::vector<Id>& ids);

}  // namespace herd::store
