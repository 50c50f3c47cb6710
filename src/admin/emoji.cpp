#include "admin/emoji.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>

#include "core/error.hpp"
#include "service/custom_emojis.hpp"
#include "store/custom_emojis.hpp"

namespace herd::admin {

int add_emoji(App& app, const std::string& shortcode, const std::string& path,
              const std::string& category) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "herd admin: cannot read " << path << "\n";
    return 1;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto emoji = service::add_local_emoji(app, shortcode, bytes, category);
  std::cout << "added :" << emoji.shortcode << ": " << service::emoji_url(app, emoji) << "\n";
  return 0;
}

namespace {

// Larger entries are not read: no emoji image may exceed 256 KiB.
constexpr la_int64_t kEntryLimit = 1024 * 1024;

}  // namespace

int import_emojis(App& app, const EmojiImport& options) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), options.archive.c_str(), 64 * 1024) != ARCHIVE_OK) {
    std::cerr << "herd admin: cannot read " << options.archive << ": "
              << archive_error_string(reader.get()) << "\n";
    return 1;
  }
  std::set<std::string> existing;
  for (const auto& emoji :
       app.db->read_value([](store::Connection& c) { return store::custom_emojis_of(c, ""); }))
    existing.insert(emoji.shortcode);
  int imported = 0, skipped = 0;
  auto skip = [&](const std::string& name, const std::string& why) {
    ++skipped;
    std::cerr << "skipped " << name << ": " << why << "\n";
  };
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string name = archive_entry_pathname(entry);
    std::filesystem::path path(name);
    if (path.filename().string().starts_with(".")) continue;  // ._ files and the like
    std::string shortcode = options.prefix + path.stem().string() + options.suffix;
    if (archive_entry_size(entry) > kEntryLimit) {
      skip(name, "larger than 1 MiB");
      continue;
    }
    if (existing.contains(shortcode) && !options.overwrite) {
      skip(name, ":" + shortcode + ": exists (--overwrite replaces it)");
      continue;
    }
    std::string bytes(static_cast<std::size_t>(archive_entry_size(entry)), '\0');
    la_ssize_t read = archive_read_data(reader.get(), bytes.data(), bytes.size());
    if (read < 0 || static_cast<std::size_t>(read) != bytes.size()) {
      skip(name, std::string("unreadable: ") + archive_error_string(reader.get()));
      continue;
    }
    try {
      service::add_local_emoji(app, shortcode, bytes, options.category);
      existing.insert(shortcode);
      ++imported;
      std::cout << "added :" << shortcode << ":\n";
    } catch (const ApiError& e) {
      skip(name, e.what());
    }
  }
  if (rc != ARCHIVE_EOF) {
    std::cerr << "herd admin: " << options.archive << ": " << archive_error_string(reader.get())
              << " (after " << imported << " imported)\n";
    return 1;
  }
  std::cout << "imported " << imported << " emoji, skipped " << skipped << "\n";
  return 0;
}

int list_emojis(App& app) {
  auto emojis =
      app.db->read_value([](store::Connection& c) { return store::custom_emojis_of(c, ""); });
  for (const auto& emoji : emojis)
    std::cout << ":" << emoji.shortcode << ":\t" << emoji.category << "\t"
              << service::emoji_url(app, emoji) << "\n";
  return 0;
}

int remove_emoji(App& app, const std::string& shortcode) {
  if (!service::remove_local_emoji(app, shortcode)) {
    std::cerr << "herd admin: no emoji :" << shortcode << ":\n";
    return 1;
  }
  std::cout << "removed :" << shortcode << ":\n";
  return 0;
}

}  // namespace herd::admin
