// OAuth rules: PKCE S256, redirect URI registration and matching, scope normalisation and subsets,
// and the whole code flow against an in-memory SQLite database.
#include "service/oauth.hpp"

#include <gtest/gtest.h>

#include "api/auth.hpp"
#include "core/error.hpp"
#include "service/accounts.hpp"
#include "store/oauth.hpp"

namespace herd {
namespace {

using service::OAuthError;

// ---- PKCE ---------------------------------------------------------------------------------------

TEST(Pkce, MatchesTheRfc7636Example) {
  EXPECT_TRUE(service::pkce_s256_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                                         "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
}

TEST(Pkce, RefusesWrongOrMalformedVerifiers) {
  const std::string challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  EXPECT_FALSE(
      service::pkce_s256_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK", challenge));
  EXPECT_FALSE(service::pkce_s256_matches("", challenge));
  // The challenge itself used as a verifier ("plain") does not pass.
  EXPECT_FALSE(service::pkce_s256_matches(challenge, challenge));
  EXPECT_FALSE(service::pkce_s256_matches("short", challenge));
  EXPECT_FALSE(service::pkce_s256_matches(std::string(129, 'a'), challenge));
  EXPECT_FALSE(service::pkce_s256_matches(std::string(43, '/'), challenge));
  EXPECT_FALSE(service::pkce_s256_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ""));
  // Padded base64 of the right digest is not the unpadded form the RFC requires.
  EXPECT_FALSE(
      service::pkce_s256_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", challenge + "="));
}

// ---- redirect URIs ------------------------------------------------------------------------------

TEST(RedirectUris, SplitOnNewlinesAndTrim) {
  EXPECT_EQ(service::split_redirect_uris("urn:ietf:wg:oauth:2.0:oob"),
            std::vector<std::string>{"urn:ietf:wg:oauth:2.0:oob"});
  EXPECT_EQ(service::split_redirect_uris(" https://a.example/cb \r\n\nhttps://b.example/cb\n"),
            (std::vector<std::string>{"https://a.example/cb", "https://b.example/cb"}));
  EXPECT_TRUE(service::split_redirect_uris(" \n ").empty());
}

TEST(RedirectUris, Validity) {
  EXPECT_TRUE(service::valid_redirect_uri("urn:ietf:wg:oauth:2.0:oob"));
  EXPECT_TRUE(service::valid_redirect_uri("https://app.example/callback?x=1"));
  EXPECT_TRUE(service::valid_redirect_uri("http://127.0.0.1:9/cb"));
  EXPECT_TRUE(service::valid_redirect_uri("com.example.app:/oauth"));
  EXPECT_TRUE(service::valid_redirect_uri("myapp://callback"));
  EXPECT_FALSE(service::valid_redirect_uri(""));
  EXPECT_FALSE(service::valid_redirect_uri("/relative/path"));
  EXPECT_FALSE(service::valid_redirect_uri("app.example/cb"));
  EXPECT_FALSE(service::valid_redirect_uri("https://app.example/cb#fragment"));
  EXPECT_FALSE(service::valid_redirect_uri("https://app.example/a b"));
  EXPECT_FALSE(service::valid_redirect_uri("https:///nohost"));
  EXPECT_FALSE(service::valid_redirect_uri("https://user@evil.example/"));
  EXPECT_FALSE(service::valid_redirect_uri("javascript:alert(1)"));
  EXPECT_FALSE(service::valid_redirect_uri("JavaScript:alert(1)"));
  EXPECT_FALSE(service::valid_redirect_uri("data:text/html,x"));
  EXPECT_FALSE(service::valid_redirect_uri("1http://x"));
  EXPECT_FALSE(service::valid_redirect_uri("https://a.example/" + std::string(2000, 'a')));
}

TEST(RedirectUris, MatchingIsExact) {
  store::Application app;
  app.redirect_uris = "https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob";
  EXPECT_TRUE(service::redirect_uri_registered(app, "https://app.example/cb"));
  EXPECT_TRUE(service::redirect_uri_registered(app, "urn:ietf:wg:oauth:2.0:oob"));
  EXPECT_FALSE(service::redirect_uri_registered(app, "https://app.example/cb/"));
  EXPECT_FALSE(service::redirect_uri_registered(app, "https://app.example/cb?x=1"));
  EXPECT_FALSE(service::redirect_uri_registered(app, "https://app.example/c"));
  EXPECT_FALSE(service::redirect_uri_registered(app, "https://APP.example/cb"));
  EXPECT_FALSE(service::redirect_uri_registered(app, "https://evil.example/cb"));
  EXPECT_FALSE(service::redirect_uri_registered(app, ""));
}

// ---- scopes -------------------------------------------------------------------------------------

TEST(Scopes, Normalize) {
  EXPECT_EQ(service::normalize_scopes("read+write  follow read"), "read write follow");
  EXPECT_EQ(service::normalize_scopes(""), "");
  EXPECT_EQ(service::normalize_scopes(" + "), "");
  EXPECT_EQ(service::normalize_scopes("read:statuses\twrite"), "read:statuses write");
}

TEST(Scopes, SubsetOfTheRegistration) {
  EXPECT_TRUE(api::scopes_subset("read write", "read write follow push"));
  EXPECT_TRUE(api::scopes_subset("read:statuses", "read"));
  EXPECT_TRUE(api::scopes_subset("read:follows write:blocks", "follow"));
  EXPECT_FALSE(api::scopes_subset("read write", "read"));
  EXPECT_FALSE(api::scopes_subset("admin:write", "read write follow push"));
  EXPECT_FALSE(api::scopes_subset("read", "read:statuses"));
  EXPECT_TRUE(api::scopes_valid("read write follow push"));
  EXPECT_FALSE(api::scopes_valid("read wrte"));
}

// ---- the whole flow against SQLite --------------------------------------------------------------

class OAuthFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    app.config.local_domain = "example.test";
    app.config.local_https = false;
    app.config.password_grant = true;
    app.set_base_url();
    app.db = store::open_database("sqlite://:memory:", 1);
    store::migrate(*app.db);
    service::NewAccount input;
    input.username = "alice";
    input.email = "alice@example.test";
    input.password = "correct horse";
    user = service::create_local_account(app, input).second;
  }

  store::Application register_app(std::string scopes = "read write follow") {
    service::NewApplication input;
    input.name = "Test app";
    input.redirect_uris = {"https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob"};
    input.scopes = std::move(scopes);
    return service::create_application(app, input);
  }

  service::PreAuthorization pre_authorize(const store::Application& client,
                                          std::string challenge = "") {
    service::AuthorizationRequest request;
    request.response_type = "code";
    request.client_id = client.client_id;
    request.redirect_uri = "https://app.example/cb";
    request.scope = "read+write";
    request.state = "xyz";
    request.code_challenge = std::move(challenge);
    request.code_challenge_method = request.code_challenge.empty() ? "" : "S256";
    return service::check_authorization(app, request);
  }

  App app;
  store::User user;
};

TEST_F(OAuthFlow, RegistrationValidates) {
  service::NewApplication input;
  input.redirect_uris = {"urn:ietf:wg:oauth:2.0:oob"};
  EXPECT_THROW(service::create_application(app, input), ApiError);  // no name
  input.name = "x";
  input.redirect_uris = {};
  EXPECT_THROW(service::create_application(app, input), ApiError);  // no redirect URI
  input.redirect_uris = {"not a uri"};
  EXPECT_THROW(service::create_application(app, input), ApiError);
  input.redirect_uris = {"urn:ietf:wg:oauth:2.0:oob"};
  input.scopes = "read nonsense";
  EXPECT_THROW(service::create_application(app, input), ApiError);
  input.scopes = "";
  store::Application created = service::create_application(app, input);
  EXPECT_EQ(created.scopes, "read");
  EXPECT_GE(created.client_id.size(), 32u);
  EXPECT_NE(created.client_id, created.client_secret);
}

TEST_F(OAuthFlow, AuthorizationChecks) {
  store::Application client = register_app();
  service::PreAuthorization pre = pre_authorize(client);
  EXPECT_FALSE(pre.error);
  EXPECT_EQ(pre.scopes, "read write");

  service::AuthorizationRequest request;
  request.response_type = "code";
  request.client_id = "unknown";
  request.redirect_uri = "https://app.example/cb";
  EXPECT_THROW(service::check_authorization(app, request), OAuthError);
  request.client_id = client.client_id;
  request.redirect_uri = "https://evil.example/cb";
  EXPECT_THROW(service::check_authorization(app, request), OAuthError);

  request.redirect_uri = "https://app.example/cb";
  request.scope = "read push";  // push not registered
  EXPECT_EQ(service::check_authorization(app, request).error, "invalid_scope");
  request.scope = "";
  EXPECT_EQ(service::check_authorization(app, request).scopes, "read write follow");
  request.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  request.code_challenge_method = "plain";
  EXPECT_EQ(service::check_authorization(app, request).error, "invalid_request");
  request.code_challenge_method = "";
  EXPECT_EQ(service::check_authorization(app, request).error, "invalid_request");
  request.response_type = "token";
  request.code_challenge = "";
  EXPECT_EQ(service::check_authorization(app, request).error, "unsupported_response_type");
}

TEST_F(OAuthFlow, CodeWithPkceIsSingleUse) {
  store::Application client = register_app();
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  auto pre = pre_authorize(client, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  std::string code = service::issue_grant(app, pre, user.id);

  EXPECT_THROW(service::exchange_code(app, client, code, "https://app.example/cb", std::nullopt),
               OAuthError);
  EXPECT_THROW(service::exchange_code(app, client, code, "https://app.example/cb",
                                      std::string("wrong-verifier-wrong-verifier-wrong-verifier")),
               OAuthError);
  EXPECT_THROW(service::exchange_code(app, client, code, "urn:ietf:wg:oauth:2.0:oob", verifier),
               OAuthError);
  store::Application other = register_app();
  EXPECT_THROW(service::exchange_code(app, other, code, "https://app.example/cb", verifier),
               OAuthError);

  store::AccessToken token =
      service::exchange_code(app, client, code, "https://app.example/cb", verifier);
  EXPECT_EQ(token.scopes, "read write");
  EXPECT_EQ(token.user_id, user.id);
  try {
    service::exchange_code(app, client, code, "https://app.example/cb", verifier);
    FAIL() << "a code can be used once";
  } catch (const OAuthError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(error.error(), "invalid_grant");
  }
}

TEST_F(OAuthFlow, ClientAuthenticationAndOtherGrants) {
  store::Application client = register_app();
  EXPECT_NO_THROW(service::authenticate_client(app, client.client_id, client.client_secret));
  try {
    service::authenticate_client(app, client.client_id, "wrong");
    FAIL();
  } catch (const OAuthError& error) {
    EXPECT_EQ(error.status(), 401);
    EXPECT_EQ(error.error(), "invalid_client");
  }

  auto app_token = service::client_credentials_token(app, client, "");
  EXPECT_FALSE(app_token.user_id);
  EXPECT_EQ(app_token.scopes, "read write follow");
  EXPECT_THROW(service::client_credentials_token(app, client, "admin:read"), OAuthError);

  auto by_email = service::password_token(app, client, "ALICE@example.test", "correct horse",
                                          "read", "127.0.0.1");
  EXPECT_EQ(by_email.user_id, user.id);
  EXPECT_EQ(by_email.scopes, "read");
  auto by_name =
      service::password_token(app, client, "alice", "correct horse", "read write", "127.0.0.1");
  EXPECT_EQ(by_name.scopes, "read write");
  EXPECT_THROW(service::password_token(app, client, "alice", "wrong horse", "read", "127.0.0.1"),
               OAuthError);
  EXPECT_THROW(service::password_token(app, client, "nobody", "correct horse", "read", "127.0.0.1"),
               OAuthError);

  app.config.password_grant = false;
  try {
    service::password_token(app, client, "alice", "correct horse", "read", "127.0.0.1");
    FAIL();
  } catch (const OAuthError& error) {
    EXPECT_EQ(error.error(), "unsupported_grant_type");
  }

  // Revocation only by the owning client; unknown tokens are fine.
  store::Application other = register_app();
  service::revoke_token(app, other, by_email.token);
  auto found = app.db->read_value(
      [&](store::Connection& c) { return store::find_token(c, by_email.token); });
  EXPECT_TRUE(found);
  service::revoke_token(app, client, by_email.token);
  found = app.db->read_value(
      [&](store::Connection& c) { return store::find_token(c, by_email.token); });
  EXPECT_FALSE(found);
  EXPECT_NO_THROW(service::revoke_token(app, client, "no-such-token"));
}

TEST_F(OAuthFlow, AuthenticationFollowsRevocationAndSuspension) {
  store::Application client = register_app();
  auto request = [](const std::string& token) {
    http::Request r;
    r.method = "GET";
    r.target = "/api/v1/accounts/verify_credentials";
    r.headers["authorization"] = "Bearer " + token;
    http::parse_request(r);
    return r;
  };
  auto token = service::password_token(app, client, "alice", "correct horse", "read", "127.0.0.1");
  for (int i = 0; i < 2; ++i) {  // read, then remembered
    api::Viewer viewer = api::authenticate(app, request(token.token));
    ASSERT_TRUE(viewer.user && viewer.account);
    EXPECT_EQ(viewer.user->id, user.id);
    EXPECT_EQ(viewer.account->id, user.account_id);
    EXPECT_EQ(viewer.account->username, "alice");
    EXPECT_EQ(viewer.token->scopes, "read");
  }
  auto app_token = service::client_credentials_token(app, client, "");
  api::Viewer app_viewer = api::authenticate(app, request(app_token.token));
  EXPECT_TRUE(app_viewer.token);
  EXPECT_FALSE(app_viewer.user);
  EXPECT_FALSE(app_viewer.signed_in());
  EXPECT_THROW(api::authenticate(app, request("no-such-token")), ApiError);

  service::revoke_token(app, client, token.token);
  EXPECT_THROW(api::authenticate(app, request(token.token)), ApiError) << "revoked at once";

  auto second = service::password_token(app, client, "alice", "correct horse", "read", "127.0.0.1");
  EXPECT_NO_THROW(api::require_user(app, request(second.token), "read"));
  app.db->write([&](store::Connection& c) {
    c.query("UPDATE accounts SET suspended = 1 WHERE id = ?", {store::Value(user.account_id)});
  });
  EXPECT_THROW(api::require_user(app, request(second.token), "read"), ApiError)
      << "suspended at once";
}

}  // namespace
}  // namespace herd
