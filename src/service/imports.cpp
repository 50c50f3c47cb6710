#include "service/imports.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <set>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/inbox.hpp"
#include "federation/resolver.hpp"
#include "service/lists.hpp"
#include "service/relationships.hpp"
#include "service/statuses.hpp"
#include "store/accounts.hpp"
#include "store/exports.hpp"
#include "store/federation.hpp"
#include "store/imports.hpp"
#include "store/lists.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kLockMs = 5 * 60'000;
constexpr int kBatch = 25;                  // rows per tick (each may need a WebFinger round trip)
constexpr std::size_t kMaxFailures = 1000;  // reported rows kept per import

// What each type's rows hold, in Mastodon's export order, and the header naming each column.
struct Format {
  const char* type;
  std::vector<const char*> columns;
};
const Format kFormats[] = {
    {"following", {"Account address", "Show boosts", "Notify on new posts", "Languages"}},
    {"blocking", {"Account address"}},
    {"muting", {"Account address", "Hide notifications"}},
    {"domain_blocking", {"#domain"}},
    {"bookmarks", {"#uri"}},
    {"lists", {"List name", "Account address"}},
};

const Format* format_of(std::string_view type) {
  for (const Format& f : kFormats)
    if (type == f.type) return &f;
  return nullptr;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// "@user@domain" or "user@domain" in lower case; "" when it is not an address.
std::string normal_acct(std::string_view text, const std::string& local_domain) {
  std::string a = lower(trim(text));
  if (!a.empty() && a[0] == '@') a.erase(0, 1);
  auto at = a.find('@');
  if (at == std::string::npos) return a.empty() ? "" : a + "@" + lower(local_domain);
  if (at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) return "";
  return a;
}

std::string acct_of(const store::ExportedAccount& a, const std::string& local_domain) {
  return lower(a.username + "@" + (a.domain.empty() ? local_domain : a.domain));
}

std::optional<bool> csv_bool(const std::string& value) {
  std::string v = lower(trim(value));
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return std::nullopt;
}

// The rows of a file in the type's column order (header row recognised and dropped).
std::vector<std::vector<std::string>> normalise(const Format& format,
                                                std::vector<std::vector<std::string>> rows) {
  std::vector<int> index(format.columns.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<int>(i);
  if (!rows.empty() && !rows[0].empty() &&
      trim(rows[0][0]).find(format.columns[0]) != std::string::npos) {
    const auto& header = rows[0];
    for (std::size_t i = 0; i < index.size(); ++i) {
      index[i] = -1;
      for (std::size_t j = 0; j < header.size(); ++j)
        if (trim(header[j]) == format.columns[i]) index[i] = static_cast<int>(j);
    }
    rows.erase(rows.begin());
  } else if (!rows.empty() && !rows[0].empty()) {
    // A header of another format ("Account address" given as bookmarks...): the wrong file.
    std::string first = trim(rows[0][0]);
    for (const Format& other : kFormats)
      if (first == other.columns[0])
        fail(ErrorKind::validation,
             "Validation failed: This file is not in the format of the chosen import type");
  }
  std::vector<std::vector<std::string>> out;
  for (const auto& row : rows) {
    std::vector<std::string> fields;
    for (int i : index)
      fields.push_back(i >= 0 && static_cast<std::size_t>(i) < row.size() ? trim(row[i]) : "");
    out.push_back(std::move(fields));
  }
  return out;
}

// ---- applying one row ---------------------------------------------------------------------------

struct Importer {
  App& app;
  store::Import& import;

  // The account for an address: local, known, or looked up through WebFinger.
  std::optional<store::Account> account(const std::string& address) {
    std::string acct = normal_acct(address, app.domain());
    if (acct.empty()) return std::nullopt;
    std::string user = acct.substr(0, acct.find('@'));
    std::string domain = acct.substr(acct.find('@') + 1);
    if (domain == lower(app.domain()))
      return app.db->read_value(
          [&](store::Connection& c) { return store::find_account_by_username(c, user, ""); });
    return federation::resolve_handle(app, user, domain);
  }

  store::Account account_or_fail(const std::string& address) {
    auto found = account(address);
    if (!found || found->suspended) fail(ErrorKind::not_found, "Account not found");
    return *found;
  }

  // A post by its URI or URL: local, known, or fetched.
  Id status(const std::string& uri) {
    auto find = [&]() -> std::optional<Id> {
      return app.db->read_value([&](store::Connection& c) -> std::optional<Id> {
        if (auto id = store::find_status_id_by_uri(c, uri)) return id;
        if (federation::is_local_uri(app, uri)) {  // .../statuses/<id> or /@user/<id>
          std::string last = uri.substr(uri.find_last_of('/') + 1);
          if (last.empty() || last.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
          if (auto s = store::find_status(c, std::stoll(last))) return s->id;
        }
        return std::nullopt;
      });
    };
    if (auto id = find()) return *id;
    if (uri.rfind("https://", 0) != 0 && uri.rfind("http://", 0) != 0)
      fail(ErrorKind::not_found, "Post not found");
    federation::resolve_for_search(app, uri);
    if (auto id = find()) return *id;
    fail(ErrorKind::not_found, "Post not found");
  }

  void list_member(const std::string& title, const std::string& address) {
    if (title.empty()) fail(ErrorKind::validation, "List name is blank");
    store::Account target = account_or_fail(address);
    Id owner = import.account_id;
    auto list = app.db->read_value([&](store::Connection& c) -> std::optional<store::List> {
      for (auto& l : store::lists_of(c, owner))
        if (l.title == title) return l;
      return std::nullopt;
    });
    if (!list) list = create_list(app, owner, ListInput{title, std::nullopt, std::nullopt});
    if (target.id == owner) fail(ErrorKind::validation, "You cannot add yourself to a list");
    auto relationship = app.db->read_value([&](store::Connection& c) {
      return store::load_relationships(c, owner, {target.id})[target.id];
    });
    // As Mastodon: a list member is followed (a request to a locked or remote account will do).
    if (!relationship.following && !relationship.requested) follow(app, owner, target.id, {});
    app.db->write([&](store::Connection& c) {
      store::insert_list_account(c, next_id(), list->id, target.id, now_unix_ms());
    });
  }

  void apply(const std::vector<std::string>& row) {
    Id me = import.account_id;
    const std::string& type = import.type;
    if (row.empty() || row[0].empty()) fail(ErrorKind::validation, "Empty row");
    if (type == "following") {
      store::Account target = account_or_fail(row[0]);
      FollowOptions options;
      options.reblogs = row.size() > 1 ? csv_bool(row[1]) : std::nullopt;
      options.notify = row.size() > 2 ? csv_bool(row[2]) : std::nullopt;
      follow(app, me, target.id, options);
    } else if (type == "blocking") {
      block(app, me, account_or_fail(row[0]).id);
    } else if (type == "muting") {
      bool notifications = row.size() > 1 ? csv_bool(row[1]).value_or(true) : true;
      mute(app, me, account_or_fail(row[0]).id, notifications, std::nullopt);
    } else if (type == "domain_blocking") {
      block_domain(app, me, lower(row[0]));
    } else if (type == "bookmarks") {
      bookmark(app, me, status(row[0]));
    } else if (type == "lists") {
      list_member(row[0], row.size() > 1 ? row[1] : "");
    }
  }

  // Overwrite mode, before the first row: what the file does not name goes.
  void remove_unlisted(const std::vector<std::vector<std::string>>& rows) {
    Id me = import.account_id;
    const std::string& type = import.type;
    std::string domain = app.domain();
    std::set<std::string> named;
    for (const auto& row : rows) {
      if (row.empty()) continue;
      if (type == "domain_blocking" || type == "bookmarks")
        named.insert(type == "bookmarks" ? row[0] : lower(row[0]));
      else if (type == "lists")
        named.insert(row[0] + "\n" + normal_acct(row.size() > 1 ? row[1] : "", domain));
      else
        named.insert(normal_acct(row[0], domain));
    }
    auto missing = [&](const store::ExportedAccount& a) {
      return !named.count(acct_of(a, domain));
    };
    if (type == "following" || type == "blocking" || type == "muting") {
      auto existing = app.db->read_value([&](store::Connection& c) {
        return type == "following"  ? store::export_following(c, me)
               : type == "blocking" ? store::export_blocks(c, me)
                                    : store::export_mutes(c, me);
      });
      for (const auto& a : existing) {
        if (!missing(a)) continue;
        if (type == "following") unfollow(app, me, a.id);
        if (type == "blocking") unblock(app, me, a.id);
        if (type == "muting") unmute(app, me, a.id);
      }
    } else if (type == "domain_blocking") {
      auto existing = app.db->read_value(
          [&](store::Connection& c) { return store::export_domain_blocks(c, me); });
      for (const auto& d : existing)
        if (!named.count(lower(d))) unblock_domain(app, me, d);
    } else if (type == "bookmarks") {
      auto existing =
          app.db->read_value([&](store::Connection& c) { return store::export_bookmarks(c, me); });
      for (const auto& s : existing) {
        std::string uri = s.uri.empty() ? app.status_uri(s.username, s.id) : s.uri;
        if (!named.count(uri)) unbookmark(app, me, s.id);
      }
    } else if (type == "lists") {
      std::set<std::string> titles;
      for (const auto& row : rows)
        if (!row.empty()) titles.insert(row[0]);
      auto existing = app.db->read_value(
          [&](store::Connection& c) { return store::export_list_members(c, me); });
      app.db->write([&](store::Connection& c) {
        for (const auto& a : existing)
          if (titles.count(a.list_title) && !named.count(a.list_title + "\n" + acct_of(a, domain)))
            store::delete_list_accounts(c, a.list_id, {a.id});
      });
    }
  }
};

void add_failure(json::array& failures, std::int64_t row, const std::vector<std::string>& fields,
                 const std::string& error) {
  if (failures.size() >= kMaxFailures) return;
  std::string value;
  for (const auto& f : fields) value += (value.empty() ? "" : ",") + f;
  failures.push_back(json::object{{"row", row}, {"value", value}, {"error", error}});
}

// One batch of the import; true when it is finished.
bool work_on(App& app, store::Import& import) {
  auto rows = json::value_to<std::vector<std::vector<std::string>>>(json::parse(import.data));
  json::array failures = json::parse(import.failures).as_array();
  Importer importer{app, import};
  if (import.processed_items == 0 && import.mode == "overwrite") importer.remove_unlisted(rows);
  import.state = "in_progress";
  std::int64_t end = std::min<std::int64_t>(import.processed_items + kBatch,
                                            static_cast<std::int64_t>(rows.size()));
  for (std::int64_t i = import.processed_items; i < end; ++i) {
    try {
      importer.apply(rows[i]);
      ++import.imported_items;
    } catch (const ApiError& error) {
      add_failure(failures, i + 1, rows[i], error.what());
    } catch (const std::exception& error) {
      log::warn("import {} row {}: {}", import.id, i + 1, error.what());
      add_failure(failures, i + 1, rows[i], "Could not be imported");
    }
    import.processed_items = i + 1;
  }
  import.failures = json::serialize(failures);
  bool finished = import.processed_items >= static_cast<std::int64_t>(rows.size());
  if (finished) {
    import.state = "finished";
    import.finished_at = now_unix_ms();
  }
  return finished;
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  auto end_row = [&] {
    row.push_back(std::move(field));
    field.clear();
    bool blank = row.size() == 1 && row[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch != '"') {
        field += ch;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    if (ch == '"' && field.empty()) {
      quoted = any = true;
    } else if (ch == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) fail(ErrorKind::validation, "Validation failed: The file is not valid CSV");
  if (any || !field.empty() || !row.empty()) end_row();
  return rows;
}

Id create_import(App& app, Id account_id, const std::string& type, const std::string& mode,
                 const std::string& file_name, std::string_view csv) {
  const Format* format = format_of(type);
  if (!format) fail(ErrorKind::validation, "Validation failed: Type is not included in the list");
  if (mode != "merge" && mode != "overwrite")
    fail(ErrorKind::validation, "Validation failed: Mode is not included in the list");
  auto rows = normalise(*format, parse_csv(csv));
  if (rows.empty()) fail(ErrorKind::validation, "Validation failed: The file is empty");
  if (rows.size() > kMaxImportRows)
    fail(ErrorKind::validation,
         "Validation failed: The file holds more than " + std::to_string(kMaxImportRows) + " rows");
  store::Import import;
  import.id = next_id();
  import.account_id = account_id;
  import.type = type;
  import.mode = mode;
  import.state = "scheduled";
  import.file_name = file_name.substr(0, 255);
  import.data = json::serialize(json::value_from(rows));
  import.total_items = static_cast<std::int64_t>(rows.size());
  import.failures = "[]";
  import.created_at = now_unix_ms();
  app.db->write([&](store::Connection& c) {
    store::insert_import(c, import);
    store::insert_job(c, next_id(), kImportQueue,
                      json::serialize(json::object{{"import_id", import.id}}), import.created_at,
                      import.created_at);
  });
  log::info("import {}: {} {} rows ({}) for account {}", import.id, rows.size(), type, mode,
            account_id);
  return import.id;
}

int run_import_jobs(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kImportQueue, now); });
  if (!due) return 0;
  auto jobs = app.db->write_value(
      [&](store::Connection& c) { return store::claim_jobs(c, kImportQueue, now, kLockMs, 2); });
  for (const auto& job : jobs) {
    Id import_id = 0;
    try {
      import_id = json::parse(job.payload).as_object().at("import_id").to_number<Id>();
      auto import = app.db->read_value(
          [&](store::Connection& c) { return store::find_import(c, import_id); });
      if (!import || import->state == "finished") {
        app.db->write([&](store::Connection& c) { store::delete_job(c, job.id); });
        continue;
      }
      bool finished = work_on(app, *import);
      app.db->write([&](store::Connection& c) {
        store::update_import_progress(c, *import);
        if (finished)
          store::delete_job(c, job.id);
        else
          store::retry_job(c, job.id, now, job.attempts, "");  // the next batch, next tick
      });
      if (finished)
        log::info("import {} finished: {} of {} rows imported", import->id, import->imported_items,
                  import->total_items);
    } catch (const std::exception& error) {
      log::error("import job {} (import {}): {}", job.id, import_id, error.what());
      app.db->write([&](store::Connection& c) {
        store::retry_job(c, job.id, now + (job.attempts + 1) * 60'000LL, job.attempts + 1,
                         error.what());
      });
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
