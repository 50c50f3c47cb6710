// `herd admin emoji ...`: the instance's custom emoji.
//   herd admin emoji add SHORTCODE FILE [--category C]   adds (or replaces) :SHORTCODE: from a PNG,
//                                                         GIF, WebP or JPEG file (at most 256 KiB)
//   herd admin emoji list                                 shortcode, category and URL, one a line
//   herd admin emoji remove SHORTCODE                     removes it and its file
// Each returns the process exit code (1: refused, with the reason on stderr).
#pragma once
#include <string>

#include "app.hpp"

namespace herd::admin {

int add_emoji(App& app, const std::string& shortcode, const std::string& path,
              const std::string& category);
int list_emojis(App& app);
int remove_emoji(App& app, const std::string& shortcode);

}  // namespace herd::admin
