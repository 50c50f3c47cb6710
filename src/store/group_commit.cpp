#include "store/group_commit.hpp"

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "store/invalidation.hpp"

namespace herd::store {

namespace {

constexpr std::size_t kMaxGroup = 64;

// Savepoints around each piece of a group (prepared statements: SQLite caches them).
void savepoint(Connection& c) {
  c.query("SAVEPOINT herd_group");
}
void release(Connection& c) {
  c.query("RELEASE SAVEPOINT herd_group");
}
void roll_back(Connection& c) {
  c.query("ROLLBACK TO SAVEPOINT herd_group");
  c.query("RELEASE SAVEPOINT herd_group");
}

struct Piece {
  const std::function<void()>* work = nullptr;
  bool done = false;
  bool applied = false;                                  // false: left to its caller
  std::vector<std::function<void(Connection&)>> at_end;  // at_group_end()
};

class GroupCommitDatabase;

// The group being applied on this thread: its database layer and connection, and whether a write
// of the current piece failed (its effects are then undone and it is left to its caller).
thread_local GroupCommitDatabase* group_owner = nullptr;
thread_local Connection* group_connection = nullptr;
thread_local bool write_failed = false;
thread_local Piece* current_piece = nullptr;
// Writes in progress on this thread outside a group (a piece handed over from inside one would
// wait for the writer lock this thread holds).
thread_local int writes_in_progress = 0;

class GroupCommitDatabase final : public Database {
 public:
  explicit GroupCommitDatabase(std::unique_ptr<Database> inner)
      : inner_(std::move(inner)), observer_(dynamic_cast<PieceObserver*>(inner_.get())) {}

  ~GroupCommitDatabase() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  void read(const std::function<void(Connection&)>& fn) override {
    if (group_owner == this) return fn(*group_connection);
    inner_->read(fn);
  }

  void write(const std::function<void(Connection&)>& fn) override {
    if (group_owner == this) {
      Changes::write_started();  // a piece that declares no tags empties the response cache
      // No savepoint of its own (they cost as much as the statements): when a write throws, and
      // its caller goes on (a refusal counted as "ignored"), the whole piece is undone and left
      // to its caller, where that write gets its own transaction.
      try {
        return fn(*group_connection);
      } catch (...) {
        write_failed = true;
        throw;
      }
    }
    ++writes_in_progress;
    try {
      inner_->write(fn);
    } catch (...) {
      --writes_in_progress;
      throw;
    }
    --writes_in_progress;
  }

  void write_unversioned(const std::function<void(Connection&)>& fn) override {
    inner_->write_unversioned(fn);  // never called by a piece inside a group
  }

  Dialect dialect() const override { return inner_->dialect(); }
  std::uint64_t generation() override { return inner_->generation(); }
  std::uint64_t cache_generation() override { return inner_->cache_generation(); }
  PoolStats pool_stats() override { return inner_->pool_stats(); }

  // Applies the piece in the next group and waits for it; false when it is left to the caller.
  bool run(const std::function<void()>& work) {
    if (group_owner != nullptr || writes_in_progress > 0) return false;
    Piece piece;
    piece.work = &work;
    std::unique_lock lock(mutex_);
    if (stopping_) return false;
    if (!worker_.joinable()) worker_ = std::thread([this] { loop(); });
    queue_.push_back(&piece);
    work_cv_.notify_one();
    done_cv_.wait(lock, [&] { return piece.done; });
    return piece.applied;
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      std::vector<Piece*> group;
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      apply(group);
      lock.lock();
      for (Piece* piece : group) piece->done = true;
      done_cv_.notify_all();
    }
  }

  void apply(const std::vector<Piece*>& group) {
    try {
      Changes collected{Changes::Collector{}};  // the tags the pieces declare
      inner_->write([&](Connection& c) {
        group_owner = this;
        group_connection = &c;
        struct Reset {
          ~Reset() {
            group_owner = nullptr;
            group_connection = nullptr;
            current_piece = nullptr;
          }
        } reset;
        for (Piece* piece : group) {
          write_failed = false;
          savepoint(c);
          if (observer_) observer_->piece_started();
          bool applied = true;
          current_piece = piece;
          try {
            (*piece->work)();
          } catch (...) {  // left to its caller, where an error reaches it as without group commit
            applied = false;
          }
          current_piece = nullptr;
          if (applied && !write_failed) {
            release(c);
          } else {
            applied = false;
            piece->at_end.clear();
            roll_back(c);
            if (observer_) observer_->piece_rolled_back();
          }
          piece->applied = applied;
        }
        // What the pieces kept for the end of the group: outside any savepoint. A throw here
        // leaves the transaction uncommitted, and every piece to its caller.
        for (Piece* piece : group)
          for (auto& fn : piece->at_end) fn(c);
      });
    } catch (const std::exception& error) {
      log::warn("group commit of {} not committed ({}): applied one by one", group.size(),
                error.what());
      for (Piece* piece : group) piece->applied = false;
    } catch (...) {
      log::warn("group commit of {} not committed: applied one by one", group.size());
      for (Piece* piece : group) piece->applied = false;
    }
  }

  std::unique_ptr<Database> inner_;
  PieceObserver* observer_;  // inner_ itself, when it keeps state per transaction
  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Piece*> queue_;
  std::thread worker_;
  bool stopping_ = false;
};

bool disabled(const char* variable) {
  const char* setting = std::getenv(variable);
  return setting && std::string_view(setting) == "0";
}

}  // namespace

std::unique_ptr<Database> attach_group_commit(std::unique_ptr<Database> database) {
  if (disabled("HERD_GROUP_COMMIT") || disabled("HERD_INBOX_BATCH")) return database;
  // PostgreSQL runs the writers' transactions side by side, and a commit costs little there;
  // one thread would run every statement's round trip in series (measured slower).
  if (database->dialect() == Dialect::postgres) return database;
  return std::make_unique<GroupCommitDatabase>(std::move(database));
}

bool at_group_end(const std::function<void(Connection&)>& fn) {
  if (current_piece == nullptr) return false;
  current_piece->at_end.push_back(fn);
  return true;
}

bool run_in_group_commit(Database& database, const std::function<void()>& work) {
  auto* group = dynamic_cast<GroupCommitDatabase*>(&database);
  return group != nullptr && group->run(work);
}

}  // namespace herd::store
