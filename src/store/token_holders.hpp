// Who holds an access token, in one query (what authenticating a request needs).
#pragma once
#include <optional>
#include <string_view>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct TokenHolder {
  AccessToken token;
  std::optional<User> user;        // none for an application's own token
  std::optional<Account> account;  // the user's account
};

// The token when it exists and is not revoked, with its user and the user's account (one query:
// the token, users and accounts joined).
std::optional<TokenHolder> find_token_holder(Connection& c, std::string_view token);

}  // namespace herd::store
