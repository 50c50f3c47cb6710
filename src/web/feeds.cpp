// RSS 2.0 feeds of public posts, as Mastodon publishes them: /@username.rss (the account's public
// and unlisted posts without replies to others and without boosts) and /tags/:tag.rss (public posts
// with the hashtag), 20 newest each, with media as Media RSS and hashtags as categories.
#include <boost/json.hpp>
#include <unordered_map>

#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "service/visibility.hpp"
#include "store/statuses.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace json = boost::json;

namespace {

constexpr int kFeedSize = 20;

// Text for an XML element or attribute: escaped, without the control characters XML 1.0 forbids.
std::string xml(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char ch : text)
    if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r')
      clean += ch;
  return h(clean);
}

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

std::string item_xml(const json::object& status, std::int64_t created_at) {
  std::string url = str(status, "url");
  if (url.empty()) url = str(status, "uri");
  std::string html = str(status, "content");
  std::string warning = str(status, "spoiler_text");
  if (!warning.empty()) html = "<p>" + h(warning) + "</p><hr />" + html;
  std::string out = "<item><guid isPermaLink=\"true\">" + xml(url) + "</guid><link>" + xml(url) +
                    "</link><pubDate>" + http_date(created_at) + "</pubDate><description>" +
                    xml(html) + "</description>";
  if (auto media = status.find("media_attachments");
      media != status.end() && media->value().is_array())
    for (const auto& value : media->value().get_array()) {
      if (!value.is_object()) continue;
      const json::object& m = value.get_object();
      std::string type = str(m, "type");
      std::string medium = type == "image" ? "image" : type == "audio" ? "audio" : "video";
      out += "<media:content url=\"" + xml(str(m, "url")) + "\" medium=\"" + medium + "\">";
      if (std::string alt = str(m, "description"); !alt.empty())
        out += "<media:description type=\"plain\">" + xml(alt) + "</media:description>";
      out += "</media:content>";
    }
  if (auto tags = status.find("tags"); tags != status.end() && tags->value().is_array())
    for (const auto& tag : tags->value().get_array())
      if (tag.is_object()) out += "<category>" + xml(str(tag.get_object(), "name")) + "</category>";
  return out + "</item>";
}

struct Channel {
  std::string title, description, link, image, feed_url;
};

http::Response feed_response(App& app, const Channel& channel,
                             const std::vector<store::Status>& statuses) {
  std::string items;
  std::int64_t newest = 0;
  app.db->read([&](store::Connection& c) {
    auto visible = service::visible_only(c, 0, statuses);
    json::array rendered = api::StatusRenderer(app, c, 0).render(visible);
    std::unordered_map<std::string, std::int64_t> created;
    for (const auto& s : visible) created[std::to_string(s.id)] = s.created_at;
    for (const auto& value : rendered) {
      if (!value.is_object()) continue;
      std::int64_t at = created[str(value.get_object(), "id")];
      newest = std::max(newest, at);
      items += item_xml(value.get_object(), at);
    }
  });
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
      "xmlns:media=\"http://search.yahoo.com/mrss/\" "
      "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>" +
      xml(channel.title) + "</title><description>" + xml(channel.description) +
      "</description><link>" + xml(channel.link) + "</link><atom:link href=\"" +
      xml(channel.feed_url) +
      "\" rel=\"self\" type=\"application/rss+xml\" /><generator>herd</generator>";
  if (!channel.image.empty())
    out += "<image><url>" + xml(channel.image) + "</url><title>" + xml(channel.title) +
           "</title><link>" + xml(channel.link) + "</link></image>";
  if (newest) out += "<lastBuildDate>" + http_date(newest) + "</lastBuildDate>";
  out += items + "</channel></rss>\n";
  http::Response response =
      http::Response::text(std::move(out), "application/rss+xml; charset=utf-8");
  response.with_header("Cache-Control", "public, max-age=60");
  return response;
}

}  // namespace

std::optional<std::string> feed_base(std::string_view segment) {
  constexpr std::string_view suffix = ".rss";
  if (segment.size() <= suffix.size() || !segment.ends_with(suffix)) return std::nullopt;
  return std::string(segment.substr(0, segment.size() - suffix.size()));
}

http::Response account_feed(App& app, const store::Account& account) {
  store::AccountStatusesFilter filter;
  filter.exclude_replies = true;
  filter.exclude_reblogs = true;
  store::PageQuery page;
  page.limit = kFeedSize;
  auto statuses = app.db->read_value([&](store::Connection& c) {
    return store::page_account_statuses(c, account.id, 0, filter, page);
  });
  Channel channel;
  channel.title = account.display_name.empty() ? account.username : account.display_name;
  channel.description = "Public posts from @" + account.username + "@" + app.domain();
  channel.link = account.url;
  channel.image = app.avatar_url(account);
  channel.feed_url = account.url + ".rss";
  return feed_response(app, channel, statuses);
}

http::Response tag_feed(App& app, const std::string& name) {
  store::TagQuery tags;
  tags.any.push_back(name);
  store::PageQuery page;
  page.limit = kFeedSize;
  auto statuses = app.db->read_value(
      [&](store::Connection& c) { return store::page_tag_timeline(c, tags, {}, {}, page); });
  Channel channel;
  channel.title = "#" + name;
  channel.description = "Public posts tagged #" + name + " on " + app.domain();
  channel.link = app.tag_url(name);
  channel.feed_url = app.tag_url(name) + ".rss";
  return feed_response(app, channel, statuses);
}

}  // namespace herd::web
