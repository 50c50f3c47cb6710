#include "store/federation.hpp"

#include "store/accounts.hpp"
#include "store/invalidation.hpp"
#include "store/pipeline.hpp"

namespace herd::store {

namespace {

Value b(bool value) {
  return Value(std::int64_t{value ? 1 : 0});
}
Value text(std::string_view value) {
  return Value(std::string(value));
}

std::vector<std::string> strings(const Result& result) {
  std::vector<std::string> out;
  out.reserve(result.rows.size());
  for (const Row& row : result.rows) out.push_back(row.s(0));
  return out;
}

}  // namespace

bool insert_setting_if_absent(Connection& c, std::string_view name, std::string_view value) {
  return c.query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                 {text(name), text(value)})
             .affected > 0;
}

bool insert_remote_account(Connection& c, const Account& a) {
  if (a.silenced || !is_domain_silenced(c, a.domain)) return insert_account_if_new(c, a);
  Account limited = a;  // a new account of a silenced domain is limited as the others are
  limited.silenced = true;
  return insert_account_if_new(c, limited);
}

void update_remote_account(Connection& c, const Account& a) {
  Changes::note_account_row(a.id);  // the actor cache (invalidation.hpp)
  c.query(
      "UPDATE accounts SET uri = ?, username = ?, display_name = ?, note = ?, fields_json = ?, url "
      "= ?, "
      "inbox_url = ?, shared_inbox_url = ?, outbox_url = ?, followers_url = ?, following_url = ?, "
      "featured_url = ?, public_key_pem = ?, avatar_url = ?, header_url = ?, actor_type = ?, "
      "locked = ?, bot = ?, discoverable = ?, indexable = ?, moved_to_account_id = ?, "
      "updated_at = ?, avatar_file = ?, header_file = ? WHERE id = ?",
      {Value(a.uri),
       Value(a.username),
       Value(a.display_name),
       Value(a.note),
       Value(a.fields_json),
       Value(a.url),
       Value(a.inbox_url),
       Value(a.shared_inbox_url),
       Value(a.outbox_url),
       Value(a.followers_url),
       Value(a.following_url),
       Value(a.featured_url),
       Value(a.public_key_pem),
       Value(a.avatar_url),
       Value(a.header_url),
       Value(a.actor_type),
       b(a.locked),
       b(a.bot),
       b(a.discoverable),
       b(a.indexable),
       opt(a.moved_to_account_id),
       Value(a.updated_at),
       Value(a.avatar_file),
       Value(a.header_file),
       Value(a.id)});
}

void touch_remote_account(Connection& c, std::string_view uri, std::int64_t now) {
  auto touched =
      c.query("UPDATE accounts SET updated_at = ? WHERE uri = ? AND domain <> '' RETURNING id",
              {Value(now), text(uri)});
  for (const Row& row : touched.rows) Changes::note_account_row(row.i(0));  // the actor cache
}

bool has_job(Connection& c, std::string_view queue, std::string_view payload) {
  return !c.query("SELECT 1 FROM jobs WHERE queue = ? AND payload = ? LIMIT 1",
                  {text(queue), text(payload)})
              .empty();
}

void set_account_suspended(Connection& c, Id account_id, bool suspended) {
  // What a status shows (the embedded account) and whether it shows at all, for every cached
  // page and status: never declared (invalidation.hpp), the caches start over.
  Changes::note_everything();
  Changes::note_account_row(account_id);
  c.query("UPDATE accounts SET suspended = ? WHERE id = ?", {b(suspended), Value(account_id)});
}

void set_domain_severity(Connection& c, std::string_view domain, std::string_view severity) {
  Changes::note_everything();  // as set_account_suspended
  c.query("UPDATE accounts SET suspended = ?, silenced = ? WHERE domain = ?",
          {b(severity == "suspend"), b(severity == "silence"), text(domain)});
}

std::optional<Id> find_account_id_by_uri(Connection& c, std::string_view uri) {
  auto result = c.query("SELECT id FROM accounts WHERE uri = ? LIMIT 1", {text(uri)});
  if (result.empty()) return std::nullopt;
  return result.front().i(0);
}

std::optional<Id> find_status_id_by_uri(Connection& c, std::string_view uri) {
  auto result = c.query("SELECT id FROM statuses WHERE uri = ? LIMIT 1", {text(uri)});
  if (result.empty()) return std::nullopt;
  return result.front().i(0);
}

void set_follow_uri(Connection& c, Id account_id, Id target_id, std::string_view uri) {
  for (const char* table : {"follows", "follow_requests"})
    c.query(std::string("UPDATE ") + table +
                " SET uri = ? WHERE account_id = ? AND target_account_id = ?",
            {text(uri), Value(account_id), Value(target_id)});
}

std::optional<std::pair<Id, Id>> find_follow_by_uri(Connection& c, std::string_view uri) {
  for (const char* table : {"follow_requests", "follows"}) {
    auto result = c.query(std::string("SELECT account_id, target_account_id FROM ") + table +
                              " WHERE uri = ? LIMIT 1",
                          {text(uri)});
    if (!result.empty()) return std::make_pair(result.front().i(0), result.front().i(1));
  }
  return std::nullopt;
}

std::string follow_uri(Connection& c, Id account_id, Id target_id) {
  for (const char* table : {"follow_requests", "follows"}) {
    auto result = c.query(std::string("SELECT uri FROM ") + table +
                              " WHERE account_id = ? AND target_account_id = ? AND uri IS NOT NULL",
                          {Value(account_id), Value(target_id)});
    if (!result.empty() && !result.front().s(0).empty()) return result.front().s(0);
  }
  return "";
}

void set_status_has_media(Connection& c, Id id) {
  Changes::note(tags::status(id));  // invalidation.hpp
  c.query("UPDATE statuses SET has_media = 1 WHERE id = ?", {Value(id)});
}

void set_status_origin(Connection& c, Id id, std::string_view uri, std::string_view url, bool local,
                       Visibility visibility) {
  Changes::note(tags::status(id));  // invalidation.hpp
  c.query("UPDATE statuses SET uri = ?, url = ?, local = ?, visibility = ? WHERE id = ?",
          {text(uri), text(url), b(local), Value(to_string(visibility)), Value(id)});
}

std::vector<std::string> follower_inboxes(Connection& c, Id account_id) {
  return strings(c.query(
      "SELECT DISTINCT CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url WHEN "
      "a.inbox_url <> '' THEN a.inbox_url ELSE 'no-inbox:' || a.uri END FROM follows f JOIN "
      "accounts a ON a.id = f.account_id WHERE f.target_account_id = ? AND a.domain <> '' AND "
      "a.suspended = 0",
      {Value(account_id)}));
}

std::vector<std::string> follower_inboxes(Connection& c, const std::vector<Id>& account_ids) {
  if (account_ids.empty()) return {};
  std::vector<Value> params(account_ids.begin(), account_ids.end());
  return strings(c.query(
      "SELECT DISTINCT CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url WHEN "
      "a.inbox_url <> '' THEN a.inbox_url ELSE 'no-inbox:' || a.uri END FROM follows f JOIN "
      "accounts a ON a.id = f.account_id WHERE f.target_account_id IN (" +
          placeholders(account_ids.size()) + ") AND a.domain <> '' AND a.suspended = 0",
      params));
}

std::vector<Id> local_reblogger_ids(Connection& c, Id status_id) {
  std::vector<Id> out;
  for (const Row& row : c.query("SELECT account_id FROM statuses WHERE reblog_of_id = ? AND "
                                "local = 1 ORDER BY id",
                                {Value(status_id)})
                            .rows)
    out.push_back(row.i(0));
  return out;
}

std::vector<std::string> reach_inboxes(Connection& c, const StatusReach& reach) {
  // One statement: the parts are independent small index reads, and on PostgreSQL a statement's
  // own cost is most of what each would cost alone (store/fan_out.hpp).
  std::string parts;
  std::vector<Value> params;
  auto add = [&](Id id, const char* sql) {
    if (id == 0) return;
    if (!parts.empty()) parts += " UNION ALL ";
    parts += sql;
    params.emplace_back(id);
  };
  add(reach.followers_of, "SELECT account_id FROM follows WHERE target_account_id = ?");
  add(reach.mentions_of, "SELECT account_id FROM mentions WHERE status_id = ?");
  add(reach.interactions_of, "SELECT account_id FROM statuses WHERE reblog_of_id = ?");
  add(reach.interactions_of, "SELECT account_id FROM favourites WHERE status_id = ?");
  add(reach.interactions_of, "SELECT account_id FROM statuses WHERE in_reply_to_id = ?");
  add(reach.quote_of, "SELECT quoted_account_id FROM quotes WHERE status_id = ?");
  add(reach.quotes_of,
      "SELECT account_id FROM quotes WHERE quoted_status_id = ? AND state = 'accepted'");
  add(reach.voters_of,
      "SELECT v.account_id FROM polls p JOIN poll_votes v ON v.poll_id = p.id WHERE p.status_id "
      "= ?");
  if (!reach.accounts.empty()) {
    if (!parts.empty()) parts += " UNION ALL ";
    parts += "SELECT id FROM accounts WHERE id IN (" + placeholders(reach.accounts.size()) + ")";
    for (Id id : reach.accounts) params.emplace_back(id);
  }
  if (parts.empty()) return {};
  return strings(c.query(
      "SELECT DISTINCT CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url WHEN "
      "a.inbox_url <> '' THEN a.inbox_url ELSE 'no-inbox:' || a.uri END FROM accounts a WHERE "
      "a.domain <> '' AND a.suspended = 0 AND a.id IN (" +
          parts + ")",
      params));
}

bool has_local_follower(Connection& c, Id account_id) {
  return !c.query(
               "SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id WHERE "
               "f.target_account_id = ? AND a.domain = '' UNION ALL "
               "SELECT 1 FROM follow_requests r JOIN accounts a ON a.id = r.account_id WHERE "
               "r.target_account_id = ? AND a.domain = '' LIMIT 1",
               {Value(account_id), Value(account_id)})
              .empty();
}

bool has_follower_on_domain(Connection& c, Id account_id, std::string_view domain) {
  return !c.query(
               "SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id WHERE "
               "f.target_account_id = ? AND a.domain = ? LIMIT 1",
               {Value(account_id), text(domain)})
              .empty();
}

namespace {

// Whether a block of the domain matches `condition` (SQL on domain_blocks' columns).
bool block_matches(Connection& c, std::string_view domain, std::string_view condition) {
  if (domain.empty()) return false;
  return !c.query("SELECT 1 FROM domain_blocks WHERE domain = ? AND " + std::string(condition),
                  {text(domain)})
              .empty();
}

}  // namespace

bool is_domain_blocked(Connection& c, std::string_view domain) {
  return block_matches(c, domain, "severity = 'suspend'");
}

bool is_domain_silenced(Connection& c, std::string_view domain) {
  return block_matches(c, domain, "severity = 'silence'");
}

bool domain_rejects_media(Connection& c, std::string_view domain) {
  return block_matches(c, domain, "reject_media <> 0");
}

bool domain_rejects_reports(Connection& c, std::string_view domain) {
  return block_matches(c, domain, "reject_reports <> 0");
}

bool insert_domain_block(Connection& c, Id id, std::string_view domain, std::string_view severity,
                         std::int64_t now) {
  return c.query(
              "INSERT INTO domain_blocks (id, domain, severity, created_at) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (domain) DO NOTHING",
              {Value(id), text(domain), text(severity), Value(now)})
             .affected > 0;
}

bool delete_domain_block(Connection& c, std::string_view domain) {
  return c.query("DELETE FROM domain_blocks WHERE domain = ?", {text(domain)}).affected > 0;
}

std::vector<DomainBlock> list_domain_blocks(Connection& c) {
  std::vector<DomainBlock> out;
  for (const Row& r :
       c.query("SELECT id, domain, severity, created_at, public_comment, private_comment, "
               "obfuscate, reject_media, reject_reports FROM domain_blocks ORDER BY domain")
           .rows)
    out.push_back(
        DomainBlock{r.i(0), r.s(1), r.s(2), r.i(3), r.s(4), r.s(5), r.b(6), r.b(7), r.b(8)});
  return out;
}

bool update_domain_block(Connection& c, const DomainBlock& block) {
  return c.query(
              "UPDATE domain_blocks SET severity = ?, public_comment = ?, private_comment = ?, "
              "obfuscate = ?, reject_media = ?, reject_reports = ? WHERE id = ?",
              {text(block.severity), text(block.public_comment), text(block.private_comment),
               b(block.obfuscate), b(block.reject_media), b(block.reject_reports), Value(block.id)})
             .affected > 0;
}

void insert_job(Connection& c, Id id, std::string_view queue, std::string_view payload,
                std::int64_t run_at, std::int64_t now) {
  // Queued (store/pipeline.hpp): nobody reads its result, and a transaction whose other
  // statements are queued (a post with a link: its preview card's job) then reads nothing.
  query_later(
      c,
      "INSERT INTO jobs (id, queue, payload, run_at, attempts, created_at) VALUES (?, ?, ?, "
      "?, 0, ?)",
      {Value(id), text(queue), text(payload), Value(run_at), Value(now)});
}

std::vector<Job> claim_jobs(Connection& c, std::string_view queue, std::int64_t now,
                            std::int64_t lock_ms, int limit) {
  std::string due =
      "SELECT id FROM jobs WHERE queue = ? AND run_at <= ? AND (locked_until IS NULL OR "
      "locked_until < ?) ORDER BY run_at LIMIT " +
      std::to_string(limit);
  std::string sql;
  std::vector<Value> params;
  if (c.dialect() == Dialect::postgres) {
    // The rows picked once (a materialised CTE): as `id IN (subquery)`, the planner may rescan
    // the subquery for each row of jobs (a nested-loop semi join), each rescan skipping the rows
    // just claimed and picking the next: LIMIT 1 then claimed every due job, and a queue that runs
    // the one it asked for (mail) left the others locked for kLockMs.
    sql = "WITH picked AS MATERIALIZED (" + due +
          " FOR UPDATE SKIP LOCKED) UPDATE jobs SET locked_until = ? FROM picked WHERE jobs.id = "
          "picked.id RETURNING jobs.id, jobs.queue, jobs.payload, jobs.attempts";
    params = {text(queue), Value(now), Value(now), Value(now + lock_ms)};
  } else {  // one writer at a time: the subquery is run once
    sql = "UPDATE jobs SET locked_until = ? WHERE id IN (" + due +
          ") RETURNING id, queue, payload, attempts";
    params = {Value(now + lock_ms), text(queue), Value(now), Value(now)};
  }
  auto result = c.query(sql, params);
  std::vector<Job> jobs;
  for (const Row& row : result.rows)
    jobs.push_back(Job{row.i(0), row.s(1), row.s(2), static_cast<int>(row.i(3))});
  return jobs;
}

bool has_due_jobs(Connection& c, std::string_view queue, std::int64_t now) {
  return !c.query(
               "SELECT 1 FROM jobs WHERE queue = ? AND run_at <= ? AND (locked_until IS NULL OR "
               "locked_until < ?) LIMIT 1",
               {text(queue), Value(now), Value(now)})
              .empty();
}

void delete_job(Connection& c, Id id) {
  c.query("DELETE FROM jobs WHERE id = ?", {Value(id)});
}

void retry_job(Connection& c, Id id, std::int64_t run_at, int attempts, std::string_view error) {
  c.query(
      "UPDATE jobs SET run_at = ?, attempts = ?, locked_until = NULL, last_error = ? WHERE id = ?",
      {Value(run_at), Value(std::int64_t{attempts}), text(error.substr(0, 500)), Value(id)});
}

std::int64_t count_jobs(Connection& c, std::string_view queue) {
  return c.query("SELECT COUNT(*) FROM jobs WHERE queue = ?", {text(queue)}).front().i(0);
}

std::optional<std::int64_t> next_job_time(Connection& c, std::string_view queue) {
  auto result = c.query("SELECT MIN(run_at) FROM jobs WHERE queue = ?", {text(queue)});
  if (result.empty() || result.front().is_null(0)) return std::nullopt;
  return result.front().i(0);
}

}  // namespace herd::store
