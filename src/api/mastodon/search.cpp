// GET /api/v2/search: accounts (username, acct or profile URL, display name; the bio of
// discoverable accounts as Mastodon's full-text search has it), hashtags (prefix) and statuses (by
// URL, or full-text with Mastodon's operators and scope: service/search.hpp).
#include "store/search.hpp"

#include <algorithm>
#include <sstream>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "federation/inbox.hpp"
#include "http/params.hpp"
#include "service/search.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::api {

namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool is_url(const std::string& q) {
  return q.rfind("https://", 0) == 0 || q.rfind("http://", 0) == 0;
}

// Mastodon's full-text account search (/api/v2/search with its search server) also finds
// discoverable accounts by their bio: every word of the query in the note's text. Appends such
// accounts, after the name matches in `found`, until `wanted` are found.
void add_bio_matches(store::Connection& c, const std::string& q, std::size_t wanted,
                     std::vector<store::Account>& found) {
  if (found.size() >= wanted) return;
  std::vector<std::string> words;
  std::istringstream in(lower(q));
  for (std::string word; in >> word;) words.push_back(word);
  std::vector<Id> ids;
  for (const auto& [id, note] :
       store::search_account_notes(c, words, static_cast<int>(wanted) + 20)) {
    if (found.size() + ids.size() >= wanted) break;
    bool known = std::any_of(found.begin(), found.end(),
                             [&, id = id](const store::Account& a) { return a.id == id; });
    std::string text = lower(text::strip_html(note));
    if (!known && std::all_of(words.begin(), words.end(), [&](const std::string& word) {
          return text.find(word) != std::string::npos;
        }))
      ids.push_back(id);
  }
  auto accounts = store::find_accounts(c, ids);
  for (Id id : ids)
    for (auto& account : accounts)
      if (account.id == id) found.push_back(std::move(account));
}

json::array search_accounts(App& app, store::Connection& c, const Viewer& viewer, std::string q,
                            bool following, int limit, int offset) {
  json::array out;
  if (is_url(q)) {
    if (auto account = store::find_account_by_uri(c, q)) out.push_back(account_json(app, *account));
    return out;
  }
  if (!q.empty() && q[0] == '@') q = q.substr(1);
  std::string username = q, domain;
  if (size_t at = q.find('@'); at != std::string::npos) {
    username = q.substr(0, at);
    domain = lower(q.substr(at + 1));
    if (domain == lower(app.domain())) domain.clear();
  }
  if (username.empty()) return out;
  std::vector<store::Account> found;
  if (auto exact = store::find_account_by_username(c, username, domain); exact && !exact->suspended)
    found.push_back(*exact);
  if (domain.empty() || found.empty()) {
    for (auto& account : store::search_accounts(c, username, limit + offset + 1, 0)) {
      if (!found.empty() && account.id == found.front().id) continue;
      if (!domain.empty() && account.domain != domain) continue;
      found.push_back(std::move(account));
    }
  }
  if (q.find('@') == std::string::npos)
    add_bio_matches(c, q, static_cast<std::size_t>(limit + offset + 1), found);
  int skipped = 0;
  for (const auto& account : found) {
    if (skipped++ < offset) continue;
    if (static_cast<int>(out.size()) >= limit) break;
    if (following && !store::is_following(c, viewer.account_id(), account.id)) continue;
    if (viewer.signed_in() && store::blocked_either_way(c, viewer.account_id(), account.id))
      continue;
    out.push_back(account_json(app, account));
  }
  return out;
}

json::array search_hashtags(App& app, store::Connection& c, std::string q, int limit, int offset,
                            Id viewer) {
  json::array out;
  if (!q.empty() && q[0] == '#') q = q.substr(1);
  if (q.empty() || is_url(q) || q.find(' ') != std::string::npos) return out;
  for (const auto& tag : store::search_tags(c, lower(q), limit, offset))
    out.push_back(tag_json(app, c, tag, viewer));
  return out;
}

json::array search_statuses(App& app, store::Connection& c, const Viewer& viewer,
                            const std::string& q, const service::StatusSearchRequest& request) {
  std::vector<store::Status> statuses;
  if (is_url(q)) {
    for (auto& status : store::find_statuses_by_url(c, q))
      if (service::can_see(c, viewer.account_id(), status)) statuses.push_back(std::move(status));
  } else if (viewer.signed_in()) {  // full-text search is for signed-in users, as in Mastodon
    auto ids = service::search_status_ids(c, app, request);
    auto found = store::find_statuses(c, ids);
    for (Id id : ids)
      for (auto& status : found)
        if (status.id == id && service::can_see(c, viewer.account_id(), status))
          statuses.push_back(status);
  }
  return StatusRenderer(app, c, viewer.account_id()).render(statuses);
}

http::Response search(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:search");
  auto& p = request.params;
  std::string q = http::param_string(p, "q").value_or("");
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.back()))) q.pop_back();
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.front()))) q.erase(0, 1);
  std::string type = http::param_string(p, "type").value_or("");
  if (!type.empty() && type != "accounts" && type != "hashtags" && type != "statuses")
    fail(ErrorKind::bad_request, "type must be accounts, hashtags or statuses");
  int limit =
      static_cast<int>(std::clamp<std::int64_t>(http::param_int(p, "limit").value_or(20), 1, 40));
  int offset =
      static_cast<int>(std::max<std::int64_t>(0, http::param_int(p, "offset").value_or(0)));
  if (offset > 0 && !viewer.signed_in()) offset = 0;  // as Mastodon: no paging for anonymous
  bool following = http::param_bool(p, "following").value_or(false);
  service::StatusSearchRequest statuses_request;
  statuses_request.viewer = viewer.account_id();
  statuses_request.q = q;
  auto id_param = [&](const char* name) -> std::optional<Id> {
    auto text = http::param_string(p, name);
    return text ? parse_id(*text) : std::nullopt;
  };
  statuses_request.account_id = id_param("account_id");
  statuses_request.max_id = id_param("max_id");
  statuses_request.min_id = id_param("min_id");
  statuses_request.limit = limit;
  statuses_request.offset = offset;
  json::object result{
      {"accounts", json::array()}, {"statuses", json::array()}, {"hashtags", json::array()}};
  if (q.empty()) return http::Response::json(result);
  if (viewer.signed_in() && http::param_bool(p, "resolve").value_or(false))
    federation::resolve_for_search(app, q);  // WebFinger / fetch remote accounts and posts
  app.db->read([&](store::Connection& c) {
    if (type.empty() || type == "accounts")
      result["accounts"] = search_accounts(app, c, viewer, q, following, limit, offset);
    if (type.empty() || type == "hashtags")
      result["hashtags"] = search_hashtags(app, c, q, limit, offset, viewer.account_id());
    if (type.empty() || type == "statuses")
      result["statuses"] = search_statuses(app, c, viewer, q, statuses_request);
  });
  return http::Response::json(result);
}

}  // namespace

void add_search_routes(http::Router& router, App& app) {
  router.get("/api/v2/search", [&app](http::Request& request) { return search(app, request); });
}

}  // namespace herd::api
