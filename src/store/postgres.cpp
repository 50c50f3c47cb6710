// PostgreSQL backend: a pool of libpq connections; statements prepared once per connection;
// `?` placeholders rewritten to `$n`. Parameters and results travel as text. Statements that do
// not depend on each other travel in one round trip (store/pipeline.hpp).
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "core/log.hpp"
#include "store/database.hpp"
#include "store/invalidation.hpp"
#include "store/pipeline.hpp"
#include "store/socket_wait.hpp"

namespace herd::store {

namespace {

// "a = ? AND b = '?'" -> "a = $1 AND b = '?'"
std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool in_string = false;
  for (char c : sql) {
    if (c == '\'') in_string = !in_string;
    if (c == '?' && !in_string) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresConnection final : public Connection, public PipeliningConnection {
 public:
  explicit PostgresConnection(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw DatabaseError("cannot connect to PostgreSQL: " + message);
    }
    exec_script("SET client_min_messages TO warning");
  }
  ~PostgresConnection() override { PQfinish(conn_); }

  Result query(std::string_view sql, const std::vector<Value>& params) override {
    if (!queued_.empty()) {  // what was queued travels with it
      std::vector<Statement> statements;
      statements.swap(queued_);
      statements.push_back(Statement{std::string(sql), params});
      return std::move(query_all(statements).back());
    }
    if (begin_pending_) return begin_with(sql, params);
    const std::string& name = prepare(sql);
    std::vector<std::string> texts;
    std::vector<const char*> values;
    text_params(params, texts, values);
    if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                            nullptr, nullptr, 0) != 1) {
      broken_ = true;
      throw DatabaseError("PostgreSQL: " + error_text() + " in: " + std::string(sql));
    }
    PGresult* res = last_result();
    struct Clear {
      PGresult* r;
      ~Clear() { PQclear(r); }
    } clear{res};
    check(res, sql);
    return to_result(res);
  }

  std::vector<Result> query_all(const std::vector<Statement>& statements) override {
    if (!queued_.empty()) {  // what was queued goes first; its results are dropped
      std::vector<Statement> all;
      all.swap(queued_);
      std::size_t queued = all.size();
      all.insert(all.end(), statements.begin(), statements.end());
      auto results = query_all(all);
      results.erase(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(queued));
      return results;
    }
    bool with_begin = begin_pending_;
    begin_pending_ = false;
    return pipeline(statements, with_begin);
  }

  // Inside a transaction, sent with the next statement or the COMMIT (store/pipeline.hpp).
  void query_later(Statement statement) override {
    if (!in_transaction_) {
      query(statement.sql, statement.params);
      return;
    }
    queued_.push_back(std::move(statement));
  }

  // Opens a transaction: BEGIN travels with the transaction's first statement (one round trip
  // instead of two), and a transaction that runs none costs none.
  void begin() {
    begin_pending_ = true;
    in_transaction_ = true;
  }
  // Ends the transaction opened by begin(); false when it ran nothing (nothing was committed).
  // Queued statements travel with the COMMIT; when one of them fails, the transaction is left open
  // (aborted) for rollback(). With `generation`, the COMMIT is followed in the same round trip by
  // `nextval` of the write generation's sequence, whose value is stored there: it runs once the
  // commit is done, so that whoever reads the new value can see what was committed.
  bool commit(std::optional<std::int64_t>* generation = nullptr) {
    if (begin_pending_ && queued_.empty()) {
      begin_pending_ = false;
      in_transaction_ = false;
      return false;
    }
    std::vector<Statement> end{Statement{"COMMIT", {}}};
    if (generation) end.push_back(Statement{"SELECT nextval('herd_write_generation')", {}});
    auto results = query_all(end);
    in_transaction_ = false;
    if (generation) *generation = results.back().front().i(0);
    return true;
  }
  // Whether the transaction opened by begin() sent nothing yet and has statements queued: all it
  // would send is BEGIN, them, and the COMMIT (PostgresDatabase's shared commit).
  bool only_queued() const { return begin_pending_ && !queued_.empty(); }
  // The statements queued, taken out of the transaction, which is then no longer open (it never
  // reached the server).
  std::vector<Statement> take_queued() {
    begin_pending_ = false;
    in_transaction_ = false;
    std::vector<Statement> out;
    out.swap(queued_);
    return out;
  }
  // Queues statements in the transaction opened by begin(), as query_later() does.
  void queue(const std::vector<Statement>& statements) {
    queued_.insert(queued_.end(), statements.begin(), statements.end());
  }
  void rollback() {
    queued_.clear();
    if (!in_transaction_) return;  // ended already (commit_shared)
    in_transaction_ = false;
    if (begin_pending_) {
      begin_pending_ = false;
      return;
    }
    exec_script("ROLLBACK");
  }

  void exec_script(std::string_view script) override {
    if (!queued_.empty()) {  // what was queued runs first
      std::vector<Statement> statements;
      statements.swap(queued_);
      query_all(statements);
    }
    std::string text(script);
    if (begin_pending_) {  // the pending BEGIN goes first, in the same round trip
      begin_pending_ = false;
      text = "BEGIN; " + text;
    }
    PGresult* res = PQexec(conn_, text.c_str());
    struct Clear {
      PGresult* r;
      ~Clear() { PQclear(r); }
    } clear{res};
    check(res, script);
  }

  Dialect dialect() const override { return Dialect::postgres; }
  bool healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

 private:
  static Result to_result(PGresult* res) {
    Result result;
    int rows = PQntuples(res), columns = PQnfields(res);
    result.rows.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      std::vector<Value> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, r, c))
          cells.emplace_back(std::monostate{});
        else
          cells.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
      }
      result.rows.emplace_back(std::move(cells));
    }
    const char* affected = PQcmdTuples(res);
    result.affected = affected && *affected ? std::stoll(affected) : 0;
    return result;
  }

  // Text parameters for libpq: `texts` keeps the strings `values` points into (null for NULL).
  static void text_params(const std::vector<Value>& params, std::vector<std::string>& texts,
                          std::vector<const char*>& values) {
    texts.resize(params.size());
    values.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& value = params[i];
      if (auto* v = std::get_if<std::int64_t>(&value))
        texts[i] = std::to_string(*v);
      else if (auto* d = std::get_if<double>(&value))
        texts[i] = std::to_string(*d);
      else if (auto* s = std::get_if<std::string>(&value))
        texts[i] = *s;
      values[i] = std::holds_alternative<std::monostate>(value) ? nullptr : texts[i].c_str();
    }
  }

  // BEGIN, (the statement's PREPARE when new on this connection,) the statement: one pipeline,
  // one round trip.
  Result begin_with(std::string_view sql, const std::vector<Value>& params) {
    begin_pending_ = false;
    std::vector<Statement> one{Statement{std::string(sql), params}};
    return std::move(pipeline(one, true).front());
  }

  // [BEGIN,] each statement (preceded by its PREPARE when new on this connection), then a sync:
  // one round trip. An error in any of them is thrown once the pipeline is drained; a connection
  // whose pipeline went wrong otherwise is not used again.
  std::vector<Result> pipeline(const std::vector<Statement>& statements, bool with_begin) {
    struct Sent {
      std::string name;
      bool prepare = false;  // a PREPARE was sent before it
    };
    std::vector<Sent> sent(statements.size());
    std::unordered_map<std::string_view, std::string> preparing;  // new in this pipeline
    if (PQenterPipelineMode(conn_) != 1) throw DatabaseError("PostgreSQL: " + error_text());
    struct Exit {
      PostgresConnection& self;
      ~Exit() {
        if (PQexitPipelineMode(self.conn_) != 1) self.broken_ = true;
      }
    } exit{*this};
    bool ok = !with_begin ||
              PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    std::vector<std::string> texts;
    std::vector<const char*> values;
    for (std::size_t i = 0; ok && i < statements.size(); ++i) {
      const Statement& statement = statements[i];
      if (auto known = prepared_.find(statement.sql); known != prepared_.end()) {
        sent[i].name = known->second;
      } else if (auto pending = preparing.find(statement.sql); pending != preparing.end()) {
        sent[i].name = pending->second;
      } else {
        sent[i].name = "s" + std::to_string(prepared_.size() + preparing.size());
        sent[i].prepare = true;
        preparing.emplace(statement.sql, sent[i].name);
        ok = PQsendPrepare(conn_, sent[i].name.c_str(), number_placeholders(statement.sql).c_str(),
                           0, nullptr) == 1;
      }
      text_params(statement.params, texts, values);
      ok = ok && PQsendQueryPrepared(conn_, sent[i].name.c_str(),
                                     static_cast<int>(statement.params.size()), values.data(),
                                     nullptr, nullptr, 0) == 1;
    }
    ok = ok && PQpipelineSync(conn_) == 1;
    std::string what = statements.empty() ? std::string("BEGIN") : statements.front().sql;
    if (!ok) {
      broken_ = true;
      throw DatabaseError("PostgreSQL: " + error_text() + " in: " + what);
    }
    // Results in the order sent (each followed by a null), then the sync.
    std::optional<std::string> failure;
    bool unique = false;
    std::vector<Result> results(statements.size());
    auto take = [&](const std::string& in, Result* into) {  // false: it failed
      PGresult* res = next_result();
      if (!res) {
        broken_ = true;
        throw DatabaseError("PostgreSQL: pipeline ended early: " + error_text() + " in: " + in);
      }
      struct Clear {
        PGresult* r;
        ~Clear() { PQclear(r); }
      } clear{res};
      auto status = PQresultStatus(res);
      bool succeeded = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
      if (succeeded && into) *into = to_result(res);
      if (!succeeded && !failure) {
        const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        unique = state && std::string_view(state) == "23505";
        const char* message = PQresultErrorMessage(res);
        failure = (message && *message ? std::string(message) : "pipeline aborted") + " in: " + in;
      }
      while (PGresult* rest = next_result()) PQclear(rest);  // the null closing it
      return succeeded;
    };
    if (with_begin) take("BEGIN", nullptr);
    for (std::size_t i = 0; i < statements.size(); ++i) {
      if (sent[i].prepare && take(statements[i].sql, nullptr))  // kept even if the statement fails
        prepared_.emplace(statements[i].sql, sent[i].name);
      take(statements[i].sql, &results[i]);
    }
    PGresult* sync = next_result();
    if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC) broken_ = true;
    PQclear(sync);
    if (failure) throw DatabaseError("PostgreSQL: " + *failure, unique);
    if (broken_) throw DatabaseError("PostgreSQL: pipeline not synchronised in: " + what);
    return results;
  }
  std::string error_text() const { return PQerrorMessage(conn_); }

  // PQgetResult, waiting for the socket through store::wait_readable (a fiber's I/O thread goes
  // on with other requests meanwhile) instead of inside libpq.
  PGresult* next_result() {
    while (PQisBusy(conn_)) {
      wait_readable(PQsocket(conn_));
      if (PQconsumeInput(conn_) != 1) break;  // PQgetResult then reports the error
    }
    return PQgetResult(conn_);
  }
  // The last result of a statement sent alone (as PQexec* returns it): the others are dropped.
  PGresult* last_result() {
    PGresult* last = nullptr;
    while (PGresult* res = next_result()) {
      PQclear(last);
      last = res;
      if (PQstatus(conn_) == CONNECTION_BAD) break;
    }
    return last;
  }

  const std::string& prepare(std::string_view sql) {
    auto it = prepared_.find(sql);  // (no copy of the statement's text to look it up)
    if (it != prepared_.end()) return it->second;
    std::string name = "s" + std::to_string(prepared_.size());
    std::string numbered = number_placeholders(sql);
    if (PQsendPrepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr) != 1) {
      broken_ = true;
      throw DatabaseError("PostgreSQL: " + error_text() + " in: " + std::string(sql));
    }
    PGresult* res = last_result();
    struct Clear {
      PGresult* r;
      ~Clear() { PQclear(r); }
    } clear{res};
    check(res, sql);
    return prepared_.emplace(std::string(sql), name).first->second;
  }
  void check(PGresult* res, std::string_view sql) {
    auto status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    bool unique = state && std::string_view(state) == "23505";
    throw DatabaseError(
        "PostgreSQL: " + std::string(PQerrorMessage(conn_)) + " in: " + std::string(sql), unique);
  }

  PGconn* conn_ = nullptr;
  // Statement text -> its name on this connection; looked up by string_view (transparent).
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> prepared_;
  bool begin_pending_ = false;     // begin() called, BEGIN not sent yet
  bool in_transaction_ = false;    // between begin() and commit()/rollback()
  std::vector<Statement> queued_;  // query_later(): sent with the next statement or the COMMIT
  bool broken_ = false;            // a pipeline went wrong: not to be used again
};

// Transactions open on this thread (PostgresDatabase::transaction), for shared commits.
thread_local int open_transactions = 0;

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, int pool_size) : url_(std::move(url)), max_(pool_size) {
    idle_.push_back(std::make_unique<PostgresConnection>(url_));  // fail early on bad settings
    created_ = 1;
    // Shared by every process on this database: bumped after each committed write.
    idle_.back()->exec_script("CREATE SEQUENCE IF NOT EXISTS herd_write_generation");
  }

  // Writes by this process count at once (read-your-writes); writes by other processes sharing
  // the database are seen through the shared sequence, read at most every kPollMs. The values this
  // process took from the sequence itself are left out of what it reads there, so that its own
  // writes do not count twice. A value travels with its COMMIT (one round trip), so a poll may read
  // it before the commit's caller noted it: a poll's reading is therefore applied only once every
  // commit that was in flight when it was read has noted its value (Tickets; at most one round
  // trip later). The value a commit takes counts as a reading too: while this process writes, it
  // does not read the sequence on its own. cache_generation() leaves out this process's writes
  // reported to its response cache as precise changes (invalidation.hpp, precise_); every other
  // process sees them as any write.
  std::uint64_t generation() override {
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto last = polled_at_.load(std::memory_order_acquire);
    if (now - last > kPollMs * 1000000LL &&
        polled_at_.compare_exchange_strong(last, now, std::memory_order_acq_rel)) {
      std::uint64_t last_value = 0;
      {
        Lease lease(*this);
        auto result = lease.connection->query("SELECT last_value FROM herd_write_generation", {});
        last_value = static_cast<std::uint64_t>(result.front().i(0));
      }
      std::lock_guard lock(sequence_mutex_);
      polls_.push_back(Poll{last_value, next_ticket_});
      apply_polls();
    }
    return shared_.load(std::memory_order_acquire) + local_.load(std::memory_order_acquire) +
           precise_.load(std::memory_order_acquire);
  }
  std::uint64_t cache_generation() override {
    generation();  // polls for other processes' writes
    return shared_.load(std::memory_order_acquire) + local_.load(std::memory_order_acquire);
  }

  void read(const std::function<void(Connection&)>& fn) override {
    Lease lease(*this);
    fn(*lease.connection);
  }

  void write(const std::function<void(Connection&)>& fn) override { transaction(fn, true); }

  void write_unversioned(const std::function<void(Connection&)>& fn) override {
    transaction(fn, false);
  }

  void transaction(const std::function<void(Connection&)>& fn, bool versioned) {
    std::vector<Statement> shared;  // what it wrote, to commit with others (shared commits)
    {
      Lease lease(*this);
      ++open_transactions;
      struct Close {
        ~Close() { --open_transactions; }
      } close;
      lease.connection->begin();
      try {
        fn(*lease.connection);
        if (versioned && shares_commit(*lease.connection))
          shared = lease.connection->take_queued();
        else if (versioned)
          commit_versioned(*lease.connection);
        else
          lease.connection->commit();
      } catch (...) {
        rollback_quietly(*lease.connection);
        throw;
      }
    }
    if (!shared.empty()) commit_shared(std::move(shared));  // the connection is back in the pool
    if (!versioned) return;
    // After the commit, so that a reader who sees the new generation also sees the data.
    // Reported to the response cache as precise changes, or every cached response is stale.
    // (A transaction that ran no statement changed nothing, and took no value.)
    if (Changes::report_commit())
      precise_.fetch_add(1, std::memory_order_acq_rel);
    else
      local_.fetch_add(1, std::memory_order_acq_rel);
  }

  Dialect dialect() const override { return Dialect::postgres; }

  PoolStats pool_stats() override {
    std::lock_guard lock(mutex_);
    return PoolStats{max_, created_, created_ - static_cast<int>(idle_.size()), waiting_};
  }

 private:
  struct Lease {
    explicit Lease(PostgresDatabase& db) : db(db) { connection = db.acquire(); }
    ~Lease() { db.release(std::move(connection)); }
    PostgresDatabase& db;
    std::unique_ptr<PostgresConnection> connection;
  };

  // A free connection, else a new one below max_, else the first released. A thread waits on
  // available_; code in a fiber (waiting_suspends(): an I/O thread running requests in fibers)
  // must not block its thread, whose other fibers may hold the connections it waits for: it waits
  // on an eventfd of its own through wait_readable (the fiber is suspended, its thread goes on),
  // which release() signals.
  std::unique_ptr<PostgresConnection> acquire() {
    std::unique_lock lock(mutex_);
    std::optional<Wakeup> wakeup;  // a fiber's, made when it first waits
    for (;;) {
      if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
      if (created_ < max_) {
        ++created_;
        lock.unlock();
        try {
          return std::make_unique<PostgresConnection>(url_);
        } catch (...) {
          std::lock_guard relock(mutex_);
          --created_;
          throw;
        }
      }
      ++waiting_;
      if (waiting_suspends()) {
        if (!wakeup) wakeup.emplace();
        suspended_.push_back(wakeup->fd());
        lock.unlock();
        wakeup->wait();
        lock.lock();
        // Signalled (release() took it out of the queue), or not: out of it either way.
        auto it = std::find(suspended_.begin(), suspended_.end(), wakeup->fd());
        if (it != suspended_.end()) suspended_.erase(it);
      } else {
        available_.wait(lock);
      }
      --waiting_;
    }
  }
  // Every release wakes one waiting thread and one waiting fiber: whichever comes first takes the
  // connection, the other waits again (each later release wakes one more).
  void release(std::unique_ptr<PostgresConnection> connection) {
    std::lock_guard lock(mutex_);
    if (connection && connection->healthy())
      idle_.push_back(std::move(connection));
    else
      --created_;
    available_.notify_one();
    if (!suspended_.empty()) {
      Wakeup::signal(suspended_.front());
      suspended_.pop_front();
    }
  }

  // Shared commits. A transaction that read nothing (every statement queued: what it sends is
  // BEGIN, its writes and the COMMIT, in one round trip) is committed with the others of its kind
  // waiting at that moment: one of their callers sends BEGIN, every one's statements in order,
  // COMMIT and the sequence's `nextval` in one pipeline, while the others wait for that commit
  // (holding no connection: their transactions never reached the server). One shared transaction
  // is in flight at a time (two of them could lock rows in opposite orders); the transactions that
  // arrive meanwhile wait and make the next one. When it fails (a statement of one of them failed:
  // the whole pipeline is aborted), nothing of it is kept and each caller commits its statements
  // alone, as without sharing, where its error reaches it. A caller learns that its transaction
  // committed only after the COMMIT that stored it. Not shared: a transaction opened inside
  // another on the same thread (the outer one may hold rows the shared one waits for), or in a
  // fiber (which must not block its I/O thread). HERD_PG_SHARED_COMMIT=0 turns it off.
  struct SharedPiece {
    std::vector<Statement> statements;
    bool done = false;
    bool committed = false;
    std::exception_ptr error;  // alone in its shared transaction, which failed: its error
  };

  bool shares_commit(const PostgresConnection& connection) const {
    return share_commits_ && open_transactions == 1 && connection.only_queued() &&
           !waiting_suspends();
  }

  // Commits the statements (a transaction's) in a shared transaction, else alone; throws the
  // error of committing them alone.
  void commit_shared(std::vector<Statement> statements) {
    SharedPiece piece;
    piece.statements = std::move(statements);
    std::unique_lock lock(shared_mutex_);
    shared_queue_.push_back(&piece);
    while (!piece.done) {
      if (sharing_) {
        shared_cv_.wait(lock);
        continue;
      }
      // This caller sends the next shared transaction, with the pieces waiting (its own among
      // them unless kMaxShared were waiting before it).
      sharing_ = true;
      std::vector<SharedPiece*> group;
      while (!shared_queue_.empty() && group.size() < kMaxShared) {
        group.push_back(shared_queue_.front());
        shared_queue_.pop_front();
      }
      lock.unlock();
      send_shared(group);
      lock.lock();
      for (SharedPiece* p : group) p->done = true;
      sharing_ = false;
      shared_cv_.notify_all();
    }
    lock.unlock();
    if (piece.committed) return;
    if (piece.error) std::rethrow_exception(piece.error);
    Lease lease(*this);  // alone
    lease.connection->begin();
    lease.connection->queue(piece.statements);
    try {
      commit_versioned(*lease.connection);
    } catch (...) {
      rollback_quietly(*lease.connection);
      throw;
    }
  }

  void send_shared(const std::vector<SharedPiece*>& group) {
    try {
      Lease lease(*this);
      PostgresConnection& connection = *lease.connection;
      try {
        connection.begin();
        for (SharedPiece* p : group) connection.queue(p->statements);
        commit_versioned(connection);
      } catch (...) {
        rollback_quietly(connection);
        throw;
      }
      for (SharedPiece* p : group) p->committed = true;
    } catch (...) {
      if (group.size() == 1) {  // as if committed alone: the error is its caller's
        group.front()->error = std::current_exception();
        return;
      }
      std::string what = "unknown error";
      try {
        throw;
      } catch (const std::exception& error) {
        what = error.what();
      } catch (...) {
      }
      log::info("postgres: shared commit of {} transactions failed ({}): each commits alone",
                group.size(), what);
    }
  }

  // Commits the open transaction of `connection`, taking the sequence's value with the COMMIT
  // (the write generation: a Ticket taken before the value can be, returned once it is noted).
  void commit_versioned(PostgresConnection& connection) {
    Ticket ticket(*this);
    std::optional<std::int64_t> taken;
    connection.commit(&taken);
    if (taken) ticket.value = static_cast<std::uint64_t>(*taken);
  }
  static void rollback_quietly(PostgresConnection& connection) {
    try {
      connection.rollback();
    } catch (...) {  // the connection is broken: released as such
    }
  }

  // A commit that may take a value from the sequence (in flight from before its COMMIT is sent
  // until its value, if any, is noted in own_values_).
  struct Ticket {
    explicit Ticket(PostgresDatabase& db) : db(db) {
      std::lock_guard lock(db.sequence_mutex_);
      number = db.next_ticket_++;
      db.in_flight_.insert(number);
    }
    ~Ticket() {
      std::lock_guard lock(db.sequence_mutex_);
      db.in_flight_.erase(number);
      if (value) {
        db.own_values_.push_back(*value);
        // A process that never asks for the generation (a command) does not keep them all: the
        // ones forgotten count as another process's writes, which only empties a cache once more.
        if (db.own_values_.size() > kOwnValuesKept)
          db.own_values_.erase(db.own_values_.begin(), db.own_values_.begin() + kOwnValuesKept / 2);
        // The value is also a reading of the sequence at that moment (every process's values up
        // to it were taken): under writes, the commits keep other processes' writes in view and
        // generation() has no need to read the sequence itself.
        db.polls_.push_back(Poll{*value, db.next_ticket_});
        db.polled_at_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                            std::memory_order_release);
      }
      db.apply_polls();
    }
    PostgresDatabase& db;
    std::uint64_t number = 0;
    std::optional<std::uint64_t> value;
  };
  // A reading of the sequence, applied once every ticket below `tickets` is returned.
  struct Poll {
    std::uint64_t last_value = 0;
    std::uint64_t tickets = 0;
  };
  // Under sequence_mutex_: applies the polls whose in-flight commits have all noted their values.
  void apply_polls() {
    std::uint64_t lowest = in_flight_.empty() ? next_ticket_ : *in_flight_.begin();
    while (!polls_.empty() && polls_.front().tickets <= lowest) {
      std::uint64_t last_value = polls_.front().last_value;
      polls_.pop_front();
      auto mine = std::partition(own_values_.begin(), own_values_.end(),
                                 [&](std::uint64_t v) { return v > last_value; });
      own_counted_ += static_cast<std::uint64_t>(own_values_.end() - mine);
      own_values_.erase(mine, own_values_.end());
      std::uint64_t others = last_value > own_counted_ ? last_value - own_counted_ : 0;
      if (others > shared_.load(std::memory_order_acquire))
        shared_.store(others, std::memory_order_release);
    }
  }

  static constexpr std::size_t kMaxShared = 64;
  const bool share_commits_ = [] {
    const char* setting = std::getenv("HERD_PG_SHARED_COMMIT");
    return !(setting && std::string_view(setting) == "0");
  }();
  std::mutex shared_mutex_;
  std::condition_variable shared_cv_;
  std::deque<SharedPiece*> shared_queue_;  // waiting for a shared transaction
  bool sharing_ = false;                   // a shared transaction is being sent
  static constexpr long long kPollMs = 2;
  std::atomic<std::uint64_t> local_{0}, shared_{0}, precise_{0};
  static constexpr std::size_t kOwnValuesKept = 4096;
  std::mutex sequence_mutex_;
  std::vector<std::uint64_t> own_values_;  // taken from the sequence, above the last value read
  std::uint64_t own_counted_ = 0;          // taken from the sequence, up to the last value read
  std::uint64_t next_ticket_ = 0;
  std::set<std::uint64_t> in_flight_;  // tickets not returned yet
  std::deque<Poll> polls_;             // readings not applied yet, oldest first
  std::atomic<long long> polled_at_{0};
  std::string url_;
  int max_;
  int created_ = 0;
  int waiting_ = 0;
  std::mutex mutex_;
  std::condition_variable available_;
  std::deque<int> suspended_;  // eventfds of fibers waiting for a connection, first come first
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, int pool_size) {
  return std::make_unique<PostgresDatabase>(url, pool_size);
}

}  // namespace herd::store
