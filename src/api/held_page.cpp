#include "api/held_page.hpp"

#include <algorithm>

#include "store/invalidation.hpp"

namespace herd::api {

bool held_page(StatusCache& cache, std::uint64_t version, Id viewer, const std::vector<Id>& ids,
               const TimelineViewer* known, const store::KnownFlags* flags,
               std::vector<store::Status>& rows, store::PageFacts& facts) {
  if (viewer != 0 && (!known || !flags)) return false;
  rows.clear();
  rows.reserve(ids.size());
  facts.rows_read = true;
  const std::vector<Id>* follows = known && known->follows ? &*known->follows : nullptr;
  // The facts of one held status, as the page statement reads them for its row (an original's as
  // load_page_facts reads them); false when one is not known here.
  auto read = [&](const RenderedStatus& held) {
    const store::Status& s = held.row;
    if (!held.author_exists) return false;  // the page would leave it out: read it to be sure
    const bool others = viewer != 0 && s.account_id != viewer;
    const bool hidden_kind =
        s.visibility == store::Visibility::private_ || s.visibility == store::Visibility::direct;
    bool followed = false;
    if (others && (s.visibility == store::Visibility::private_ || s.quote_policy == "followers" ||
                   s.quote_policy_manual == "followers")) {
      if (!follows) return false;
      followed = std::binary_search(follows->begin(), follows->end(), s.account_id);
    } else if (others && follows) {
      followed = std::binary_search(follows->begin(), follows->end(), s.account_id);
    }
    if (others && hidden_kind) {
      if (!held.mentions_loaded) return false;  // a reblog wrapper's: not held
      if (std::find(held.mentioned.begin(), held.mentioned.end(), viewer) != held.mentioned.end())
        facts.mentioned.insert(s.id);
    }
    // Who blocks the viewer is among the exclusions the page leaves out (WithFacts's
    // blockers_hidden): such an author's statuses are not on it.
    store::AuthorFacts& author = facts.authors[s.account_id];
    author =
        store::AuthorFacts{held.author_suspended, author.followed_by_viewer || followed, false};
    store::Dependencies::note(store::tags::status(s.id));  // as reading the row does
    return true;
  };
  for (Id id : ids) {
    auto held = cache.peek(id, version);
    if (!held || !read(*held)) return false;
    const store::Status& s = held->row;
    if (viewer != 0 && s.reblog_of_id.value_or(s.id) < flags->complete_from) return false;
    if (s.reblog_of_id && !facts.originals.count(*s.reblog_of_id)) {
      auto original = cache.peek(*s.reblog_of_id, version);
      if (!original || !read(*original)) return false;
      facts.originals.emplace(original->row.id, original->row);
    }
    rows.push_back(s);
  }
  return true;
}

}  // namespace herd::api
