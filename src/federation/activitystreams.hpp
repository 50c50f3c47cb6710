// Tolerant reading of ActivityStreams 2.0 JSON as other servers send it, without a JSON-LD
// processor:
//  - a property may be a single value where arrays are allowed (to, cc, tag, attachment, url...);
//  - a reference may be an IRI string or an embedded object with an id ("@id" or "href" too);
//  - keys may be compacted differently ("as:Public", "Public", "as:sensitive", "@type");
//  - content may come only as contentMap;
//  - unknown fields are ignored.
// Also the mapping from ActivityPub addressing to Mastodon visibility, and posts (Note, Question,
// Article, Page, Video...) parsed into one plain struct.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/models.hpp"

namespace herd::federation::as {

namespace json = boost::json;

inline constexpr std::string_view kPublic = "https://www.w3.org/ns/activitystreams#Public";
inline constexpr std::string_view kContext = "https://www.w3.org/ns/activitystreams";

// The value of a property, looking up `name`, "as:name" and the full IRI; nullptr when absent or
// null.
const json::value* find(const json::object& object, std::string_view name);
// Every value of a property: the array's items, or the single value; nulls skipped.
std::vector<const json::value*> values(const json::object& object, std::string_view name);
// The IRI of a reference: a string, or an object's "id" / "@id" / "href"; "" otherwise.
std::string id_of(const json::value& value);
// IRIs of every value of a property.
std::vector<std::string> ids(const json::object& object, std::string_view name);
// The first IRI of a property ("" when none).
std::string first_id(const json::object& object, std::string_view name);
// A string property: a string, the first string of an array, or {"@value": "..."}; "" otherwise.
std::string string_of(const json::object& object, std::string_view name);
// A boolean property (true/false, "true"/"false"); nullopt otherwise.
std::optional<bool> bool_of(const json::object& object, std::string_view name);
// An integer property (number or decimal string); nullopt for a number outside int64's range.
std::optional<std::int64_t> int_of(const json::object& object, std::string_view name);
// The object's type without prefix ("as:Note" and "https://www.w3.org/ns/activitystreams#Note"
// give "Note"); the first one when several are given.
std::string type_of(const json::object& object);
// True when any of the object's types equals `type`.
bool has_type(const json::object& object, std::string_view type);
// The object's id.
std::string id_of(const json::object& object);
// The natural-language text of `name` ("content", "summary", "name"): the plain property when
// present, else the contentMap/summaryMap/nameMap entry for `language` when given, else the first
// entry. `language_found` receives the map key used, if any.
std::string natural_text(const json::object& object, std::string_view name,
                         std::string* language_found = nullptr);
// True when `url` is an http: or https: URL (scheme matched case-insensitively, no leading space).
// Links a remote server gives for people to follow (an actor's or a post's page, images, media,
// emoji) are kept only when this holds: a javascript: or data: URL would run in the reader's page.
bool is_web_url(std::string_view url);
// "https://www.w3.org/ns/activitystreams#Public", "as:Public" or "Public".
bool is_public(std::string_view iri);
// A time (RFC 3339, fractional seconds optional) in unix ms.
std::optional<std::int64_t> time_of(const json::object& object, std::string_view name);
// The host of an IRI, lowercased, with the port when one is given ("" for non-URLs).
std::string host_of(std::string_view iri);

// Mastodon's rule: Public in `to` -> public; Public in `cc` -> unlisted; the author's followers
// collection in to/cc -> private; anything else -> direct.
store::Visibility visibility(const std::vector<std::string>& to, const std::vector<std::string>& cc,
                             std::string_view followers_url);

// ---- posts --------------------------------------------------------------------------------------

struct Mention {
  std::string href;  // actor IRI
  std::string name;  // "@user@domain" (as written; may be "@user")
};
struct Emoji {
  std::string shortcode;  // without colons
  std::string url;
  std::string media_type;               // the icon's mediaType ("" when not given)
  std::optional<std::int64_t> updated;  // `updated` (unix ms), when given
};
// The `Emoji` tags of a post or an actor (name ":code:" or "code", icon url), with a url.
std::vector<Emoji> parse_emojis(const json::object& object);
struct Attachment {
  std::string type;  // Document, Image, Video, Audio
  std::string url;
  std::string media_type;
  std::string description;  // `name`
  std::string blurhash;
  std::optional<std::int64_t> width, height;
  std::optional<double> focus_x, focus_y;  // -1..1
};
struct PollOption {
  std::string title;
  std::int64_t votes = 0;
};
struct Poll {
  std::vector<PollOption> options;
  bool multiple = false;
  std::optional<std::int64_t> expires_at;
  bool closed = false;
  std::optional<std::int64_t> voters_count;
};

struct Post {
  std::string id;
  std::string type;                 // Note, Question, Article, Page, Video, ...
  std::string url;                  // the HTML page (falls back to id)
  std::string attributed_to;        // the author's actor IRI (the first Person when several)
  std::string in_reply_to;          // IRI or ""
  std::string content;              // HTML as sent (not yet sanitised)
  std::string summary;              // content warning (Note/Question); "" for converted types
  std::string name;                 // Note/Question `name` (a poll vote: the chosen option's title)
  std::string language;             // from contentMap, "" when unknown
  std::string conversation;         // `conversation` or `context`
  std::string quote;                // FEP-044f quote / quoteUrl / quoteUri / _misskey_quote
  std::string quote_authorization;  // FEP-044f quoteAuthorization (the stamp's id)
  // interactionPolicy.canQuote: who is approved automatically / manually (actor and collection
  // ids, the Public collection).
  bool has_quote_policy = false;
  std::vector<std::string> quote_automatic, quote_manual;
  bool sensitive = false;
  std::vector<std::string> to, cc;
  std::vector<Mention> mentions;
  std::vector<std::string> hashtags;  // names without '#', as written
  std::vector<Emoji> emojis;
  std::vector<Attachment> attachments;
  std::optional<Poll> poll;
  std::optional<std::int64_t> published, updated;
};

// True for object types that become statuses: Note, Question, Article, Page, Video, Image,
// Audio, Event.
bool is_post_type(std::string_view type);

// Parses a post. Converted types (Article, Page, Video, Image, Audio, Event) get Mastodon's
// treatment: content = "<h2>name</h2>" + summary (or, for Article/Page, the content; for a
// PeerTube Video without summary, its Markdown description as text) + a link to the first
// text/html `url` (else the id); no content warning. nullopt when the object is not a post or has
// no id.
std::optional<Post> parse_post(const json::object& object);

}  // namespace herd::federation::as
