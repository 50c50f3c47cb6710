// `herd admin emoji ...`: the instance's custom emoji.
//   herd admin emoji add SHORTCODE FILE [--category C]   adds (or replaces) :SHORTCODE: from a PNG,
//                                                         GIF, WebP or JPEG file (at most 256 KiB)
//   herd admin emoji import ARCHIVE [--prefix P] [--suffix S] [--category C] [--overwrite]
//                                                         adds every image of a tar archive (gzip,
//                                                         bzip2, xz or none) as :P<name>S:, <name>
//                                                         its file name without the extension, as
//                                                         Mastodon's tootctl emoji import; existing
//                                                         shortcodes are kept unless --overwrite;
//                                                         what is not added is listed with why
//   herd admin emoji list                                 shortcode, category and URL, one a line
//   herd admin emoji remove SHORTCODE                     removes it and its file
// Each returns the process exit code (1: refused, with the reason on stderr).
#pragma once
#include <string>

#include "app.hpp"

namespace herd::admin {

int add_emoji(App& app, const std::string& shortcode, const std::string& path,
              const std::string& category);
struct EmojiImport {
  std::string archive, prefix, suffix, category;
  bool overwrite = false;
};
// Exit code 0 when the archive was read (even if some entries were skipped), 1 when it could not
// be.
int import_emojis(App& app, const EmojiImport& options);
int list_emojis(App& app);
int remove_emoji(App& app, const std::string& shortcode);

}  // namespace herd::admin
