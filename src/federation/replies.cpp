#include "federation/replies.hpp"

#include <boost/json.hpp>
#include <deque>
#include <string>
#include <unordered_set>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/inbox.hpp"
#include "federation/resolver.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

constexpr std::string_view kQueue = "fetch_replies";
constexpr std::int64_t kCooldownMs = 15 * 60 * 1000;
constexpr std::int64_t kBudgetMs = 60'000;
constexpr std::int64_t kLockMs = 120'000;
constexpr int kMaxFetches = 2 * kMaxReplies;  // documents fetched by one job, pages included

std::string refresh_key(Id status_id) {
  return "context:" + std::to_string(status_id) + ":refresh";
}

// A collection or one of its pages: an embedded object as it is, an id fetched (counted).
std::optional<json::object> dereference(App& app, const json::value* value, int& fetches) {
  if (!value) return std::nullopt;
  if (value->is_object()) return value->as_object();
  std::string id = as::id_of(*value);
  if (id.empty() || fetches >= kMaxFetches) return std::nullopt;
  ++fetches;
  return fetch_document(app, id);
}

// Walks one replies collection: the reply ids of its pages (first, then next...), in order.
void collect_reply_ids(App& app, const json::value* collection, int& fetches,
                       std::vector<std::string>& out) {
  auto current = dereference(app, collection, fetches);
  if (current && !as::find(*current, "items") && !as::find(*current, "orderedItems"))
    current = dereference(app, as::find(*current, "first"), fetches);
  for (int pages = 1; current && pages <= kMaxPages && static_cast<int>(out.size()) < kMaxReplies;
       ++pages) {
    for (const char* name : {"orderedItems", "items"})
      for (const json::value* item : as::values(*current, name))
        if (auto id = as::id_of(*item); !id.empty()) out.push_back(id);
    current = dereference(app, as::find(*current, "next"), fetches);
  }
}

// Fetches the thread under `root_uri`; returns the number of statuses stored.
std::int64_t fetch_thread(App& app, Id refresh_id, const std::string& root_uri) {
  FetchBudget budget(app, kBudgetMs);
  int fetches = 1;
  std::int64_t stored = 0;
  std::unordered_set<std::string> seen{root_uri};
  std::deque<json::object> to_walk;  // posts whose replies are still to be read
  if (auto root = fetch_document(app, root_uri)) to_walk.push_back(std::move(*root));
  while (!to_walk.empty() && stored < kMaxReplies && !FetchBudget::exhausted()) {
    json::object post = std::move(to_walk.front());
    to_walk.pop_front();
    std::vector<std::string> replies;
    collect_reply_ids(app, as::find(post, "replies"), fetches, replies);
    for (const auto& reply : replies) {
      if (stored >= kMaxReplies || fetches >= kMaxFetches) break;
      if (!seen.insert(reply).second || is_local_uri(app, reply)) continue;  // ours are here
      bool known = app.db->read_value(
          [&](store::Connection& c) { return store::find_status_id_by_uri(c, reply).has_value(); });
      ++fetches;
      auto document = fetch_document(app, reply);
      if (!document) continue;
      if (!known && store_fetched_post(app, reply, *document)) {
        ++stored;
        app.db->write(
            [&](store::Connection& c) { store::add_async_refresh_results(c, refresh_id, 1); });
      }
      to_walk.push_back(std::move(*document));  // its own replies, known or not
    }
  }
  return stored;
}

}  // namespace

bool may_fetch_replies(const store::Status& status) {
  return !status.local && !status.reblog_of_id && !status.uri.empty();
}

std::optional<store::AsyncRefresh> queue_reply_fetch(store::Connection& c,
                                                     const store::Status& status,
                                                     std::int64_t now) {
  if (!may_fetch_replies(status)) return std::nullopt;
  std::string key = refresh_key(status.id);
  auto existing = store::find_async_refresh_by_key(c, key);
  if (existing && existing->status == "running") return existing;
  if (existing && existing->finished_at && now - *existing->finished_at < kCooldownMs)
    return std::nullopt;
  auto refresh = store::start_async_refresh(c, key, next_id(), now);
  json::object payload{{"status_id", status.id}, {"refresh_id", refresh.id}};
  store::insert_job(c, next_id(), kQueue, json::serialize(payload), now, now);
  return refresh;
}

int run_reply_fetch_jobs(App& app, std::int64_t now) {
  bool due =
      app.db->read_value([&](store::Connection& c) { return store::has_due_jobs(c, kQueue, now); });
  if (!due) return 0;
  auto jobs = app.db->write_value(
      [&](store::Connection& c) { return store::claim_jobs(c, kQueue, now, kLockMs, 1); });
  for (const auto& job : jobs) {
    Id refresh_id = 0;
    try {
      const auto payload = json::parse(job.payload).as_object();
      Id status_id = payload.at("status_id").as_int64();
      refresh_id = payload.at("refresh_id").as_int64();
      auto status = app.db->read_value(
          [&](store::Connection& c) { return store::find_status(c, status_id); });
      if (status) {
        std::int64_t stored = fetch_thread(app, refresh_id, status->uri);
        log::info("replies of {}: {} fetched", status->uri, stored);
      }
    } catch (const std::exception& error) {
      log::warn("fetch_replies job {}: {}", job.id, error.what());
    }
    app.db->write([&](store::Connection& c) {
      if (refresh_id) store::finish_async_refresh(c, refresh_id, now_unix_ms());
      store::delete_job(c, job.id);
    });
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::federation
