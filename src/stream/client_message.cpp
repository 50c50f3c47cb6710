#include "stream/client_message.hpp"

#include <boost/json.hpp>

#include "core/error.hpp"
#include "http/params.hpp"

namespace herd::stream {

namespace json = boost::json;

StreamParams stream_params_from(const json::object& params, std::string name) {
  StreamParams p;
  p.name = std::move(name);
  p.tag = http::param_string(params, "tag");
  p.list = http::param_string(params, "list");
  auto only_media = params.find("only_media");
  if (only_media != params.end() && only_media->value().is_string())
    p.only_media = http::parse_bool(only_media->value().get_string()).value_or(false);
  else if (only_media != params.end() && only_media->value().is_bool())
    p.only_media = only_media->value().get_bool();
  return p;
}

ClientMessage parse_client_message(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return {};
  const json::object& message = value.get_object();
  const json::value* type = message.if_contains("type");
  if (!type || !type->is_string() || (*type != "subscribe" && *type != "unsubscribe"))
    return {ClientMessage::Kind::ignored, std::nullopt, ""};
  ClientMessage parsed;
  parsed.kind =
      *type == "subscribe" ? ClientMessage::Kind::subscribe : ClientMessage::Kind::unsubscribe;
  try {
    if (auto name = http::param_string(message, "stream"))
      parsed.params = stream_params_from(message, std::move(*name));
  } catch (const ApiError& error) {  // a stream, tag or list given as an array or an object
    return {ClientMessage::Kind::malformed, std::nullopt, error.what()};
  }
  parsed.error.clear();
  return parsed;
}

}  // namespace herd::stream
