#include "stream/hub.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "store/group_commit.hpp"
#include "store/stream.hpp"

namespace herd::stream {

namespace {

constexpr const char* kNotifyChannel = "herd_stream";

}  // namespace

// The events published inside the write running on this thread, and the hub they belong to.
struct Hub::Staging {
  Hub* hub = nullptr;
  std::vector<Event> events;
};

namespace {

thread_local Hub::Staging* current_staging = nullptr;

// The Database every service uses once the hub is attached: writes stage the events published
// inside them and hand them to the hub when they commit.
class StreamingDatabase final : public store::Database, public store::PieceObserver {
 public:
  StreamingDatabase(std::unique_ptr<store::Database> inner, Hub& hub,
                    std::function<void(const std::vector<Event>&, store::Connection*)> send_in,
                    std::function<void(const std::vector<Event>&)> send_after)
      : inner_(std::move(inner)),
        hub_(hub),
        send_in_(std::move(send_in)),
        send_after_(std::move(send_after)) {}

  void read(const std::function<void(store::Connection&)>& fn) override { inner_->read(fn); }

  void write_unversioned(const std::function<void(store::Connection&)>& fn) override {
    inner_->write_unversioned(fn);  // publishes no events
  }

  void write(const std::function<void(store::Connection&)>& fn) override {
    Hub::Staging staging;
    staging.hub = &hub_;
    Hub::Staging* outer = current_staging;
    current_staging = &staging;
    try {
      inner_->write([&](store::Connection& c) {
        staging.events.clear();  // a retried transaction starts over
        fn(c);
        if (!staging.events.empty()) send_in_(staging.events, &c);
      });
    } catch (...) {
      current_staging = outer;
      throw;
    }
    current_staging = outer;
    if (!staging.events.empty()) send_after_(staging.events);
  }

  store::Dialect dialect() const override { return inner_->dialect(); }
  std::uint64_t generation() override { return inner_->generation(); }
  std::uint64_t cache_generation() override { return inner_->cache_generation(); }
  store::PoolStats pool_stats() override { return inner_->pool_stats(); }

  // Group commit (store/group_commit.hpp): the events of a piece rolled back are dropped.
  void piece_started() override { piece_mark_ = held() ? current_staging->events.size() : 0; }
  void piece_rolled_back() override {
    if (held() && current_staging->events.size() > piece_mark_)
      current_staging->events.erase(
          current_staging->events.begin() + static_cast<std::ptrdiff_t>(piece_mark_),
          current_staging->events.end());
  }

 private:
  bool held() const { return current_staging != nullptr && current_staging->hub == &hub_; }

  std::unique_ptr<store::Database> inner_;
  std::size_t piece_mark_ = 0;  // events held before the piece (the group-commit thread's)
  Hub& hub_;
  std::function<void(const std::vector<Event>&, store::Connection*)> send_in_;
  std::function<void(const std::vector<Event>&)> send_after_;
};

}  // namespace

std::shared_ptr<void> Published::claim(Id viewer) const {
  if (viewer == 0) return nullptr;  // the anonymous payload is kept as long as the event
  {
    std::lock_guard lock(mutex_);
    ++payloads_[viewer].claims;
  }
  auto self = shared_from_this();
  return std::shared_ptr<void>(nullptr, [self, viewer](void*) { self->release(viewer); });
}

void Published::release(Id viewer) const {
  std::lock_guard lock(mutex_);
  auto it = payloads_.find(viewer);
  if (it != payloads_.end() && --it->second.claims <= 0) payloads_.erase(it);
}

Published::Bytes Published::payload(Audience audience, const Render& render) const {
  const Id viewer = audience.viewer;
  if (viewer != 0 && audience.public_context) {
    auto rendered = render(event_, audience);
    return rendered ? std::make_shared<const std::string>(std::move(*rendered)) : nullptr;
  }
  {
    std::lock_guard lock(mutex_);
    if (viewer == 0 && anonymous_.made) return anonymous_.bytes;
    auto it = payloads_.find(viewer);
    if (it != payloads_.end() && it->second.made) return it->second.bytes;
  }
  auto rendered = render(event_, audience);  // outside the lock: a render reads the database
  Bytes bytes = rendered ? std::make_shared<const std::string>(std::move(*rendered)) : nullptr;
  std::lock_guard lock(mutex_);
  if (viewer == 0) {
    if (!anonymous_.made) {
      anonymous_.made = true;
      anonymous_.bytes = bytes;
    }
    return anonymous_.bytes;
  }
  auto it = payloads_.find(viewer);
  if (it == payloads_.end()) return bytes;  // nobody holds a claim: not kept
  if (!it->second.made) {
    it->second.made = true;
    it->second.bytes = bytes;
  }
  return it->second.bytes;
}

bool Published::hidden_from(Id viewer, const LoadAccounts& load) const {
  return among(hidden_from_, viewer, load);
}

bool Published::filters_public(Id viewer, const LoadAccounts& load) const {
  return among(filters_public_, viewer, load);
}

bool Published::among(std::optional<std::unordered_set<Id>>& memo, Id viewer,
                      const LoadAccounts& load) const {
  {
    std::lock_guard lock(mutex_);
    if (memo) return memo->count(viewer) > 0;
  }
  auto ids = load(event_);
  std::lock_guard lock(mutex_);
  if (!memo) memo.emplace(ids.begin(), ids.end());
  return memo->count(viewer) > 0;
}

Published::Bytes Published::message(const std::string& key,
                                    const std::function<std::optional<std::string>()>& make) const {
  {
    std::lock_guard lock(mutex_);
    for (const auto& [made_for, bytes] : messages_)
      if (made_for == key) return bytes;
  }
  auto made = make();
  Bytes bytes = made ? std::make_shared<const std::string>(std::move(*made)) : nullptr;
  std::lock_guard lock(mutex_);
  for (const auto& [made_for, kept] : messages_)
    if (made_for == key) return kept;
  messages_.emplace_back(key, bytes);
  return bytes;
}

Hub::Hub() = default;

Hub::~Hub() {
  listener_.reset();
}

std::unique_ptr<store::Database> Hub::attach(std::unique_ptr<store::Database> database) {
  postgres_ = database->dialect() == store::Dialect::postgres;
  auto wrapped = std::make_unique<StreamingDatabase>(
      std::move(database), *this,
      [this](const std::vector<Event>& events, store::Connection* c) {
        if (listener_) send(events, c);  // NOTIFY inside the transaction
      },
      [this](const std::vector<Event>& events) {
        if (!listener_)
          for (const auto& event : events) deliver(event);
      });
  database_ = wrapped.get();
  return wrapped;
}

void Hub::listen(const std::string& url) {
  listener_ = std::make_unique<store::NotificationListener>(
      url, kNotifyChannel, [this](std::string_view payload) {
        if (auto event = parse(payload))
          deliver(std::move(*event));
        else
          log::warn("stream: ignored a malformed event");
      });
}

void Hub::stop_listening() {
  listener_.reset();
}

void Hub::publish(Event event) {
  if (event.channels.empty()) return;
  if (current_staging && current_staging->hub == this) {
    current_staging->events.push_back(std::move(event));
    return;
  }
  if (listener_ && database_) {
    send({event}, nullptr);
    return;
  }
  deliver(std::move(event));
}

void Hub::send(const std::vector<Event>& events, store::Connection* connection) {
  auto notify_all = [&](store::Connection& c) {
    for (const auto& event : events)
      for (const auto& message : serialize(event))
        store::notify_channel(c, kNotifyChannel, message);
  };
  try {
    if (connection)
      notify_all(*connection);
    else
      database_->read(notify_all);
  } catch (const std::exception& error) {
    if (connection) throw;  // inside the transaction: its failure is the transaction's
    log::error("stream: cannot publish: {}", error.what());
  }
}

void Hub::subscribe(const std::string& channel, const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  auto [it, added] = channels_[channel].try_emplace(subscriber.get(), subscriber);
  if (added) {
    subscribed_[subscriber.get()].push_back(channel);
  } else if (it->second.expired()) {  // a new subscriber where a destroyed one was
    it->second = subscriber;
  }
}

void Hub::unsubscribe(const std::string& channel, const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  if (it == channels_.end() || !it->second.erase(subscriber)) return;
  if (it->second.empty()) channels_.erase(it);
  forget(channel, subscriber);
}

void Hub::forget(const std::string& channel, const Subscriber* subscriber) {
  auto names = subscribed_.find(subscriber);
  if (names == subscribed_.end()) return;
  auto& list = names->second;
  list.erase(std::remove(list.begin(), list.end(), channel), list.end());
  if (list.empty()) subscribed_.erase(names);
}

void Hub::unsubscribe_all(const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto names = subscribed_.find(subscriber);
  if (names == subscribed_.end()) return;
  for (const auto& channel : names->second) {
    auto it = channels_.find(channel);
    if (it == channels_.end()) continue;
    it->second.erase(subscriber);
    if (it->second.empty()) channels_.erase(it);
  }
  subscribed_.erase(names);
}

std::size_t Hub::subscription_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [channel, subscribers] : channels_) n += subscribers.size();
  return n;
}

void Hub::deliver(Event event) {
  auto published = std::make_shared<const Published>(std::move(event));
  const auto& channels = published->event().channels;
  std::vector<std::pair<std::size_t, std::shared_ptr<Subscriber>>> targets;  // channel index
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < channels.size(); ++i) {
      auto it = channels_.find(channels[i]);
      if (it == channels_.end()) continue;
      targets.reserve(targets.size() + it->second.size());
      for (auto entry = it->second.begin(); entry != it->second.end();) {
        if (auto subscriber = entry->second.lock()) {
          targets.emplace_back(i, std::move(subscriber));
          ++entry;
        } else {  // destroyed without unsubscribing
          forget(channels[i], entry->first);
          entry = it->second.erase(entry);
        }
      }
      if (it->second.empty()) channels_.erase(it);
    }
  }
  for (const auto& [channel, subscriber] : targets) {
    try {
      subscriber->deliver(channels[channel], published);
    } catch (const std::exception& error) {
      log::error("stream: a subscriber failed: {}", error.what());
    }
  }
}

}  // namespace herd::stream
