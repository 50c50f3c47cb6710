// Bearer-token authentication and OAuth scope checks for API handlers.
//
// Scopes follow Mastodon: "read", "write", "follow", "push", "profile" and granular ones such as
// "read:statuses" or "write:favourites". A granted "read" covers every "read:*"; "follow" covers
// read/write of follows, blocks and mutes; "profile" only covers verify_credentials.
#pragma once
#include <optional>
#include <string_view>

#include "app.hpp"
#include "http/request.hpp"
#include "store/models.hpp"

namespace herd::api {

struct Viewer {
  std::optional<store::AccessToken> token;
  std::optional<store::User> user;
  std::optional<store::Account> account;  // set when the token belongs to a user
  bool signed_in() const { return account.has_value(); }
  Id account_id() const { return account ? account->id : 0; }
};

bool scope_allows(std::string_view granted_scopes, std::string_view needed);
// True when every scope in `requested` (space separated) is a known scope.
bool scopes_valid(std::string_view requested);
// True when every requested scope is covered by the allowed list (app registration).
bool scopes_subset(std::string_view requested, std::string_view allowed);

// The viewer behind the Authorization header (or access_token parameter). No token: an anonymous
// viewer. A token that is unknown or revoked: 401 "The access token is invalid".
Viewer authenticate(App& app, const http::Request& request);
// Requires a user token with `scope`: 401 without a valid token (or for an app-only token),
// 403 "This action is outside the authorized scopes" when the scope is missing, 403 when the
// email address is unconfirmed ("Your login is missing a confirmed e-mail address"), the
// account disabled or not yet approved.
Viewer require_user(App& app, const http::Request& request, std::string_view scope);
// require_user() for staff (moderator, admin, owner): 403 "This action is not allowed" otherwise.
Viewer require_staff(App& app, const http::Request& request, std::string_view scope);
// Like authenticate(), but when a user token is present it must carry `scope` (403 otherwise).
Viewer optional_user(App& app, const http::Request& request, std::string_view scope);
// Requires any valid token (app or user) with `scope`.
Viewer require_token(App& app, const http::Request& request, std::string_view scope);

}  // namespace herd::api
