#include "store/actor_cache.hpp"

#include "store/accounts.hpp"

namespace herd::store {

ActorCache::ActorCache(std::size_t capacity) : capacity_(capacity) {}

void ActorCache::clear_locked() {
  by_uri_.clear();
  uri_of_.clear();
}

std::optional<Account> ActorCache::find(Database& db, const std::string& uri) {
  std::uint64_t generation = db.cache_generation();  // before the read
  std::uint64_t drops = 0;
  {
    std::lock_guard lock(mutex_);
    if (database_ != &db || generation > generation_) {
      clear_locked();
      database_ = &db;
      generation_ = generation;
    }
    if (generation == generation_) {
      if (auto it = by_uri_.find(uri); it != by_uri_.end()) {
        ++hits_;
        return it->second;
      }
    }
    ++misses_;
    drops = drops_;
  }
  auto account = db.read_value([&](Connection& c) { return find_account_by_uri(c, uri); });
  if (!account || account->local()) return account;
  std::lock_guard lock(mutex_);
  // Kept only when nothing moved meanwhile: a newer generation (the cache started over), or a
  // drop (of this account or any other: they are rare) committed after the read began.
  if (database_ == &db && generation_ == generation && drops_ == drops) {
    if (by_uri_.size() >= capacity_) clear_locked();
    if (auto old = uri_of_.find(account->id); old != uri_of_.end() && old->second != uri)
      by_uri_.erase(old->second);
    by_uri_[uri] = *account;
    uri_of_[account->id] = uri;
  }
  return account;
}

void ActorCache::drop(const std::vector<CacheTag>& tags) {
  bool any = false;
  for (CacheTag tag : tags) any = any || tags::is_account_row(tag);
  if (!any) return;
  std::lock_guard lock(mutex_);
  for (CacheTag tag : tags) {
    if (!tags::is_account_row(tag)) continue;
    ++drops_;
    auto it = uri_of_.find(tags::account_of(tag));
    if (it == uri_of_.end()) continue;
    by_uri_.erase(it->second);
    uri_of_.erase(it);
  }
}

ActorCache::Stats ActorCache::stats() {
  std::lock_guard lock(mutex_);
  return Stats{hits_, misses_, by_uri_.size()};
}

}  // namespace herd::store
