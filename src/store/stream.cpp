#include "store/stream.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/log.hpp"
#include "store/pipeline.hpp"

namespace herd::store {

std::vector<Id> feed_holder_ids(Connection& c, Id status_id) {
  std::vector<Id> ids;
  for (const auto& row :
       c.query("SELECT account_id FROM home_feed WHERE status_id = ?", {Value(status_id)}).rows)
    ids.push_back(row.i(0));
  return ids;
}

std::vector<Id> accounts_hiding_any(Connection& c, const std::vector<Id>& accounts) {
  std::vector<Id> out;
  if (accounts.empty()) return out;
  std::string in = placeholders(accounts.size());
  std::vector<Value> params;
  for (int part = 0; part < 4; ++part)
    for (Id id : accounts) params.emplace_back(id);
  for (const Row& r :
       c.query("SELECT account_id FROM blocks WHERE target_account_id IN (" + in +
                   ") UNION SELECT target_account_id FROM blocks WHERE account_id IN (" + in +
                   ") UNION SELECT account_id FROM mutes WHERE target_account_id IN (" + in +
                   ") UNION SELECT d.account_id FROM account_domain_blocks d JOIN accounts a ON "
                   "a.domain = d.domain WHERE a.id IN (" +
                   in + ")",
               params)
           .rows)
    out.push_back(r.i(0));
  return out;
}

void notify_channel(Connection& c, std::string_view channel, std::string_view payload) {
  query_later(c, "SELECT pg_notify(CAST(? AS TEXT), CAST(? AS TEXT))",
              {Value(std::string(channel)), Value(std::string(payload))});
}

struct NotificationListener::Impl {
  std::string url, channel;
  std::function<void(std::string_view)> on_notify;
  std::atomic<bool> stopping{false};
  int wake[2] = {-1, -1};  // a pipe: writing to it ends poll()
  std::thread thread;
  std::mutex mutex;
  std::condition_variable ready_changed;
  bool ready = false;

  void run();
  // Serves one connection until it fails or the listener stops.
  void serve(PGconn* connection);
  void set_ready() {
    std::lock_guard lock(mutex);
    ready = true;
    ready_changed.notify_all();
  }
  // Sleeps up to `ms`, returning early when stopping.
  void pause(int ms) {
    pollfd fd{wake[0], POLLIN, 0};
    ::poll(&fd, 1, ms);
  }
};

void NotificationListener::Impl::run() {
  bool reported = false;
  while (!stopping) {
    PGconn* connection = PQconnectdb(url.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
      if (!reported) log::error("stream listener: cannot connect: {}", PQerrorMessage(connection));
      reported = true;
      PQfinish(connection);
      set_ready();  // do not hold up a caller waiting for the first LISTEN
      pause(1000);
      continue;
    }
    std::string sql = "LISTEN \"" + channel + "\"";
    PGresult* result = PQexec(connection, sql.c_str());
    bool listening = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!listening) {
      log::error("stream listener: LISTEN failed: {}", PQerrorMessage(connection));
      PQfinish(connection);
      set_ready();
      pause(1000);
      continue;
    }
    if (reported) log::info("stream listener: connected again");
    reported = false;
    set_ready();
    serve(connection);
    PQfinish(connection);
    if (!stopping) {
      log::warn("stream listener: connection lost, reconnecting");
      reported = true;
      pause(1000);
    }
  }
}

void NotificationListener::Impl::serve(PGconn* connection) {
  int socket = PQsocket(connection);
  while (!stopping) {
    pollfd fds[2] = {{socket, POLLIN, 0}, {wake[0], POLLIN, 0}};
    int n = ::poll(fds, 2, 30000);
    if (n < 0) continue;  // EINTR
    if (stopping || (fds[1].revents & POLLIN)) return;
    if (!(fds[0].revents & (POLLIN | POLLERR | POLLHUP)) && n == 0) {
      // Idle: check the connection is still alive.
      PGresult* result = PQexec(connection, "SELECT 1");
      bool alive = PQresultStatus(result) == PGRES_TUPLES_OK;
      PQclear(result);
      if (!alive) return;
    }
    if (!PQconsumeInput(connection)) return;
    while (PGnotify* notification = PQnotifies(connection)) {
      try {
        on_notify(notification->extra);
      } catch (const std::exception& error) {
        log::error("stream listener: delivering an event: {}", error.what());
      }
      PQfreemem(notification);
    }
    if (PQstatus(connection) != CONNECTION_OK) return;
  }
}

NotificationListener::NotificationListener(std::string url, std::string channel,
                                           std::function<void(std::string_view)> on_notify)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->channel = std::move(channel);
  impl_->on_notify = std::move(on_notify);
  if (::pipe2(impl_->wake, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error("stream listener: cannot create a pipe");
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
  // Events published after the constructor returns are received (unless the database is down).
  std::unique_lock lock(impl_->mutex);
  impl_->ready_changed.wait_for(lock, std::chrono::seconds(10), [&] { return impl_->ready; });
}

NotificationListener::~NotificationListener() {
  impl_->stopping = true;
  char byte = 1;
  [[maybe_unused]] auto written = ::write(impl_->wake[1], &byte, 1);
  if (impl_->thread.joinable()) impl_->thread.join();
  ::close(impl_->wake[0]);
  ::close(impl_->wake[1]);
}

}  // namespace herd::store
