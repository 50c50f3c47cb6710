// What the stream hub (stream/) needs from the database: who holds a status in their home feed,
// whom an event is hidden from, and PostgreSQL NOTIFY / LISTEN for events shared by every process
// on one database.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

// Accounts whose home feed holds the status (before it is deleted).
std::vector<Id> feed_holder_ids(Connection& c, Id status_id);

// The accounts for which one of `accounts` is hidden: they block or mute it, it blocks them, or
// they block its domain. A viewer is in the result exactly when store::hidden_account_ids(viewer)
// (store/relationships.hpp) holds one of `accounts`: the same rule, for every viewer in one query.
std::vector<Id> accounts_hiding_any(Connection& c, const std::vector<Id>& accounts);

// PostgreSQL: NOTIFY `channel` with `payload` (under 8000 bytes). Inside a transaction it is sent
// when the transaction commits, and not at all when it rolls back.
void notify_channel(Connection& c, std::string_view channel, std::string_view payload);

// PostgreSQL LISTEN on a dedicated connection, served by a thread of its own: calls on_notify with
// each payload received on `channel`, in order. Reconnects (every second) after the connection
// fails; what is sent meanwhile is lost. The destructor stops the thread.
class NotificationListener {
 public:
  NotificationListener(std::string url, std::string channel,
                       std::function<void(std::string_view payload)> on_notify);
  ~NotificationListener();
  NotificationListener(const NotificationListener&) = delete;
  NotificationListener& operator=(const NotificationListener&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::store
