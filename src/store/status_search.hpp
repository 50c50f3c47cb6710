// The full-text index of statuses and the queries over it: an FTS5 table on SQLite
// (`status_search`, rowid = status id, unicode61 tokenizer without diacritics) and a tsvector
// with a GIN index on PostgreSQL (`status_search (status_id, document)`, 'simple' configuration:
// no stemming, any language). The index holds one document per original status (never a
// reblog); service/search writes it in the transaction that writes the status, and
// delete_status (store/statuses) removes it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// What the index is built from: the status's texts, its media descriptions and poll options.
struct SearchableStatus {
  Id id = 0;
  bool local = true;
  std::string text, content, spoiler_text;  // content is HTML (remote statuses have no text)
  std::vector<std::string> extras;          // media descriptions, poll options
};
std::vector<SearchableStatus> load_searchable_statuses(Connection& c, const std::vector<Id>& ids);

// Replaces the documents of these statuses (inserts the ones not indexed yet).
void write_search_documents(Connection& c,
                            const std::vector<std::pair<Id, std::string>>& documents);
void remove_search_document(Connection& c, Id status_id);
void clear_search_documents(Connection& c);
// Refreshes PostgreSQL's statistics of the index after a bulk load (until autovacuum analyzes the
// new rows, its planner walks the statuses instead of the GIN index); nothing on SQLite.
void analyze_search_documents(Connection& c);
std::int64_t count_search_documents(Connection& c);
// Original statuses (not reblogs) with an id above `after`, ascending: the rebuild's batches.
std::vector<Id> original_status_ids_after(Connection& c, Id after, int limit);

// A range of creation times [from, until) in unix ms; `negated` keeps what lies outside it.
struct TimeRange {
  std::optional<std::int64_t> from, until;
  bool negated = false;
};

// One statuses search as the viewer asks it (see text/search_query.hpp for the syntax).
struct StatusSearch {
  Id viewer = 0;
  std::vector<std::string> words, phrases, excluded;
  std::vector<std::pair<Id, bool>> authors;              // from: (account, negated)
  std::vector<std::pair<std::string, bool>> properties;  // has:/is: (name, negated)
  std::vector<std::pair<std::string, bool>> languages;   // language: (code, negated)
  std::vector<TimeRange> times;                          // before:/after:/during:
  // "library": what the viewer wrote or interacted with (favourited, reblogged, bookmarked, was
  // mentioned in, voted in); "public": public statuses of indexable accounts; "all": both.
  std::string scope = "all";
  std::optional<Id> account_id, max_id, min_id;
  int limit = 20;
  int offset = 0;
};

// Ids of the matching statuses, newest first. Statuses of accounts the viewer blocks, mutes or
// whose domain they block, of accounts that block the viewer, and of suspended accounts never
// match.
std::vector<Id> search_status_ids(Connection& c, const StatusSearch& search);

}  // namespace herd::store
