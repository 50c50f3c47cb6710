// The MediaAttachment entity.
#include "api/mastodon/entities.hpp"
#include "media/storage.hpp"

namespace herd::api {

namespace {

json::object dimensions_json(std::int64_t width, std::int64_t height) {
  return json::object{{"width", width},
                      {"height", height},
                      {"size", std::to_string(width) + "x" + std::to_string(height)},
                      {"aspect", static_cast<double>(width) / static_cast<double>(height)}};
}

json::value nullable(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

}  // namespace

json::object media_attachment_json(const App& app, const store::MediaAttachment& m) {
  // Until processed (Mastodon's v2 upload), there is no file to show yet: url is null.
  bool processed = m.processing == store::MediaProcessing::complete;
  json::value url = nullptr;
  if (!m.file.empty() && processed)
    url = media::public_url(app.base_url(), m.file);
  else if (m.remote_url)
    url = *m.remote_url;
  json::value preview = nullptr;
  if (m.thumbnail_file)
    preview = media::public_url(app.base_url(), *m.thumbnail_file);
  else if (m.small_file && processed)
    preview = media::public_url(app.base_url(), *m.small_file);
  else if (m.type == "image" || m.type == "gifv")
    preview = url;

  json::object meta;
  if (m.meta) {
    boost::system::error_code ec;
    auto parsed = json::parse(*m.meta, ec);
    if (!ec && parsed.is_object()) meta = std::move(parsed.as_object());
  } else if (m.width && m.height && *m.width > 0 && *m.height > 0) {
    // Remote media (and uploads from before processing existed): the sizes it came with.
    json::object size = dimensions_json(*m.width, *m.height);
    meta["original"] = size;
    meta["small"] = std::move(size);
  }
  if (m.focus_x && m.focus_y) meta["focus"] = json::object{{"x", *m.focus_x}, {"y", *m.focus_y}};

  json::object o;
  o["id"] = std::to_string(m.id);
  o["type"] = m.type;
  o["url"] = std::move(url);
  o["preview_url"] = std::move(preview);
  o["remote_url"] = nullable(m.remote_url);
  o["preview_remote_url"] = nullptr;
  o["text_url"] = nullptr;
  o["meta"] = std::move(meta);
  o["description"] = nullable(m.description);
  o["blurhash"] = nullable(m.blurhash);
  return o;
}

}  // namespace herd::api
