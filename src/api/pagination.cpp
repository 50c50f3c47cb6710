#include "api/pagination.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "http/params.hpp"

namespace herd::api {

store::PageQuery read_page(const http::Request& request, int default_limit, int max_limit) {
  store::PageQuery page;
  auto limit = http::param_int(request.params, "limit");
  page.limit = static_cast<int>(std::clamp<std::int64_t>(limit.value_or(default_limit), 1, max_limit));
  auto cursor = [&](const char* name) -> std::optional<Id> {
    auto text = http::param_string(request.params, name);
    if (!text) return std::nullopt;
    return parse_id(*text);
  };
  page.max_id = cursor("max_id");
  page.since_id = cursor("since_id");
  page.min_id = cursor("min_id");
  return page;
}

std::string link_header(const std::string& base_url, const http::Request& request,
                        const std::vector<Id>& cursors, int limit) {
  if (cursors.empty()) return "";
  // Keep every original parameter except the cursors, re-encoded so that no raw '[', ']' or ','
  // reaches clients that split the header on commas.
  std::string kept;
  size_t pos = 0;
  const std::string& query = request.query;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string_view pair = std::string_view(query).substr(pos, amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = http::percent_decode(pair.substr(0, eq), true);
      if (key != "max_id" && key != "since_id" && key != "min_id") {
        std::string value = eq == std::string_view::npos ? "" : http::percent_decode(pair.substr(eq + 1), true);
        kept += http::percent_encode(key) + "=" + http::percent_encode(value) + "&";
      }
    }
    pos = amp + 1;
  }
  std::string base = base_url + request.path + "?" + kept;
  std::string header;
  if (static_cast<int>(cursors.size()) >= limit) {
    header += "<" + base + "max_id=" + std::to_string(cursors.back()) + ">; rel=\"next\"";
  }
  if (!header.empty()) header += ", ";
  header += "<" + base + "min_id=" + std::to_string(cursors.front()) + ">; rel=\"prev\"";
  return header;
}

void add_link_header(http::Response& response, const App& app, const http::Request& request,
                     const std::vector<Id>& cursors, int limit) {
  std::string header = link_header(app.base_url(), request, cursors, limit);
  if (!header.empty()) response.headers.emplace_back("Link", std::move(header));
}

}  // namespace herd::api
