// SQLite backend: WAL mode, one writer connection (writes serialised by a mutex, BEGIN IMMEDIATE),
// one reader connection per thread, prepared statements cached per connection.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/log.hpp"
#include "store/database.hpp"
#include "store/invalidation.hpp"

namespace herd::store {

namespace {

// Logs statements slower than HERD_SLOW_QUERY_MS (unset: off).
struct SlowQueryTimer {
  explicit SlowQueryTimer(std::string_view sql)
      : sql(sql), start(std::chrono::steady_clock::now()) {}
  ~SlowQueryTimer() {
    static const long threshold = [] {
      const char* value = std::getenv("HERD_SLOW_QUERY_MS");
      return value ? std::atol(value) : -1L;
    }();
    if (threshold < 0) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    if (ms >= threshold) log::warn("slow query ({} ms): {}", ms, sql);
  }
  std::string_view sql;
  std::chrono::steady_clock::time_point start;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, bool read_only) {
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw DatabaseError("cannot open SQLite database " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec_script("PRAGMA foreign_keys=OFF; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
    if (!read_only) exec_script("PRAGMA journal_mode=WAL;");
  }
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }

  Result query(std::string_view sql, const std::vector<Value>& params) override {
    SlowQueryTimer timer(sql);
    sqlite3_stmt* statement = prepare(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{statement};
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i) + 1;
      const Value& value = params[i];
      if (auto* v = std::get_if<std::int64_t>(&value))
        sqlite3_bind_int64(statement, index, *v);
      else if (auto* d = std::get_if<double>(&value))
        sqlite3_bind_double(statement, index, *d);
      else if (auto* s = std::get_if<std::string>(&value))
        sqlite3_bind_text(statement, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      else
        sqlite3_bind_null(statement, index);
    }
    Result result;
    int columns = sqlite3_column_count(statement);
    for (;;) {
      int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) raise(rc, sql);
      std::vector<Value> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(statement, c)) {
          case SQLITE_INTEGER:
            cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(statement, c)));
            break;
          case SQLITE_FLOAT:
            cells.emplace_back(sqlite3_column_double(statement, c));
            break;
          case SQLITE_NULL:
            cells.emplace_back(std::monostate{});
            break;
          default: {
            const char* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
            cells.emplace_back(std::string(text, sqlite3_column_bytes(statement, c)));
          }
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    result.affected = sqlite3_changes(db_);
    return result;
  }

  void exec_script(std::string_view script) override {
    char* error = nullptr;
    std::string text(script);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      throw DatabaseError("SQLite: " + message);
    }
  }

  Dialect dialect() const override { return Dialect::sqlite; }

 private:
  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = statements_.find(sql);  // no copy of the statement's text
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK)
      throw DatabaseError(std::string("SQLite prepare: ") + sqlite3_errmsg(db_) +
                          " in: " + std::string(sql));
    statements_.emplace(std::string(sql), statement);
    return statement;
  }
  [[noreturn]] void raise(int rc, std::string_view sql) {
    int extended = sqlite3_extended_errcode(db_);
    bool unique = extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY;
    throw DatabaseError(std::string("SQLite: ") + sqlite3_errmsg(db_) + " in: " + std::string(sql),
                        unique);
  }

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)), serial_(++next_serial) {
    if (path_ != ":memory:") {
      auto folder = std::filesystem::path(path_).parent_path();
      if (!folder.empty()) std::filesystem::create_directories(folder);
    }
    writer_ = std::make_unique<SqliteConnection>(path_, false);
  }

  void read(const std::function<void(Connection&)>& fn) override {
    if (path_ == ":memory:") {  // readers cannot see a private in-memory database
      std::lock_guard lock(write_mutex_);
      fn(*writer_);
      return;
    }
    thread_local std::unordered_map<std::uint64_t, std::unique_ptr<SqliteConnection>> readers;
    auto& reader = readers[serial_];
    if (!reader) {
      reader = std::make_unique<SqliteConnection>(path_, true);
      ++readers_open_;
    }
    ++reading_;
    struct Done {
      std::atomic<int>& count;
      ~Done() { --count; }
    } done{reading_};
    fn(*reader);
  }

  void write(const std::function<void(Connection&)>& fn) override { transaction(fn, true); }

  void write_unversioned(const std::function<void(Connection&)>& fn) override {
    transaction(fn, false);
  }

  void transaction(const std::function<void(Connection&)>& fn, bool versioned) {
    ++writers_waiting_;
    std::unique_lock lock(write_mutex_);
    --writers_waiting_;
    writing_ = true;
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = false; }
    } done{writing_};
    writer_->exec_script("BEGIN IMMEDIATE");
    try {
      fn(*writer_);
      writer_->exec_script("COMMIT");
      if (versioned) {
        // Reported to the response cache as precise changes, or every cached response is stale.
        if (!Changes::report_commit()) cache_generation_.fetch_add(1, std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_release);
      }
    } catch (...) {
      try {
        writer_->exec_script("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }

  Dialect dialect() const override { return Dialect::sqlite; }
  PoolStats pool_stats() override {
    int open = readers_open_ + 1;
    return PoolStats{open, open, reading_ + (writing_ ? 1 : 0), writers_waiting_};
  }
  // This process's writes bump an in-process counter. Another process (`herd admin`) may write
  // too: at most every 100 ms one caller asks SQLite whether anyone else committed (PRAGMA
  // data_version on the writer connection, when it is free) and bumps the counter if so.
  std::uint64_t generation() override {
    std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now().time_since_epoch())
                           .count();
    std::int64_t last = last_check_ms_.load(std::memory_order_relaxed);
    if (now - last >= 100 && path_ != ":memory:" &&
        last_check_ms_.compare_exchange_strong(last, now) && write_mutex_.try_lock()) {
      try {
        auto result = writer_->query("PRAGMA data_version", {});
        std::int64_t version = result.empty() ? 0 : result.front().i(0);
        if (version != data_version_) {
          if (data_version_ != 0) {  // another process wrote: stale everywhere
            cache_generation_.fetch_add(1, std::memory_order_release);
            generation_.fetch_add(1, std::memory_order_release);
          }
          data_version_ = version;
        }
      } catch (const std::exception&) {
      }
      write_mutex_.unlock();
    }
    return generation_.load(std::memory_order_acquire);
  }
  std::uint64_t cache_generation() override {
    generation();  // polls for other processes' writes
    return cache_generation_.load(std::memory_order_acquire);
  }

 private:
  // cache_generation_ first: a reader that sees generation_ moved sees cache_generation_ too.
  std::atomic<std::uint64_t> cache_generation_{1};
  std::atomic<std::uint64_t> generation_{1};
  std::atomic<std::int64_t> last_check_ms_{0};
  std::int64_t data_version_ = 0;  // guarded by write_mutex_
  static inline std::atomic<std::uint64_t> next_serial{0};
  std::string path_;
  std::uint64_t serial_;  // keys the per-thread reader connections
  std::mutex write_mutex_;
  std::atomic<int> readers_open_{0}, reading_{0}, writers_waiting_{0};
  std::atomic<bool> writing_{false};
  std::unique_ptr<SqliteConnection> writer_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path) {
  return std::make_unique<SqliteDatabase>(path);
}

}  // namespace herd::store
