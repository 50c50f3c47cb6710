#include "service/preview_cards.hpp"

#include <boost/json.hpp>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/http_client.hpp"
#include "store/federation.hpp"
#include "store/invalidation.hpp"
#include "store/preview_cards.hpp"
#include "text/page_meta.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kLockMs = 60'000;
constexpr int kMaxAttempts = 3;
constexpr std::size_t kMaxTitle = 255, kMaxDescription = 500;

std::string clip(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return text.substr(0, cut) + "…";
}

// The card for url: stored already, or fetched now; nullopt when the page gives none.
std::optional<store::PreviewCard> card_for(App& app, const std::string& url) {
  if (auto known =
          app.db->read_value([&](store::Connection& c) { return store::find_card_by_url(c, url); }))
    return known;
  federation::HttpClient client(federation::client_options(app.config));
  auto response = client.get(url, std::nullopt, "text/html, application/xhtml+xml");
  if (!response.ok()) throw std::runtime_error("HTTP " + std::to_string(response.status));
  if (response.content_type.find("html") == std::string::npos) return std::nullopt;
  text::PageMeta meta = text::parse_page_meta(response.body, response.url);
  if (meta.title.empty()) return std::nullopt;
  store::PreviewCard card;
  card.id = next_id();
  card.url = url;
  card.title = clip(meta.title, kMaxTitle);
  card.description = clip(meta.description, kMaxDescription);
  card.type = "link";  // video/rich cards need oEmbed, which herd does not fetch
  card.provider_name = meta.site_name;
  card.author_name = meta.author;
  if (!meta.image.empty()) card.image_url = meta.image;
  if (!meta.language.empty()) card.language = meta.language;
  card.width = meta.image_width.value_or(0);
  card.height = meta.image_height.value_or(0);
  card.created_at = now_unix_ms();
  return card;
}

}  // namespace

void queue_preview_card(App& app, store::Connection& c, const store::Status& status,
                        const std::vector<std::string>& links) {
  if (status.reblog_of_id || status.has_media || links.empty()) return;
  json::object payload{{"status_id", std::to_string(status.id)}, {"url", links.front()}};
  std::int64_t now = now_unix_ms();
  store::insert_job(c, next_id(), kPreviewCardQueue, json::serialize(payload), now, now);
}

int fetch_due_preview_cards(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kPreviewCardQueue, now); });
  if (!due) return 0;
  // The jobs' bookkeeping changes nothing cached responses read; a card, only its status
  // (cards are never rewritten: store::insert_card). store/invalidation.hpp
  store::Changes changes;
  changes.add(store::tags::nothing());
  auto jobs = app.db->write_value([&](store::Connection& c) {
    return store::claim_jobs(c, kPreviewCardQueue, now, kLockMs, 8);
  });
  for (const auto& job : jobs) {
    try {
      json::object payload = json::parse(job.payload).as_object();
      Id status_id = std::stoll(std::string(payload.at("status_id").as_string()));
      std::string url(payload.at("url").as_string());
      auto card = card_for(app, url);
      app.db->write([&](store::Connection& c) {
        store::Changes::note(store::tags::status(status_id));
        if (card) store::link_status_card(c, status_id, store::insert_card(c, *card));
        store::delete_job(c, job.id);
      });
    } catch (const std::exception& error) {
      log::info("preview card job {}: {}", job.id, error.what());
      app.db->write([&](store::Connection& c) {
        if (job.attempts + 1 >= kMaxAttempts)
          store::delete_job(c, job.id);
        else
          store::retry_job(c, job.id, now + (job.attempts + 1) * 30'000, job.attempts + 1,
                           error.what());
      });
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
