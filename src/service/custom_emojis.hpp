// Custom emoji: adding and removing the instance's own (`herd admin emoji`), remembering those
// remote posts and profiles use (their Emoji tags), and finding the ones a text uses.
//
// A text uses `:shortcode:` of its author's instance. The registry keeps every emoji in memory so
// that rendering (statuses, accounts, polls, outgoing notes and actors) costs no query; `herd
// serve` reloads it when the table changes (a fingerprint checked every second, so that an emoji
// added by `herd admin` in another process shows within a second), and this process's own changes
// update it at once.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/custom_emojis.hpp"
#include "store/models.hpp"

namespace herd {
struct App;
}

namespace herd::service {

// The distinct shortcodes written as `:shortcode:` in `text` (letters, digits, '_', at least two;
// no letter, digit or colon right outside the colons, as Mastodon), in order of first use.
std::vector<std::string> shortcodes_in(std::string_view text);
// Whether `shortcode` is a valid one (Mastodon's rule: [a-zA-Z0-9_]{2,}).
bool valid_shortcode(std::string_view shortcode);

// What the registry holds is, at any time, what the table held when some load began: each load
// (refresh or reload) takes a number when it begins, reads the table after that, and its result
// is kept only when no load that began later has been kept already. So an emoji that a domain
// block deleted (and refreshed away) never comes back from a load that read the table before the
// delete and finished after the block's refresh.
class CustomEmojiRegistry {
 public:
  using Key = std::pair<std::string, std::string>;  // (domain, shortcode)
  // Loads every emoji when the table's fingerprint differs from the one loaded (after the first
  // load also moving the database's generation, so that cached responses are rebuilt).
  void refresh(store::Database& db);
  // Loads these emojis again, after this process stored or changed them (one that is no longer in
  // the table is forgotten). Called after the write (inside a group commit's piece it reads what
  // the piece wrote).
  void reload(store::Database& db, const std::vector<Key>& keys);
  // The emojis of `domain` ("" local) that `texts` use, each once, in order of first use.
  std::vector<store::CustomEmoji> used_in(const std::string& domain,
                                          const std::vector<std::string_view>& texts) const;
  // The emojis of the account's domain its display name, note and profile fields use.
  std::vector<store::CustomEmoji> used_by(const store::Account& account) const;

 private:
  std::uint64_t begin_load();
  mutable std::mutex mutex_;
  std::string fingerprint_;
  std::map<Key, store::CustomEmoji> emojis_;
  std::uint64_t loads_begun_ = 0;  // numbers handed to loads
  std::uint64_t kept_ = 0;         // the number of the last load kept
};

// The process's registry. Empty until refreshed: `herd serve` refreshes it at start and every
// second; `herd admin` never does (it renders nothing).
CustomEmojiRegistry& custom_emoji_registry();

// Adds (or replaces) a local emoji from an image file's bytes (PNG, GIF, WebP or JPEG, at most
// 256 KiB), stored as given; a GIF or WebP animation also gets its first frame as a PNG
// (static_path). Throws ApiError validation with a clear message for a bad shortcode or image.
store::CustomEmoji add_local_emoji(App& app, const std::string& shortcode, std::string_view bytes,
                                   const std::string& category);
// Removes a local emoji and its file; false when there was none.
bool remove_local_emoji(App& app, const std::string& shortcode);

struct RemoteEmoji {
  std::string shortcode, url, content_type;
  std::optional<std::int64_t> updated;  // the Emoji tag's `updated` (unix ms), when given
};
// Stores (or updates) the emojis a remote document of `domain` carries, in one transaction,
// nothing when the domain rejects media. An emoji keeps its local copy while its image URL is
// unchanged and its `updated` is older than the row (as Mastodon: an `updated` at or after the
// row's updated_at means the image at that URL changed, so it is fetched again, even after a
// given-up fetch); otherwise the copy is dropped (its files removed after commit) and the remote
// URL shown until a new one exists. One without a copy gets a `remote_media` job in the same
// transaction (service/remote_media.hpp: queue_emoji_copy).
void remember_remote_emojis(App& app, const std::string& domain,
                            const std::vector<RemoteEmoji>& emojis);

// A remote emoji's local copy from the fetched `bytes`: at most 256 KiB, a PNG, GIF, WebP or JPEG
// (ApiError validation otherwise, the local rules), processed by media::process_emoji_image
// (pixel count checked before decoding, metadata stripped, size kept) and stored with its first
// frame as static.png beside an animation. Returns the relative paths of the image and of its
// still ("" for a still image).
std::pair<std::string, std::string> store_emoji_copy(App& app, std::string_view bytes);

// The still PNG (static_url) of an emoji stored before stills were made (migration 49): made from
// its stored image (a local emoji's file or a remote one's copy) when that is an animated GIF or
// WebP, stored as media::relative_path(id, "static", "png") and recorded while the emoji still has
// that image and no still. Migration 61 queues one job per such emoji (queue kRemoteMediaQueue,
// payload {"emoji_still": "<id>"}, run by run_remote_media_jobs). Returns the still's relative
// path, "" when there is nothing to do (gone, has a still, not animated). Throws ApiError for a
// missing or unreadable image file.
std::string make_missing_emoji_still(App& app, Id emoji_id);

// The image URL of an emoji (`url`): a local file's public URL (a remote emoji's copy once made),
// else the remote image.
std::string emoji_url(const App& app, const store::CustomEmoji& emoji);
// `static_url`: the still PNG of an animation (a local one's, or a remote one's copy); otherwise
// (a still image, an emoji added before stills were made, no copy yet) the same as emoji_url.
std::string emoji_static_url(const App& app, const store::CustomEmoji& emoji);

}  // namespace herd::service
