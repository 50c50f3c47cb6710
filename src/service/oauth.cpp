#include "service/oauth.hpp"

#include <algorithm>
#include <cctype>

#include "api/auth.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/two_factor.hpp"
#include "store/accounts.hpp"
#include "store/oauth.hpp"
#include "store/web_push.hpp"

namespace herd::service {

namespace {

constexpr const char* kInvalidGrant =
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client.";
constexpr const char* kInvalidClient =
    "Client authentication failed due to unknown client, no client authentication included, or "
    "unsupported authentication method.";
constexpr const char* kInvalidScope = "The requested scope is invalid, unknown, or malformed.";
constexpr const char* kInvalidRedirect = "The redirect uri included is not valid.";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

bool unreserved(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' || ch == '_' ||
         ch == '~';
}

// Requested scopes (empty: all of the application's), normalized; throws invalid_scope unless
// every one is known and covered by the application's registration.
std::string granted_scopes(const store::Application& client, std::string_view requested) {
  std::string scopes = normalize_scopes(requested);
  if (scopes.empty()) return normalize_scopes(client.scopes);
  if (!api::scopes_valid(scopes) || !api::scopes_subset(scopes, client.scopes))
    throw OAuthError(400, "invalid_scope", kInvalidScope);
  return scopes;
}

store::AccessToken new_token(Id application_id, std::optional<Id> user_id, std::string scopes) {
  store::AccessToken token;
  token.id = next_id();
  token.token = random_token(32);
  token.application_id = application_id;
  token.user_id = user_id;
  token.scopes = std::move(scopes);
  token.created_at = now_unix_ms();
  return token;
}

// A user who may hold a token now (checked again at exchange time).
bool may_sign_in(store::Connection& c, const store::User& user) {
  if (user.disabled || !user.approved) return false;
  auto account = store::find_account(c, user.account_id);
  return account && !account->suspended;
}

}  // namespace

// ---- pure helpers -------------------------------------------------------------------------------

std::string normalize_scopes(std::string_view scopes) {
  std::vector<std::string_view> seen;
  std::string out;
  size_t pos = 0;
  auto separator = [](char ch) {
    return ch == ' ' || ch == '+' || ch == '\t' || ch == '\n' || ch == '\r';
  };
  while (pos < scopes.size()) {
    while (pos < scopes.size() && separator(scopes[pos])) ++pos;
    size_t end = pos;
    while (end < scopes.size() && !separator(scopes[end])) ++end;
    if (end > pos) {
      std::string_view scope = scopes.substr(pos, end - pos);
      if (std::find(seen.begin(), seen.end(), scope) == seen.end()) {
        seen.push_back(scope);
        if (!out.empty()) out += ' ';
        out += scope;
      }
    }
    pos = end;
  }
  return out;
}

std::vector<std::string> split_redirect_uris(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = trim(text.substr(pos, end - pos));
    if (!entry.empty()) out.emplace_back(entry);
    pos = end + 1;
  }
  return out;
}

bool valid_redirect_uri(std::string_view uri) {
  if (uri == kOutOfBandUri) return true;
  if (uri.empty() || uri.size() > 2000) return false;
  for (char ch : uri) {
    auto u = static_cast<unsigned char>(ch);
    if (u <= 0x20 || u == 0x7f || ch == '#') return false;
  }
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == uri.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    char ch = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-' && ch != '.')
      return false;
  }
  std::string scheme(uri.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  if (scheme == "http" || scheme == "https") {
    std::string_view rest = uri.substr(colon + 1);
    if (rest.substr(0, 2) != "//") return false;
    std::string_view authority = rest.substr(2, rest.find_first_of("/?", 2) - 2);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  }
  if (scheme == "javascript" || scheme == "data" || scheme == "vbscript") return false;
  return true;
}

bool redirect_uri_registered(const store::Application& app, std::string_view uri) {
  if (uri.empty()) return false;
  for (const auto& registered : split_redirect_uris(app.redirect_uris))
    if (registered == uri) return true;
  return false;
}

bool pkce_s256_matches(std::string_view verifier, std::string_view challenge) {
  if (verifier.size() < 43 || verifier.size() > 128 || challenge.empty()) return false;
  if (!std::all_of(verifier.begin(), verifier.end(), unreserved)) return false;
  return secure_equals(base64url_encode(sha256_raw(verifier)), challenge);
}

// ---- applications -------------------------------------------------------------------------------

store::Application create_application(App& app, const NewApplication& input) {
  std::string_view name = trim(input.name);
  if (name.empty())
    fail(ErrorKind::validation, "Validation failed: Application name can't be blank");
  if (code_points(name) > 60)
    fail(ErrorKind::validation,
         "Validation failed: Application name is too long (maximum is 60 characters)");
  std::vector<std::string> uris;
  for (const auto& entry : input.redirect_uris)
    for (auto& uri : split_redirect_uris(entry))
      if (std::find(uris.begin(), uris.end(), uri) == uris.end()) uris.push_back(std::move(uri));
  if (uris.empty()) fail(ErrorKind::validation, "Validation failed: Redirect URI can't be blank");
  for (const auto& uri : uris)
    if (!valid_redirect_uri(uri))
      fail(ErrorKind::validation, "Validation failed: Redirect URI must be an absolute URI.");
  std::string scopes = normalize_scopes(input.scopes);
  if (scopes.empty()) scopes = "read";
  if (!api::scopes_valid(scopes))
    fail(ErrorKind::validation,
         "Validation failed: Scopes doesn't match configured on the server.");
  std::optional<std::string> website;
  if (input.website && !trim(*input.website).empty()) {
    std::string_view site = trim(*input.website);
    if (site.size() > 2000 || !(site.rfind("http://", 0) == 0 || site.rfind("https://", 0) == 0))
      fail(ErrorKind::validation, "Validation failed: Application website is invalid");
    website = std::string(site);
  }

  store::Application application;
  application.id = next_id();
  application.name = std::string(name);
  application.website = website;
  for (const auto& uri : uris)
    application.redirect_uris += (application.redirect_uris.empty() ? "" : "\n") + uri;
  application.scopes = scopes;
  application.client_id = random_token(32);
  application.client_secret = random_token(32);
  application.created_at = now_unix_ms();
  app.db->write([&](store::Connection& c) { store::insert_application(c, application); });
  return application;
}

store::Application authenticate_client(App& app, std::string_view client_id,
                                       std::string_view client_secret) {
  if (client_id.empty() || client_secret.empty())
    throw OAuthError(401, "invalid_client", kInvalidClient);
  auto client = app.db->read_value(
      [&](store::Connection& c) { return store::find_application_by_client_id(c, client_id); });
  if (!client || !secure_equals(client->client_secret, client_secret))
    throw OAuthError(401, "invalid_client", kInvalidClient);
  return *client;
}

// ---- authorization ------------------------------------------------------------------------------

PreAuthorization check_authorization(App& app, const AuthorizationRequest& request) {
  auto client =
      request.client_id.empty() ? std::nullopt : app.db->read_value([&](store::Connection& c) {
        return store::find_application_by_client_id(c, request.client_id);
      });
  if (!client) throw OAuthError(400, "invalid_client", kInvalidClient);
  PreAuthorization pre;
  pre.application = *client;
  pre.redirect_uri = request.redirect_uri;
  if (pre.redirect_uri.empty()) {
    auto registered = split_redirect_uris(client->redirect_uris);
    if (registered.size() == 1) pre.redirect_uri = registered.front();
  }
  if (!redirect_uri_registered(*client, pre.redirect_uri))
    throw OAuthError(400, "invalid_redirect_uri", kInvalidRedirect);
  pre.state = request.state;

  auto refuse = [&](std::string error, std::string description) {
    pre.error = std::move(error);
    pre.error_description = std::move(description);
    return pre;
  };
  if (request.response_type != "code")
    return refuse("unsupported_response_type",
                  "The authorization server does not support this response type.");
  try {
    pre.scopes = granted_scopes(*client, request.scope);
  } catch (const OAuthError& error) {
    return refuse(error.error(), error.what());
  }
  if (!request.code_challenge.empty()) {
    if (request.code_challenge_method != "S256")
      return refuse("invalid_request", "The code challenge method must be S256.");
    if (request.code_challenge.size() < 43 || request.code_challenge.size() > 128 ||
        !std::all_of(request.code_challenge.begin(), request.code_challenge.end(), unreserved))
      return refuse("invalid_request", "The code challenge is malformed.");
    pre.code_challenge = request.code_challenge;
    pre.code_challenge_method = "S256";
  }
  return pre;
}

std::string issue_grant(App& app, const PreAuthorization& pre, Id user_id) {
  if (pre.error) fail(ErrorKind::bad_request, pre.error_description);
  store::AccessGrant grant;
  grant.id = next_id();
  grant.code = random_token(32);
  grant.application_id = pre.application.id;
  grant.user_id = user_id;
  grant.redirect_uri = pre.redirect_uri;
  grant.scopes = pre.scopes;
  if (!pre.code_challenge.empty()) {
    grant.code_challenge = pre.code_challenge;
    grant.code_challenge_method = pre.code_challenge_method;
  }
  grant.expires_at = now_unix_ms() + kGrantLifetimeMs;
  app.db->write([&](store::Connection& c) { store::insert_grant(c, grant); });
  return grant.code;
}

// ---- tokens -------------------------------------------------------------------------------------

store::AccessToken exchange_code(App& app, const store::Application& client, std::string_view code,
                                 std::string_view redirect_uri,
                                 const std::optional<std::string>& code_verifier) {
  if (code.empty()) throw OAuthError(400, "invalid_request", "The code parameter is missing.");
  store::AccessToken token;
  app.db->write([&](store::Connection& c) {
    auto grant = store::find_grant(c, code);
    if (!grant || grant->application_id != client.id || grant->used ||
        grant->expires_at < now_unix_ms() || grant->redirect_uri != redirect_uri)
      throw OAuthError(400, "invalid_grant", kInvalidGrant);
    if (grant->code_challenge && !grant->code_challenge->empty() &&
        !(code_verifier && pkce_s256_matches(*code_verifier, *grant->code_challenge)))
      throw OAuthError(400, "invalid_grant", kInvalidGrant);
    auto user = store::find_user(c, grant->user_id);
    if (!user || !may_sign_in(c, *user)) throw OAuthError(400, "invalid_grant", kInvalidGrant);
    if (!store::use_grant(c, grant->id)) throw OAuthError(400, "invalid_grant", kInvalidGrant);
    token = new_token(client.id, user->id, grant->scopes);
    store::insert_token(c, token);
  });
  return token;
}

store::AccessToken client_credentials_token(App& app, const store::Application& client,
                                            std::string_view scope) {
  store::AccessToken token = new_token(client.id, std::nullopt, granted_scopes(client, scope));
  app.db->write([&](store::Connection& c) { store::insert_token(c, token); });
  return token;
}

store::AccessToken password_token(App& app, const store::Application& client,
                                  std::string_view username, std::string_view password,
                                  std::string_view scope, std::string_view client_ip) {
  if (!app.config.password_grant)
    throw OAuthError(400, "unsupported_grant_type",
                     "The authorization grant type is not supported by the authorization server.");
  std::string scopes = granted_scopes(client, scope);
  if (username.empty() || password.empty()) throw OAuthError(400, "invalid_grant", kInvalidGrant);
  SignInAttempt attempt = check_credentials(app, username, password, client_ip);
  if (attempt.result == SignInResult::throttled) throw RateLimited(attempt.throttle);
  // An unconfirmed user gets a token, as from registration; the API then answers 403 "Your
  // login is missing a confirmed e-mail address" until the address is confirmed.
  if (attempt.result != SignInResult::ok && attempt.result != SignInResult::unconfirmed)
    throw OAuthError(400, "invalid_grant", kInvalidGrant);
  // As Mastodon: the password grant has no place for a code, so two-factor accounts use the
  // authorization code flow.
  if (two_factor_enabled(app, attempt.user->id))
    throw OAuthError(400, "invalid_grant", kInvalidGrant);
  store::AccessToken token = new_token(client.id, attempt.user->id, scopes);
  app.db->write([&](store::Connection& c) { store::insert_token(c, token); });
  return token;
}

void revoke_token(App& app, const store::Application& client, std::string_view token) {
  if (token.empty()) return;
  app.db->write([&](store::Connection& c) {
    store::delete_web_push_subscription_of_token_value(c, token, client.id);
    store::revoke_token(c, token, client.id, now_unix_ms());
  });
}

// ---- signing in ---------------------------------------------------------------------------------

namespace {
std::string lowercase_login(std::string_view name) {
  std::string out(name);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// What the password of an unknown login is checked against, so that it takes as long as a known
// one's. Made when first needed, never before an attempt's throttle is checked: made first, it cost
// each process's first attempt a hash (a second on a busy machine), and the throttle then looked at
// a later time (a sign-in right after three failures got through on a second process).
const std::string& dummy_hash() {
  static const std::string hash = hash_password(random_password(24));
  return hash;
}
}  // namespace

SignInAttempt check_credentials(App& app, std::string_view login, std::string_view password,
                                std::string_view client_ip) {
  std::string_view name = trim(login);
  if (!name.empty() && name.front() == '@') name.remove_prefix(1);
  SignInAttempt attempt;
  std::optional<store::User> user;
  bool allowed = false;
  bool suspended = false;
  app.db->read([&](store::Connection& c) {
    if (name.empty()) return;
    user = store::find_user_by_email(c, name);
    if (!user && name.find('@') == std::string_view::npos) {
      if (auto account = store::find_account_by_username(c, name, ""))
        user = store::find_user_by_account(c, account->id);
    }
    if (user) {
      auto account = store::find_account(c, user->account_id);
      suspended = !account || account->suspended;
    }
  });
  std::string login_key;
  if (app.rate_limiter) {
    login_key =
        user ? "account:" + std::to_string(user->account_id) : "login:" + lowercase_login(name);
    attempt.throttle = app.rate_limiter->sign_in_attempt(client_ip, login_key, now_unix_ms());
    if (!attempt.throttle.allowed) {
      attempt.result = SignInResult::throttled;
      log::info("sign-in attempt for {} from {} throttled", login_key, client_ip);
      return attempt;
    }
  }
  allowed = verify_password(password, user ? user->password_hash : dummy_hash()) && user;
  if (app.rate_limiter) app.rate_limiter->sign_in_result(login_key, allowed, now_unix_ms());
  if (!allowed) return attempt;
  attempt.user = user;
  if (user->disabled || suspended)
    attempt.result = SignInResult::disabled;
  else if (!user->confirmed)
    attempt.result = SignInResult::unconfirmed;
  else if (!user->approved)
    attempt.result = SignInResult::pending_approval;
  else
    attempt.result = SignInResult::ok;
  return attempt;
}

}  // namespace herd::service
