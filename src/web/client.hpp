// Serving the web client (webui/): the HTML shell, its embedded assets and the routes it owns.
//
// - GET /assets/<name>: an embedded, content-hashed file; brotli or gzip as Accept-Encoding allows
//   (precompressed at build time), Cache-Control public, max-age=31536000, immutable. Unknown names
//   are a 404 page.
// - Browser navigations (GET, Accept text/html) to Mastodon's web routes -- /home, /notifications,
//   /explore, /public, /public/local, /tags/:tag, /lists/:id, /bookmarks, /favourites, /search,
//   /follow_requests, /@user, /@user/:id, /@user@domain, /settings/..., /admin/... -- and "/" get:
//   * with a signed-in session: the shell ("/" redirects to /home), a page that loads the client
//     with a strict Content-Security-Policy (script-src 'self', no inline script, no eval);
//   * without one: whatever the server-rendered pages answer (profiles, posts, tags, the landing
//     page), except for the routes that only make sense signed in (/home, /notifications,
//     /settings/..., ...), which redirect to the sign-in form and come back afterwards.
// - GET /web/oauth: the shell, whatever the session: the client finishes its OAuth sign-in there.
// The shell names the first-party OAuth client (service/web_client.hpp) and the session's account
// in <meta> elements; the client gets its token through /oauth/authorize with PKCE.
#pragma once
#include "app.hpp"
#include "http/router.hpp"

namespace herd::web {

// Adds the routes above and sets the router's front handler (http::Router::set_front).
void add_client_routes(http::Router& router, App& app);

}  // namespace herd::web
