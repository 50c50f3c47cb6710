#include "store/models.hpp"

#include <boost/json.hpp>

namespace herd::store {

std::vector<ProfileField> profile_fields(const Account& account) {
  std::vector<ProfileField> out;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(account.fields_json, ec);
  if (ec || !parsed.is_array()) return out;
  for (const auto& item : parsed.as_array()) {
    if (!item.is_object()) continue;
    const auto& field = item.as_object();
    auto text = [&](const char* key) -> std::optional<std::string> {
      auto it = field.find(key);
      if (it == field.end() || !it->value().is_string()) return std::nullopt;
      return std::string(it->value().as_string());
    };
    out.push_back(ProfileField{text("name").value_or(""), text("value").value_or(""),
                               text("source_value").value_or(""), text("verified_at")});
  }
  return out;
}

std::string to_string(Visibility v) {
  switch (v) {
    case Visibility::public_:
      return "public";
    case Visibility::unlisted:
      return "unlisted";
    case Visibility::private_:
      return "private";
    case Visibility::direct:
      return "direct";
  }
  return "public";
}

std::optional<Visibility> parse_visibility(std::string_view text) {
  if (text == "public") return Visibility::public_;
  if (text == "unlisted") return Visibility::unlisted;
  if (text == "private") return Visibility::private_;
  if (text == "direct") return Visibility::direct;
  return std::nullopt;
}

}  // namespace herd::store
