#include "store/relationships.hpp"

#include "store/invalidation.hpp"

namespace herd::store {

namespace {
Value b(bool v) {
  return Value(std::int64_t{v ? 1 : 0});
}

std::vector<Entry> page_pairs(Connection& c, const std::string& table,
                              const std::string& key_column, const std::string& value_column,
                              Id key, const PageQuery& page) {
  std::vector<Value> params{Value(key)};
  std::string where = key_column + " = ?";
  std::string tail = page_sql(page, "id", where, params);
  auto result =
      c.query("SELECT id, " + value_column + " FROM " + table + " WHERE " + where + tail, params);
  std::vector<Entry> out;
  for (const Row& r : result.rows) out.push_back(Entry{r.i(0), r.i(1)});
  finish_page(page, out);
  return out;
}
}  // namespace

std::unordered_map<Id, Relationship> load_relationships(Connection& c, Id viewer,
                                                        const std::vector<Id>& targets) {
  std::unordered_map<Id, Relationship> out;
  for (Id t : targets) out[t];
  if (targets.empty() || viewer == 0) return out;
  std::string in = placeholders(targets.size());
  std::vector<Value> params{Value(viewer)};
  params.insert(params.end(), targets.begin(), targets.end());
  for (const Row& r : c.query("SELECT target_account_id, show_reblogs, notify FROM follows WHERE "
                              "account_id = ? AND target_account_id IN (" +
                                  in + ")",
                              params)
                          .rows) {
    auto& rel = out[r.i(0)];
    rel.following = true;
    rel.showing_reblogs = r.b(1);
    rel.notifying = r.b(2);
  }
  for (const Row& r : c.query("SELECT account_id FROM follows WHERE target_account_id = ? AND "
                              "account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].followed_by = true;
  for (const Row& r : c.query("SELECT target_account_id FROM follow_requests WHERE account_id = ? "
                              "AND target_account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].requested = true;
  for (const Row& r : c.query("SELECT account_id FROM follow_requests WHERE target_account_id = ? "
                              "AND account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].requested_by = true;
  for (const Row& r : c.query("SELECT target_account_id FROM blocks WHERE account_id = ? AND "
                              "target_account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].blocking = true;
  for (const Row& r : c.query("SELECT account_id FROM blocks WHERE target_account_id = ? AND "
                              "account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].blocked_by = true;
  for (const Row& r : c.query("SELECT target_account_id, hide_notifications FROM mutes WHERE "
                              "account_id = ? AND target_account_id IN (" +
                                  in + ")",
                              params)
                          .rows) {
    out[r.i(0)].muting = true;
    out[r.i(0)].muting_notifications = r.b(1);
  }
  for (const Row& r : c.query("SELECT a.id FROM accounts a JOIN account_domain_blocks d ON "
                              "d.domain = a.domain WHERE d.account_id = ? AND a.id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].domain_blocking = true;
  return out;
}

void load_notes_and_endorsements(Connection& c, Id viewer, const std::vector<Id>& targets,
                                 std::unordered_map<Id, Relationship>& out) {
  if (targets.empty() || viewer == 0) return;
  std::string in = placeholders(targets.size());
  std::vector<Value> params{Value(viewer)};
  params.insert(params.end(), targets.begin(), targets.end());
  for (const Row& r : c.query("SELECT target_account_id, comment FROM account_notes WHERE "
                              "account_id = ? AND target_account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].note = r.s(1);
  for (const Row& r : c.query("SELECT target_account_id FROM account_pins WHERE account_id = ? AND "
                              "target_account_id IN (" +
                                  in + ")",
                              params)
                          .rows)
    out[r.i(0)].endorsed = true;
}

bool insert_follow(Connection& c, const Follow& f) {
  return c.query(
              "INSERT INTO follows (id, account_id, target_account_id, show_reblogs, notify, uri, "
              "created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
              {Value(f.id), Value(f.account_id), Value(f.target_account_id), b(f.show_reblogs),
               b(f.notify), opt(f.uri), Value(f.created_at)})
             .affected > 0;
}

void update_follow_options(Connection& c, Id account_id, Id target_id, bool show_reblogs,
                           bool notify) {
  c.query(
      "UPDATE follows SET show_reblogs = ?, notify = ? WHERE account_id = ? AND target_account_id "
      "= ?",
      {b(show_reblogs), b(notify), Value(account_id), Value(target_id)});
}

static std::optional<Follow> find_pair(Connection& c, const char* table, Id account_id,
                                       Id target_id) {
  auto r =
      c.query(std::string("SELECT id, account_id, target_account_id, show_reblogs, notify, uri, "
                          "created_at FROM ") +
                  table + " WHERE account_id = ? AND target_account_id = ?",
              {Value(account_id), Value(target_id)});
  if (r.empty()) return std::nullopt;
  const Row& row = r.front();
  return Follow{row.i(0), row.i(1), row.i(2), row.b(3), row.b(4), row.os(5), row.i(6)};
}

std::optional<Follow> find_follow(Connection& c, Id account_id, Id target_id) {
  return find_pair(c, "follows", account_id, target_id);
}

bool delete_follow(Connection& c, Id account_id, Id target_id) {
  return c.query("DELETE FROM follows WHERE account_id = ? AND target_account_id = ?",
                 {Value(account_id), Value(target_id)})
             .affected > 0;
}

bool insert_follow_request(Connection& c, const Follow& f) {
  return c.query(
              "INSERT INTO follow_requests (id, account_id, target_account_id, show_reblogs, "
              "notify, uri, created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
              {Value(f.id), Value(f.account_id), Value(f.target_account_id), b(f.show_reblogs),
               b(f.notify), opt(f.uri), Value(f.created_at)})
             .affected > 0;
}

std::optional<Follow> find_follow_request(Connection& c, Id account_id, Id target_id) {
  return find_pair(c, "follow_requests", account_id, target_id);
}

bool delete_follow_request(Connection& c, Id account_id, Id target_id) {
  return c.query("DELETE FROM follow_requests WHERE account_id = ? AND target_account_id = ?",
                 {Value(account_id), Value(target_id)})
             .affected > 0;
}

std::int64_t count_follow_requests(Connection& c, Id target_id) {
  return c
      .query("SELECT COUNT(*) FROM follow_requests WHERE target_account_id = ?", {Value(target_id)})
      .front()
      .i(0);
}

bool insert_block(Connection& c, Id id, Id account_id, Id target_id, std::int64_t now) {
  return c.query(
              "INSERT INTO blocks (id, account_id, target_account_id, created_at) VALUES "
              "(?,?,?,?) ON CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(target_id), Value(now)})
             .affected > 0;
}

bool delete_block(Connection& c, Id account_id, Id target_id) {
  return c.query("DELETE FROM blocks WHERE account_id = ? AND target_account_id = ?",
                 {Value(account_id), Value(target_id)})
             .affected > 0;
}

bool blocked_either_way(Connection& c, Id a, Id b) {
  return !c.query(
               "SELECT 1 FROM blocks WHERE (account_id = ? AND target_account_id = ?) OR "
               "(account_id = ? AND target_account_id = ?) LIMIT 1",
               {Value(a), Value(b), Value(b), Value(a)})
              .empty();
}

bool insert_mute(Connection& c, Id id, Id account_id, Id target_id, bool hide_notifications,
                 std::optional<std::int64_t> expires_at, std::int64_t now) {
  return c.query(
              "INSERT INTO mutes (id, account_id, target_account_id, hide_notifications, "
              "expires_at, created_at) VALUES (?,?,?,?,?,?) ON CONFLICT (account_id, "
              "target_account_id) DO UPDATE SET hide_notifications = excluded.hide_notifications, "
              "expires_at = excluded.expires_at",
              {Value(id), Value(account_id), Value(target_id), b(hide_notifications),
               opt(expires_at), Value(now)})
             .affected > 0;
}

bool delete_mute(Connection& c, Id account_id, Id target_id) {
  return c.query("DELETE FROM mutes WHERE account_id = ? AND target_account_id = ?",
                 {Value(account_id), Value(target_id)})
             .affected > 0;
}

bool is_following(Connection& c, Id account_id, Id target_id) {
  return !c.query("SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?",
                  {Value(account_id), Value(target_id)})
              .empty();
}

std::vector<Entry> page_followers(Connection& c, Id target_id, const PageQuery& page) {
  return page_pairs(c, "follows", "target_account_id", "account_id", target_id, page);
}
std::vector<Entry> page_following(Connection& c, Id account_id, const PageQuery& page) {
  return page_pairs(c, "follows", "account_id", "target_account_id", account_id, page);
}
std::vector<Entry> page_follow_requests(Connection& c, Id target_id, const PageQuery& page) {
  return page_pairs(c, "follow_requests", "target_account_id", "account_id", target_id, page);
}
std::vector<Entry> page_blocks(Connection& c, Id account_id, const PageQuery& page) {
  return page_pairs(c, "blocks", "account_id", "target_account_id", account_id, page);
}
std::vector<Entry> page_mutes(Connection& c, Id account_id, const PageQuery& page) {
  return page_pairs(c, "mutes", "account_id", "target_account_id", account_id, page);
}

std::vector<Id> local_follower_ids(Connection& c, Id target_id) {
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT f.account_id FROM follows f JOIN accounts a ON a.id = "
                              "f.account_id WHERE f.target_account_id = ? AND a.domain = ''",
                              {Value(target_id)})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

void merge_into_home_feed(Connection& c, Id follower_id, Id target_id, bool show_reblogs,
                          int limit) {
  Changes::note(tags::home_feed(follower_id));  // invalidation.hpp
  c.query(
      "INSERT INTO home_feed (account_id, status_id) SELECT ?, id FROM statuses WHERE "
      "account_id = ? AND visibility IN ('public', 'unlisted', 'private') AND "
      "(reblog_of_id IS NULL OR ? = 1) ORDER BY id DESC LIMIT ? ON CONFLICT DO NOTHING",
      {Value(follower_id), Value(target_id), Value(std::int64_t{show_reblogs ? 1 : 0}),
       Value(std::int64_t{limit})});
}

std::vector<Id> hidden_account_ids(Connection& c, Id viewer) {
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT target_account_id FROM blocks WHERE account_id = ? UNION "
                              "SELECT account_id FROM blocks WHERE target_account_id = ? UNION "
                              "SELECT target_account_id FROM mutes WHERE account_id = ? UNION "
                              "SELECT a.id FROM accounts a JOIN account_domain_blocks d ON "
                              "d.domain = a.domain WHERE d.account_id = ?",
                              {Value(viewer), Value(viewer), Value(viewer), Value(viewer)})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

void set_account_note(Connection& c, Id account_id, Id target_id, const std::string& comment,
                      std::int64_t now) {
  if (comment.empty()) {
    c.query("DELETE FROM account_notes WHERE account_id = ? AND target_account_id = ?",
            {Value(account_id), Value(target_id)});
    return;
  }
  c.query(
      "INSERT INTO account_notes (account_id, target_account_id, comment, updated_at) VALUES "
      "(?, ?, ?, ?) ON CONFLICT (account_id, target_account_id) DO UPDATE SET comment = "
      "excluded.comment, updated_at = excluded.updated_at",
      {Value(account_id), Value(target_id), Value(comment), Value(now)});
}

bool insert_account_domain_block(Connection& c, Id id, Id account_id, const std::string& domain,
                                 std::int64_t now) {
  return c.query(
              "INSERT INTO account_domain_blocks (id, account_id, domain, created_at) VALUES (?, "
              "?, ?, ?) ON CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(domain), Value(now)})
             .affected > 0;
}

bool delete_account_domain_block(Connection& c, Id account_id, const std::string& domain) {
  return c.query("DELETE FROM account_domain_blocks WHERE account_id = ? AND domain = ?",
                 {Value(account_id), Value(domain)})
             .affected > 0;
}

bool blocks_domain(Connection& c, Id account_id, const std::string& domain) {
  return !c.query("SELECT 1 FROM account_domain_blocks WHERE account_id = ? AND domain = ?",
                  {Value(account_id), Value(domain)})
              .empty();
}

std::vector<DomainBlockEntry> page_account_domain_blocks(Connection& c, Id account_id,
                                                         const PageQuery& page) {
  std::vector<Value> params{Value(account_id)};
  std::string where = "account_id = ?";
  std::string tail = page_sql(page, "id", where, params);
  std::vector<DomainBlockEntry> out;
  for (const Row& r :
       c.query("SELECT id, domain FROM account_domain_blocks WHERE " + where + tail, params).rows)
    out.push_back(DomainBlockEntry{r.i(0), r.s(1)});
  finish_page(page, out);
  return out;
}

bool insert_account_pin(Connection& c, Id id, Id account_id, Id target_id, std::int64_t now) {
  return c.query(
              "INSERT INTO account_pins (id, account_id, target_account_id, created_at) VALUES (?, "
              "?, ?, ?) ON CONFLICT DO NOTHING",
              {Value(id), Value(account_id), Value(target_id), Value(now)})
             .affected > 0;
}

bool delete_account_pin(Connection& c, Id account_id, Id target_id) {
  return c.query("DELETE FROM account_pins WHERE account_id = ? AND target_account_id = ?",
                 {Value(account_id), Value(target_id)})
             .affected > 0;
}

std::vector<Entry> page_account_pins(Connection& c, Id account_id, const PageQuery& page) {
  return page_pairs(c, "account_pins", "account_id", "target_account_id", account_id, page);
}

std::vector<Id> suggested_account_ids(Connection& c, Id viewer, int limit) {
  auto hidden = hidden_account_ids(c, viewer);
  std::vector<Value> params{Value(viewer), Value(viewer), Value(viewer), Value(viewer)};
  std::string not_hidden;
  if (!hidden.empty()) {
    not_hidden = " AND a.id NOT IN (" + placeholders(hidden.size()) + ")";
    params.insert(params.end(), hidden.begin(), hidden.end());
  }
  params.emplace_back(std::int64_t{limit});
  std::vector<Id> out;
  for (const Row& r :
       c.query(
            "SELECT a.id FROM accounts a WHERE a.id <> ? AND a.discoverable = 1 AND a.suspended = "
            "0 "
            "AND a.silenced = 0 AND a.id NOT IN (SELECT target_account_id FROM follows WHERE "
            "account_id = ?) AND a.id NOT IN (SELECT target_account_id FROM follow_requests WHERE "
            "account_id = ?) AND a.id NOT IN (SELECT target_account_id FROM suggestion_dismissals "
            "WHERE account_id = ?)" +
                not_hidden +
                " ORDER BY CASE WHEN a.domain = '' THEN 0 ELSE 1 END, a.followers_count DESC, a.id "
                "LIMIT ?",
            params)
           .rows)
    out.push_back(r.i(0));
  return out;
}

void dismiss_suggestion(Connection& c, Id viewer, Id account_id) {
  c.query(
      "INSERT INTO suggestion_dismissals (account_id, target_account_id) VALUES (?, ?) ON CONFLICT "
      "DO NOTHING",
      {Value(viewer), Value(account_id)});
}

std::unordered_map<Id, std::vector<Id>> familiar_follower_ids(Connection& c, Id viewer,
                                                              const std::vector<Id>& targets) {
  std::unordered_map<Id, std::vector<Id>> out;
  if (targets.empty()) return out;
  std::vector<Value> params{Value(viewer)};
  params.insert(params.end(), targets.begin(), targets.end());
  for (const Row& r :
       c.query("SELECT f.target_account_id, f.account_id FROM follows f JOIN follows mine ON "
               "mine.target_account_id = f.account_id AND mine.account_id = ? JOIN accounts a ON "
               "a.id = f.account_id WHERE a.suspended = 0 AND f.target_account_id IN (" +
                   placeholders(targets.size()) + ") ORDER BY f.id DESC",
               params)
           .rows)
    out[r.i(0)].push_back(r.i(1));
  return out;
}

std::vector<Id> follower_ids_on_domain(Connection& c, Id account_id, const std::string& domain) {
  std::vector<Id> out;
  for (const Row& r : c.query("SELECT f.account_id FROM follows f JOIN accounts a ON a.id = "
                              "f.account_id WHERE f.target_account_id = ? AND a.domain = ?",
                              {Value(account_id), Value(domain)})
                          .rows)
    out.push_back(r.i(0));
  return out;
}

}  // namespace herd::store
