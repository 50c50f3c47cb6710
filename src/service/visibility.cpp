#include "service/visibility.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "store/accounts.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "store/viewer_flags.hpp"

namespace herd::service {

bool visible(store::Visibility visibility, const ViewerFacts& f) {
  if (f.author_suspended) return false;
  if (f.is_author) return true;
  switch (visibility) {
    case store::Visibility::direct:
      return f.mentioned;
    case store::Visibility::private_:
      return f.follows_author || f.mentioned;
    case store::Visibility::public_:
    case store::Visibility::unlisted:
      return !f.signed_in || !f.blocked_by_author;
  }
  return false;
}

namespace {

// The rule applied to statuses with the facts loaded about them (and their originals).
std::vector<store::Status> judge_all(Id viewer, std::vector<store::Status> statuses,
                                     const std::unordered_map<Id, store::Status>& originals,
                                     const std::unordered_map<Id, store::AuthorFacts>& facts,
                                     const std::unordered_set<Id>& mentioned) {
  auto judge = [&](const store::Status& s) {
    ViewerFacts f;
    f.signed_in = viewer != 0;
    f.is_author = viewer != 0 && s.account_id == viewer;
    auto it = facts.find(s.account_id);
    if (it == facts.end()) return false;  // no such account
    f.follows_author = it->second.followed_by_viewer;
    f.blocked_by_author = it->second.blocks_viewer;
    f.mentioned = mentioned.count(s.id) > 0;
    f.author_suspended = it->second.suspended;
    return visible(s.visibility, f);
  };
  auto hidden = [&](const store::Status& s) {
    if (!judge(s)) return true;
    if (!s.reblog_of_id) return false;
    auto it = originals.find(*s.reblog_of_id);
    return it == originals.end() || !judge(it->second);
  };
  statuses.erase(std::remove_if(statuses.begin(), statuses.end(), hidden), statuses.end());
  return statuses;
}

}  // namespace

std::vector<store::Status> visible_only(store::Connection& c, Id viewer,
                                        const std::vector<store::Status>& statuses) {
  if (statuses.empty()) return {};
  // Statuses to judge: the given ones and the originals of reblogs.
  std::unordered_map<Id, store::Status> originals;
  {
    std::vector<Id> wanted;
    for (const auto& s : statuses)
      if (s.reblog_of_id) wanted.push_back(*s.reblog_of_id);
    for (auto& s : store::find_statuses(c, wanted)) originals.emplace(s.id, std::move(s));
  }
  std::vector<const store::Status*> all;
  for (const auto& s : statuses) all.push_back(&s);
  for (const auto& [id, s] : originals) all.push_back(&s);

  std::vector<Id> authors, hidden_kind;  // hidden_kind: private/direct statuses needing mentions
  std::unordered_set<Id> seen_authors;
  for (const auto* s : all) {
    if (seen_authors.insert(s->account_id).second) authors.push_back(s->account_id);
    if (viewer != 0 && (s->visibility == store::Visibility::private_ ||
                        s->visibility == store::Visibility::direct))
      hidden_kind.push_back(s->id);
  }
  auto facts = store::load_author_facts(c, viewer, authors);
  auto mentioned = store::mentioning(c, viewer, hidden_kind);
  return judge_all(viewer, statuses, originals, facts, mentioned);
}

std::vector<store::Status> visible_only(Id viewer, std::vector<store::Status> statuses,
                                        const store::PageFacts& facts) {
  return judge_all(viewer, std::move(statuses), facts.originals, facts.authors, facts.mentioned);
}

bool can_see(store::Connection& c, Id viewer, const store::Status& status) {
  return !visible_only(c, viewer, {status}).empty();
}

store::Status find_visible_status(store::Connection& c, Id viewer, Id status_id) {
  auto status = store::find_status(c, status_id);
  if (!status || !can_see(c, viewer, *status)) not_found();
  return *status;
}

bool can_reblog(store::Connection& c, Id viewer, const store::Status& status) {
  if (viewer == 0) return false;
  if (status.visibility == store::Visibility::direct) return false;
  if (status.visibility == store::Visibility::private_ && status.account_id != viewer) return false;
  if (!can_see(c, viewer, status)) return false;
  return !store::load_relationships(c, viewer, {status.account_id})[status.account_id].blocking;
}

}  // namespace herd::service
