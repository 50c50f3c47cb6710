#include "admin/emoji.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

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
