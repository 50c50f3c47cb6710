#include "api/held_page.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "store/invalidation.hpp"
#include "store/statuses.hpp"

namespace herd::api {

namespace {
std::atomic<std::uint64_t> rows_held{0}, rows_by_id{0}, rows_whole{0};
}  // namespace

TimelineRows timeline_rows() {
  return TimelineRows{rows_held.load(std::memory_order_relaxed),
                      rows_by_id.load(std::memory_order_relaxed),
                      rows_whole.load(std::memory_order_relaxed)};
}

void count_rows_read_whole(std::size_t rows) {
  rows_whole.fetch_add(rows, std::memory_order_relaxed);
}

HeldRows held_rows(StatusCache& cache, std::uint64_t version, Id viewer, const std::vector<Id>& ids,
                   const TimelineViewer* known, const store::KnownFlags* flags,
                   store::PageFacts& facts) {
  HeldRows out;
  out.rows.resize(ids.size());
  facts.rows_read = true;  // the missing ones are read with theirs (page_from_ids)
  if (viewer != 0 && (!known || !flags)) {
    out.missing = ids;
    return out;
  }
  const std::vector<Id>* follows = known && known->follows ? &*known->follows : nullptr;
  // The facts of one held status, as the page statement reads them for its row (an original's as
  // load_page_facts reads them); false, and nothing added, when one is not known here.
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
  std::vector<std::shared_ptr<const RenderedStatus>> entries = cache.peek_all(ids, version);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::shared_ptr<const RenderedStatus>& held = entries[i];
    const store::Status* s = held ? &held->row : nullptr;
    if (!s || (viewer != 0 && s->reblog_of_id.value_or(s->id) < flags->complete_from) ||
        !read(*held)) {
      out.missing.push_back(ids[i]);
      continue;
    }
    if (s->reblog_of_id && !facts.originals.count(*s->reblog_of_id)) {
      // Not held: load_page_facts reads it, as for a page read whole.
      if (auto original = cache.peek(*s->reblog_of_id, version); original && read(*original)) {
        facts.originals.emplace(original->row.id, original->row);
        out.entries.emplace(original->row.id, std::move(original));
      }
    }
    out.rows[i] = *s;
    out.entries.emplace(s->id, held);
  }
  return out;
}

std::optional<std::vector<store::Status>> page_from_ids(
    store::Connection& c, StatusCache& cache, std::uint64_t version, const std::vector<Id>& ids,
    const TimelineViewer* known, const store::KnownFlags* flags, const store::WithFacts& with,
    HeldEntries& entries) {
  store::PageFacts& facts = *with.into;
  HeldRows held = held_rows(cache, version, with.viewer, ids, known, flags, facts);
  std::unordered_map<Id, store::Status> read;
  if (!held.missing.empty()) {
    std::vector<store::Status> rows = store::find_page_statuses(c, held.missing, with);
    if (rows.size() != held.missing.size()) return std::nullopt;  // one is gone
    for (auto& s : rows) read.emplace(s.id, std::move(s));
  }
  rows_held.fetch_add(ids.size() - held.missing.size(), std::memory_order_relaxed);
  rows_by_id.fetch_add(held.missing.size(), std::memory_order_relaxed);
  std::vector<store::Status> page;
  page.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (held.rows[i]) {
      page.push_back(std::move(*held.rows[i]));
      continue;
    }
    auto it = read.find(ids[i]);
    if (it == read.end()) return std::nullopt;
    page.push_back(std::move(it->second));
  }
  entries = std::move(held.entries);
  return page;
}

}  // namespace herd::api
