// Typed reads of merged request parameters, tolerant the way Mastodon clients need:
// booleans as true/1/True/on, arrays as `k[]`, `k[0]`, a JSON array or a single value.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::http {

// Value at `key`, where key may be a dotted path "poll.options" into nested objects.
const boost::json::value* param(const boost::json::object& params, std::string_view key);
std::optional<std::string> param_string(const boost::json::object& params, std::string_view key);
// true for true/1/"true"/"True"/"1"/"on"/"yes"; false for false/0/"false"/"0"/"off"/""/"no".
// Throws bad_request (naming the key) for anything else.
std::optional<bool> param_bool(const boost::json::object& params, std::string_view key);
// Integer from number or decimal string; throws bad_request naming the key if not a number.
std::optional<std::int64_t> param_int(const boost::json::object& params, std::string_view key);
// Strings from an array, an object with index keys {"0":..,"1":..} (in index order) or one value.
std::vector<std::string> param_strings(const boost::json::object& params, std::string_view key);
// Objects from an array of objects or an index-keyed object (fields_attributes[0][name]).
std::vector<boost::json::object> param_objects(const boost::json::object& params,
                                               std::string_view key);
// Parses a boolean-ish string; nullopt if not recognised.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace herd::http
