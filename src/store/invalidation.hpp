// Precise invalidation of cached responses (api/response_cache.hpp).
//
// Every committed write moves Database::generation(), which makes every cached response stale at
// once, unless the write runs inside a StatusChanges scope. Such a write declares that, among
// everything a cached response can show, it changes only the state of the statuses it names
// (their counts, the writer's own favourite or bookmark of them): when it commits, the database
// calls the status change listener with those statuses instead of moving the generation, and the
// response cache drops only the responses that loaded one of them (LoadedStatuses). Without a
// listener (no response cache in this process), or when the scope named nothing before the
// commit, the write moves the generation as any other. Other processes sharing the database see
// it as any other write (their caches start over).
//
// The contract that keeps cached answers exact: a write may run in a StatusChanges scope only if
// nothing it changes is read by a cacheable route except through the statuses it names, and every
// status a response shows is loaded through store::status_from_row (which notes it).
#pragma once
#include <functional>
#include <vector>

#include "core/ids.hpp"

namespace herd::store {

// While alive, the writes committed on this thread change only the statuses added to it (see
// above). Scopes do not nest: an inner one is inert and its statuses go to the outer one.
class StatusChanges {
 public:
  StatusChanges();
  ~StatusChanges();
  StatusChanges(const StatusChanges&) = delete;
  StatusChanges& operator=(const StatusChanges&) = delete;

  // Names a status the scope's writes change. Call it before the write commits.
  void add(Id status_id);

  // For the Database implementations, right after a versioned write committed on this thread:
  // true when the commit was reported to the listener as a change of the named statuses only (the
  // generation must then not move); false when it must move the generation as usual.
  static bool report_commit();

 private:
  StatusChanges* outer_;
  std::vector<Id> statuses_;
};

using StatusChangeListener = std::function<void(const std::vector<Id>& statuses)>;

// Installs the process's listener (the response cache) while alive; at most one at a time.
class StatusChangeListening {
 public:
  explicit StatusChangeListening(StatusChangeListener listener);
  ~StatusChangeListening();  // waits for a call in progress to end
  StatusChangeListening(const StatusChangeListening&) = delete;
  StatusChangeListening& operator=(const StatusChangeListening&) = delete;
};

// While alive, collects the ids of the statuses loaded on this thread (status_from_row): what a
// cached response depends on. A nested collector passes its ids on to the outer one.
class LoadedStatuses {
 public:
  LoadedStatuses();
  ~LoadedStatuses();
  LoadedStatuses(const LoadedStatuses&) = delete;
  LoadedStatuses& operator=(const LoadedStatuses&) = delete;

  // The ids noted so far, sorted, without duplicates.
  std::vector<Id> ids() const;
  // Called by status_from_row for every status it builds.
  static void note(Id status_id);

 private:
  LoadedStatuses* outer_;
  std::vector<Id> ids_;
};

}  // namespace herd::store
