// The admin API's sign-up and federation blocks, as Mastodon's (admins and owners; each with its
// admin:read:<kind> / admin:write:<kind> scope, or admin:read / admin:write):
//   /api/v1/admin/ip_blocks               GET (list), GET :id, POST (ip, severity, comment,
//                                         expires_in seconds), PUT :id, DELETE :id
//   /api/v1/admin/email_domain_blocks     GET, GET :id, POST (domain, allow_with_approval), DELETE
//   /api/v1/admin/canonical_email_blocks  GET, GET :id, POST (email or canonical_email_hash),
//                                         POST /test (email: the blocks matching it), DELETE :id
//   /api/v1/admin/domain_allows           GET, GET :id, POST (domain; an allowed domain's
//                                         existing entry is returned), DELETE :id
// Lists are newest first with limit (100, at most 200) and max_id/since_id/min_id, Link headers.
// What the blocks do is service/admin_blocks.hpp.
#include "service/admin_blocks.hpp"

#include <algorithm>

#include "api/admin.hpp"
#include "api/pagination.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "store/admin_blocks.hpp"

namespace herd::api {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDayMs = 86400000;

// One page of an in-memory list (the lists are short), newest first, with its Link header.
template <typename T, typename Render>
http::Response page_of(App& app, const http::Request& request, std::vector<T> items,
                       Render render) {
  store::PageQuery page = read_page(request, 100, 200);
  std::sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.id > b.id; });
  std::vector<T> selected;
  for (const T& item : items) {
    if (page.max_id && item.id >= *page.max_id) continue;
    if (page.since_id && item.id <= *page.since_id) continue;
    if (page.min_id && item.id <= *page.min_id) continue;
    selected.push_back(item);
  }
  auto count = static_cast<std::size_t>(page.limit);
  if (page.min_id && selected.size() > count)  // the page just above min_id
    selected.erase(selected.begin(), selected.end() - static_cast<std::ptrdiff_t>(count));
  if (selected.size() > count) selected.resize(count);
  json::array out;
  std::vector<Id> cursors;
  for (const T& item : selected) {
    out.push_back(render(item));
    cursors.push_back(item.id);
  }
  http::Response response = http::Response::json(out);
  add_link_header(response, app, request, cursors, page.limit);
  return response;
}

std::string lowercase_domain(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  auto start = text.find_first_not_of(" \t");
  text = start == std::string::npos ? "" : text.substr(start);
  while (!text.empty() && (text.back() == ' ' || text.back() == '.' || text.back() == '/'))
    text.pop_back();
  return text;
}

void require_domain_shape(const std::string& domain) {
  if (domain.empty() || domain.find_first_of(" /@:") != std::string::npos ||
      domain.find('.') == std::string::npos)
    fail(ErrorKind::validation, "Validation failed: Domain is invalid");
}

json::value time_or_null(const std::optional<std::int64_t>& ms) {
  if (!ms) return nullptr;
  return json::value(rfc3339(*ms));
}

// ---- IP blocks --------------------------------------------------------------------------------

json::object ip_block_json(const store::IpBlock& block) {
  return json::object{{"id", std::to_string(block.id)},
                      {"ip", block.ip},
                      {"severity", block.severity},
                      {"comment", block.comment},
                      {"created_at", rfc3339(block.created_at)},
                      {"expires_at", time_or_null(block.expires_at)}};
}

// Reads ip, severity, comment and expires_in into `block` (those present; all when creating).
void read_ip_block(const http::Request& request, store::IpBlock& block, bool creating) {
  auto& p = request.params;
  auto ip = http::param_string(p, "ip");
  if (ip || creating) {
    auto range = service::normalize_ip_range(ip.value_or(""));
    if (!range) fail(ErrorKind::validation, "Validation failed: Ip is invalid");
    block.ip = *range;
  }
  auto severity = http::param_string(p, "severity");
  if (severity || creating) {
    std::string value = severity.value_or("");
    if (value != "sign_up_requires_approval" && value != "sign_up_block" && value != "no_access")
      fail(ErrorKind::validation, "Validation failed: Severity is not included in the list");
    block.severity = value;
  }
  if (auto comment = http::param_string(p, "comment")) block.comment = comment->substr(0, 1000);
  if (auto expires = http::param_string(p, "expires_in")) {
    if (expires->empty()) {
      block.expires_at.reset();
    } else {
      auto seconds = http::param_int(p, "expires_in");
      if (!seconds || *seconds <= 0)
        fail(ErrorKind::validation, "Validation failed: Expires in must be a positive number");
      block.expires_at = now_unix_ms() + *seconds * 1000;
    }
  }
}

void add_ip_block_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/ip_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:ip_blocks");
    auto blocks = app.db->read_value([](store::Connection& c) { return store::list_ip_blocks(c); });
    return page_of(app, request, blocks, ip_block_json);
  });
  router.get("/api/v1/admin/ip_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:ip_blocks");
    Id id = path_id(request);
    auto block =
        app.db->read_value([&](store::Connection& c) { return store::find_ip_block(c, id); });
    if (!block) not_found();
    return http::Response::json(ip_block_json(*block));
  });
  router.post("/api/v1/admin/ip_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:ip_blocks");
    store::IpBlock block;
    read_ip_block(request, block, true);
    block.id = next_id();
    block.created_at = now_unix_ms();
    app.db->write([&](store::Connection& c) {
      if (!store::insert_ip_block(c, block, block.created_at))
        fail(ErrorKind::validation, "Validation failed: Ip has already been taken");
    });
    return http::Response::json(ip_block_json(block));
  });
  router.put("/api/v1/admin/ip_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:ip_blocks");
    Id id = path_id(request);
    std::optional<store::IpBlock> block;
    app.db->write([&](store::Connection& c) {
      block = store::find_ip_block(c, id);
      if (!block) not_found();
      read_ip_block(request, *block, false);
      store::update_ip_block(c, *block, now_unix_ms());
    });
    return http::Response::json(ip_block_json(*block));
  });
  router.del("/api/v1/admin/ip_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:ip_blocks");
    Id id = path_id(request);
    app.db->write([&](store::Connection& c) {
      if (!store::delete_ip_block(c, id)) not_found();
    });
    return http::Response::json(json::object{});
  });
}

// ---- email domain blocks ----------------------------------------------------------------------

json::object email_block_json(App& app, const store::EmailDomainBlock& block) {
  std::int64_t today = now_unix_ms() / kDayMs * kDayMs;
  auto attempts = app.db->read_value([&](store::Connection& c) {
    return store::email_domain_block_attempts(c, block.id, today - 6 * kDayMs);
  });
  json::array history;
  for (std::int64_t day = today; day > today - 7 * kDayMs; day -= kDayMs) {
    store::AttemptDay found{day, 0, 0};
    for (const auto& a : attempts)
      if (a.day == day) found = a;
    history.push_back(json::object{{"day", std::to_string(day / 1000)},
                                   {"accounts", std::to_string(found.accounts)},
                                   {"uses", std::to_string(found.uses)}});
  }
  return json::object{{"id", std::to_string(block.id)},
                      {"domain", block.domain},
                      {"allow_with_approval", block.allow_with_approval},
                      {"created_at", rfc3339(block.created_at)},
                      {"history", std::move(history)}};
}

void add_email_domain_block_routes(http::Router& router, App& app) {
  auto render = [&app](const store::EmailDomainBlock& b) { return email_block_json(app, b); };
  router.get("/api/v1/admin/email_domain_blocks", [&app, render](http::Request& request) {
    require_admin(app, request, "admin:read:email_domain_blocks");
    auto blocks =
        app.db->read_value([](store::Connection& c) { return store::list_email_domain_blocks(c); });
    return page_of(app, request, blocks, render);
  });
  router.get("/api/v1/admin/email_domain_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:email_domain_blocks");
    Id id = path_id(request);
    auto block = app.db->read_value(
        [&](store::Connection& c) { return store::find_email_domain_block(c, id); });
    if (!block) not_found();
    return http::Response::json(email_block_json(app, *block));
  });
  router.post("/api/v1/admin/email_domain_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:email_domain_blocks");
    store::EmailDomainBlock block;
    block.domain = lowercase_domain(http::param_string(request.params, "domain").value_or(""));
    require_domain_shape(block.domain);
    block.allow_with_approval =
        http::param_bool(request.params, "allow_with_approval").value_or(false);
    block.id = next_id();
    block.created_at = now_unix_ms();
    app.db->write([&](store::Connection& c) {
      if (!store::insert_email_domain_block(c, block))
        fail(ErrorKind::validation, "Validation failed: Domain has already been taken");
    });
    return http::Response::json(email_block_json(app, block));
  });
  router.del("/api/v1/admin/email_domain_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:email_domain_blocks");
    Id id = path_id(request);
    app.db->write([&](store::Connection& c) {
      if (!store::delete_email_domain_block(c, id)) not_found();
    });
    return http::Response::json(json::object{});
  });
}

// ---- canonical email blocks -------------------------------------------------------------------

json::object canonical_json(const store::CanonicalEmailBlock& block) {
  return json::object{{"id", std::to_string(block.id)},
                      {"canonical_email_hash", block.canonical_email_hash}};
}

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

void add_canonical_email_block_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/canonical_email_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:canonical_email_blocks");
    auto blocks = app.db->read_value(
        [](store::Connection& c) { return store::list_canonical_email_blocks(c); });
    return page_of(app, request, blocks, canonical_json);
  });
  router.get("/api/v1/admin/canonical_email_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:canonical_email_blocks");
    Id id = path_id(request);
    auto block = app.db->read_value(
        [&](store::Connection& c) { return store::find_canonical_email_block(c, id); });
    if (!block) not_found();
    return http::Response::json(canonical_json(*block));
  });
  router.post("/api/v1/admin/canonical_email_blocks/test", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:canonical_email_blocks");
    std::string email = http::param_string(request.params, "email").value_or("");
    if (email.empty()) fail(ErrorKind::validation, "Validation failed: Email can't be blank");
    std::string hash = service::canonical_email_hash(email);
    auto block = app.db->read_value(
        [&](store::Connection& c) { return store::find_canonical_email_block_by_hash(c, hash); });
    json::array out;
    if (block) out.push_back(canonical_json(*block));
    return http::Response::json(out);
  });
  router.post("/api/v1/admin/canonical_email_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:canonical_email_blocks");
    store::CanonicalEmailBlock block;
    std::string email = http::param_string(request.params, "email").value_or("");
    std::string hash = http::param_string(request.params, "canonical_email_hash").value_or("");
    if (!email.empty()) {
      block.canonical_email_hash = service::canonical_email_hash(email);
    } else {
      std::transform(hash.begin(), hash.end(), hash.begin(), ::tolower);
      if (hash.empty())
        fail(ErrorKind::validation, "Validation failed: Canonical email hash can't be blank");
      if (!is_sha256_hex(hash))
        fail(ErrorKind::validation, "Validation failed: Canonical email hash is invalid");
      block.canonical_email_hash = hash;
    }
    block.id = next_id();
    block.created_at = now_unix_ms();
    app.db->write([&](store::Connection& c) {
      if (!store::insert_canonical_email_block(c, block))
        fail(ErrorKind::validation,
             "Validation failed: Canonical email hash has already been taken");
    });
    return http::Response::json(canonical_json(block));
  });
  router.del("/api/v1/admin/canonical_email_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:canonical_email_blocks");
    Id id = path_id(request);
    app.db->write([&](store::Connection& c) {
      if (!store::delete_canonical_email_block(c, id)) not_found();
    });
    return http::Response::json(json::object{});
  });
}

// ---- domain allows ----------------------------------------------------------------------------

json::object allow_json(const store::DomainAllow& allow) {
  return json::object{{"id", std::to_string(allow.id)},
                      {"domain", allow.domain},
                      {"created_at", rfc3339(allow.created_at)}};
}

void add_domain_allow_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/domain_allows", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:domain_allows");
    auto allows =
        app.db->read_value([](store::Connection& c) { return store::list_domain_allows(c); });
    return page_of(app, request, allows, allow_json);
  });
  router.get("/api/v1/admin/domain_allows/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:domain_allows");
    Id id = path_id(request);
    auto allow =
        app.db->read_value([&](store::Connection& c) { return store::find_domain_allow(c, id); });
    if (!allow) not_found();
    return http::Response::json(allow_json(*allow));
  });
  router.post("/api/v1/admin/domain_allows", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_allows");
    store::DomainAllow allow;
    allow.domain = lowercase_domain(http::param_string(request.params, "domain").value_or(""));
    require_domain_shape(allow.domain);
    allow.id = next_id();
    allow.created_at = now_unix_ms();
    app.db->write([&](store::Connection& c) {
      if (!store::insert_domain_allow(c, allow))
        allow = *store::find_domain_allow_by_domain(c, allow.domain);
    });
    return http::Response::json(allow_json(allow));
  });
  router.del("/api/v1/admin/domain_allows/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_allows");
    Id id = path_id(request);
    app.db->write([&](store::Connection& c) {
      if (!store::delete_domain_allow(c, id)) not_found();
    });
    return http::Response::json(json::object{});
  });
}

}  // namespace

void add_admin_block_routes(http::Router& router, App& app) {
  add_ip_block_routes(router, app);
  add_email_domain_block_routes(router, app);
  add_canonical_email_block_routes(router, app);
  add_domain_allow_routes(router, app);
}

}  // namespace herd::api
