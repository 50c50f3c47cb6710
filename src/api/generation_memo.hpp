// Values remembered for the database generation they were read at (store::Database::generation(),
// read before reading them): any committed write moves the generation, and then every entry is
// read again. For what a request reads about its viewer (token holders, a timeline's exclusions
// and filters); bounded by a number of entries, emptied when full.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "store/database.hpp"

namespace herd::api {

template <typename Key, typename Value>
class GenerationMemo {
 public:
  explicit GenerationMemo(std::size_t max_entries) : max_entries_(max_entries) {}

  // The value remembered for key at this generation of db, if any.
  std::optional<Value> get(const store::Database* db, const Key& key, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (db != db_ || generation != generation_) return std::nullopt;
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  // Remembers a value read after `generation` was read; left out when a newer one is current.
  void put(const store::Database* db, const Key& key, std::uint64_t generation, Value value) {
    std::lock_guard lock(mutex_);
    if (db != db_ || generation > generation_ || entries_.size() >= max_entries_) {
      if (db == db_ && generation < generation_) return;  // read before a newer write
      entries_.clear();
      db_ = db;
      generation_ = generation;
    }
    if (generation == generation_) entries_.insert_or_assign(key, std::move(value));
  }

 private:
  std::size_t max_entries_;
  std::mutex mutex_;
  const store::Database* db_ = nullptr;
  std::uint64_t generation_ = 0;
  std::unordered_map<Key, Value> entries_;
};

}  // namespace herd::api
