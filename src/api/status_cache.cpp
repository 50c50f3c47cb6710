#include "api/status_cache.hpp"

#include <algorithm>

#include "api/installed_cache.hpp"
#include "store/database.hpp"

namespace herd::api {

std::size_t RenderedStatus::bytes() const {
  std::size_t n = sizeof(RenderedStatus) + head.size() + tail.size() + author_domain.size();
  for (const auto& d : media_descriptions) n += sizeof(std::string) + d.size();
  if (poll)
    for (const auto& option : poll->options) n += sizeof(option) + option.title.size();
  if (quote) n += quote->uri.size() + quote->quoted_uri.size() + 256;
  n += tags.size() * sizeof(store::CacheTag);
  n += row.uri.size() + row.url.size() + row.text.size() + row.content.size() +
       row.spoiler_text.size() + row.quote_policy.size() + row.quote_policy_manual.size();
  n += mentioned.size() * sizeof(Id);
  return n;
}

namespace {
// Whether tags[i] is its first occurrence (an entry's tags may repeat an account).
bool first_of(const std::vector<store::CacheTag>& tags, std::size_t i) {
  return std::find(tags.begin(), tags.begin() + static_cast<std::ptrdiff_t>(i), tags[i]) ==
         tags.begin() + static_cast<std::ptrdiff_t>(i);
}
}  // namespace

void StatusEntries::added(Id status_id, const RenderedStatus& entry) {
  const auto& tags = entry.tags;
  for (std::size_t i = 0; i < tags.size(); ++i)
    if (first_of(tags, i)) index_[tags[i]].push_back(status_id);
}

void StatusEntries::removed(Id status_id, const RenderedStatus& entry) {
  const auto& tags = entry.tags;
  for (std::size_t i = 0; i < tags.size(); ++i)  // its places in the index
    if (auto holders = index_.find(tags[i]); first_of(tags, i) && holders != index_.end()) {
      auto& ids = holders->second;
      if (auto at = std::find(ids.begin(), ids.end(), status_id); at != ids.end()) {
        *at = ids.back();
        ids.pop_back();
      }
      if (ids.empty()) index_.erase(holders);
    }
}

template class VersionedLru<StatusEntries>;

namespace {
InstalledCache<StatusCache> installed;
}

StatusCache* status_cache() {
  return installed.get();
}

void install_status_cache(StatusCache* cache) {
  installed.install(cache);
}

std::optional<std::uint64_t> status_cache_version(store::Database& db) {
  return installed.version(db);
}

}  // namespace herd::api
