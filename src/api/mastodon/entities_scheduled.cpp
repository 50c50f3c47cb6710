// The ScheduledStatus entity.
#include "api/mastodon/entities.hpp"
#include "core/time.hpp"
#include "store/media.hpp"
#include "store/scheduled_statuses.hpp"

namespace herd::api {

json::object scheduled_status_json(const App& app, store::Connection& c,
                                   const store::ScheduledStatus& s) {
  boost::system::error_code ec;
  json::value parsed = json::parse(s.params_json, ec);
  json::object params = !ec && parsed.is_object() ? parsed.get_object() : json::object{};
  params["scheduled_at"] = nullptr;
  params["idempotency"] = nullptr;
  params["with_rate_limit"] = false;
  std::vector<Id> ids;
  if (auto* media = params.if_contains("media_ids"); media && media->is_array())
    for (const auto& id : media->get_array())
      if (id.is_string())
        if (auto parsed_id = parse_id(id.get_string())) ids.push_back(*parsed_id);
  auto found = store::find_media_by_ids(c, ids);
  json::array attachments;
  for (Id id : ids)
    for (const auto& m : found)
      if (m.id == id) attachments.push_back(media_attachment_json(app, m));
  return json::object{{"id", std::to_string(s.id)},
                      {"scheduled_at", rfc3339(s.scheduled_at)},
                      {"params", std::move(params)},
                      {"media_attachments", std::move(attachments)}};
}

}  // namespace herd::api
