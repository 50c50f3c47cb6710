#include "store/invalidation.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>

#include "store/socket_wait.hpp"

namespace herd::store {

namespace {

thread_local Changes* current_changes = nullptr;  // the outermost scope
thread_local int declaring_scopes = 0;            // scopes alive that declare (not collectors)
thread_local Dependencies* current_dependencies = nullptr;

std::mutex listener_mutex;
ChangeListener* listener = nullptr;  // guarded by listener_mutex

// Snowflake ids stay below 2^57 until 2039; a kind in the top 7 bits keeps tags of different
// kinds apart (a status's tag is its id, kind 0).
CacheTag kind(std::uint64_t k, std::uint64_t value) {
  return (k << 57) ^ (value & ((std::uint64_t{1} << 57) - 1));
}

}  // namespace

namespace tags {
CacheTag status(Id status_id) {
  return kind(0, static_cast<std::uint64_t>(status_id));
}
CacheTag account(Id account_id) {
  return kind(1, static_cast<std::uint64_t>(account_id));
}
CacheTag home_feed(Id account_id) {
  return kind(2, static_cast<std::uint64_t>(account_id));
}
CacheTag list(Id list_id) {
  return kind(3, static_cast<std::uint64_t>(list_id));
}
CacheTag viewer(Id account_id) {
  return kind(4, static_cast<std::uint64_t>(account_id));
}
CacheTag account_statuses(Id account_id) {
  return kind(5, static_cast<std::uint64_t>(account_id));
}
CacheTag public_statuses() {
  return kind(6, 0);
}
CacheTag hashtag(std::string_view name) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char ch : name)  // ASCII case folded: a name matched either way gets one tag
    hash = (hash ^ static_cast<unsigned char>(std::tolower(ch))) * 1099511628211ULL;
  return kind(7, hash);
}
CacheTag other() {
  return kind(8, 0);
}
bool is_status(CacheTag tag) {
  return (tag >> 57) == 0;
}
CacheTag nothing() {
  return kind(9, 0);
}
CacheTag flags_of(Id account_id) {
  return kind(10, static_cast<std::uint64_t>(account_id));
}
bool is_flags_of(CacheTag tag) {
  return (tag >> 57) == 10;
}
CacheTag account_row(Id account_id) {
  return kind(11, static_cast<std::uint64_t>(account_id));
}
bool is_account_row(CacheTag tag) {
  return (tag >> 57) == 11;
}
Id account_of(CacheTag tag) {
  return static_cast<Id>(tag & ((std::uint64_t{1} << 57) - 1));
}
}  // namespace tags

Changes::Changes() : outer_(current_changes) {
  if (!outer_) current_changes = this;
  ++declaring_scopes;
}

Changes::Changes(Collector) : outer_(current_changes), declares_(false) {
  if (!outer_) current_changes = this;
}

Changes::~Changes() {
  if (!outer_) current_changes = nullptr;
  if (declares_) --declaring_scopes;
}

void Changes::add(CacheTag tag) {
  if (outer_)
    outer_->add(tag);
  else
    tags_.push_back(tag);
}

void Changes::note(CacheTag tag) {
  if (current_changes) current_changes->add(tag);
}

void Changes::note_everything() {
  if (current_changes) current_changes->everything_ = true;  // the outermost scope
}

void Changes::note_account_row(Id account_id) {
  if (current_changes) current_changes->rows_.push_back(tags::account_row(account_id));
}

void Changes::write_started() {
  if (current_changes && declaring_scopes == 0) current_changes->everything_ = true;
}

bool Changes::report_commit() {
  Changes* changes = current_changes;
  if (!changes || changes->everything_ || changes->tags_.empty()) return false;
  std::lock_guard lock(listener_mutex);
  if (!listener) return false;
  try {
    if (changes->rows_.empty()) {
      (*listener)(changes->tags_);
    } else {
      std::vector<CacheTag> reported = changes->tags_;
      reported.insert(reported.end(), changes->rows_.begin(), changes->rows_.end());
      (*listener)(reported);
    }
  } catch (const std::exception&) {
    return false;  // then the cache generation moves: every cached response is dropped
  }
  return true;
}

ChangeListening::ChangeListening(ChangeListener function) {
  std::lock_guard lock(listener_mutex);
  delete listener;
  listener = new ChangeListener(std::move(function));
}

ChangeListening::~ChangeListening() {
  std::lock_guard lock(listener_mutex);
  delete listener;
  listener = nullptr;
}

ThreadScopes exchange_thread_scopes(ThreadScopes scopes) {
  ThreadScopes previous{current_changes, declaring_scopes, current_dependencies};
  current_changes = static_cast<Changes*>(scopes.changes);
  declaring_scopes = scopes.declaring;
  current_dependencies = static_cast<Dependencies*>(scopes.dependencies);
  return previous;
}

Dependencies::Dependencies() : outer_(current_dependencies) {
  current_dependencies = this;
}

Dependencies::~Dependencies() {
  current_dependencies = outer_;
  if (outer_) outer_->tags_.insert(outer_->tags_.end(), tags_.begin(), tags_.end());
}

std::vector<CacheTag> Dependencies::tags() const {
  std::vector<CacheTag> out = tags_;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Dependencies::note(CacheTag tag) {
  if (current_dependencies) current_dependencies->tags_.push_back(tag);
}

}  // namespace herd::store
