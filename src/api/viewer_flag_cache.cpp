#include "api/viewer_flag_cache.hpp"

#include "store/database.hpp"

namespace herd::api {

template class VersionedLru<ViewerFlagEntries>;

InstalledCache<ViewerFlagCache>& viewer_flag_cache() {
  static InstalledCache<ViewerFlagCache> installed;
  return installed;
}

std::shared_ptr<const store::KnownFlags> known_flags(store::Connection& c, Id viewer,
                                                     std::uint64_t version) {
  ViewerFlagCache* cache = viewer_flag_cache().get();
  if (!cache) return nullptr;
  if (auto known = cache->get(viewer, version)) return known;
  store::Statement statement = store::known_flags_statement(viewer, ViewerFlagCache::kPerKind);
  auto entry = std::make_shared<const store::KnownFlags>(
      store::known_flags_from(c.query(statement.sql, statement.params), ViewerFlagCache::kPerKind));
  cache->put(viewer, version, entry);
  return entry;
}

}  // namespace herd::api
