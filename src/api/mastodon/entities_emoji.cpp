// CustomEmoji, and the `emojis` arrays of Status, Account and Poll.
#include "api/mastodon/emojis.hpp"
#include "service/custom_emojis.hpp"

namespace herd::api {

namespace json = boost::json;

json::object custom_emoji_json(const App& app, const store::CustomEmoji& emoji) {
  json::object o{{"shortcode", emoji.shortcode},
                 {"url", service::emoji_url(app, emoji)},
                 {"static_url", service::emoji_static_url(app, emoji)},
                 {"visible_in_picker", emoji.visible_in_picker}};
  o["category"] = emoji.category.empty() ? json::value(nullptr) : json::value(emoji.category);
  return o;
}

json::array emojis_json(const App& app, const std::string& domain,
                        const std::vector<std::string_view>& texts) {
  return emojis_json(app, service::custom_emoji_registry().used_in(domain, texts));
}

json::array emojis_json(const App& app, const std::vector<store::CustomEmoji>& emojis) {
  json::array out;
  for (const auto& emoji : emojis) out.push_back(custom_emoji_json(app, emoji));
  return out;
}

json::array poll_emojis_json(const App& app, const store::Poll& poll, const std::string& domain) {
  std::vector<std::string_view> titles;
  for (const auto& option : poll.options) titles.push_back(option.title);
  return emojis_json(app, domain, titles);
}

}  // namespace herd::api
