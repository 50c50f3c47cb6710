// Editing statuses: PUT /api/v1/statuses/:id (the whole new state, as Mastodon's clients send it)
// and GET /api/v1/statuses/:id/history (StatusEdit entities, oldest first).
#include "service/status_edits.hpp"

#include <unordered_map>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/polls.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "store/accounts.hpp"
#include "store/media.hpp"

namespace herd::api {

namespace {

// media_attributes[][id], [description], [focus] (JSON objects or Rails form keys).
std::vector<service::MediaChange> media_attributes(const boost::json::object& p) {
  std::vector<service::MediaChange> out;
  for (const auto& item : http::param_objects(p, "media_attributes")) {
    service::MediaChange change;
    change.id = http::param_string(item, "id").value_or("");
    change.description = http::param_string(item, "description");
    change.focus = http::param_string(item, "focus");
    if (!change.id.empty()) out.push_back(std::move(change));
  }
  return out;
}

http::Response update_status(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, "write:statuses");
  const auto& p = request.params;
  service::StatusChange change;
  change.text = http::param_string(p, "status").value_or("");
  change.media_ids = http::param_strings(p, "media_ids");
  change.media_attributes = media_attributes(p);
  change.sensitive = http::param_bool(p, "sensitive");
  change.spoiler_text = http::param_string(p, "spoiler_text").value_or("");
  change.language = http::param_string(p, "language");
  change.poll = poll_params(p);
  change.quote_approval_policy = http::param_string(p, "quote_approval_policy");
  store::Status status = service::edit_status(app, viewer.account_id(), path_id(request), change);
  json::object body = app.db->read_value([&](store::Connection& c) {
    return StatusRenderer(app, c, viewer.account_id()).render_one(status);
  });
  return http::Response::json(body);
}

http::Response history(App& app, http::Request& request) {
  Viewer viewer = optional_user(app, request, "read:statuses");
  auto edits = service::status_history(app, viewer.account_id(), path_id(request));
  json::array body = app.db->read_value([&](store::Connection& c) {
    std::vector<Id> media_ids;
    for (const auto& e : edits)
      media_ids.insert(media_ids.end(), e.media_ids.begin(), e.media_ids.end());
    std::unordered_map<Id, store::MediaAttachment> media;
    for (auto& m : store::find_media_by_ids(c, media_ids)) media.emplace(m.id, std::move(m));
    json::object account;
    if (!edits.empty())
      if (auto found = store::find_account(c, edits.front().account_id))
        account = account_json(app, *found);
    json::array out;
    for (const auto& e : edits) {
      json::array attachments;
      for (Id id : e.media_ids)
        if (auto it = media.find(id); it != media.end())
          attachments.push_back(media_attachment_json(app, it->second));
      json::value poll = nullptr;
      if (e.poll_options) {
        json::array options;
        for (const auto& title : *e.poll_options) options.push_back(json::object{{"title", title}});
        poll = json::object{{"options", std::move(options)}};
      }
      out.push_back(json::object{{"content", e.content},
                                 {"spoiler_text", e.spoiler_text},
                                 {"sensitive", e.sensitive},
                                 {"created_at", rfc3339(e.created_at)},
                                 {"account", account},
                                 {"poll", std::move(poll)},
                                 {"media_attachments", std::move(attachments)},
                                 {"emojis", json::array()}});
    }
    return out;
  });
  return http::Response::json(body);
}

}  // namespace

void add_status_edit_routes(http::Router& router, App& app) {
  router.put("/api/v1/statuses/:id",
             [&app](http::Request& request) { return update_status(app, request); });
  router.get("/api/v1/statuses/:id/history",
             [&app](http::Request& request) { return history(app, request); });
}

}  // namespace herd::api
