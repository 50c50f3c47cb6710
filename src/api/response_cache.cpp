#include "api/response_cache.hpp"

#include <algorithm>
#include <cctype>

#include "core/metrics.hpp"
#include "store/socket_wait.hpp"

namespace herd::api {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

constexpr std::size_t kDropsKept = 256;

bool intersects(const std::vector<store::CacheTag>& sorted,
                const std::vector<store::CacheTag>& tags) {
  for (store::CacheTag tag : tags)
    if (std::binary_search(sorted.begin(), sorted.end(), tag)) return true;
  return false;
}

// Whether the routes of this key note every tag they read (store/invalidation.hpp): statuses,
// timelines and account statuses do; the others (instance, WebFinger, actor documents) are
// tagged "other".
bool tagged_precisely(std::string_view key) {
  return starts_with(key, "/api/v1/timelines/") || starts_with(key, "/api/v1/statuses/") ||
         starts_with(key, "/api/v1/accounts/");
}

// The status a key's path names (/api/v1/statuses/<id>...), if any.
std::optional<Id> path_status(std::string_view key) {
  constexpr std::string_view prefix = "/api/v1/statuses/";
  if (!starts_with(key, prefix)) return std::nullopt;
  Id id = 0;
  std::size_t i = prefix.size(), digits = 0;
  for (; i < key.size() && std::isdigit(static_cast<unsigned char>(key[i])) && digits < 18;
       ++i, ++digits)
    id = id * 10 + (key[i] - '0');
  if (digits == 0) return std::nullopt;
  return id;
}

// As api/activitypub's wants_activity_json: what makes /users/<name> answer the actor document.
bool asks_activity_json(const http::Request& request) {
  std::string accept(request.header("accept"));
  std::transform(accept.begin(), accept.end(), accept.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return accept.find("application/activity+json") != std::string::npos ||
         accept.find("application/ld+json") != std::string::npos;
}

}  // namespace

bool ResponseCache::cacheable(const http::Request& request) const {
  if (request.method != "GET") return false;
  const std::string& p = request.path;
  auto starts = [&](std::string_view prefix) { return starts_with(p, prefix); };
  if (p == "/.well-known/webfinger") return true;
  if (actor_documents_ && starts("/users/") && p.size() > 7 &&
      p.find('/', 7) == std::string::npos && asks_activity_json(request))
    return true;
  // Not the trending-link timeline: whether a link trends changes with time alone.
  if (starts("/api/v1/timelines/")) return !starts("/api/v1/timelines/link");
  if (starts("/api/v1/statuses/")) return true;
  if (p == "/api/v1/instance" || p == "/api/v2/instance") return true;
  if (starts("/api/v1/accounts/") && p.size() > 9 && p.compare(p.size() - 9, 9, "/statuses") == 0)
    return true;
  return false;
}

std::string ResponseCache::key(const http::Request& request) {
  std::string key = request.target;
  key += '\n';
  key += request.header("authorization");
  if (!starts_with(request.path, "/api/")) {  // documents negotiated by Accept
    key += '\n';
    key += request.header("accept");
  }
  return key;
}

std::optional<http::Response> ResponseCache::get(const std::string& key, std::uint64_t generation,
                                                 std::string* route) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return std::nullopt;
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (route) *route = it->second.route;
  return it->second.response;
}

void ResponseCache::put(const std::string& key, std::uint64_t generation,
                        const http::Response& response, const std::string& route,
                        std::uint64_t changes, std::vector<store::CacheTag> tags) {
  if (response.status != 200) return;
  if (auto named = path_status(key)) tags.push_back(store::tags::status(*named));
  if (!tagged_precisely(key)) tags.push_back(store::tags::other());
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  std::size_t size =
      key.size() + response.payload_size() + tags.size() * sizeof(store::CacheTag) + 256;
  if (size > max_bytes_ / 4) return;
  std::lock_guard lock(mutex_);
  if (generation < generation_) return;  // computed before a newer write: already stale
  if (changes < changes_) {              // read before some drops: stale if one of them touches it
    if (changes_ - changes > drops_.size()) return;
    for (auto it = drops_.end() - static_cast<std::ptrdiff_t>(changes_ - changes);
         it != drops_.end(); ++it)
      if (intersects(tags, *it)) return;
  }
  if (generation > generation_ || bytes_ + size > max_bytes_) {
    if (generation > generation_ && !entries_.empty()) metrics::count_cache_invalidation(true);
    clear_entries();
    generation_ = generation;
  }
  http::Response stored = response;
  stored.flatten();
  if (!stored.shared_body) {
    stored.shared_body = std::make_shared<const std::string>(std::move(stored.body));
    stored.body.clear();
  }
  auto [it, inserted] =
      entries_.emplace(key, Entry{std::move(stored), route, std::move(tags), size});
  if (!inserted) return;
  bytes_ += size;
  it->second.serial = ++next_serial_;
  keys_.emplace(it->second.serial, key);
  for (store::CacheTag tag : it->second.tags) index_[tag].push_back(it->second.serial);
  indexed_ += it->second.tags.size();
  live_tags_ += it->second.tags.size();
  if (indexed_ > 4 * live_tags_ + 65536) {  // mostly stale: built again from the entries
    index_.clear();
    keys_.clear();
    indexed_ = 0;
    for (const auto& [entry_key, entry] : entries_) {
      keys_.emplace(entry.serial, entry_key);
      for (store::CacheTag tag : entry.tags) index_[tag].push_back(entry.serial);
      indexed_ += entry.tags.size();
    }
  }
}

void ResponseCache::clear_entries() {
  entries_.clear();
  index_.clear();
  keys_.clear();
  indexed_ = 0;
  live_tags_ = 0;
  bytes_ = 0;
}

void ResponseCache::drop(const std::vector<store::CacheTag>& tags) {
  std::vector<store::CacheTag> sorted = tags;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  metrics::count_cache_invalidation(false);
  std::lock_guard lock(mutex_);
  ++changes_;
  for (store::CacheTag tag : sorted) {
    auto holders = index_.find(tag);
    if (holders == index_.end()) continue;
    for (std::uint64_t serial : holders->second) {
      auto key = keys_.find(serial);
      if (key == keys_.end()) continue;  // dropped already
      auto entry = entries_.find(key->second);
      if (entry != entries_.end() && entry->second.serial == serial) {
        bytes_ -= entry->second.size;
        live_tags_ -= entry->second.tags.size();
        entries_.erase(entry);
      }
      keys_.erase(key);
    }
    indexed_ -= std::min(indexed_, holders->second.size());
    index_.erase(holders);
  }
  drops_.push_back(std::move(sorted));
  if (drops_.size() > kDropsKept) drops_.pop_front();
}

std::uint64_t ResponseCache::changes() {
  std::lock_guard lock(mutex_);
  return changes_;
}

// ---- single flight ------------------------------------------------------------------------------

struct ResponseCache::Flight::State {
  std::uint64_t generation;
  std::uint64_t changes;
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  http::Response response;
  std::string route;
  // Waiters in fibers (store::waiting_suspends()): each waits suspended for its eventfd, which
  // finish() signals, since blocking on `done` would hold the I/O thread that may be running the
  // leader.
  std::vector<int> wakers;
};

ResponseCache::Flight ResponseCache::join(const std::string& key, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  auto it = flights_.find(key);
  if (it != flights_.end() && it->second->generation >= generation &&
      it->second->changes >= changes_)
    return Flight(*this, key, generation, changes_, it->second, false);
  auto state = std::make_shared<Flight::State>();
  state->generation = generation;
  state->changes = changes_;
  flights_[key] = state;  // an older flight keeps its own waiters
  return Flight(*this, key, generation, changes_, std::move(state), true);
}

ResponseCache::Flight::Flight(ResponseCache& cache, std::string key, std::uint64_t generation,
                              std::uint64_t changes, std::shared_ptr<State> state, bool leader)
    : cache_(&cache),
      key_(std::move(key)),
      generation_(generation),
      changes_(changes),
      state_(std::move(state)),
      leader_(leader) {}

ResponseCache::Flight::Flight(Flight&& other) noexcept
    : cache_(other.cache_),
      key_(std::move(other.key_)),
      generation_(other.generation_),
      changes_(other.changes_),
      state_(std::move(other.state_)),
      leader_(other.leader_) {
  other.leader_ = false;
}

ResponseCache::Flight::~Flight() {
  if (!leader_ || !state_) return;
  bool finished;
  {
    std::lock_guard lock(state_->mutex);
    finished = state_->finished;
  }
  if (!finished) finish(http::Response::error(500, "Internal server error"), {});
}

std::pair<http::Response, std::string> ResponseCache::Flight::wait() {
  if (store::waiting_suspends()) {  // in a fiber: suspended until finish() signals it
    store::Wakeup wakeup;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->finished) return {state_->response, state_->route};
      state_->wakers.push_back(wakeup.fd());
    }
    wakeup.wait();
  }
  std::unique_lock lock(state_->mutex);
  state_->done.wait(lock, [&] { return state_->finished; });
  return {state_->response, state_->route};
}

void ResponseCache::Flight::finish(const http::Response& response, const std::string& route,
                                   std::vector<store::CacheTag> tags) {
  if (!leader_) return;
  http::Response shared = response;  // one copy of the body for the cache and every waiter
  shared.flatten();
  if (!shared.shared_body) {
    shared.shared_body = std::make_shared<const std::string>(std::move(shared.body));
    shared.body.clear();
  }
  cache_->put(key_, generation_, shared, route, changes_, std::move(tags));
  {
    std::lock_guard lock(cache_->mutex_);
    auto it = cache_->flights_.find(key_);
    if (it != cache_->flights_.end() && it->second == state_) cache_->flights_.erase(it);
  }
  {
    std::lock_guard lock(state_->mutex);
    state_->response = std::move(shared);
    state_->route = route;
    state_->finished = true;
    for (int fd : state_->wakers) store::Wakeup::signal(fd);
    state_->wakers.clear();
  }
  state_->done.notify_all();
  leader_ = false;
}

}  // namespace herd::api
