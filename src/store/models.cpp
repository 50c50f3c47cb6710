#include "store/models.hpp"

namespace herd::store {

std::string to_string(Visibility v) {
  switch (v) {
    case Visibility::public_: return "public";
    case Visibility::unlisted: return "unlisted";
    case Visibility::private_: return "private";
    case Visibility::direct: return "direct";
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
