// Local copies of remote media (service/remote_media.hpp): the stored files of remote accounts'
// avatars and headers (attachments and custom emojis record theirs in their own rows), and the
// fetches that could not be made. All functions run inside a
// caller's transaction or read.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// Records the local copy `file` of the account's avatar (header: its header) fetched from
// `remote_url`, only while that is still the account's image URL and no copy is recorded;
// returns whether it was recorded (else the caller removes the file).
bool set_account_image_file(Connection& c, Id account_id, bool header, std::string_view remote_url,
                            std::string_view file);

// Mastodon's reject_media applied to what is stored of `domain` (not ""): its accounts' avatars
// and headers are emptied (remote URLs and local copies: the default images show), its remote
// attachments become `unknown` without local files, its custom emojis (and their copies) are
// removed. Returns the
// local files no row names any more (the caller removes them after commit).
std::vector<std::string> reject_domain_media(Connection& c, std::string_view domain);

// A fetch of remote media given up (kept kRemoteMediaFailureDays).
struct RemoteMediaFailure {
  Id id = 0;  // a snowflake of its time
  std::string url, domain;
  std::string purpose;  // "avatar of user@domain", "header of ..."
  std::string error;
  std::int64_t created_at = 0;
};
inline constexpr int kRemoteMediaFailureDays = 30;
void insert_remote_media_failure(Connection& c, const RemoteMediaFailure& failure);
// Whether a fetch of `url` was given up (within kRemoteMediaFailureDays): it is not queued again.
bool has_remote_media_failure(Connection& c, std::string_view url);
// The most recent first (at most limit).
std::vector<RemoteMediaFailure> list_remote_media_failures(Connection& c, int limit);

}  // namespace herd::store
