#include "federation/context.hpp"

#include <map>
#include <memory>

#include "core/crypto.hpp"
#include "core/time.hpp"
#include "federation/serialize.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"

namespace herd::federation {

namespace {
constexpr const char* kPrivateSetting = "instance_actor_private_key";
constexpr const char* kPublicSetting = "instance_actor_public_key";
constexpr std::int64_t kRefreshIntervalMs = 5'000;
}  // namespace

Federation::Federation(App& app) : app_(app), client_(client_options(app.config)) {}

SigningKey Federation::instance_key() {
  std::lock_guard lock(mutex_);
  if (instance_key_) return *instance_key_;
  auto load = [&](store::Connection& c) {
    auto private_pem = store::get_setting(c, kPrivateSetting);
    auto public_pem = store::get_setting(c, kPublicSetting);
    if (private_pem && public_pem) {
      instance_key_ = SigningKey{instance_actor_uri(app_) + "#main-key", *private_pem};
      instance_public_pem_ = *public_pem;
    }
  };
  app_.db->read(load);
  if (!instance_key_) {
    KeyPair pair = generate_rsa_keypair(2048);
    app_.db->write([&](store::Connection& c) {
      // Another process may have won the race: the first stored pair stands.
      if (store::insert_setting_if_absent(c, kPrivateSetting, pair.private_pem))
        store::put_setting(c, kPublicSetting, pair.public_pem);
    });
    app_.db->read(load);
  }
  if (!instance_key_) throw std::runtime_error("instance actor key unavailable");
  return *instance_key_;
}

std::string Federation::instance_public_key_pem() {
  instance_key();
  std::lock_guard lock(mutex_);
  return instance_public_pem_;
}

SigningKey Federation::key_of(const store::Account& account) {
  return SigningKey{account.uri + "#main-key", account.private_key_pem};
}

std::optional<PublicKey> Federation::cached_key(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void Federation::cache_key(const std::string& key_id, const PublicKey& key) {
  std::lock_guard lock(mutex_);
  if (keys_.size() > 100'000) keys_.clear();
  keys_[key_id] = key;
}

bool Federation::may_refresh_key(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  std::int64_t now = now_unix_ms();
  auto [it, inserted] = refreshed_at_.emplace(key_id, now);
  if (inserted) {
    if (refreshed_at_.size() > 100'000) refreshed_at_.clear();
    return true;
  }
  if (now - it->second < kRefreshIntervalMs) return false;
  it->second = now;
  return true;
}

void Federation::notify_delivery() {
  {
    std::lock_guard lock(mutex_);
    delivery_pending_ = true;
  }
  delivery_cv_.notify_all();
}

bool Federation::wait_for_delivery(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  delivery_cv_.wait_for(lock, timeout, [&] { return delivery_pending_ || stopping_; });
  delivery_pending_ = false;
  return !stopping_;
}

void Federation::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  delivery_cv_.notify_all();
}

Federation& of(App& app) {
  static std::mutex mutex;
  static std::map<const App*, std::unique_ptr<Federation>> states;
  std::lock_guard lock(mutex);
  auto& state = states[&app];
  if (!state) state = std::make_unique<Federation>(app);
  return *state;
}

}  // namespace herd::federation
