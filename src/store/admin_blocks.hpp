// What the admin API blocks and allows (Mastodon's IpBlock, EmailDomainBlock,
// CanonicalEmailBlock, DomainAllow), the review state of trends, and which local accounts were
// active on which day (the dashboard's figures). Inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct IpBlock {
  Id id = 0;
  std::string ip;        // an address with its prefix: "192.0.2.0/24", "2001:db8::/32"
  std::string severity;  // sign_up_requires_approval | sign_up_block | no_access
  std::string comment;
  std::optional<std::int64_t> expires_at;
  std::int64_t created_at = 0;
};
std::vector<IpBlock> list_ip_blocks(Connection& c);  // oldest first
std::optional<IpBlock> find_ip_block(Connection& c, Id id);
// False when a block for the same ip exists.
bool insert_ip_block(Connection& c, const IpBlock& block, std::int64_t now);
void update_ip_block(Connection& c, const IpBlock& block, std::int64_t now);
bool delete_ip_block(Connection& c, Id id);

struct EmailDomainBlock {
  Id id = 0;
  std::string domain;
  bool allow_with_approval = false;
  std::int64_t created_at = 0;
};
std::vector<EmailDomainBlock> list_email_domain_blocks(Connection& c);
std::optional<EmailDomainBlock> find_email_domain_block(Connection& c, Id id);
// The blocks whose domain is one of `domains` (exact, lowercase).
std::vector<EmailDomainBlock> email_domain_blocks_for(Connection& c,
                                                      const std::vector<std::string>& domains);
bool insert_email_domain_block(Connection& c, const EmailDomainBlock& block);
bool delete_email_domain_block(Connection& c, Id id);
// A refused sign-up attempt with `email` on `day` (unix ms of midnight UTC).
void record_email_domain_block_attempt(Connection& c, Id block_id, std::int64_t day,
                                       const std::string& email);
struct AttemptDay {
  std::int64_t day = 0;  // unix ms of midnight UTC
  std::int64_t accounts = 0, uses = 0;
};
// Days since `since` that had attempts: distinct addresses (accounts) and attempts (uses).
std::vector<AttemptDay> email_domain_block_attempts(Connection& c, Id block_id, std::int64_t since);

struct CanonicalEmailBlock {
  Id id = 0;
  std::string canonical_email_hash;  // SHA-256 hex of the canonical address
  std::int64_t created_at = 0;
};
std::vector<CanonicalEmailBlock> list_canonical_email_blocks(Connection& c);
std::optional<CanonicalEmailBlock> find_canonical_email_block(Connection& c, Id id);
std::optional<CanonicalEmailBlock> find_canonical_email_block_by_hash(Connection& c,
                                                                      const std::string& hash);
bool insert_canonical_email_block(Connection& c, const CanonicalEmailBlock& block);
bool delete_canonical_email_block(Connection& c, Id id);

struct DomainAllow {
  Id id = 0;
  std::string domain;
  std::int64_t created_at = 0;
};
std::vector<DomainAllow> list_domain_allows(Connection& c);
std::optional<DomainAllow> find_domain_allow(Connection& c, Id id);
std::optional<DomainAllow> find_domain_allow_by_domain(Connection& c, std::string_view domain);
bool insert_domain_allow(Connection& c, const DomainAllow& allow);
bool delete_domain_allow(Connection& c, Id id);

// Trend review: kind is "tag", "status" or "link" (a preview card). nullopt: not reviewed.
std::optional<bool> trend_review(Connection& c, std::string_view kind, Id target_id);
void set_trend_review(Connection& c, std::string_view kind, Id target_id, bool trendable,
                      std::int64_t now);
// target id -> trendable, for the reviewed ones among target_ids.
std::vector<std::pair<Id, bool>> trend_reviews(Connection& c, std::string_view kind,
                                               const std::vector<Id>& target_ids);

// Remembers that a local account used the API on `day` (unix ms of midnight UTC).
void record_account_activity(Connection& c, Id account_id, std::int64_t day);
// How many local accounts used the API on `since_day` or later (Mastodon's active users), counting
// also `noted_today`: accounts seen today whose activity is not written yet.
std::int64_t count_active_accounts(Connection& c, std::int64_t since_day,
                                   const std::vector<Id>& noted_today = {});

}  // namespace herd::store
