#include "federation/activitystreams.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <limits>

#include "core/time.hpp"
#include "service/custom_emojis.hpp"
#include "text/format.hpp"

namespace herd::federation::as {

namespace {

constexpr std::string_view kPrefix = "https://www.w3.org/ns/activitystreams#";

std::string strip_prefix(std::string_view text) {
  if (text.substr(0, 3) == "as:") return std::string(text.substr(3));
  if (text.substr(0, kPrefix.size()) == kPrefix) return std::string(text.substr(kPrefix.size()));
  return std::string(text);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> number_of(const json::value& value) {
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  return std::nullopt;
}

// Keeps at most `limit` bytes of UTF-8 text, cut at a character boundary, with an ellipsis.
std::string truncate_utf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

// Plain (or Markdown) text as escaped HTML paragraphs.
std::string text_to_html(std::string_view text) {
  std::string out = "<p>";
  std::string escaped = text::escape_html(text);
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\r') continue;
    if (escaped[i] == '\n') {
      if (i + 1 < escaped.size() && escaped[i + 1] == '\n') {
        out += "</p><p>";
        while (i + 1 < escaped.size() && (escaped[i + 1] == '\n' || escaped[i + 1] == '\r')) ++i;
      } else {
        out += "<br />";
      }
    } else {
      out += escaped[i];
    }
  }
  return out + "</p>";
}

// The page a converted object links to: the first text/html Link in `url`, else the first plain
// URL string, else the id (http(s) URLs only).
std::string html_url(const json::object& object) {
  std::string first_string;
  for (const json::value* value : values(object, "url")) {
    if (value->is_string()) {
      if (first_string.empty() && is_web_url(value->get_string()))
        first_string = std::string(value->get_string());
      continue;
    }
    if (!value->is_object()) continue;
    const json::object& link = value->get_object();
    std::string media_type = string_of(link, "mediaType");
    std::string href = string_of(link, "href");
    if (href.empty() || !is_web_url(href)) continue;
    if (media_type.rfind("text/html", 0) == 0) return href;
    if (media_type.empty() && first_string.empty()) first_string = href;
  }
  return first_string.empty() ? id_of(object) : first_string;
}

Attachment parse_attachment(const json::object& object) {
  Attachment attachment;
  attachment.type = type_of(object);
  attachment.media_type = string_of(object, "mediaType");
  for (const json::value* value : values(object, "url")) {
    if (value->is_string()) {
      attachment.url = std::string(value->get_string());
      break;
    }
    if (value->is_object()) {
      attachment.url = string_of(value->get_object(), "href");
      if (attachment.media_type.empty())
        attachment.media_type = string_of(value->get_object(), "mediaType");
      if (!attachment.url.empty()) break;
    }
  }
  if (attachment.url.empty()) attachment.url = string_of(object, "href");
  if (!is_web_url(attachment.url)) attachment.url.clear();
  attachment.description = natural_text(object, "name");
  attachment.blurhash = string_of(object, "blurhash");
  attachment.width = int_of(object, "width");
  attachment.height = int_of(object, "height");
  if (const json::value* focal = find(object, "focalPoint"); focal && focal->is_array()) {
    const json::array& point = focal->get_array();
    if (point.size() == 2) {
      attachment.focus_x = number_of(point[0]);
      attachment.focus_y = number_of(point[1]);
    }
  }
  return attachment;
}

}  // namespace

std::vector<Emoji> parse_emojis(const json::object& object) {
  std::vector<Emoji> emojis;
  for (const json::value* value : values(object, "tag")) {
    if (!value->is_object() || type_of(value->get_object()) != "Emoji") continue;
    const json::object& tag = value->get_object();
    std::string name = string_of(tag, "name");
    if (name.size() > 2 && name.front() == ':' && name.back() == ':')
      name = name.substr(1, name.size() - 2);
    Emoji emoji{name, "", "", time_of(tag, "updated")};
    if (const json::value* icon = find(tag, "icon")) {
      if (icon->is_object()) {
        emoji.url = first_id(icon->get_object(), "url");
        emoji.media_type = string_of(icon->get_object(), "mediaType");
      } else if (icon->is_string()) {
        emoji.url = std::string(icon->get_string());
      }
    }
    // Mastodon's shortcode rule ([a-zA-Z0-9_]{2,}); an image only from an http(s) URL.
    if (service::valid_shortcode(name) && is_web_url(emoji.url)) emojis.push_back(std::move(emoji));
  }
  return emojis;
}

namespace {

void parse_tags(const json::object& object, Post& post) {
  for (const json::value* value : values(object, "tag")) {
    if (!value->is_object()) continue;
    const json::object& tag = value->get_object();
    std::string type = type_of(tag);
    if (type == "Mention") {
      Mention mention{string_of(tag, "href"), string_of(tag, "name")};
      if (mention.href.empty()) mention.href = id_of(tag);
      if (!mention.href.empty()) post.mentions.push_back(std::move(mention));
    } else if (type == "Hashtag") {
      // Stored as local hashtags are (lowercased), so that a remote #Bench is in #bench's
      // timeline; a name that is not one hashtag is left out.
      auto name = text::hashtag_name(string_of(tag, "name"));
      if (name &&
          std::find(post.hashtags.begin(), post.hashtags.end(), *name) == post.hashtags.end())
        post.hashtags.push_back(*name);
    }
  }
  post.emojis = parse_emojis(object);
}

std::optional<Poll> parse_poll(const json::object& object) {
  Poll poll;
  std::string key = "oneOf";
  if (!find(object, "oneOf") && find(object, "anyOf")) {
    key = "anyOf";
    poll.multiple = true;
  }
  for (const json::value* value : values(object, key)) {
    if (!value->is_object()) continue;
    const json::object& option = value->get_object();
    PollOption entry;
    entry.title = natural_text(option, "name");
    if (const json::value* replies = find(option, "replies"); replies && replies->is_object())
      entry.votes = int_of(replies->get_object(), "totalItems").value_or(0);
    poll.options.push_back(std::move(entry));
  }
  if (poll.options.empty()) return std::nullopt;
  poll.expires_at = time_of(object, "endTime");
  if (auto closed_at = time_of(object, "closed")) {
    poll.closed = true;
    if (!poll.expires_at) poll.expires_at = closed_at;
  } else if (auto closed = bool_of(object, "closed")) {
    poll.closed = *closed;
  }
  poll.voters_count = int_of(object, "votersCount");
  return poll;
}

}  // namespace

const json::value* find(const json::object& object, std::string_view name) {
  if (auto it = object.find(name); it != object.end() && !it->value().is_null())
    return &it->value();
  std::string prefixed = "as:" + std::string(name);
  if (auto it = object.find(prefixed); it != object.end() && !it->value().is_null())
    return &it->value();
  std::string full = std::string(kPrefix) + std::string(name);
  if (auto it = object.find(full); it != object.end() && !it->value().is_null())
    return &it->value();
  return nullptr;
}

std::vector<const json::value*> values(const json::object& object, std::string_view name) {
  std::vector<const json::value*> out;
  const json::value* value = find(object, name);
  if (!value) return out;
  if (value->is_array()) {
    for (const json::value& item : value->get_array())
      if (!item.is_null()) out.push_back(&item);
  } else {
    out.push_back(value);
  }
  return out;
}

std::string id_of(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (!value.is_object()) return "";
  const json::object& object = value.get_object();
  for (std::string_view key : {"id", "@id", "href"})
    if (auto it = object.find(key); it != object.end() && it->value().is_string())
      return std::string(it->value().get_string());
  return "";
}

std::string id_of(const json::object& object) {
  for (std::string_view key : {"id", "@id"})
    if (auto it = object.find(key); it != object.end() && it->value().is_string())
      return std::string(it->value().get_string());
  return "";
}

std::vector<std::string> ids(const json::object& object, std::string_view name) {
  std::vector<std::string> out;
  for (const json::value* value : values(object, name)) {
    std::string id = id_of(*value);
    if (!id.empty()) out.push_back(std::move(id));
  }
  return out;
}

std::string first_id(const json::object& object, std::string_view name) {
  for (const json::value* value : values(object, name)) {
    std::string id = id_of(*value);
    if (!id.empty()) return id;
  }
  return "";
}

std::string string_of(const json::object& object, std::string_view name) {
  for (const json::value* value : values(object, name)) {
    if (value->is_string()) return std::string(value->get_string());
    if (value->is_object()) {
      const json::object& literal = value->get_object();
      if (auto it = literal.find("@value"); it != literal.end() && it->value().is_string())
        return std::string(it->value().get_string());
    }
  }
  return "";
}

std::optional<bool> bool_of(const json::object& object, std::string_view name) {
  const json::value* value = find(object, name);
  if (!value) return std::nullopt;
  if (value->is_bool()) return value->get_bool();
  if (value->is_string()) {
    if (value->get_string() == "true") return true;
    if (value->get_string() == "false") return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> int_of(const json::object& object, std::string_view name) {
  const json::value* value = find(object, name);
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  // A number outside int64's range (2e41, 2^64 - 1; NaN) is no count: converting it would be
  // undefined behaviour or a negative count.
  if (value->is_uint64()) {
    std::uint64_t number = value->get_uint64();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(number);
  }
  if (value->is_double()) {
    double number = value->get_double();
    if (!(number >= -9.2e18 && number <= 9.2e18)) return std::nullopt;
    return static_cast<std::int64_t>(number);
  }
  if (value->is_string()) {
    std::string_view text = value->get_string();
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t n = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

std::string type_of(const json::object& object) {
  for (std::string_view key : {"type", "@type"}) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    if (it->value().is_string()) return strip_prefix(it->value().get_string());
    if (it->value().is_array())
      for (const json::value& item : it->value().get_array())
        if (item.is_string()) return strip_prefix(item.get_string());
  }
  return "";
}

bool has_type(const json::object& object, std::string_view type) {
  for (std::string_view key : {"type", "@type"}) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    if (it->value().is_string() && strip_prefix(it->value().get_string()) == type) return true;
    if (it->value().is_array())
      for (const json::value& item : it->value().get_array())
        if (item.is_string() && strip_prefix(item.get_string()) == type) return true;
  }
  return false;
}

std::string natural_text(const json::object& object, std::string_view name,
                         std::string* language_found) {
  std::string plain = string_of(object, name);
  const json::value* map = find(object, std::string(name) + "Map");
  if (map && map->is_object() && !map->get_object().empty()) {
    const json::object& entries = map->get_object();
    for (const auto& entry : entries) {
      if (!entry.value().is_string()) continue;
      if (plain.empty() || entry.value().get_string() == plain) {
        if (language_found) *language_found = std::string(entry.key());
        return plain.empty() ? std::string(entry.value().get_string()) : plain;
      }
    }
  }
  return plain;
}

bool is_web_url(std::string_view url) {
  auto scheme_is = [&](std::string_view scheme) {
    if (url.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
    return true;
  };
  return scheme_is("http://") || scheme_is("https://");
}

bool is_public(std::string_view iri) {
  return iri == kPublic || iri == "as:Public" || iri == "Public";
}

std::optional<std::int64_t> time_of(const json::object& object, std::string_view name) {
  std::string text = string_of(object, name);
  if (text.empty()) return std::nullopt;
  return parse_rfc3339(text);
}

std::string host_of(std::string_view iri) {
  auto uri = boost::urls::parse_uri(iri);
  if (!uri || !uri->has_authority()) return "";
  return lower(uri->encoded_host_and_port());
}

store::Visibility visibility(const std::vector<std::string>& to, const std::vector<std::string>& cc,
                             std::string_view followers_url) {
  auto contains_public = [](const std::vector<std::string>& list) {
    return std::any_of(list.begin(), list.end(),
                       [](const std::string& iri) { return is_public(iri); });
  };
  if (contains_public(to)) return store::Visibility::public_;
  if (contains_public(cc)) return store::Visibility::unlisted;
  if (!followers_url.empty()) {
    auto has = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), followers_url) != list.end();
    };
    if (has(to) || has(cc)) return store::Visibility::private_;
  }
  return store::Visibility::direct;
}

bool is_post_type(std::string_view type) {
  static const std::string_view types[] = {"Note",  "Question", "Article", "Page",
                                           "Video", "Image",    "Audio",   "Event"};
  return std::find(std::begin(types), std::end(types), type) != std::end(types);
}

std::optional<Post> parse_post(const json::object& object) {
  Post post;
  post.type = type_of(object);
  post.id = id_of(object);
  if (!is_post_type(post.type) || post.id.empty()) return std::nullopt;

  // attributedTo: PeerTube sends [Person, Group]; prefer the Person.
  for (const json::value* value : values(object, "attributedTo")) {
    std::string id = id_of(*value);
    if (id.empty()) continue;
    if (value->is_object() && has_type(value->get_object(), "Person")) {
      post.attributed_to = id;
      break;
    }
    if (post.attributed_to.empty()) post.attributed_to = id;
  }
  if (post.attributed_to.empty()) post.attributed_to = first_id(object, "actor");
  post.in_reply_to = first_id(object, "inReplyTo");
  post.to = ids(object, "to");
  post.cc = ids(object, "cc");
  post.sensitive = bool_of(object, "sensitive").value_or(false);
  post.published = time_of(object, "published");
  post.updated = time_of(object, "updated");
  post.conversation = first_id(object, "conversation");
  if (post.conversation.empty()) post.conversation = first_id(object, "context");
  for (std::string_view key : {"quote", "quoteUrl", "quoteUri", "_misskey_quote"}) {
    post.quote = first_id(object, key);
    if (!post.quote.empty()) break;
  }
  post.quote_authorization = first_id(object, "quoteAuthorization");
  if (const json::value* policy = find(object, "interactionPolicy"); policy && policy->is_object())
    if (const json::value* can_quote = find(policy->get_object(), "canQuote");
        can_quote && can_quote->is_object()) {
      post.has_quote_policy = true;
      post.quote_automatic = ids(can_quote->get_object(), "automaticApproval");
      post.quote_manual = ids(can_quote->get_object(), "manualApproval");
    }
  parse_tags(object, post);
  for (const json::value* value : values(object, "attachment"))
    if (value->is_object()) {
      Attachment attachment = parse_attachment(value->get_object());
      if (!attachment.url.empty()) post.attachments.push_back(std::move(attachment));
    }

  bool converted = post.type != "Note" && post.type != "Question";
  if (!converted) {
    post.content = natural_text(object, "content", &post.language);
    post.summary = natural_text(object, "summary");
    post.name = natural_text(object, "name");
    std::string url = html_url(object);
    post.url = url;
    if (post.type == "Question") post.poll = parse_poll(object);
    return post;
  }

  // Converted types, as Mastodon shows them: title, description, link.
  post.url = html_url(object);
  std::string name = natural_text(object, "name", &post.language);
  std::string summary = natural_text(object, "summary");
  std::string body;
  if (!name.empty()) body += "<h2>" + text::escape_html(name) + "</h2>";
  if (post.type == "Article" || post.type == "Page") {
    std::string content = natural_text(object, "content", &post.language);
    body += !content.empty() ? content : summary;
  } else if (!summary.empty()) {
    body += summary;
  } else {
    std::string description = natural_text(object, "content");
    if (!description.empty()) {
      std::string media_type = string_of(object, "mediaType");
      if (media_type.rfind("text/html", 0) == 0)
        body += truncate_utf8(description, 2000);
      else
        body += text_to_html(truncate_utf8(description, 2000));
    }
  }
  std::string link = text::escape_html(post.url);
  body += "<p><a href=\"" + link + "\">" + link + "</a></p>";
  post.content = std::move(body);
  return post;
}

}  // namespace herd::federation::as
