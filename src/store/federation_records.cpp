#include "store/federation_records.hpp"

#include "core/ids.hpp"
#include "store/pipeline.hpp"

namespace herd::store {

namespace {

Value text(std::string_view value) {
  return Value(std::string(value));
}

}  // namespace

void upsert_remote_key(Connection& c, const RemoteKey& key) {
  c.query(
      "INSERT INTO remote_keys (key_id, owner_uri, public_key_pem, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (key_id) DO UPDATE SET owner_uri = excluded.owner_uri, "
      "public_key_pem = excluded.public_key_pem, updated_at = excluded.updated_at",
      {text(key.key_id), text(key.owner_uri), text(key.public_key_pem), Value(key.updated_at)});
}

std::optional<RemoteKey> find_remote_key(Connection& c, std::string_view key_id) {
  auto result = c.query(
      "SELECT key_id, owner_uri, public_key_pem, updated_at FROM remote_keys WHERE key_id = ?",
      {text(key_id)});
  if (result.empty()) return std::nullopt;
  const Row& row = result.front();
  return RemoteKey{row.s(0), row.s(1), row.s(2), row.i(3)};
}

void insert_tombstone(Connection& c, std::string_view uri, std::string_view reason,
                      std::int64_t now) {
  c.query(
      "INSERT INTO tombstones (uri, reason, created_at) VALUES (?, ?, ?) ON CONFLICT (uri) DO "
      "UPDATE SET reason = excluded.reason, created_at = excluded.created_at WHERE "
      "tombstones.reason = 'unseen'",
      {text(uri), text(reason), Value(now)});
}

bool is_tombstoned(Connection& c, std::string_view uri, std::int64_t now) {
  return !c.query(
               "SELECT 1 FROM tombstones WHERE uri = ? AND (reason <> 'unseen' OR created_at > ?)",
               {text(uri), Value(now - kUnseenTombstoneMs)})
              .empty();
}

namespace {

Statement received_post_facts_statement(std::string_view uri, Id author_id, std::int64_t now) {
  return Statement{
      "SELECT (SELECT id FROM statuses WHERE uri = ? LIMIT 1), "
      "CASE WHEN EXISTS (SELECT 1 FROM tombstones WHERE uri = ? AND (reason <> 'unseen' OR "
      "created_at > ?)) THEN 1 ELSE 0 END, "
      "CASE WHEN EXISTS (SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id WHERE "
      "f.target_account_id = ? AND a.domain = '') OR EXISTS (SELECT 1 FROM follow_requests r "
      "JOIN accounts a ON a.id = r.account_id WHERE r.target_account_id = ? AND a.domain = '') "
      "THEN 1 ELSE 0 END",
      {text(uri), text(uri), Value(now - kUnseenTombstoneMs), Value(author_id), Value(author_id)}};
}

ReceivedPostFacts received_post_facts_of(const Result& result) {
  const Row& row = result.front();
  return ReceivedPostFacts{row.oi(0), row.b(1), row.b(2)};
}

}  // namespace

ReceivedPostFacts received_post_facts(Connection& c, std::string_view uri, Id author_id,
                                      std::int64_t now) {
  Statement facts = received_post_facts_statement(uri, author_id, now);
  return received_post_facts_of(c.query(facts.sql, facts.params));
}

ReceivedPostFacts received_post_facts(Connection& c, std::string_view uri, Id author_id,
                                      std::int64_t now, const FanOutQuery& fan_out,
                                      FanOutReads& reads) {
  auto results = query_all(
      c, {received_post_facts_statement(uri, author_id, now), fan_out_statement(fan_out)});
  reads = fan_out_reads(results[1]);
  return received_post_facts_of(results[0]);
}

void prune_tombstones(Connection& c, std::int64_t now) {
  c.query("DELETE FROM tombstones WHERE reason = 'unseen' AND created_at < ?",
          {Value(now - kUnseenTombstoneMs)});
}

void insert_delivery_failure(Connection& c, const DeliveryFailure& f) {
  // Kept for kDeliveryFailureDays: ids are snowflakes, so the oldest go by primary key.
  std::int64_t horizon = f.created_at - kDeliveryFailureDays * 24LL * 60 * 60 * 1000;
  if (horizon > 0) c.query("DELETE FROM delivery_failures WHERE id < ?", {Value(id_at(horizon))});
  c.query(
      "INSERT INTO delivery_failures (id, inbox, account_uri, activity_type, activity_id, error, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {Value(f.id), text(f.inbox), text(f.account_uri), text(f.activity_type), text(f.activity_id),
       text(f.error), Value(f.created_at)});
}

std::vector<DeliveryFailure> list_delivery_failures(Connection& c, int limit) {
  auto result = c.query(
      "SELECT id, inbox, account_uri, activity_type, activity_id, error, created_at "
      "FROM delivery_failures ORDER BY id DESC LIMIT ?",
      {Value(std::int64_t{limit})});
  std::vector<DeliveryFailure> out;
  for (const Row& row : result.rows)
    out.push_back({row.i(0), row.s(1), row.s(2), row.s(3), row.s(4), row.s(5), row.i(6)});
  return out;
}

}  // namespace herd::store
