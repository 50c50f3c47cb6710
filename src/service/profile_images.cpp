#include "service/profile_images.hpp"

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "media/sniff.hpp"
#include "media/storage.hpp"
#include "service/events.hpp"
#include "store/accounts.hpp"

namespace herd::service {

namespace {

constexpr std::size_t kImageLimit = 8 * 1024 * 1024;

const char* label(ProfileImage kind) {
  return kind == ProfileImage::avatar ? "Avatar" : "Header";
}

bool local_file(const std::string& stored) {
  return !stored.empty() && stored.rfind("http://", 0) != 0 && stored.rfind("https://", 0) != 0;
}

}  // namespace

std::string store_profile_image(App& app, ProfileImage kind, std::string_view bytes) {
  std::string what = label(kind);
  auto format = media::sniff(bytes);
  if (!format || format->type != "image")
    fail(ErrorKind::validation, "Validation failed: " + what + " content type is invalid");
  if (bytes.size() > kImageLimit)
    fail(ErrorKind::validation, "Validation failed: " + what + " file size must be less than 8 MB");
  auto size = media::image_dimensions(bytes);
  if (!size) fail(ErrorKind::validation, "Validation failed: " + what + " content type is invalid");
  if (std::uint64_t{size->width} * size->height >
      static_cast<std::uint64_t>(limits::image_matrix_limit))
    fail(ErrorKind::validation, "Validation failed: " + what + " dimensions are too large");
  return store_image_renditions(
      app,
      media::process_profile_image(
          bytes, *format, kind == ProfileImage::avatar ? media::kAvatarBox : media::kHeaderBox));
}

std::string store_image_renditions(App& app, const media::ProfileRenditions& renditions) {
  Id id = next_id();
  std::string relative = media::relative_path(id, "original", renditions.original.format.extension);
  auto& storage = media::storage(app.config);
  if (renditions.still) {
    auto still = media::still_path(relative);
    storage.store(*still, renditions.still->bytes);
    try {
      storage.store(relative, renditions.original.bytes);
    } catch (...) {
      storage.remove(*still);
      throw;
    }
  } else {
    storage.store(relative, renditions.original.bytes);
  }
  return relative;
}

void remove_profile_image_file(App& app, const std::string& stored) {
  if (!local_file(stored)) return;
  auto& storage = media::storage(app.config);
  storage.remove(stored);
  if (auto still = media::still_path(stored)) storage.remove(*still);
}

store::Account remove_profile_image(App& app, Id account_id, ProfileImage kind) {
  std::string old;
  store::Account account = app.db->write_value([&](store::Connection& c) {
    auto found = store::find_account(c, account_id);
    if (!found) not_found();
    std::string& field = kind == ProfileImage::avatar ? found->avatar_url : found->header_url;
    old = field;
    if (old.empty()) return *found;
    field.clear();
    found->updated_at = now_unix_ms();
    store::update_account_profile(c, *found);
    record(app, c, Event(EventKind::profile_updated).by(account_id));
    return *found;
  });
  remove_profile_image_file(app, old);
  return account;
}

}  // namespace herd::service
