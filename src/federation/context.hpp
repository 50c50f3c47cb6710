// The instance's federation state, shared by the ActivityPub routes, the inbox, the resolver and
// the delivery worker: the outbound HTTP client, the instance actor's key, a cache of remote
// public keys and the signal that wakes the delivery worker. One per App, created on first use.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app.hpp"
#include "federation/http_client.hpp"
#include "federation/http_signature.hpp"
#include "store/actor_cache.hpp"
#include "store/models.hpp"

namespace herd::federation {

class Federation {
 public:
  explicit Federation(App& app);

  App& app() { return app_; }
  const HttpClient& client() const { return client_; }

  // The instance actor's key (generated and stored on first use), used to sign fetches.
  SigningKey instance_key();
  std::string instance_public_key_pem();
  // A local account's signing key (keyId = actor URI + "#main-key").
  static SigningKey key_of(const store::Account& account);

  // Remote public keys by keyId (what verification asked for last).
  std::optional<PublicKey> cached_key(const std::string& key_id);
  void cache_key(const std::string& key_id, const PublicKey& key);
  // True at most once per few seconds per keyId: bounds refetches caused by bad signatures (and,
  // under a name of their own, other refetches: "actor <uri>" for deliveries).
  bool may_refresh_key(const std::string& key_id);

  // Remote actors by URI for the inbox (resolve_activity_actor); the change listener `herd serve`
  // installs passes it the drops (store/actor_cache.hpp).
  store::ActorCache& actors() { return actors_; }

  // Delivery worker wake-ups: notify after enqueueing; the worker waits with a timeout.
  void notify_delivery();
  // Waits until notified or `timeout` passes; returns false when stopping.
  bool wait_for_delivery(std::chrono::milliseconds timeout);
  void stop();
  bool stopping() const { return stopping_; }

 private:
  App& app_;
  HttpClient client_;
  std::mutex mutex_;
  std::optional<SigningKey> instance_key_;
  std::string instance_public_pem_;
  std::unordered_map<std::string, PublicKey> keys_;
  std::unordered_map<std::string, std::int64_t> refreshed_at_;
  store::ActorCache actors_;
  std::condition_variable delivery_cv_;
  bool delivery_pending_ = false;
  bool stopping_ = false;
};

// The App's federation state.
Federation& of(App& app);

}  // namespace herd::federation
