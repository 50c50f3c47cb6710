#include "store/admin_blocks.hpp"

#include <unordered_set>

namespace herd::store {

namespace {

Value text(std::string_view value) {
  return Value(std::string(value));
}

IpBlock ip_block_from(const Row& r) {
  return IpBlock{r.i(0), r.s(1), r.s(2), r.s(3), r.oi(4), r.i(5)};
}
constexpr const char* kIpBlockColumns =
    "SELECT id, ip, severity, comment, expires_at, created_at FROM ip_blocks";

EmailDomainBlock email_block_from(const Row& r) {
  return EmailDomainBlock{r.i(0), r.s(1), r.b(2), r.i(3)};
}
constexpr const char* kEmailBlockColumns =
    "SELECT id, domain, allow_with_approval, created_at FROM email_domain_blocks";

template <typename T, typename F>
std::vector<T> all(Connection& c, const std::string& sql, const std::vector<Value>& params,
                   F from) {
  std::vector<T> out;
  for (const Row& r : c.query(sql, params).rows) out.push_back(from(r));
  return out;
}

template <typename T>
std::optional<T> first(std::vector<T> rows) {
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

}  // namespace

std::vector<IpBlock> list_ip_blocks(Connection& c) {
  return all<IpBlock>(c, std::string(kIpBlockColumns) + " ORDER BY id", {}, ip_block_from);
}

std::optional<IpBlock> find_ip_block(Connection& c, Id id) {
  return first(
      all<IpBlock>(c, std::string(kIpBlockColumns) + " WHERE id = ?", {Value(id)}, ip_block_from));
}

bool insert_ip_block(Connection& c, const IpBlock& block, std::int64_t now) {
  return c.query(
              "INSERT INTO ip_blocks (id, ip, severity, comment, expires_at, created_at, "
              "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ip) DO NOTHING",
              {Value(block.id), text(block.ip), text(block.severity), text(block.comment),
               opt(block.expires_at), Value(block.created_at), Value(now)})
             .affected > 0;
}

void update_ip_block(Connection& c, const IpBlock& block, std::int64_t now) {
  c.query(
      "UPDATE ip_blocks SET ip = ?, severity = ?, comment = ?, expires_at = ?, updated_at = ? "
      "WHERE id = ?",
      {text(block.ip), text(block.severity), text(block.comment), opt(block.expires_at), Value(now),
       Value(block.id)});
}

bool delete_ip_block(Connection& c, Id id) {
  return c.query("DELETE FROM ip_blocks WHERE id = ?", {Value(id)}).affected > 0;
}

std::vector<EmailDomainBlock> list_email_domain_blocks(Connection& c) {
  return all<EmailDomainBlock>(c, std::string(kEmailBlockColumns) + " ORDER BY id", {},
                               email_block_from);
}

std::optional<EmailDomainBlock> find_email_domain_block(Connection& c, Id id) {
  return first(all<EmailDomainBlock>(c, std::string(kEmailBlockColumns) + " WHERE id = ?",
                                     {Value(id)}, email_block_from));
}

std::vector<EmailDomainBlock> email_domain_blocks_for(Connection& c,
                                                      const std::vector<std::string>& domains) {
  if (domains.empty()) return {};
  std::vector<Value> params;
  for (const auto& domain : domains) params.push_back(text(domain));
  return all<EmailDomainBlock>(
      c,
      std::string(kEmailBlockColumns) + " WHERE domain IN (" + placeholders(domains.size()) + ")",
      params, email_block_from);
}

bool insert_email_domain_block(Connection& c, const EmailDomainBlock& block) {
  return c.query(
              "INSERT INTO email_domain_blocks (id, domain, allow_with_approval, created_at) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (domain) DO NOTHING",
              {Value(block.id), text(block.domain), Value(std::int64_t{block.allow_with_approval}),
               Value(block.created_at)})
             .affected > 0;
}

bool delete_email_domain_block(Connection& c, Id id) {
  c.query("DELETE FROM email_domain_block_attempts WHERE block_id = ?", {Value(id)});
  return c.query("DELETE FROM email_domain_blocks WHERE id = ?", {Value(id)}).affected > 0;
}

void record_email_domain_block_attempt(Connection& c, Id block_id, std::int64_t day,
                                       const std::string& email) {
  c.query(
      "INSERT INTO email_domain_block_attempts (block_id, day, email) VALUES (?, ?, ?) ON "
      "CONFLICT (block_id, day, email) DO UPDATE SET attempts = "
      "email_domain_block_attempts.attempts + 1",
      {Value(block_id), Value(day), text(email)});
}

std::vector<AttemptDay> email_domain_block_attempts(Connection& c, Id block_id,
                                                    std::int64_t since) {
  std::vector<AttemptDay> out;
  for (const Row& r : c.query("SELECT day, COUNT(*), SUM(attempts) FROM "
                              "email_domain_block_attempts WHERE block_id = ? AND day >= ? GROUP "
                              "BY day ORDER BY day",
                              {Value(block_id), Value(since)})
                          .rows)
    out.push_back(AttemptDay{r.i(0), r.i(1), r.i(2)});
  return out;
}

std::vector<CanonicalEmailBlock> list_canonical_email_blocks(Connection& c) {
  return all<CanonicalEmailBlock>(
      c, "SELECT id, canonical_email_hash, created_at FROM canonical_email_blocks ORDER BY id", {},
      [](const Row& r) {
        return CanonicalEmailBlock{r.i(0), r.s(1), r.i(2)};
      });
}

std::optional<CanonicalEmailBlock> find_canonical_email_block(Connection& c, Id id) {
  return first(all<CanonicalEmailBlock>(
      c, "SELECT id, canonical_email_hash, created_at FROM canonical_email_blocks WHERE id = ?",
      {Value(id)}, [](const Row& r) {
        return CanonicalEmailBlock{r.i(0), r.s(1), r.i(2)};
      }));
}

std::optional<CanonicalEmailBlock> find_canonical_email_block_by_hash(Connection& c,
                                                                      const std::string& hash) {
  return first(all<CanonicalEmailBlock>(c,
                                        "SELECT id, canonical_email_hash, created_at FROM "
                                        "canonical_email_blocks WHERE canonical_email_hash = ?",
                                        {text(hash)}, [](const Row& r) {
                                          return CanonicalEmailBlock{r.i(0), r.s(1), r.i(2)};
                                        }));
}

bool insert_canonical_email_block(Connection& c, const CanonicalEmailBlock& block) {
  return c.query(
              "INSERT INTO canonical_email_blocks (id, canonical_email_hash, created_at) VALUES "
              "(?, ?, ?) ON CONFLICT (canonical_email_hash) DO NOTHING",
              {Value(block.id), text(block.canonical_email_hash), Value(block.created_at)})
             .affected > 0;
}

bool delete_canonical_email_block(Connection& c, Id id) {
  return c.query("DELETE FROM canonical_email_blocks WHERE id = ?", {Value(id)}).affected > 0;
}

std::vector<DomainAllow> list_domain_allows(Connection& c) {
  return all<DomainAllow>(c, "SELECT id, domain, created_at FROM domain_allows ORDER BY id", {},
                          [](const Row& r) {
                            return DomainAllow{r.i(0), r.s(1), r.i(2)};
                          });
}

std::optional<DomainAllow> find_domain_allow(Connection& c, Id id) {
  return first(all<DomainAllow>(c, "SELECT id, domain, created_at FROM domain_allows WHERE id = ?",
                                {Value(id)}, [](const Row& r) {
                                  return DomainAllow{r.i(0), r.s(1), r.i(2)};
                                }));
}

std::optional<DomainAllow> find_domain_allow_by_domain(Connection& c, std::string_view domain) {
  return first(all<DomainAllow>(c,
                                "SELECT id, domain, created_at FROM domain_allows WHERE domain = ?",
                                {text(domain)}, [](const Row& r) {
                                  return DomainAllow{r.i(0), r.s(1), r.i(2)};
                                }));
}

bool insert_domain_allow(Connection& c, const DomainAllow& allow) {
  return c.query(
              "INSERT INTO domain_allows (id, domain, created_at) VALUES (?, ?, ?) ON CONFLICT "
              "(domain) DO NOTHING",
              {Value(allow.id), text(allow.domain), Value(allow.created_at)})
             .affected > 0;
}

bool delete_domain_allow(Connection& c, Id id) {
  return c.query("DELETE FROM domain_allows WHERE id = ?", {Value(id)}).affected > 0;
}

std::optional<bool> trend_review(Connection& c, std::string_view kind, Id target_id) {
  auto rows = c.query("SELECT trendable FROM trend_reviews WHERE kind = ? AND target_id = ?",
                      {text(kind), Value(target_id)});
  if (rows.empty()) return std::nullopt;
  return rows.front().b(0);
}

void set_trend_review(Connection& c, std::string_view kind, Id target_id, bool trendable,
                      std::int64_t now) {
  c.query(
      "INSERT INTO trend_reviews (kind, target_id, trendable, reviewed_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (kind, target_id) DO UPDATE SET trendable = excluded.trendable, reviewed_at = "
      "excluded.reviewed_at",
      {text(kind), Value(target_id), Value(std::int64_t{trendable}), Value(now)});
}

std::vector<std::pair<Id, bool>> trend_reviews(Connection& c, std::string_view kind,
                                               const std::vector<Id>& target_ids) {
  std::vector<std::pair<Id, bool>> out;
  if (target_ids.empty()) return out;
  std::vector<Value> params{text(kind)};
  for (Id id : target_ids) params.push_back(Value(id));
  for (const Row& r :
       c.query("SELECT target_id, trendable FROM trend_reviews WHERE kind = ? AND target_id IN (" +
                   placeholders(target_ids.size()) + ")",
               params)
           .rows)
    out.emplace_back(r.i(0), r.b(1));
  return out;
}

void record_account_activity(Connection& c, Id account_id, std::int64_t day) {
  c.query("INSERT INTO account_activity (account_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
          {Value(account_id), Value(day)});
}

std::int64_t count_active_accounts(Connection& c, std::int64_t since_day,
                                   const std::vector<Id>& noted_today) {
  std::int64_t count =
      c.query("SELECT COUNT(DISTINCT account_id) FROM account_activity WHERE day >= ?",
              {Value(since_day)})
          .front()
          .i(0);
  if (noted_today.empty()) return count;
  // The noted accounts already counted (active earlier in the period) are not counted twice.
  std::unordered_set<Id> noted(noted_today.begin(), noted_today.end());
  std::vector<Id> ids(noted.begin(), noted.end());
  std::vector<Value> params{Value(since_day)};
  for (Id id : ids) params.emplace_back(static_cast<std::int64_t>(id));
  for (const auto& row : c.query("SELECT DISTINCT account_id FROM account_activity WHERE day >= ? "
                                 "AND account_id IN (" +
                                     placeholders(ids.size()) + ")",
                                 params)
                             .rows)
    noted.erase(row.i(0));
  return count + static_cast<std::int64_t>(noted.size());
}

}  // namespace herd::store
