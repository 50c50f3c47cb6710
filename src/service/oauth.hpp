// OAuth 2 actions, with Doorkeeper's semantics as Mastodon uses them: registering an application,
// checking an authorization request, issuing a single-use authorization code, and exchanging a
// code (with PKCE S256), client credentials or a password for a bearer token; revoking a token.
//
// Token-endpoint failures are OAuthError values carrying the RFC 6749 error code
// ("invalid_grant", "invalid_client", ...) and the HTTP status the handler must answer with;
// registration failures are ApiError(validation) as for every other API call.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "service/rate_limits.hpp"
#include "store/models.hpp"

namespace herd::service {

// The out-of-band redirect URI: the code is shown to the user instead of being redirected.
inline constexpr std::string_view kOutOfBandUri = "urn:ietf:wg:oauth:2.0:oob";
// How long an authorization code can be exchanged, in milliseconds.
inline constexpr std::int64_t kGrantLifetimeMs = 10 * 60 * 1000;

class OAuthError : public std::runtime_error {
 public:
  OAuthError(int status, std::string error, std::string description)
      : std::runtime_error(description), status_(status), error_(std::move(error)) {}
  int status() const { return status_; }
  const std::string& error() const { return error_; }  // "invalid_grant", ...

 private:
  int status_;
  std::string error_;
};

// ---- pure helpers (no I/O) ----------------------------------------------------------------------

// Scopes split on spaces and '+', duplicates removed, first-seen order kept, joined by one space.
std::string normalize_scopes(std::string_view scopes);
// Redirect URIs from one string: split on newlines (CR/LF), entries trimmed, empty ones dropped.
std::vector<std::string> split_redirect_uris(std::string_view text);
// A registrable redirect URI: the out-of-band URN, or an absolute URI (scheme ":" ...) without a
// fragment, whitespace or control characters, at most 2000 bytes.
bool valid_redirect_uri(std::string_view uri);
// True when uri is exactly one of the application's registered redirect URIs.
bool redirect_uri_registered(const store::Application& app, std::string_view uri);
// PKCE S256: BASE64URL(SHA256(verifier)) == challenge (unpadded, constant-time comparison).
// Verifiers must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636); others never match.
bool pkce_s256_matches(std::string_view verifier, std::string_view challenge);

// ---- applications -------------------------------------------------------------------------------

struct NewApplication {
  std::string name;
  std::vector<std::string> redirect_uris;  // each entry may itself hold newline-separated URIs
  std::string scopes;                      // empty: "read"
  std::optional<std::string> website;
};
// Validates (name 1-60 characters; at least one valid redirect URI; known scopes; website at most
// 2000 bytes) and stores the application with a fresh client id and secret. Throws
// ApiError(validation) with Mastodon's messages.
store::Application create_application(App& app, const NewApplication& input);

// The application with these client credentials. Throws OAuthError 401 invalid_client when the
// client id is unknown or the secret does not match.
store::Application authenticate_client(App& app, std::string_view client_id,
                                       std::string_view client_secret);

// ---- authorization (the browser flow) -----------------------------------------------------------

struct AuthorizationRequest {
  std::string response_type;  // must be "code"
  std::string client_id;
  std::string redirect_uri;  // empty: the application's only redirect URI, if it has one
  std::string scope;         // empty: the application's scopes
  std::string state;
  std::string code_challenge;
  std::string code_challenge_method;
};

// A checked authorization request.
struct PreAuthorization {
  store::Application application;
  std::string redirect_uri;  // resolved
  std::string scopes;        // normalized
  std::string state;
  std::string code_challenge, code_challenge_method;
  // When set, the request is refused: with an RFC 6749 error code ("invalid_scope",
  // "unsupported_response_type", "invalid_request") that may be sent back to redirect_uri.
  std::optional<std::string> error;
  std::string error_description;
};

// Checks client_id and redirect_uri first: an unknown client or an unregistered redirect URI throws
// OAuthError(400, "invalid_client" / "invalid_redirect_uri") -- the caller must show an error page
// and never redirect. Other problems (response_type, scope not a subset of the application's,
// code_challenge_method other than S256) come back in PreAuthorization::error.
PreAuthorization check_authorization(App& app, const AuthorizationRequest& request);

// Issues a single-use authorization code for the signed-in user (valid kGrantLifetimeMs).
std::string issue_grant(App& app, const PreAuthorization& pre, Id user_id);

// ---- tokens -------------------------------------------------------------------------------------

// grant_type=authorization_code. The code must belong to the client, be unused and unexpired,
// redirect_uri must equal the one it was issued for, and when it was issued with a code_challenge
// the verifier must match it. Marks the code used. OAuthError 400 invalid_grant otherwise.
store::AccessToken exchange_code(App& app, const store::Application& client, std::string_view code,
                                 std::string_view redirect_uri,
                                 const std::optional<std::string>& code_verifier);
// grant_type=client_credentials: an application token without user. Scope defaults to the
// application's scopes; OAuthError 400 invalid_scope when not a subset of them.
store::AccessToken client_credentials_token(App& app, const store::Application& client,
                                            std::string_view scope);
// grant_type=password (only when config.password_grant; otherwise OAuthError 400
// unsupported_grant_type). username is the user's email or username. OAuthError 400
// invalid_grant for wrong credentials, a user who may not sign in (disabled, not approved) or one
// with two-factor authentication (as Mastodon);
// 429 (RateLimited) when sign-in attempts from client_ip or for the account are throttled.
store::AccessToken password_token(App& app, const store::Application& client,
                                  std::string_view username, std::string_view password,
                                  std::string_view scope, std::string_view client_ip);
// RFC 7009: revokes the token when it belongs to the client; unknown tokens are not an error.
void revoke_token(App& app, const store::Application& client, std::string_view token);

// ---- users signing in ---------------------------------------------------------------------------

// unconfirmed: the right password, but the email address was never confirmed (only while mail
// is enabled: without it accounts are created confirmed).
enum class SignInResult { ok, bad_credentials, pending_approval, disabled, throttled, unconfirmed };
struct SignInAttempt {
  SignInResult result = SignInResult::bad_credentials;
  std::optional<store::User> user;
  RateOutcome throttle;  // when throttled: the limit that refused, Retry-After
};
// Checks a local user's credentials: login is an email address or a username. Runs argon2id
// (~64 MiB, tens of milliseconds) even when the login is unknown, so timing does not reveal which
// accounts exist. With rate limits on, the attempt is first counted per client_ip and per account
// (service/rate_limits.hpp); a throttled attempt never checks the password.
SignInAttempt check_credentials(App& app, std::string_view login, std::string_view password,
                                std::string_view client_ip);

}  // namespace herd::service
