#include "http/params.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"

namespace herd::http {

namespace json = boost::json;

const json::value* param(const json::object& params, std::string_view key) {
  const json::object* current = &params;
  for (;;) {
    size_t dot = key.find('.');
    auto it = current->find(key.substr(0, dot));
    if (it == current->end()) return nullptr;
    if (dot == std::string_view::npos) return &it->value();
    if (!it->value().is_object()) return nullptr;
    current = &it->value().as_object();
    key = key.substr(dot + 1);
  }
}

static std::string scalar_text(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  if (value.is_double()) return json::serialize(value);
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return "";
}

std::optional<std::string> param_string(const json::object& params, std::string_view key) {
  const json::value* value = param(params, key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_array() || value->is_object())
    fail(ErrorKind::bad_request, "Parameter " + std::string(key) + " must be a string");
  return scalar_text(*value);
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "true" || lower == "1" || lower == "on" || lower == "yes" || lower == "t")
    return true;
  if (lower == "false" || lower == "0" || lower == "off" || lower == "no" || lower == "f" ||
      lower.empty())
    return false;
  return std::nullopt;
}

std::optional<bool> param_bool(const json::object& params, std::string_view key) {
  const json::value* value = param(params, key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_bool()) return value->as_bool();
  if (value->is_int64()) return value->as_int64() != 0;
  if (value->is_string()) {
    if (auto parsed = parse_bool(value->as_string())) return parsed;
  }
  fail(ErrorKind::bad_request, "Parameter " + std::string(key) + " must be a boolean");
}

std::optional<std::int64_t> param_int(const json::object& params, std::string_view key) {
  const json::value* value = param(params, key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_double()) {
    // Only a double inside int64's range converts (1e300 or NaN would be undefined behaviour).
    double number = value->as_double();
    if (number >= -9.2e18 && number <= 9.2e18) return static_cast<std::int64_t>(number);
  }
  if (value->is_string()) {
    std::string_view text = value->as_string();
    if (text.empty()) return std::nullopt;
    std::int64_t result = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (ec == std::errc() && ptr == text.data() + text.size()) return result;
  }
  fail(ErrorKind::bad_request, "Parameter " + std::string(key) + " must be an integer");
}

// Index-keyed objects {"0": a, "1": b} in numeric order.
static std::vector<const json::value*> indexed_values(const json::object& object) {
  std::vector<std::pair<long, const json::value*>> items;
  for (const auto& [key, value] : object) {
    long index = 0;
    auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
    if (ec != std::errc() || ptr != key.data() + key.size()) return {};
    items.emplace_back(index, &value);
  }
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const json::value*> out;
  for (auto& item : items) out.push_back(item.second);
  return out;
}

std::vector<std::string> param_strings(const json::object& params, std::string_view key) {
  std::vector<std::string> out;
  const json::value* value = param(params, key);
  if (!value || value->is_null()) return out;
  if (value->is_array()) {
    for (const auto& item : value->as_array())
      if (!item.is_null() && !item.is_structured()) out.push_back(scalar_text(item));
  } else if (value->is_object()) {
    for (const json::value* item : indexed_values(value->as_object()))
      if (!item->is_null() && !item->is_structured()) out.push_back(scalar_text(*item));
  } else {
    out.push_back(scalar_text(*value));
  }
  return out;
}

std::vector<json::object> param_objects(const json::object& params, std::string_view key) {
  std::vector<json::object> out;
  const json::value* value = param(params, key);
  if (!value) return out;
  if (value->is_array()) {
    for (const auto& item : value->as_array())
      if (item.is_object()) out.push_back(item.as_object());
  } else if (value->is_object()) {
    auto items = indexed_values(value->as_object());
    if (items.empty() && !value->as_object().empty()) {
      out.push_back(value->as_object());
    }
    for (const json::value* item : items)
      if (item->is_object()) out.push_back(item->as_object());
  }
  return out;
}

}  // namespace herd::http
