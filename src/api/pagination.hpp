// Link-header pagination as Mastodon clients expect: absolute URLs, `next` first, the original
// query parameters kept (max_id/since_id/min_id replaced), `next` only for a full page (so a
// cursor never repeats), `prev` for any non-empty page.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "http/request.hpp"
#include "store/page.hpp"

namespace herd::api {

// limit (default_limit when absent, clamped to 1..max_limit), max_id, since_id, min_id.
// Non-numeric cursors are ignored as Mastodon does; a non-numeric limit is a 400.
store::PageQuery read_page(const http::Request& request, int default_limit = 20, int max_limit = 40);

// The Link header value for a page whose items have these cursors (newest first), or "" when
// no link applies. base_url: the instance's base URL.
std::string link_header(const std::string& base_url, const http::Request& request,
                        const std::vector<Id>& cursors, int limit);

// Adds the header to the response when non-empty.
void add_link_header(http::Response& response, const App& app, const http::Request& request,
                     const std::vector<Id>& cursors, int limit);

}  // namespace herd::api
