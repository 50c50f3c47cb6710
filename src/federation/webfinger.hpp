// WebFinger (RFC 7033) as Mastodon speaks it, the parts that read untrusted text: the `resource`
// a client or a remote server asks us about, and the JRD document a remote server answers.
// Pure functions (no network, no database), also run by the fuzz targets (fuzz/).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace herd::federation {

// What a `resource` asks for: "acct:user@host", "user@host", "@user@host" (host is ours, the
// local domain or the web domain, compared case-insensitively), or the URL of an actor
// ("<base>/users/user", "<base>/@user", "<base>/actor"), with or without a trailing slash, query
// or fragment.
struct WebfingerResource {
  enum class Kind { unknown, account, instance_actor };
  Kind kind = Kind::unknown;
  std::string username;  // kind == account: the username as written (not yet looked up)
};
WebfingerResource parse_webfinger_resource(std::string_view resource, std::string_view base_url,
                                           std::string_view local_domain,
                                           std::string_view web_domain);

// What a remote server's WebFinger answer says.
struct Finger {
  std::string username, domain;  // from the subject (acct:username@domain), domain lowercased
  std::string self;              // the ActivityPub actor it links to (rel=self, activity+json)
};
// nullopt when the body is not a JSON object or links no ActivityPub actor.
std::optional<Finger> parse_webfinger_document(std::string_view body);

}  // namespace herd::federation
