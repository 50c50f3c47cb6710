#include "service/search.hpp"

#include <cctype>
#include <string>

#include "core/error.hpp"
#include "store/accounts.hpp"
#include "store/group_commit.hpp"
#include "store/status_search.hpp"
#include "text/format.hpp"
#include "text/search_query.hpp"

namespace herd::service {

namespace {

constexpr const char* kBackfillSetting = "search_backfill_after";
constexpr std::int64_t kDayMs = 86400 * 1000;

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

Id author_id(store::Connection& c, const App& app, Id viewer, std::string term) {
  if (term == "me") return viewer ? viewer : -1;
  if (!term.empty() && term[0] == '@') term.erase(0, 1);
  std::string username = term, domain;
  if (auto at = term.find('@'); at != std::string::npos) {
    username = term.substr(0, at);
    domain = lower(term.substr(at + 1));
    if (domain == lower(app.domain())) domain.clear();
  }
  auto account = store::find_account_by_username(c, username, domain);
  return account ? account->id : -1;  // -1: nobody, so nothing matches
}

// Mastodon's language_code_from_term without its locale table: "EN", "en-GB" and "en_GB" are en.
std::string language_code(const std::string& term) {
  std::string code = lower(term);
  if (auto cut = code.find_first_of("-_"); cut != std::string::npos) code.resize(cut);
  return code;
}

}  // namespace

namespace {
std::string document_of(const store::SearchableStatus& s) {
  std::string document = s.spoiler_text;
  document += "\n";
  document += s.text.empty() || !s.local ? text::strip_html(s.content) : s.text;
  for (const auto& extra : s.extras) document += "\n" + extra;
  return document;
}

void write_documents(store::Connection& c, const std::vector<Id>& ids) {
  std::vector<std::pair<Id, std::string>> documents;
  for (auto& s : store::load_searchable_statuses(c, ids))
    documents.emplace_back(s.id, document_of(s));
  store::write_search_documents(c, documents);
}
}  // namespace

void index_statuses(store::Connection& c, const std::vector<Id>& ids) {
  // In a group commit, written once every piece ran (store::at_group_end): one FTS5 segment for
  // the group instead of one per piece. Read then, so a status edited or deleted by a later piece
  // is indexed as it ends up.
  if (store::at_group_end([ids](store::Connection& c) { write_documents(c, ids); })) return;
  write_documents(c, ids);
}

void index_new_status(store::Connection& c, const store::Status& status, bool has_extras) {
  if (status.reblog_of_id) return;  // reblogs are not indexed
  if (has_extras) return index_statuses(c, {status.id});
  Id id = status.id;
  if (store::at_group_end([id](store::Connection& c) { write_documents(c, {id}); })) return;
  // The row in hand is what load_searchable_statuses would read back (one statement and, on
  // PostgreSQL, one round trip fewer per post).
  store::SearchableStatus row{status.id,      status.local,        status.text,
                              status.content, status.spoiler_text, {}};
  store::write_search_documents(c, {{status.id, document_of(row)}});
}

std::int64_t rebuild_search_index(App& app, int batch_size,
                                  const std::function<void(std::int64_t)>& progress) {
  app.db->write([](store::Connection& c) {
    store::clear_search_documents(c);
    store::put_setting(c, kBackfillSetting, "done");  // the backfill has nothing left to do
  });
  std::int64_t done = 0;
  Id after = 0;
  for (;;) {
    std::vector<Id> ids;
    app.db->write([&](store::Connection& c) {
      ids = store::original_status_ids_after(c, after, batch_size);
      index_statuses(c, ids);
    });
    if (ids.empty()) break;
    after = ids.back();
    done += static_cast<std::int64_t>(ids.size());
    if (progress) progress(done);
  }
  app.db->write([](store::Connection& c) { store::analyze_search_documents(c); });
  return done;
}

bool run_search_backfill(App& app, int batch_size) {
  // Called every second: when there is nothing to do, no write at all (a write would make every
  // cached response stale); the backfill's own writes touch only the index, which no cached
  // response shows.
  auto pending = app.db->read_value(
      [&](store::Connection& c) { return store::get_setting(c, kBackfillSetting); });
  if (!pending || *pending == "done") return false;
  bool more = false;
  app.db->write_unversioned([&](store::Connection& c) {
    auto position = store::get_setting(c, kBackfillSetting);
    if (!position || *position == "done") return;
    Id after = std::stoll(*position);
    auto ids = store::original_status_ids_after(c, after, batch_size);
    index_statuses(c, ids);
    store::put_setting(c, kBackfillSetting, ids.empty() ? "done" : std::to_string(ids.back()));
    if (ids.empty()) store::analyze_search_documents(c);
    more = !ids.empty();
  });
  return more;
}

void skip_search_backfill(App& app) {
  app.db->write([](store::Connection& c) { store::put_setting(c, kBackfillSetting, "done"); });
}

std::vector<Id> search_status_ids(store::Connection& c, const App& app,
                                  const StatusSearchRequest& request) {
  text::SearchQuery query = text::parse_search_query(request.q);
  if (query.empty()) return {};
  store::StatusSearch search;
  search.viewer = request.viewer;
  search.words = query.words;
  search.phrases = query.phrases;
  search.excluded = query.excluded;
  search.scope = query.in == "library" || query.in == "public" ? query.in : "all";
  search.account_id = request.account_id;
  search.max_id = request.max_id;
  search.min_id = request.min_id;
  search.limit = request.limit;
  search.offset = request.offset;
  for (const auto& filter : query.filters) {
    if (filter.prefix == "from") {
      search.authors.emplace_back(author_id(c, app, request.viewer, filter.term), filter.negated);
    } else if (filter.prefix == "has" || filter.prefix == "is") {
      search.properties.emplace_back(filter.term, filter.negated);
    } else if (filter.prefix == "language") {
      search.languages.emplace_back(language_code(filter.term), filter.negated);
    } else {
      auto day = text::search_day_start_ms(filter.term);
      if (!day)
        fail(ErrorKind::validation, "Invalid date " + filter.term + " in " + filter.prefix + ":");
      store::TimeRange range;
      range.negated = filter.negated;
      if (filter.prefix == "before") range.until = *day;
      bool instant = filter.term.find('-') == std::string::npos;  // unix seconds, not a day
      if (filter.prefix == "after") range.from = instant ? *day + 1 : *day + kDayMs;
      if (filter.prefix == "during") {
        range.from = *day;
        range.until = *day + kDayMs;
      }
      search.times.push_back(range);
    }
  }
  return store::search_status_ids(c, search);
}

}  // namespace herd::service
