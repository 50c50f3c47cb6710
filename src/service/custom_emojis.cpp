#include "service/custom_emojis.hpp"

#include <algorithm>
#include <cctype>

#include "app.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "media/image.hpp"
#include "media/sniff.hpp"
#include "media/storage.hpp"
#include "service/profile_images.hpp"
#include "service/remote_media.hpp"
#include "store/federation.hpp"

namespace herd::service {

namespace {

constexpr std::size_t kMaxEmojiBytes = 256 * 1024;

// The sniffed format of an emoji image (the rules of local and remote ones alike).
media::Format emoji_format(std::string_view bytes) {
  if (bytes.size() > kMaxEmojiBytes)
    fail(ErrorKind::validation, "Validation failed: Image file size must be less than 256 KB");
  auto format = media::sniff(bytes);
  if (!format || format->type != "image" || format->extension == "avif")
    fail(ErrorKind::validation, "Validation failed: Image must be a PNG, GIF, WebP or JPEG image");
  return *format;
}

}  // namespace

std::uint64_t CustomEmojiRegistry::begin_load() {
  std::lock_guard lock(mutex_);
  return ++loads_begun_;
}

void CustomEmojiRegistry::refresh(store::Database& db) {
  std::uint64_t number = begin_load();  // before any read (see the class's comment)
  std::string fingerprint =
      db.read_value([](store::Connection& c) { return store::custom_emojis_fingerprint(c); });
  {
    std::lock_guard lock(mutex_);
    if (fingerprint == fingerprint_) return;
  }
  auto all = db.read_value([](store::Connection& c) { return store::all_custom_emojis(c); });
  std::map<Key, store::CustomEmoji> loaded;
  for (auto& emoji : all) {
    Key key{emoji.domain, emoji.shortcode};
    loaded.emplace(std::move(key), std::move(emoji));
  }
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    // A load that began later was kept: it read the table after this one began, so it knows
    // at least as much (a later refresh reads this fingerprint again and loads what changed).
    if (number < kept_) return;
    kept_ = number;
    first = fingerprint_.empty();
    emojis_ = std::move(loaded);
    fingerprint_ = std::move(fingerprint);
  }
  // A change made elsewhere (`herd admin emoji`): an empty commit moves the database generation,
  // so that responses cached with the old emojis are not served again (api/response_cache.hpp).
  if (!first) db.write([](store::Connection&) {});
}

void CustomEmojiRegistry::reload(store::Database& db, const std::vector<Key>& keys) {
  if (keys.empty()) return;
  std::uint64_t number = begin_load();
  std::vector<std::optional<store::CustomEmoji>> rows;
  db.read([&](store::Connection& c) {
    rows.clear();
    for (const auto& [domain, shortcode] : keys)
      rows.push_back(store::find_custom_emoji(c, shortcode, domain));
  });
  std::lock_guard lock(mutex_);
  if (number < kept_) return;  // a load that began later holds these rows as they are now
  kept_ = number;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (rows[i])
      emojis_[keys[i]] = std::move(*rows[i]);
    else
      emojis_.erase(keys[i]);
  }
}

std::vector<store::CustomEmoji> CustomEmojiRegistry::used_in(
    const std::string& domain, const std::vector<std::string_view>& texts) const {
  std::vector<store::CustomEmoji> out;
  std::vector<std::string> seen;
  for (std::string_view text : texts) {
    if (text.find(':') == std::string_view::npos) continue;
    for (auto& code : shortcodes_in(text)) {
      if (std::find(seen.begin(), seen.end(), code) != seen.end()) continue;
      std::lock_guard lock(mutex_);
      if (auto it = emojis_.find({domain, code}); it != emojis_.end()) out.push_back(it->second);
      seen.push_back(std::move(code));
    }
  }
  return out;
}

CustomEmojiRegistry& custom_emoji_registry() {
  static CustomEmojiRegistry registry;
  return registry;
}

std::vector<store::CustomEmoji> CustomEmojiRegistry::used_by(const store::Account& account) const {
  auto fields = store::profile_fields(account);
  std::vector<std::string_view> texts{account.display_name, account.note};
  for (const auto& field : fields) {
    texts.push_back(field.name);
    texts.push_back(field.value);
  }
  return used_in(account.domain, texts);
}

store::CustomEmoji add_local_emoji(App& app, const std::string& shortcode, std::string_view bytes,
                                   const std::string& category) {
  if (!valid_shortcode(shortcode))
    fail(ErrorKind::validation,
         "Validation failed: Shortcode must be at least 2 characters, letters, digits and _ only");
  auto format = emoji_format(bytes);
  // An animation gets its first frame as a PNG for static_url (Mastodon's `static` style); the
  // image itself is stored as given.
  std::optional<media::Rendition> still;
  if (format.extension == "gif" || format.extension == "webp")
    still = media::process_emoji_image(bytes, format).still;
  store::CustomEmoji emoji;
  emoji.id = next_id();
  emoji.shortcode = shortcode;
  emoji.file_path = media::relative_path(emoji.id, "original", format.extension);
  emoji.content_type = format.content_type;
  emoji.category = category;
  emoji.created_at = emoji.updated_at = now_unix_ms();
  media::Storage& storage = media::storage(app.config);
  storage.store(emoji.file_path, bytes);
  if (still) {
    emoji.static_path = media::relative_path(emoji.id, "static", "png");
    try {
      storage.store(emoji.static_path, still->bytes);
    } catch (...) {
      storage.remove(emoji.file_path);
      throw;
    }
  }
  std::optional<store::CustomEmoji> replaced;
  try {
    emoji = app.db->write_value([&](store::Connection& c) {
      for (const auto& old : store::custom_emojis_of(c, ""))
        if (old.shortcode == shortcode) replaced = old;
      return store::upsert_custom_emoji(c, emoji);
    });
  } catch (...) {
    storage.remove(emoji.file_path);
    if (!emoji.static_path.empty()) storage.remove(emoji.static_path);
    throw;
  }
  if (replaced && replaced->file_path != emoji.file_path) {
    storage.remove(replaced->file_path);
    if (!replaced->static_path.empty()) storage.remove(replaced->static_path);
  }
  return emoji;
}

bool remove_local_emoji(App& app, const std::string& shortcode) {
  auto removed = app.db->write_value(
      [&](store::Connection& c) { return store::delete_custom_emoji(c, shortcode, ""); });
  if (!removed) return false;
  if (!removed->file_path.empty()) media::storage(app.config).remove(removed->file_path);
  if (!removed->static_path.empty()) media::storage(app.config).remove(removed->static_path);
  return true;
}

void remember_remote_emojis(App& app, const std::string& domain,
                            const std::vector<RemoteEmoji>& emojis) {
  if (domain.empty() || emojis.empty()) return;
  std::vector<store::CustomEmoji> stored;
  std::vector<std::string> dropped;  // copies of images the emojis no longer show
  app.db->write([&](store::Connection& c) {
    stored.clear();
    dropped.clear();
    if (store::domain_rejects_media(c, domain)) return;  // Mastodon's reject_media
    for (const auto& remote : emojis) {
      if (!valid_shortcode(remote.shortcode) || remote.url.rfind("http", 0) != 0) continue;
      store::CustomEmoji emoji;
      emoji.id = next_id();
      emoji.shortcode = remote.shortcode;
      emoji.domain = domain;
      emoji.image_url = remote.url;
      emoji.content_type = remote.content_type;
      emoji.visible_in_picker = false;
      emoji.created_at = emoji.updated_at = now_unix_ms();
      bool changed_there = false;  // Mastodon's rule: `updated` not before the row's
      if (auto existing = store::find_custom_emoji(c, remote.shortcode, domain)) {
        changed_there = remote.updated && *remote.updated >= existing->updated_at;
        if (existing->image_url == remote.url && !changed_there) {
          emoji.file_path = existing->file_path;
          emoji.static_path = existing->static_path;
        } else {
          for (const auto* file : {&existing->file_path, &existing->static_path})
            if (!file->empty()) dropped.push_back(*file);
        }
      }
      // A changed emoji is written even when nothing else differs, so that its updated_at moves
      // past `updated` and the next post carrying the same tag does not fetch it again.
      stored.push_back(store::upsert_custom_emoji(c, emoji, changed_there));
      queue_emoji_copy(c, stored.back(), changed_there);
    }
  });
  std::vector<CustomEmojiRegistry::Key> keys;
  for (const auto& emoji : stored) keys.emplace_back(emoji.domain, emoji.shortcode);
  custom_emoji_registry().reload(*app.db, keys);
  remove_media_copies(app, dropped);
}

std::pair<std::string, std::string> store_emoji_copy(App& app, std::string_view bytes) {
  auto format = emoji_format(bytes);
  std::string file = store_image_renditions(app, media::process_emoji_image(bytes, format));
  return {file, media::still_path(file).value_or("")};
}

std::string make_missing_emoji_still(App& app, Id emoji_id) {
  auto emoji = app.db->read_value(
      [&](store::Connection& c) { return store::find_custom_emoji(c, emoji_id); });
  if (!emoji || emoji->file_path.empty() || !emoji->static_path.empty()) return "";
  media::Storage& storage = media::storage(app.config);
  auto bytes = storage.read(emoji->file_path);
  if (!bytes) fail(ErrorKind::not_found, "its image file " + emoji->file_path + " is missing");
  auto format = emoji_format(*bytes);
  if (format.extension != "gif" && format.extension != "webp") return "";
  auto still = media::process_emoji_image(*bytes, format).still;
  if (!still) return "";  // a GIF or WebP of one frame: static_url is the image itself
  std::string path = media::relative_path(emoji->id, "static", "png");
  storage.store(path, still->bytes);
  std::optional<store::CustomEmoji> recorded;
  try {
    recorded = app.db->write_value([&](store::Connection& c) -> std::optional<store::CustomEmoji> {
      if (!store::set_custom_emoji_still(c, emoji_id, emoji->file_path, path, now_unix_ms()))
        return std::nullopt;
      return store::find_custom_emoji(c, emoji_id);
    });
  } catch (...) {
    storage.remove(path);
    throw;
  }
  if (!recorded) {  // replaced or removed meanwhile
    storage.remove(path);
    return "";
  }
  custom_emoji_registry().reload(*app.db, {{recorded->domain, recorded->shortcode}});
  return path;
}

std::string emoji_url(const App& app, const store::CustomEmoji& emoji) {
  if (emoji.file_path.empty()) return emoji.image_url;
  return media::public_url(app.base_url(), emoji.file_path);
}

std::string emoji_static_url(const App& app, const store::CustomEmoji& emoji) {
  if (emoji.static_path.empty()) return emoji_url(app, emoji);
  return media::public_url(app.base_url(), emoji.static_path);
}

}  // namespace herd::service
