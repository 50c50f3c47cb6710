#include "stream/event.hpp"

#include <boost/json.hpp>

#include "core/ids.hpp"

namespace herd::stream {

namespace json = boost::json;

std::string user_channel(Id account_id) {
  return "user:" + std::to_string(account_id);
}

std::string notification_channel(Id account_id) {
  return "user:" + std::to_string(account_id) + ":notification";
}

std::string direct_channel(Id account_id) {
  return "direct:" + std::to_string(account_id);
}

std::string normalize_tag(std::string_view tag) {
  std::string out(tag);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

std::string list_channel(Id list_id) {
  return "list:" + std::to_string(list_id);
}

std::string hashtag_channel(std::string_view tag, bool local_only) {
  std::string channel = "hashtag:" + normalize_tag(tag);
  if (local_only) channel += ":local";
  return channel;
}

namespace {

json::object head(const Event& event) {
  json::array accounts;
  for (Id id : event.accounts) accounts.emplace_back(std::to_string(id));
  return json::object{{"e", event.name},
                      {"o", std::to_string(event.object_id)},
                      {"r", std::to_string(event.recipient)},
                      {"a", std::move(accounts)}};
}

std::string with_channels(json::object message, json::array channels) {
  message["c"] = std::move(channels);
  return json::serialize(message);
}

}  // namespace

std::vector<std::string> serialize(const Event& event, std::size_t max_bytes) {
  json::object base = head(event);
  std::size_t base_size = json::serialize(base).size() + 8;
  std::vector<std::string> out;
  json::array channels;
  std::size_t size = base_size;
  for (const auto& channel : event.channels) {
    std::size_t cost = channel.size() * 2 + 3;  // quotes, comma, worst-case escapes
    if (!channels.empty() && size + cost > max_bytes) {
      out.push_back(with_channels(base, std::move(channels)));
      channels = json::array();
      size = base_size;
    }
    channels.emplace_back(channel);
    size += cost;
  }
  if (!channels.empty() || out.empty()) out.push_back(with_channels(base, std::move(channels)));
  return out;
}

std::optional<Event> parse(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const json::object& o = value.get_object();
  auto string_at = [&](std::string_view key) -> const json::string* {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? &it->value().get_string() : nullptr;
  };
  auto array_at = [&](std::string_view key) -> const json::array* {
    auto it = o.find(key);
    return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
  };
  const json::string* name = string_at("e");
  const json::string* object_id = string_at("o");
  const json::string* recipient = string_at("r");
  const json::array* accounts = array_at("a");
  const json::array* channels = array_at("c");
  if (!name || !object_id || !recipient || !accounts || !channels) return std::nullopt;
  Event event;
  event.name = std::string(*name);
  auto object = parse_id(*object_id);
  auto to = parse_id(*recipient);
  if (!object || !to) return std::nullopt;
  event.object_id = *object;
  event.recipient = *to;
  for (const auto& account : *accounts) {
    if (!account.is_string()) return std::nullopt;
    auto id = parse_id(account.get_string());
    if (!id) return std::nullopt;
    event.accounts.push_back(*id);
  }
  for (const auto& channel : *channels) {
    if (!channel.is_string()) return std::nullopt;
    event.channels.emplace_back(channel.get_string());
  }
  return event;
}

}  // namespace herd::stream
