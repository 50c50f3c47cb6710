// "Request your archive" (Mastodon's BackupService): a zip of the account's data in ActivityPub
// form, built by a job in the database: actor.json (the Person, its avatar and header as files
// next to it), outbox.json (an OrderedCollection of the Create and Announce activities of every
// post, private ones too), likes.json and bookmarks.json (OrderedCollections of post URIs) and
// the media files under media_attachments/files/ (the paths of their URLs). When it is ready the
// owner gets a mail with the download link (for the signed-in owner only). As Mastodon, one
// request per 6 days (422 "You can request an archive once every 6 days" otherwise).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/archives.hpp"

namespace herd::service {

inline constexpr std::string_view kArchiveQueue = "archives";

// Queues a new archive for the account; returns it.
store::Archive request_archive(App& app, Id account_id);
// The account's own archive file for downloading: the path on disk and the name to give it;
// nullopt when it is not the account's, not ready or gone.
struct ArchiveFile {
  std::string path;
  std::string download_name;
};
std::optional<ArchiveFile> archive_file(App& app, Id account_id, Id archive_id);

// Run by the job runner; returns the jobs handled.
int run_archive_jobs(App& app, std::int64_t now);

}  // namespace herd::service
