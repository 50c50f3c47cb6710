// Domain blocks, as Mastodon's admin API has them (admins and owners; admin:read:domain_blocks /
// admin:write:domain_blocks, delivery failures admin:read):
//   GET    /api/v1/admin/domain_blocks         the list
//   GET    /api/v1/admin/domain_blocks/:id     one
//   POST   /api/v1/admin/domain_blocks         domain (required), severity (default suspend),
//          reject_media, reject_reports, public_comment, private_comment, obfuscate
//   PUT    /api/v1/admin/domain_blocks/:id     severity, reject_media, reject_reports,
//          public_comment, private_comment, obfuscate
//   DELETE /api/v1/admin/domain_blocks/:id
// A suspended domain's accounts are suspended, its inbox deliveries dropped unread and nothing is
// fetched from it. A silenced domain federates, its accounts limited as Mastodon limits them
// (silenced, `limited` on the entity: out of public timelines, the directory and suggestions,
// notifications from them filtered by the for_limited_accounts policy), new ones too. A noop block
// federates and changes nothing. Unblocking lifts the suspension or the limit. reject_media
// (service/remote_media.hpp): nothing of the domain's media is fetched or stored, and turning it on
// forgets what was (local copies removed, default avatars and headers, attachments `unknown`,
// custom emojis removed), as Mastodon's BlockDomainService does; reject_reports: the domain's Flags
// are ignored (federation/inbox_moderation.cpp). The public list (Mastodon's DomainBlock entity):
//   GET    /api/v1/instance/domain_blocks      silenced and suspended domains, to whom the site
//          setting show_domain_blocks allows (404 otherwise), with `comment` (the public comment)
//          where show_domain_blocks_rationale allows; obfuscated domains partly starred, `digest`
//          the SHA-256 of the real domain.
// And the deliveries that could not be made (herd's own; Mastodon shows them per instance):
//   GET    /api/v1/admin/delivery_failures     the latest 200, newest first: inbox ("" when the
//          account has none even after a refetch), account_uri, activity type and id, error.
#include <algorithm>

#include "api/activitypub/activitypub.hpp"
#include "api/admin.hpp"
#include "api/auth.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/custom_emojis.hpp"
#include "service/instance_settings.hpp"
#include "service/remote_media.hpp"
#include "store/federation.hpp"
#include "store/federation_records.hpp"
#include "store/remote_media.hpp"

namespace herd::api::activitypub {

namespace json = boost::json;

namespace {

json::value text_or_null(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}

std::string sha256_hex(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : sha256_raw(text)) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 15]);
  }
  return out;
}

// Mastodon's public form of an obfuscated domain: the first and last quarter shown, the
// characters between them starred except dots ("s*****.***mple" style).
std::string public_domain(const store::DomainBlock& block) {
  if (!block.obfuscate) return block.domain;
  std::string out = block.domain;
  std::size_t length = out.size(), visible = length / 4;
  for (std::size_t i = 0; i < length; ++i)
    if (i > visible && i + visible < length && out[i] != '.') out[i] = '*';
  return out;
}

json::object block_json(const store::DomainBlock& block) {
  return json::object{{"id", std::to_string(block.id)},
                      {"domain", block.domain},
                      {"digest", sha256_hex(block.domain)},
                      {"created_at", rfc3339(block.created_at)},
                      {"severity", block.severity},
                      {"reject_media", block.reject_media},
                      {"reject_reports", block.reject_reports},
                      {"private_comment", text_or_null(block.private_comment)},
                      {"public_comment", text_or_null(block.public_comment)},
                      {"obfuscate", block.obfuscate}};
}

std::string normalize(std::string domain) {
  std::transform(domain.begin(), domain.end(), domain.begin(), ::tolower);
  while (!domain.empty() && (domain.back() == '.' || domain.back() == '/')) domain.pop_back();
  return domain;
}

std::string severity_param(const http::Request& request, std::string fallback) {
  std::string severity = http::param_string(request.params, "severity").value_or(fallback);
  if (severity != "suspend" && severity != "silence" && severity != "noop")
    fail(ErrorKind::validation, "Validation failed: Severity is not included in the list");
  return severity;
}

// reject_media, reject_reports, public_comment, private_comment and obfuscate from the request,
// where given.
void read_details(const http::Request& request, store::DomainBlock& block) {
  if (auto reject = http::param_bool(request.params, "reject_media")) block.reject_media = *reject;
  if (auto reject = http::param_bool(request.params, "reject_reports"))
    block.reject_reports = *reject;
  if (auto text = http::param_string(request.params, "public_comment"))
    block.public_comment = *text;
  if (auto text = http::param_string(request.params, "private_comment"))
    block.private_comment = *text;
  if (auto obfuscate = http::param_bool(request.params, "obfuscate")) block.obfuscate = *obfuscate;
}

std::optional<store::DomainBlock> find_block(store::Connection& c, Id id) {
  for (auto& block : store::list_domain_blocks(c))
    if (block.id == id) return block;
  return std::nullopt;
}

Id block_id(const http::Request& request) {
  auto id = parse_id(request.path_param("id"));
  if (!id) not_found();
  return *id;
}

// After the write that turned reject_media on: the domain's local copies go.
void forget_media_copies(App& app, const std::string& domain,
                         const std::vector<std::string>& copies) {
  service::remove_media_copies(app, copies);
  service::custom_emoji_registry().refresh(*app.db);  // the domain's emojis: gone at once
  log::info("domain block {}: rejects media; {} local copies of its media removed", domain,
            copies.size());
}

bool allowed(service::Audience audience, bool signed_in) {
  return audience == service::Audience::all || (audience == service::Audience::users && signed_in);
}

// GET /api/v1/instance/domain_blocks: Mastodon's order (silenced before suspended, then by
// domain); blocks without a user-facing limitation (noop) are left out.
http::Response instance_domain_blocks(App& app, http::Request& request) {
  bool signed_in = authenticate(app, request).signed_in();
  if (!allowed(service::domain_blocks_audience(app, false), signed_in)) not_found();
  bool rationale = allowed(service::domain_blocks_audience(app, true), signed_in);
  auto blocks =
      app.db->read_value([](store::Connection& c) { return store::list_domain_blocks(c); });
  std::stable_sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
    return (a.severity == "suspend") < (b.severity == "suspend");
  });
  json::array out;
  for (const auto& block : blocks) {
    if (block.severity == "noop") continue;
    json::object o{{"domain", public_domain(block)},
                   {"digest", sha256_hex(block.domain)},
                   {"severity", block.severity}};
    if (rationale) o["comment"] = text_or_null(block.public_comment);
    out.push_back(std::move(o));
  }
  return http::Response::json(out);
}

}  // namespace

void add_domain_block_routes(http::Router& router, App& app) {
  router.get("/api/v1/admin/delivery_failures", [&app](http::Request& request) {
    require_admin(app, request, "admin:read");
    json::array out;
    for (const auto& f : app.db->read_value(
             [](store::Connection& c) { return store::list_delivery_failures(c, 200); }))
      out.push_back(json::object{{"id", std::to_string(f.id)},
                                 {"inbox", f.inbox},
                                 {"account_uri", f.account_uri},
                                 {"activity_type", f.activity_type},
                                 {"activity_id", f.activity_id},
                                 {"error", f.error},
                                 {"created_at", rfc3339(f.created_at)}});
    return http::Response::json(out);
  });
  router.get("/api/v1/instance/domain_blocks",
             [&app](http::Request& request) { return instance_domain_blocks(app, request); });
  router.get("/api/v1/admin/domain_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:domain_blocks");
    json::array out;
    for (const auto& block :
         app.db->read_value([](store::Connection& c) { return store::list_domain_blocks(c); }))
      out.push_back(block_json(block));
    return http::Response::json(out);
  });
  router.get("/api/v1/admin/domain_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:read:domain_blocks");
    Id id = block_id(request);
    auto block = app.db->read_value([&](store::Connection& c) { return find_block(c, id); });
    if (!block) not_found();
    return http::Response::json(block_json(*block));
  });
  router.post("/api/v1/admin/domain_blocks", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_blocks");
    store::DomainBlock block;
    block.domain = normalize(http::param_string(request.params, "domain").value_or(""));
    if (block.domain.empty() || block.domain.find_first_of(" /@") != std::string::npos)
      fail(ErrorKind::validation, "Validation failed: Domain is invalid");
    block.severity = severity_param(request, "suspend");
    read_details(request, block);
    block.id = next_id();
    block.created_at = now_unix_ms();
    std::optional<std::vector<std::string>> copies;  // when reject_media is turned on
    app.db->write([&](store::Connection& c) {
      if (!store::insert_domain_block(c, block.id, block.domain, block.severity, block.created_at))
        fail(ErrorKind::validation, "Validation failed: Domain has already been taken");
      store::update_domain_block(c, block);
      store::set_domain_severity(c, block.domain, block.severity);
      if (block.reject_media) copies = store::reject_domain_media(c, block.domain);
    });
    if (copies) forget_media_copies(app, block.domain, *copies);
    return http::Response::json(block_json(block));
  });
  router.put("/api/v1/admin/domain_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_blocks");
    Id id = block_id(request);
    std::optional<std::vector<std::string>> copies;  // when reject_media is turned on
    store::DomainBlock block = app.db->write_value([&](store::Connection& c) {
      auto found = find_block(c, id);
      if (!found) not_found();
      bool rejected_media = found->reject_media;
      found->severity = severity_param(request, found->severity);
      read_details(request, *found);
      store::update_domain_block(c, *found);
      store::set_domain_severity(c, found->domain, found->severity);
      if (found->reject_media && !rejected_media)
        copies = store::reject_domain_media(c, found->domain);
      return *found;
    });
    if (copies) forget_media_copies(app, block.domain, *copies);
    return http::Response::json(block_json(block));
  });
  router.del("/api/v1/admin/domain_blocks/:id", [&app](http::Request& request) {
    require_admin(app, request, "admin:write:domain_blocks");
    Id id = block_id(request);
    app.db->write([&](store::Connection& c) {
      auto found = find_block(c, id);
      if (!found) not_found();
      store::delete_domain_block(c, found->domain);
      store::set_domain_severity(c, found->domain, "");
    });
    return http::Response::json_text("{}");
  });
}

}  // namespace herd::api::activitypub
