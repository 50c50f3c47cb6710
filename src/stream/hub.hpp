// The stream hub: services publish events, streaming connections subscribe to channels.
//
// Publishing is transactional. Hub::attach() wraps the instance's Database; an event published
// inside one of its writes is held until that write ends: dropped when it rolls back, delivered
// when it commits. With SQLite (one process) delivery is in memory, right after the commit. With
// PostgreSQL the events go out as NOTIFY on the channel `herd_stream` inside the transaction
// (PostgreSQL sends them at commit, to every process), and Hub::listen() receives them, this
// process's own included, on a dedicated connection; so every `herd serve` sharing the database
// streams every event. An event published outside a write is sent at once.
//
// Delivery calls each subscriber of each of the event's channels on the publishing (or listening)
// thread; a subscriber queues and returns, it never blocks or renders there.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/database.hpp"
#include "stream/event.hpp"

namespace herd::store {
class NotificationListener;
}

namespace herd::stream {

// One delivered event, shared by every subscriber it reaches. What the connections make of it is
// made once and shared, by the first connection that asks (thread-safe; two threads asking at the
// same moment may both make it, one result is kept):
//  - its client payload per viewer: the anonymous one (viewer 0, as every subscriber of a public
//    stream sees it) kept as long as the event; a viewer's own kept while someone holds a claim
//    for that viewer (a connection claims before it queues the event, and lets go once its
//    message is made), so that a personal payload is rendered once per recipient and no longer
//    kept once each of the recipient's connections has it;
//  - the accounts the event is hidden from (they block or mute one of its accounts...), and the
//    accounts with filters in force in the public context: one query each per event, however
//    many connections;
//  - finished messages by key (one frame for every subscriber of `public:local`), kept as long
//    as the event.
class Published : public std::enable_shared_from_this<Published> {
 public:
  using Bytes = std::shared_ptr<const std::string>;
  // viewer 0: the anonymous payload; public_context: rendered with the viewer's filters of the
  // public context (public and hashtag streams) rather than those of their home (user, list and
  // direct streams, notifications). A payload in the public context is never kept: payload()
  // renders it for each call.
  struct Audience {
    Id viewer = 0;
    bool public_context = false;
  };
  using Render = std::function<std::optional<std::string>(const Event&, Audience)>;

  explicit Published(Event event) : event_(std::move(event)) {}
  const Event& event() const { return event_; }

  // Keeps payload(viewer) once made until the returned handle goes away (nullptr for viewer 0,
  // whose payload is always kept).
  std::shared_ptr<void> claim(Id viewer) const;
  // The payload for `audience`, from `render` unless made already; nullptr when render gives
  // nothing (the object is gone, or a filter hides it).
  Bytes payload(Audience audience, const Render& render) const;
  // Whether the event is hidden from `viewer`; `load` gives (once per event) every account it is
  // hidden from.
  using LoadAccounts = std::function<std::vector<Id>(const Event&)>;
  bool hidden_from(Id viewer, const LoadAccounts& load) const;
  // Whether `viewer` has filters in force in the public context; `load` gives (once per event)
  // every such account.
  bool filters_public(Id viewer, const LoadAccounts& load) const;
  // The message for `key`, from `make` unless made already; nullptr when make gives nothing.
  Bytes message(const std::string& key,
                const std::function<std::optional<std::string>()>& make) const;

 private:
  struct Payload {
    int claims = 0;
    bool made = false;
    Bytes bytes;
  };
  void release(Id viewer) const;

  Event event_;
  mutable std::mutex mutex_;
  mutable Payload anonymous_;
  mutable std::unordered_map<Id, Payload> payloads_;
  bool among(std::optional<std::unordered_set<Id>>& memo, Id viewer,
             const LoadAccounts& load) const;

  mutable std::optional<std::unordered_set<Id>> hidden_from_;
  mutable std::optional<std::unordered_set<Id>> filters_public_;
  mutable std::vector<std::pair<std::string, Bytes>> messages_;
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // An event arrived on `channel` (one the subscriber subscribed to). Must not block.
  virtual void deliver(const std::string& channel,
                       const std::shared_ptr<const Published>& event) = 0;
};

class Hub {
 public:
  Hub();
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Returns `database` wrapped so that events published inside its writes follow the transaction
  // (see above). Use the returned database everywhere; the hub keeps a pointer to it.
  std::unique_ptr<store::Database> attach(std::unique_ptr<store::Database> database);
  // PostgreSQL: receives the events of every process from the database at `url` (a dedicated
  // connection on a thread of its own, reconnecting after failures) until the hub is destroyed.
  void listen(const std::string& url);
  // Stops listen(); call before the connections' server goes away.
  void stop_listening();

  // Publishes an event (see above). Without an attached database: delivered at once.
  void publish(Event event);

  // Subscriptions are held weakly: a subscriber that is destroyed stops receiving.
  void subscribe(const std::string& channel, const std::shared_ptr<Subscriber>& subscriber);
  void unsubscribe(const std::string& channel, const Subscriber* subscriber);
  void unsubscribe_all(const Subscriber* subscriber);
  std::size_t subscription_count() const;

  // Delivers to this process's subscribers (used after commit and by the listener).
  void deliver(Event event);

  // Internal (the database wrapper): events published inside the write running on this thread.
  struct Staging;

 private:
  void send(const std::vector<Event>& events, store::Connection* connection);
  // Drops `channel` from subscribed_[subscriber] (mutex_ held).
  void forget(const std::string& channel, const Subscriber* subscriber);

  mutable std::mutex mutex_;
  // Subscribers by channel, and channels by subscriber: subscribing and unsubscribing cost the
  // same with 10 or 10,000 connections on a channel.
  std::unordered_map<std::string, std::unordered_map<const Subscriber*, std::weak_ptr<Subscriber>>>
      channels_;
  std::unordered_map<const Subscriber*, std::vector<std::string>> subscribed_;
  store::Database* database_ = nullptr;
  bool postgres_ = false;
  std::unique_ptr<store::NotificationListener> listener_;
};

}  // namespace herd::stream
