// The rules behind the admin API's blocks and allows, as Mastodon applies them:
// - IP blocks: a sign-up from an address in a `sign_up_requires_approval` range waits for approval,
//   from a `sign_up_block` range is refused; an address in a `no_access` range gets 403 on every
//   request (api/dispatch asks ip_access_refused()). Expired blocks are ignored.
// - Email domain blocks: a sign-up whose address is at a blocked domain or one of its subdomains
//   is refused (422 "Validation failed: Email uses a disallowed e-mail provider"), or waits for
//   approval when the block says allow_with_approval. With HERD_EMAIL_DNS_CHECK the domain's MX
//   hosts and their addresses are checked against the blocks too (and a domain without MX or
//   address records is refused as unreachable), as Mastodon's EmailMxValidator does.
// - Canonical email blocks: the address's canonical form (lowercase; in the local part, dots
//   removed and everything from the first '+' dropped) hashed with SHA-256 (hex); a sign-up whose
//   hash is blocked is refused like a blocked domain.
// - Domain allows: with LIMITED_FEDERATION_MODE, only allowed domains federate.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/database.hpp"

namespace herd::service {

// "192.0.2.7" -> "192.0.2.7/32", "192.0.2.7/24" -> "192.0.2.0/24", IPv6 alike; nullopt when the
// text is not an address with an optional prefix in range.
std::optional<std::string> normalize_ip_range(std::string_view text);
// The most severe block in force for `address` ("" when none): no_access, sign_up_block,
// sign_up_requires_approval. Read from a snapshot refreshed when the database's cache generation
// moves (every write of ip_blocks moves it: such writes are never declared to a Changes scope);
// with may_block false (the I/O thread), nullopt when the snapshot is stale.
std::optional<std::string> ip_block_severity(App& app, std::string_view address,
                                             bool may_block = true);
// The same, with the address asked of `address` only when some block exists (each request's gate:
// most instances have none).
std::optional<std::string> ip_block_severity(App& app, const std::function<std::string()>& address,
                                             bool may_block);

std::string canonical_email(std::string_view email);
std::string canonical_email_hash(std::string_view email);

// The decision for a sign-up from `ip` with `email`: throws ApiError 403 (IP blocked) or 422
// (email blocked, recording the attempt for the block's history); returns true when the
// account must wait for approval.
bool check_sign_up(App& app, const std::string& email, const std::string& ip);

// Whether the instance federates with `domain`: not blocked (domain_blocks), and in limited
// federation mode allowed (domain_allows). The local domain ("") always does. Whether a domain
// is blocked is remembered until the database's cache generation moves (as the IP blocks).
bool federates_with(App& app, store::Connection& c, std::string_view domain);

// Notes that a local account used the API today (once per account and day per process), without
// waiting for the database: authentication calls it, also on an I/O thread (a quick read,
// http::Cost), where a write would wait for the writer. record_account_activity writes what was
// noted (`herd serve` every second, the admin dashboard before it counts).
void note_account_activity(App& app, Id account_id);
void record_account_activity(App& app);
// The accounts noted today and not yet written, also those a write has taken and not committed
// (for counts that must not wait for the writer).
std::vector<Id> noted_account_activity(App& app);

}  // namespace herd::service
