// Local copies of remote media, as Mastodon keeps them: a remote account's avatar and header (and
// the media attached to remote statuses and the images of remote custom emojis, below) are fetched
// in the background and stored through the profile image pipeline
// (service/profile_images: at most 8 MB, pixel count checked before decoding, metadata such as
// EXIF GPS stripped, 400×400 and 1500×500, an animation's first frame as static.png), then shown
// from this instance (App::avatar_url). Until the copy exists, or when it cannot be made, the
// remote URL is shown, so nothing breaks.
//
// Each fetch is a job in queue kRemoteMediaQueue, written in the transaction that stores the
// actor (first seen, or refreshed with a new image URL), run by the job runner, never on an I/O
// thread. A job whose URL is no longer the account's does nothing. Network failures and 5xx answers
// are retried (kRemoteMediaAttempts in all, with growing delays); a 4xx, a file that is not a
// usable image, or the last failed attempt is logged and recorded in remote_media_failures
// (`herd admin media failures`).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/custom_emojis.hpp"
#include "store/database.hpp"
#include "store/media.hpp"
#include "store/models.hpp"

namespace herd::service {

inline constexpr std::string_view kRemoteMediaQueue = "remote_media";
inline constexpr int kRemoteMediaAttempts = 5;

// For an update of a stored remote account: `updated` keeps the local copies of `existing` whose
// remote URL did not change and drops the others; returns the files dropped (to remove with
// remove_profile_image_file once the update committed).
std::vector<std::string> carry_image_copies(store::Account& updated,
                                            const store::Account& existing);

// Inside the transaction that stored the remote account: queues a fetch of each of its images
// that has a remote URL and no local copy (unless one is queued already, or its domain rejects
// media).
void queue_image_copies(store::Connection& c, const store::Account& account);

// Whether a block of the domain rejects its media (Mastodon's reject_media): nothing of it is
// fetched or stored; its accounts show the default avatar and header, its attachments are
// `unknown` (clients show them as links to their remote_url), its custom emojis are not kept.
bool rejects_media(App& app, const std::string& domain);
// Removes local copies of remote media (with the first frame stored beside an animated one), once
// the transaction that stopped naming them (store::reject_domain_media...) committed.
void remove_media_copies(App& app, const std::vector<std::string>& files);

// Inside the transaction that stores a remote status's attachments (received or edited): queues a
// copy of each attachment that is not `unknown` (image, gifv, video, audio), processed as an upload
// (service/media: images 16 MB with their pixel count checked, video and audio 99 MB; metadata
// stripped, the `small` preview (a video's first frame) and a blurhash of ours, Mastodon's meta
// with duration and frame rate; an animated GIF or a silent video becomes a gifv), recorded on the
// row (its remote_url stays). The fetched file is held in memory while it is processed.
void queue_attachment_copies(store::Connection& c,
                             const std::vector<store::MediaAttachment>& media);

// Inside the transaction that stores a remote custom emoji (service/custom_emojis): queues a copy
// of its image when it has none, no copy is queued and no fetch of that URL was given up (`again`:
// even then, for an emoji whose `updated` says its image changed). The job
// stores it with store_emoji_copy (256 KiB, PNG/GIF/WebP/JPEG, metadata stripped, static.png
// beside an animation) and records it only while the emoji still names that URL
// (store::set_custom_emoji_file); the `emojis` arrays then show the copy.
void queue_emoji_copy(store::Connection& c, const store::CustomEmoji& emoji, bool again = false);

// The same queue also runs migration 61's jobs {"emoji_still": "<id>"}: the still of an emoji
// stored before stills were made (service/custom_emojis: make_missing_emoji_still); one that
// cannot be made is logged and listed with the failures.
// The job runner task: runs the due fetches; returns how many jobs ran.
int run_remote_media_jobs(App& app, std::int64_t now);

}  // namespace herd::service
