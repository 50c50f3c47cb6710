// Custom emoji (Mastodon's CustomEmoji): the instance's own (domain "", an image file under the
// data folder) and those of remote instances (their domain, the image's URL there), one per
// shortcode and domain. Inside a caller's transaction or read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "store/database.hpp"

namespace herd::store {

struct CustomEmoji {
  Id id = 0;
  std::string shortcode;     // without colons: "blobcat"
  std::string domain;        // "" for the instance's own
  std::string image_url;     // remote: the image on its instance; local: ""
  std::string file_path;     // the file under the data folder (media::relative_path); remote:
                             // the local copy of image_url ("" until made)
  std::string static_path;   // its first frame as PNG beside an animation (static_url), else ""
  std::string content_type;  // "image/png"; remote: as the Emoji tag said ("" when it did not)
  std::string category;      // "" when none
  bool visible_in_picker = true;
  std::int64_t created_at = 0, updated_at = 0;
  bool local() const { return domain.empty(); }
};

// Inserts, or replaces the emoji with the same shortcode and domain (keeping its id and
// created_at; an identical one is left untouched unless `touch`, which writes it anyway so that
// updated_at moves). Returns the stored row.
CustomEmoji upsert_custom_emoji(Connection& c, const CustomEmoji& emoji, bool touch = false);
// Removes the emoji; returns it (to remove its file) or nullopt when there was none.
std::optional<CustomEmoji> delete_custom_emoji(Connection& c, const std::string& shortcode,
                                               const std::string& domain);
std::optional<CustomEmoji> find_custom_emoji(Connection& c, Id id);
std::optional<CustomEmoji> find_custom_emoji(Connection& c, const std::string& shortcode,
                                             const std::string& domain);
// Records `file` (and its still, "" for none), the local copy of a remote emoji's image fetched
// from `image_url`, only while the emoji still names that URL and has no copy (updated_at moves,
// and so the fingerprint). Returns whether it was recorded (else the caller removes the files).
bool set_custom_emoji_file(Connection& c, Id id, const std::string& image_url,
                           const std::string& file, const std::string& still, std::int64_t now);
// Records `still` as the static_path of the emoji while it still has `file` and no still
// (updated_at moves). Returns whether it was recorded.
bool set_custom_emoji_still(Connection& c, Id id, const std::string& file, const std::string& still,
                            std::int64_t now);
// One domain's emojis ("" = the instance's own), by category then shortcode.
std::vector<CustomEmoji> custom_emojis_of(Connection& c, const std::string& domain);
std::vector<CustomEmoji> all_custom_emojis(Connection& c);
// A value that changes whenever an emoji is added, replaced or removed (count and last update).
std::string custom_emojis_fingerprint(Connection& c);

}  // namespace herd::store
