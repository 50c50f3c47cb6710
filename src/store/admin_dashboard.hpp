// The figures behind the admin dashboard (Mastodon's Admin::Metrics: measures, dimensions and
// retention cohorts), computed from the database over [start, end) in unix milliseconds.
// Inside a caller's read.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// A measure's figures: per UTC day (unix ms of midnight) and for the whole range (for distinct
// counts the total is not the sum of the days).
struct MeasureFigures {
  std::map<std::int64_t, std::int64_t> by_day;
  std::int64_t total = 0;
};
// The measures Mastodon names: active_users, new_users, interactions, opened_reports,
// resolved_reports, tag_accounts, tag_uses, tag_servers (argument: the tag id),
// instance_accounts, instance_media_attachments (bytes), instance_reports, instance_statuses,
// instance_follows, instance_followers (argument: the domain). nullopt for an unknown key.
std::optional<MeasureFigures> measure(Connection& c, const std::string& key,
                                      const std::string& argument, std::int64_t start,
                                      std::int64_t end);
bool measure_known(const std::string& key);
// Whether the measure takes an argument: "id" (a tag) or "domain"; "" for none.
std::string measure_argument(const std::string& key);

struct DimensionItem {
  std::string key;
  std::int64_t value = 0;
};
// languages, servers, tag_servers, tag_languages (argument: tag id), instance_accounts,
// instance_languages (argument: domain): the top `limit` items by count over the range.
// space_usage and software_versions are answered by the API layer (database_size...).
std::optional<std::vector<DimensionItem>> dimension(Connection& c, const std::string& key,
                                                    const std::string& argument, std::int64_t start,
                                                    std::int64_t end, int limit);
// Bytes the database takes (SQLite: pages; PostgreSQL: pg_database_size) and the media files of
// local accounts.
std::int64_t database_size(Connection& c);
std::int64_t local_media_bytes(Connection& c);
// The database engine's version ("SQLite 3.40.1", "PostgreSQL 15.5").
std::string database_version(Connection& c);

// The account ids of the local users created in [start, end), and how many of `account_ids`
// used the API in [start, end) (account_activity).
std::vector<Id> users_created(Connection& c, std::int64_t start, std::int64_t end);
std::int64_t active_among(Connection& c, const std::vector<Id>& account_ids, std::int64_t start,
                          std::int64_t end);

}  // namespace herd::store
