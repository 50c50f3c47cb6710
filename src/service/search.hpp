// Full-text search of statuses (Mastodon 4.x's StatusesSearchService without Elasticsearch):
// keeping the index current inside the transactions that write statuses, rebuilding it, and
// answering a query in Mastodon's syntax (text/search_query.hpp) within Mastodon's scope
// (store/status_search.hpp).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::service {

// Writes (or rewrites) the index documents of these statuses: content warning, text (a remote
// status's content without markup), media descriptions and poll options. Call it inside the
// transaction that created or changed them; reblogs and unknown ids are skipped. Inside a group
// commit's piece they are written at the end of the group (store::at_group_end).
void index_statuses(store::Connection& c, const std::vector<Id>& ids);
// index_statuses() for a status just written in this transaction by posting or receiving it,
// without reading it back when its document is all in `status` (content warning and text):
// `has_extras` says that it may have media descriptions or poll options, which are read from the
// database as index_statuses() does; inside a group commit's piece it is index_statuses() too.
// The document is the same either way.
void index_new_status(store::Connection& c, const store::Status& status, bool has_extras);

// Rebuilds the whole index (`herd admin search deploy`): empties it, then indexes every original
// status in batches of `batch_size`, one transaction each; `progress(done)` after each batch.
// Returns the number of statuses indexed.
std::int64_t rebuild_search_index(App& app, int batch_size,
                                  const std::function<void(std::int64_t)>& progress = {});

// One step of the backfill that migration 34 asks for (the statuses written before the index
// existed): indexes the next batch and remembers where it stopped, in one transaction, so that a
// restart goes on from there. Returns false when there is nothing (left) to do.
bool run_search_backfill(App& app, int batch_size = 500);
// Marks the backfill done without indexing anything: for `herd admin seed`, whose millions of
// benchmark statuses would otherwise be indexed by `herd serve` in the background, during the
// benchmark. They stay out of search until `herd admin search deploy`.
void skip_search_backfill(App& app);

struct StatusSearchRequest {
  Id viewer = 0;
  std::string_view q;
  std::optional<Id> account_id, max_id, min_id;
  int limit = 20;
  int offset = 0;
};
// The ids of the statuses a search finds, newest first (the viewer's visibility is checked again
// by the caller when rendering). `from:` names an account as user, @user, user@domain or "me";
// an unknown account matches nothing. A query with neither words nor operators finds nothing.
std::vector<Id> search_status_ids(store::Connection& c, const App& app,
                                  const StatusSearchRequest& request);

}  // namespace herd::service
