// The web client's first-party OAuth application. herd's single-page client (webui/) signs in the
// way every app does: authorization code with PKCE against /oauth/authorize and /oauth/token. The
// server registers that one application itself; for it, and only for it, a browser that is already
// signed in is not asked to consent again, and the token endpoint accepts the code without a
// client secret when a PKCE verifier proves the exchange (a public client, RFC 7636).
#pragma once
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

// The scopes the web client asks for: everything a person can do, staff tools included (the admin
// API still checks the account's role).
inline constexpr std::string_view kWebClientScopes =
    "read write follow push admin:read admin:write";

// Where the authorization server sends the browser back: <base_url>/web/oauth.
std::string web_client_redirect_uri(const App& app);

// The first-party application, registered on first use (its client id is kept in the settings as
// "web_client_application"; registered again when the instance's base URL changed).
store::Application web_client_application(App& app);

// The first-party web client named by client_id, authenticated without a secret (the caller must
// then require a PKCE verifier). OAuthError 401 invalid_client for any other client id.
store::Application authenticate_web_client(App& app, std::string_view client_id);

// True when the application is the first-party web client.
bool is_web_client(App& app, const store::Application& application);

}  // namespace herd::service
