#include "store/invalidation.hpp"

#include <algorithm>
#include <exception>
#include <mutex>

namespace herd::store {

namespace {

thread_local StatusChanges* current_changes = nullptr;
thread_local LoadedStatuses* current_loaded = nullptr;

std::mutex listener_mutex;
StatusChangeListener* listener = nullptr;  // guarded by listener_mutex

}  // namespace

StatusChanges::StatusChanges() : outer_(current_changes) {
  if (!outer_) current_changes = this;
}

StatusChanges::~StatusChanges() {
  if (!outer_) current_changes = nullptr;
}

void StatusChanges::add(Id status_id) {
  if (outer_)
    outer_->add(status_id);
  else
    statuses_.push_back(status_id);
}

bool StatusChanges::report_commit() {
  StatusChanges* changes = current_changes;
  if (!changes || changes->statuses_.empty()) return false;
  std::lock_guard lock(listener_mutex);
  if (!listener) return false;
  try {
    (*listener)(changes->statuses_);
  } catch (const std::exception&) {
    return false;  // then the generation moves: every cached response is dropped
  }
  return true;
}

StatusChangeListening::StatusChangeListening(StatusChangeListener function) {
  std::lock_guard lock(listener_mutex);
  delete listener;
  listener = new StatusChangeListener(std::move(function));
}

StatusChangeListening::~StatusChangeListening() {
  std::lock_guard lock(listener_mutex);
  delete listener;
  listener = nullptr;
}

LoadedStatuses::LoadedStatuses() : outer_(current_loaded) {
  current_loaded = this;
}

LoadedStatuses::~LoadedStatuses() {
  current_loaded = outer_;
  if (outer_) outer_->ids_.insert(outer_->ids_.end(), ids_.begin(), ids_.end());
}

std::vector<Id> LoadedStatuses::ids() const {
  std::vector<Id> out = ids_;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void LoadedStatuses::note(Id status_id) {
  if (current_loaded) current_loaded->ids_.push_back(status_id);
}

}  // namespace herd::store
