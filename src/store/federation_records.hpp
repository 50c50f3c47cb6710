// What federation remembers about other servers besides their accounts: public keys by key id
// (with the actor that owns them), tombstones of objects and actors that are gone, and deliveries
// that could not be made (for the admin). All functions run inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/fan_out.hpp"
#include "store/models.hpp"

namespace herd::store {

// ---- remote keys --------------------------------------------------------------------------------

struct RemoteKey {
  std::string key_id, owner_uri, public_key_pem;
  std::int64_t updated_at = 0;
};
// Inserts or replaces the key with this id.
void upsert_remote_key(Connection& c, const RemoteKey& key);
std::optional<RemoteKey> find_remote_key(Connection& c, std::string_view key_id);

// ---- tombstones ---------------------------------------------------------------------------------

// Remembers that uri is gone. reason: "gone" (a 410 answer) and "deleted" (a Delete of a known
// object or of the actor itself) are kept; "unseen" (a Delete of an object never seen here, which
// servers send to every inbox they know) only counts for kUnseenTombstoneMs, as Mastodon's
// delete-upon-arrival. A kept reason replaces an unseen one; otherwise the first record stays.
inline constexpr std::int64_t kUnseenTombstoneMs = 6LL * 60 * 60 * 1000;
void insert_tombstone(Connection& c, std::string_view uri, std::string_view reason,
                      std::int64_t now);
bool is_tombstoned(Connection& c, std::string_view uri, std::int64_t now);
// Removes the unseen tombstones that no longer count.
void prune_tombstones(Connection& c, std::int64_t now);

// What the inbox checks before storing a received post, in one statement: the status already
// stored under its uri (find_status_id_by_uri), whether the uri is tombstoned (is_tombstoned), and
// whether its author has a local follower or follow request (has_local_follower).
struct ReceivedPostFacts {
  std::optional<Id> existing;
  bool tombstoned = false;
  bool has_local_follower = false;
};
ReceivedPostFacts received_post_facts(Connection& c, std::string_view uri, Id author_id,
                                      std::int64_t now);
// The same, and read_fan_out(fan_out) into `reads`, in one round trip on PostgreSQL.
ReceivedPostFacts received_post_facts(Connection& c, std::string_view uri, Id author_id,
                                      std::int64_t now, const FanOutQuery& fan_out,
                                      FanOutReads& reads);

// ---- delivery failures --------------------------------------------------------------------------

struct DeliveryFailure {
  Id id = 0;
  std::string inbox;  // "" when the account had none
  std::string account_uri, activity_type, activity_id, error;
  std::int64_t created_at = 0;
};
// Records a failure (failure.id a snowflake of its time); failures older than
// kDeliveryFailureDays are removed.
inline constexpr int kDeliveryFailureDays = 30;
void insert_delivery_failure(Connection& c, const DeliveryFailure& failure);
// The most recent failures first (at most limit).
std::vector<DeliveryFailure> list_delivery_failures(Connection& c, int limit);

}  // namespace herd::store
