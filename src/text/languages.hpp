// The languages a status may be written in, as GET /api/v1/instance/languages lists them: ISO
// 639-1 codes with their English names, in code order.
#pragma once
#include <string_view>
#include <vector>

namespace herd::text {

struct Language {
  std::string_view code;  // "en"
  std::string_view name;  // "English"
};

const std::vector<Language>& languages();

}  // namespace herd::text
