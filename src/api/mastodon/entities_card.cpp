#include "api/mastodon/entities_card.hpp"

namespace herd::api {

namespace json = boost::json;

json::object preview_card_json(const store::PreviewCard& card) {
  auto nullable = [](const std::optional<std::string>& v) {
    return v ? json::value(*v) : json::value(nullptr);
  };
  return json::object{{"url", card.url},
                      {"title", card.title},
                      {"description", card.description},
                      {"type", card.type},
                      {"author_name", card.author_name},
                      {"author_url", ""},
                      {"provider_name", card.provider_name},
                      {"provider_url", ""},
                      {"html", ""},
                      {"width", card.width},
                      {"height", card.height},
                      {"image", nullable(card.image_url)},
                      {"image_description", ""},
                      {"embed_url", ""},
                      {"blurhash", nullptr},
                      {"language", nullable(card.language)},
                      {"published_at", nullptr},
                      {"authors", json::array()}};
}

}  // namespace herd::api
