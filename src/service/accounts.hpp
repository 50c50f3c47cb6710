// Account actions: creating local accounts (admin bootstrap, registration) and profile updates.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "core/crypto.hpp"
#include "store/models.hpp"

namespace herd::service {

struct NewAccount {
  std::string username;
  std::string email;
  std::string password;
  std::string role = "user";
  bool confirmed = false;
  bool approved = true;
  std::string locale = "en";
  std::string reason;
  // A sign-up (API or web form) from the client address `ip`: the admin's IP, email domain and
  // canonical email blocks apply (service/admin_blocks.hpp); they may also require approval.
  bool sign_up = false;
  std::string ip;
};

// 422 "Validation failed: Password is too short (minimum is 8 characters)" / "... too long
// (maximum is 72 characters)"; "Validation failed: Email is invalid" for an address without the
// shape name@domain.
void validate_password(const std::string& password);
void validate_email(const std::string& email);

// The record of a new local account: its ActivityPub URLs (actor, inbox, outbox, collections)
// derived from the username, its key pair and creation time. Not stored.
store::Account local_account_record(const App& app, Id id, const std::string& username,
                                    const KeyPair& keys, std::int64_t now);

// Validates (username 1-30 of [A-Za-z0-9_], unique case-insensitively; email shape, unique;
// password 8-72 chars) and creates the account, user and RSA key pair in one transaction.
// Throws ApiError(validation) with Mastodon-like messages ("Username has already been taken").
std::pair<store::Account, store::User> create_local_account(App& app, const NewAccount& input);

// Registration through the API (POST /api/v1/accounts with an app token): creates the account
// and a user token for the registering application with its scopes.
struct Registration {
  store::Account account;
  store::User user;
  store::AccessToken token;
};
Registration register_account(App& app, const NewAccount& input, Id application_id,
                              const std::string& scopes);

// On first start creates the admin (role owner, confirmed) from config.admin_*; returns the
// generated password when one was generated (to print once), nullopt otherwise. Later starts
// find the admin and do nothing.
std::optional<std::string> bootstrap_admin(App& app);

struct ProfileUpdate {
  std::optional<std::string> display_name, note;
  std::optional<bool> locked, bot, discoverable, indexable, hide_collections;
  std::optional<std::vector<std::pair<std::string, std::string>>> fields;  // name, value (plain)
  std::optional<std::string> default_privacy, default_language;
  std::optional<bool> default_sensitive;
  std::optional<std::string> avatar, header;  // uploaded image bytes (service/profile_images.hpp)
};
// Applies the update to the viewer's own account; returns the updated account.
store::Account update_profile(App& app, Id account_id, const ProfileUpdate& update);

}  // namespace herd::service
