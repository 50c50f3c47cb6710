#include "api/auth.hpp"

#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "api/admin.hpp"
#include "api/generation_memo.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "service/admin_blocks.hpp"
#include "store/accounts.hpp"
#include "store/invalidation.hpp"
#include "store/oauth.hpp"
#include "store/token_holders.hpp"

namespace herd::api {

namespace {

std::vector<std::string_view> split_scopes(std::string_view scopes) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < scopes.size()) {
    while (pos < scopes.size() && (scopes[pos] == ' ' || scopes[pos] == '+')) ++pos;
    size_t end = pos;
    while (end < scopes.size() && scopes[end] != ' ' && scopes[end] != '+') ++end;
    if (end > pos) out.push_back(scopes.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

bool covers(std::string_view granted, std::string_view needed) {
  if (granted == needed) return true;
  // read covers read:x, admin:read covers admin:read:x
  if (needed.size() > granted.size() && needed.compare(0, granted.size(), granted) == 0 &&
      needed[granted.size()] == ':')
    return true;
  if (granted == "follow") {
    return needed == "read:follows" || needed == "write:follows" || needed == "read:blocks" ||
           needed == "write:blocks" || needed == "read:mutes" || needed == "write:mutes";
  }
  return false;
}

const std::set<std::string, std::less<>>& known_scopes() {
  // clang-format off
  static const std::set<std::string, std::less<>> scopes = {
      "read", "write", "follow", "push", "profile", "admin:read", "admin:write",
      "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters",
      "read:follows", "read:lists", "read:mutes", "read:notifications", "read:search",
      "read:statuses", "write:accounts", "write:blocks", "write:bookmarks", "write:conversations",
      "write:favourites", "write:filters", "write:follows", "write:lists", "write:media",
      "write:mutes", "write:notifications", "write:reports", "write:statuses",
      "admin:read:accounts", "admin:write:accounts", "admin:read:reports", "admin:write:reports",
      "admin:read:domain_blocks", "admin:write:domain_blocks", "admin:read:ip_blocks",
      "admin:write:ip_blocks", "admin:read:email_domain_blocks", "admin:write:email_domain_blocks",
      "admin:read:canonical_email_blocks", "admin:write:canonical_email_blocks",
      "admin:read:domain_allows", "admin:write:domain_allows"};
  // clang-format on
  return scopes;
}

std::string bearer_token(const http::Request& request) {
  std::string_view header = request.header("authorization");
  if (header.size() > 7 && (header.substr(0, 7) == "Bearer " || header.substr(0, 7) == "bearer "))
    return std::string(header.substr(7));
  if (auto token = http::param_string(request.params, "access_token")) return *token;
  return "";
}

}  // namespace

bool scope_allows(std::string_view granted_scopes, std::string_view needed) {
  for (auto granted : split_scopes(granted_scopes))
    if (covers(granted, needed)) return true;
  return false;
}

bool scopes_valid(std::string_view requested) {
  auto scopes = split_scopes(requested);
  if (scopes.empty()) return false;
  for (auto scope : scopes)
    if (!known_scopes().count(scope)) return false;
  return true;
}

bool scopes_subset(std::string_view requested, std::string_view allowed) {
  for (auto scope : split_scopes(requested))
    if (!scope_allows(allowed, scope)) return false;
  return true;
}

namespace {

// The holders of recently used tokens, for the database generation they were read at: any
// committed write that may change one (a revoked token, a suspension, a profile edit) moves the
// generation, and then every entry is read again. Writes that leave the generation alone
// (store/invalidation.hpp, rate-limit counters, job bookkeeping) change no token, user or account.
// Up to 256 (each holds an account, keys included).
using TokenHolders = GenerationMemo<std::string, store::TokenHolder>;

TokenHolders& token_holders() {
  static TokenHolders holders(256);
  return holders;
}

}  // namespace

Viewer authenticate(App& app, const http::Request& request) {
  Viewer viewer;
  std::string token = bearer_token(request);
  if (token.empty()) return viewer;
  std::uint64_t generation = app.db->generation();  // before reading (database.hpp)
  auto holder = token_holders().get(app.db.get(), token, generation);
  if (!holder) {
    holder = app.db->read_value(
        [&](store::Connection& c) { return store::find_token_holder(c, token); });
    if (holder) token_holders().put(app.db.get(), token, generation, *holder);
  }
  if (!holder) fail(ErrorKind::unauthorized, "The access token is invalid");
  viewer.token = std::move(holder->token);
  viewer.user = std::move(holder->user);
  viewer.account = std::move(holder->account);
  if (viewer.account) {
    service::note_account_activity(app, viewer.account->id);
    // A cached response computed for this account (store/invalidation.hpp).
    store::Dependencies::note(store::tags::viewer(viewer.account->id));
  }
  return viewer;
}

static void check_scope(const Viewer& viewer, std::string_view scope) {
  if (!scope.empty() && !scope_allows(viewer.token->scopes, scope))
    fail(ErrorKind::forbidden, "This action is outside the authorized scopes");
}

Viewer require_user(App& app, const http::Request& request, std::string_view scope) {
  Viewer viewer = authenticate(app, request);
  if (!viewer.token) fail(ErrorKind::unauthorized, "The access token is invalid");
  if (!viewer.account) fail(ErrorKind::validation, "This method requires an authenticated user");
  check_scope(viewer, scope);
  if (!viewer.user->confirmed)
    fail(ErrorKind::forbidden, "Your login is missing a confirmed e-mail address");
  if (viewer.user->disabled) fail(ErrorKind::forbidden, "Your login is currently disabled");
  if (!viewer.user->approved)
    fail(ErrorKind::forbidden, "Your login is currently pending approval");
  if (viewer.account->suspended) fail(ErrorKind::forbidden, "Your login is currently disabled");
  return viewer;
}

Viewer require_staff(App& app, const http::Request& request, std::string_view scope) {
  Viewer viewer = require_user(app, request, scope);
  const std::string& role = viewer.user->role;
  if (role != "moderator" && role != "admin" && role != "owner")
    fail(ErrorKind::forbidden, "This action is not allowed");
  return viewer;
}

Viewer require_admin(App& app, const http::Request& request, std::string_view scope) {
  Viewer viewer = require_user(app, request, scope);
  const std::string& role = viewer.user->role;
  if (role != "admin" && role != "owner") fail(ErrorKind::forbidden, "This action is not allowed");
  return viewer;
}

Viewer optional_user(App& app, const http::Request& request, std::string_view scope) {
  Viewer viewer = authenticate(app, request);
  if (viewer.account) check_scope(viewer, scope);
  return viewer;
}

Viewer require_token(App& app, const http::Request& request, std::string_view scope) {
  Viewer viewer = authenticate(app, request);
  if (!viewer.token) fail(ErrorKind::unauthorized, "The access token is invalid");
  check_scope(viewer, scope);
  return viewer;
}

}  // namespace herd::api
