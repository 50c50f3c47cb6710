// What a streaming client asks for, read from untrusted text: the parameters of a stream (from
// the query string of the connection, or from a WebSocket message) and the WebSocket messages
// {"type":"subscribe"|"unsubscribe","stream":..,"tag":..,"list":..,"only_media":..}. Pure
// functions, also run by the fuzz targets (fuzz/).
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace herd::stream {

struct StreamParams {
  std::string name;  // "user", "public:local", "hashtag", ...
  std::optional<std::string> tag, list;
  bool only_media = false;  // true/1/"true"/"on"... (http/params.hpp's booleans)
};

// The parameters of stream `name` given with `params` (tag, list, only_media). Throws ApiError
// (bad_request) when tag or list is an array or an object.
StreamParams stream_params_from(const boost::json::object& params, std::string name);

struct ClientMessage {
  // malformed: not a JSON object, or a parameter of the wrong shape (answered with a 400 error
  // frame saying `error`); ignored: another type than subscribe or unsubscribe (Mastodon ignores
  // those too).
  enum class Kind { malformed, ignored, subscribe, unsubscribe };
  Kind kind = Kind::malformed;
  std::optional<StreamParams> params;  // subscribe/unsubscribe: nullopt when no stream is named
  std::string error = "Malformed message";
};

// Never throws.
ClientMessage parse_client_message(std::string_view text);

}  // namespace herd::stream
