// Media: upload (v2 and the deprecated v1 that toot uses), get, update (description, focus,
// thumbnail) and delete one's own attachments; and the stored files themselves under
// /system/media_attachments/files/, served with their sniffed type and immutable caching.
#include "service/media.hpp"

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/path_id.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "media/sniff.hpp"
#include "media/storage.hpp"

namespace herd::api {

namespace {

constexpr const char* kScope = "write:media";

// A file part by field name; parts without a filename count (the parser keeps any part with a
// filename or a non-text type as a file). A text part of that name is taken as the bytes too.
std::optional<std::string> file_part(const http::Request& request, std::string_view field) {
  for (const auto& file : request.files)
    if (file.field == field) return file.data;
  if (auto text = http::param_string(request.params, field); text && !text->empty()) return text;
  return std::nullopt;
}

http::Response media_response(App& app, const store::MediaAttachment& media) {
  return http::Response::json(media_attachment_json(app, media));
}

// Mastodon's status codes: 206 while the media worker has not finished, 200 once it has.
http::Response media_response(App& app, const store::MediaAttachment& media,
                              int processing_status) {
  http::Response response = media_response(app, media);
  if (media.processing == store::MediaProcessing::queued ||
      media.processing == store::MediaProcessing::in_progress)
    response.status = processing_status;
  return response;
}

http::Response upload(App& app, http::Request& request, bool v2) {
  Viewer viewer = require_user(app, request, kScope);
  service::NewMedia input;
  input.in_background = v2;
  input.file = file_part(request, "file").value_or("");
  input.thumbnail = file_part(request, "thumbnail");
  input.description = http::param_string(request.params, "description");
  input.focus = http::param_string(request.params, "focus");
  // v1 processes everything before answering; v2 answers 202 (url null) for video, audio and
  // animated GIFs, which the media worker processes.
  return media_response(app, service::upload_media(app, viewer.account_id(), input), 202);
}

http::Response show(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, kScope);
  auto media = service::find_own_media(app, viewer.account_id(), path_id(request));
  if (media.processing == store::MediaProcessing::failed)
    fail(ErrorKind::validation, "Validation failed: File could not be processed");
  return media_response(app, media, 206);
}

http::Response update(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, kScope);
  service::MediaUpdate input;
  input.description = http::param_string(request.params, "description");
  input.focus = http::param_string(request.params, "focus");
  input.thumbnail = file_part(request, "thumbnail");
  return media_response(app,
                        service::update_media(app, viewer.account_id(), path_id(request), input));
}

http::Response destroy(App& app, http::Request& request) {
  Viewer viewer = require_user(app, request, kScope);
  service::delete_media(app, viewer.account_id(), path_id(request));
  return http::Response::json(json::object());
}

// GET /system/media_attachments/files/<3-digit groups>/<style>.<ext>: only names that
// media::relative_path could have produced are looked up, so no path can leave the media folder.
http::Response file(App& app, const http::Request& request, int groups) {
  std::vector<std::string> parts;
  for (int i = 0; i < groups; ++i) parts.push_back(request.path_param("g" + std::to_string(i)));
  const std::string& name = request.path_param("name");
  auto relative = media::relative_path_from_url(parts, name);
  if (!relative) not_found();
  auto bytes = media::storage(app.config).read(*relative);
  if (!bytes) not_found();
  std::string extension = name.substr(name.find('.') + 1);
  http::Response response =
      http::Response::text(std::move(*bytes), media::content_type_for_extension(extension));
  response.with_header("Cache-Control", "public, max-age=31536000, immutable")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("Content-Security-Policy", "default-src 'none'; sandbox");
  return response;
}

}  // namespace

void add_media_routes(http::Router& router, App& app) {
  auto bind = [&app](http::Response (*fn)(App&, http::Request&)) {
    return [&app, fn](http::Request& request) { return fn(app, request); };
  };
  router.post("/api/v2/media",
              [&app](http::Request& request) { return upload(app, request, true); });
  router.post("/api/v1/media",
              [&app](http::Request& request) { return upload(app, request, false); });
  router.get("/api/v1/media/:id", bind(show));
  router.put("/api/v1/media/:id", bind(update));
  router.del("/api/v1/media/:id", bind(destroy));
  // Ids of 18 digits (today's) give 6 groups; longer ones 7.
  for (int groups : {6, 7}) {
    std::string pattern = "/system/media_attachments/files";
    for (int i = 0; i < groups; ++i) pattern += "/:g" + std::to_string(i);
    pattern += "/:name";
    router.get(pattern,
               [&app, groups](http::Request& request) { return file(app, request, groups); });
  }
}

}  // namespace herd::api
