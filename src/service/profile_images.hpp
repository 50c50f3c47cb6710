// Profile images (avatar and header) of local accounts, as Mastodon's update_credentials and
// DELETE /api/v1/profile/{avatar,header} handle them. The file is judged by its bytes (PNG, JPEG,
// GIF, WebP or AVIF, at most 8 MB and 33 megapixels), processed as Mastodon does (libvips:
// oriented, metadata such as EXIF GPS stripped, filled and cropped to 400×400 for avatars and
// 1500×500 for headers; animations stay animated, with their first frame as static.png beside
// them), stored like media (within the disk quota) and recorded as its relative path in
// accounts.avatar_url/header_url; App::avatar_url() and media::still_image_url() make the URLs.
#pragma once
#include <string>
#include <string_view>

#include "app.hpp"
#include "media/image.hpp"
#include "store/models.hpp"

namespace herd::service {

enum class ProfileImage { avatar, header };

// Validates and stores an uploaded image; returns its relative path. 422 with Mastodon's message
// for anything else ("Validation failed: Avatar file size must be less than 8 MB", ...).
std::string store_profile_image(App& app, ProfileImage kind, std::string_view bytes);
// Stores processed renditions under a new id: the original, and beside a GIF or WebP its first
// frame as static.png (media::still_path); returns the original's relative path. Nothing is left
// behind on failure.
std::string store_image_renditions(App& app, const media::ProfileRenditions& renditions);
// Removes a stored image file (and its static.png); nothing for "" or a remote URL.
void remove_profile_image_file(App& app, const std::string& stored);
// Clears the account's avatar or header (back to the default image), removes its file and sends
// Update(Person). Returns the account.
store::Account remove_profile_image(App& app, Id account_id, ProfileImage kind);

}  // namespace herd::service
