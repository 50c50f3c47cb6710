#include "federation/webfinger.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "federation/activitystreams.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

std::string lowercase(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

WebfingerResource parse_webfinger_resource(std::string_view resource, std::string_view base_url,
                                           std::string_view local_domain,
                                           std::string_view web_domain) {
  using Kind = WebfingerResource::Kind;
  std::string_view r = resource;
  if (starts_with(r, "acct:")) r.remove_prefix(5);
  if (starts_with(r, "@")) r.remove_prefix(1);
  if (starts_with(r, "https://") || starts_with(r, "http://")) {
    // URL resources: the actor URI, the profile URL, or the instance actor (with or without a
    // trailing slash, fragment or query).
    r = r.substr(0, r.find_first_of("#?"));
    if (r.size() > 1 && r.back() == '/') r.remove_suffix(1);
    std::string base(base_url);
    if (r == base + "/actor") return {Kind::instance_actor, ""};
    std::string username;
    for (const std::string& prefix : {base + "/users/", base + "/@"}) {
      if (starts_with(r, prefix)) {
        username = r.substr(prefix.size());
        break;
      }
    }
    if (username.empty() || username.find('/') != std::string::npos) return {};
    return {Kind::account, std::move(username)};
  }
  std::size_t at = r.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string domain = lowercase(std::string(r.substr(at + 1)));
  if (domain != local_domain && domain != web_domain) return {};
  std::string_view username = r.substr(0, at);
  if (username == local_domain || username == web_domain) return {Kind::instance_actor, ""};
  return {Kind::account, std::string(username)};
}

std::optional<Finger> parse_webfinger_document(std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::object& doc = parsed.as_object();
  Finger finger;
  std::string subject = as::string_of(doc, "subject");
  if (subject.rfind("acct:", 0) == 0) subject = subject.substr(5);
  std::size_t at = subject.rfind('@');
  if (at != std::string::npos && at > 0) {
    finger.username = subject.substr(0, at);
    finger.domain = lowercase(subject.substr(at + 1));
  }
  for (const json::value* value : as::values(doc, "links")) {
    if (!value->is_object()) continue;
    const json::object& link = value->get_object();
    std::string type = as::string_of(link, "type");
    if (as::string_of(link, "rel") != "self" || (type.find("activity+json") == std::string::npos &&
                                                 type.find("ld+json") == std::string::npos))
      continue;
    finger.self = as::string_of(link, "href");
    if (!finger.self.empty()) break;
  }
  if (finger.self.empty()) return std::nullopt;
  return finger;
}

}  // namespace herd::federation
