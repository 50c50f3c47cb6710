#include "service/admin_blocks.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/security_settings.hpp"
#include "core/time.hpp"
#include "federation/http_client.hpp"
#include "store/admin_blocks.hpp"
#include "store/federation.hpp"

namespace herd::service {

namespace {

constexpr std::int64_t kDayMs = 86400000;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

int severity_rank(std::string_view severity) {
  if (severity == "no_access") return 3;
  if (severity == "sign_up_block") return 2;
  if (severity == "sign_up_requires_approval") return 1;
  return 0;
}

// The IP blocks in force, read again when Database::cache_generation() moves: every write of
// ip_blocks (the admin API, a restore, another process) moves it, being declared to no Changes
// scope (store/invalidation.hpp), while the writes that only say what cached responses they
// change (a received post, a favourite) leave it alone and cost no reload.
struct IpSnapshot {
  std::mutex mutex;
  const store::Database* database = nullptr;
  std::uint64_t generation = 0;
  bool loaded = false;
  std::shared_ptr<const std::vector<store::IpBlock>> blocks;  // shared: not copied per request
};

IpSnapshot& ip_snapshot() {
  static IpSnapshot snapshot;
  return snapshot;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : bytes) {
    out += digits[ch >> 4];
    out += digits[ch & 15];
  }
  return out;
}

// The MX hosts of `domain` and, for each, its addresses; empty when there are none (then, as
// Mastodon, the domain's own A/AAAA records stand in for an MX host).
std::vector<std::string> mail_hosts_and_addresses(const std::string& domain) {
  std::vector<std::string> hosts;
  std::array<unsigned char, 4096> answer{};
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) == 0) {
    int length = res_nquery(&state, domain.c_str(), ns_c_in, ns_t_mx, answer.data(),
                            static_cast<int>(answer.size()));
    ns_msg message;
    if (length > 0 && ns_initparse(answer.data(), length, &message) == 0) {
      for (int i = 0; i < ns_msg_count(message, ns_s_an); ++i) {
        ns_rr record;
        if (ns_parserr(&message, ns_s_an, i, &record) != 0 || ns_rr_type(record) != ns_t_mx)
          continue;
        char name[NS_MAXDNAME];
        if (dn_expand(ns_msg_base(message), ns_msg_end(message), ns_rr_rdata(record) + 2, name,
                      sizeof name) > 0 &&
            *name)
          hosts.push_back(lowercase(name));
      }
    }
    res_nclose(&state);
  }
  std::vector<std::string> out = hosts;
  if (hosts.empty()) hosts.push_back(domain);
  for (const auto& host : hosts) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0) continue;
    for (addrinfo* a = result; a; a = a->ai_next) {
      char text[INET6_ADDRSTRLEN] = {};
      const void* where =
          a->ai_family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
      if (inet_ntop(a->ai_family, where, text, sizeof text)) out.push_back(text);
    }
    freeaddrinfo(result);
  }
  return out;
}

// The domain and each parent domain: "a.b.example" -> a.b.example, b.example, example.
std::vector<std::string> domain_and_parents(std::string domain) {
  std::vector<std::string> out;
  while (!domain.empty()) {
    out.push_back(domain);
    auto dot = domain.find('.');
    if (dot == std::string::npos) break;
    domain = domain.substr(dot + 1);
  }
  return out;
}

}  // namespace

std::optional<std::string> normalize_ip_range(std::string_view text) {
  std::string address(text);
  int prefix = -1;
  if (auto slash = address.find('/'); slash != std::string::npos) {
    std::string bits = address.substr(slash + 1);
    address.resize(slash);
    if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit))
      return std::nullopt;
    prefix = std::stoi(bits);
  }
  unsigned char bytes[16] = {};
  int family = AF_INET;
  int width = 32;
  if (inet_pton(AF_INET, address.c_str(), bytes) != 1) {
    if (inet_pton(AF_INET6, address.c_str(), bytes) != 1) return std::nullopt;
    family = AF_INET6;
    width = 128;
  }
  if (prefix < 0) prefix = width;
  if (prefix > width) return std::nullopt;
  for (int bit = prefix; bit < width; ++bit)
    bytes[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes, out, sizeof out);
  return std::string(out) + "/" + std::to_string(prefix);
}

std::optional<std::string> ip_block_severity(App& app, std::string_view address, bool may_block) {
  return ip_block_severity(
      app, [address] { return std::string(address); }, may_block);
}

std::optional<std::string> ip_block_severity(App& app,
                                             const std::function<std::string()>& address_of,
                                             bool may_block) {
  IpSnapshot& snapshot = ip_snapshot();
  std::uint64_t generation = app.db->cache_generation();
  std::shared_ptr<const std::vector<store::IpBlock>> blocks;
  {
    std::lock_guard lock(snapshot.mutex);
    if (snapshot.loaded && snapshot.database == app.db.get() && snapshot.generation == generation)
      blocks = snapshot.blocks;
  }
  if (!blocks) {
    if (!may_block) return std::nullopt;
    // Read without the lock: a request in a fiber (http/fiber.hpp) is suspended during the read,
    // and its I/O thread's next request, asking here, would block that thread on the lock for good.
    blocks = std::make_shared<const std::vector<store::IpBlock>>(
        app.db->read_value([](store::Connection& c) { return store::list_ip_blocks(c); }));
    std::lock_guard lock(snapshot.mutex);
    if (!snapshot.loaded || snapshot.database != app.db.get() ||
        snapshot.generation <= generation) {
      snapshot.blocks = blocks;
      snapshot.database = app.db.get();
      snapshot.generation = generation;
      snapshot.loaded = true;
    }
  }
  if (blocks->empty()) return std::string();
  std::string address = address_of();
  std::int64_t now = now_unix_ms();
  std::string worst;
  for (const auto& block : *blocks) {
    if (block.expires_at && *block.expires_at <= now) continue;
    if (severity_rank(block.severity) <= severity_rank(worst)) continue;
    if (federation::address_listed(address, {block.ip})) worst = block.severity;
  }
  return worst;
}

std::string canonical_email(std::string_view email) {
  std::string lower = lowercase(email);
  auto at = lower.rfind('@');
  if (at == std::string::npos) return lower;
  std::string local = lower.substr(0, at);
  local = local.substr(0, local.find('+'));
  local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
  return local + lower.substr(at);
}

std::string canonical_email_hash(std::string_view email) {
  return hex(sha256_raw(canonical_email(email)));
}

bool check_sign_up(App& app, const std::string& email, const std::string& ip) {
  bool approval = false;
  if (!ip.empty()) {
    std::string severity = ip_block_severity(app, ip).value_or("");
    if (severity == "no_access" || severity == "sign_up_block") {
      log::info("sign-up from {} refused: IP block ({})", ip, severity);
      fail(ErrorKind::forbidden, "This action is not allowed");
    }
    approval = severity == "sign_up_requires_approval";
  }
  auto at = email.rfind('@');
  if (at == std::string::npos) return approval;
  std::string domain = lowercase(email.substr(at + 1));
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  std::vector<std::string> candidates = domain_and_parents(domain);
  if (security_settings().email_dns_check) {
    std::vector<std::string> mail = mail_hosts_and_addresses(domain);
    if (mail.empty()) {
      log::info("sign-up with {} refused: the domain has no MX or address records", email);
      fail(ErrorKind::validation, "Validation failed: Email does not seem to exist");
    }
    for (const auto& host : mail)
      for (auto& name : domain_and_parents(host)) candidates.push_back(name);
  }
  std::int64_t today = now_unix_ms() / kDayMs * kDayMs;
  std::optional<store::EmailDomainBlock> refusing;
  bool canonical_blocked = false;
  app.db->read([&](store::Connection& c) {
    for (const auto& block : store::email_domain_blocks_for(c, candidates)) {
      if (!block.allow_with_approval) refusing = block;
      approval = true;
    }
    canonical_blocked =
        store::find_canonical_email_block_by_hash(c, canonical_email_hash(email)).has_value();
  });
  if (refusing) {
    app.db->write([&](store::Connection& c) {
      store::record_email_domain_block_attempt(c, refusing->id, today, lowercase(email));
    });
    log::info("sign-up with {} refused: email domain block {}", email, refusing->domain);
  }
  if (refusing || canonical_blocked)
    fail(ErrorKind::validation, "Validation failed: Email uses a disallowed e-mail provider");
  return approval;
}

namespace {

// Whether a domain is suspended, as every inbox request (twice: the actor's domain and the key's)
// and every fetch asks: remembered per domain until Database::cache_generation() moves, as the IP
// blocks above (domain_blocks is written only outside Changes scopes).
struct DomainVerdicts {
  std::mutex mutex;
  const store::Database* database = nullptr;
  std::uint64_t generation = 0;
  std::unordered_map<std::string, bool> blocked;
};

bool domain_suspended(App& app, store::Connection& c, std::string_view domain) {
  static DomainVerdicts verdicts;
  constexpr std::size_t kMaxRemembered = 4096;
  std::uint64_t generation = app.db->cache_generation();  // before the read
  std::string key(domain);
  {
    std::lock_guard lock(verdicts.mutex);
    if (verdicts.database != app.db.get() || verdicts.generation != generation) {
      verdicts.blocked.clear();
      verdicts.database = app.db.get();
      verdicts.generation = generation;
    }
    if (auto it = verdicts.blocked.find(key); it != verdicts.blocked.end()) return it->second;
  }
  bool blocked = store::is_domain_blocked(c, domain);
  std::lock_guard lock(verdicts.mutex);
  if (verdicts.database == app.db.get() && verdicts.generation == generation) {
    if (verdicts.blocked.size() >= kMaxRemembered) verdicts.blocked.clear();
    verdicts.blocked.emplace(std::move(key), blocked);
  }
  return blocked;
}

}  // namespace

bool federates_with(App& app, store::Connection& c, std::string_view domain) {
  if (domain.empty() || domain == app.config.local_domain) return true;
  if (domain_suspended(app, c, domain)) return false;
  if (!security_settings().limited_federation_mode) return true;
  return store::find_domain_allow_by_domain(c, lowercase(domain)).has_value();
}

namespace {

using NotedActivity = std::vector<std::pair<Id, std::int64_t>>;  // (account, day)

// The accounts seen today, those noted but not yet taken by a write (pending), and those a write
// has taken and not yet committed (in flight: counted too, or a count made while the write waits
// for another process's lock would miss them), by database (a process has one; unit tests several).
struct AccountActivity {
  std::mutex mutex;
  std::int64_t seen_day = 0;
  std::unordered_set<Id> seen;
  std::unordered_map<const store::Database*, NotedActivity> pending;
  std::unordered_map<const store::Database*, NotedActivity> in_flight;
};

// Removes `taken`'s entries from `from` (each (account, day) is noted once).
void remove_noted(NotedActivity& from, const NotedActivity& taken) {
  std::erase_if(from, [&](const auto& entry) {
    return std::find(taken.begin(), taken.end(), entry) != taken.end();
  });
}

AccountActivity& account_activity() {
  static AccountActivity activity;
  return activity;
}

}  // namespace

void note_account_activity(App& app, Id account_id) {
  AccountActivity& activity = account_activity();
  std::int64_t today = now_unix_ms() / kDayMs * kDayMs;
  std::lock_guard lock(activity.mutex);
  if (activity.seen_day != today) {
    activity.seen.clear();
    activity.seen_day = today;
  }
  if (activity.seen.insert(account_id).second)
    activity.pending[app.db.get()].emplace_back(account_id, today);
}

std::vector<Id> noted_account_activity(App& app) {
  AccountActivity& activity = account_activity();
  std::int64_t today = now_unix_ms() / kDayMs * kDayMs;
  std::vector<Id> ids;
  std::lock_guard lock(activity.mutex);
  for (auto* noted : {&activity.pending, &activity.in_flight}) {
    auto found = noted->find(app.db.get());
    if (found == noted->end()) continue;
    for (const auto& [account_id, day] : found->second)
      if (day == today) ids.push_back(account_id);
  }
  return ids;
}

void record_account_activity(App& app) {
  AccountActivity& activity = account_activity();
  NotedActivity noted;
  {
    std::lock_guard lock(activity.mutex);
    auto found = activity.pending.find(app.db.get());
    if (found == activity.pending.end()) return;
    noted = std::move(found->second);
    activity.pending.erase(found);
    auto& in_flight = activity.in_flight[app.db.get()];
    in_flight.insert(in_flight.end(), noted.begin(), noted.end());
  }
  try {
    app.db->write_unversioned([&](store::Connection& c) {
      for (const auto& [account_id, day] : noted)
        store::record_account_activity(c, account_id, day);
    });
  } catch (...) {  // noted again, for the next call
    std::lock_guard lock(activity.mutex);
    remove_noted(activity.in_flight[app.db.get()], noted);
    auto& pending = activity.pending[app.db.get()];
    pending.insert(pending.end(), noted.begin(), noted.end());
    throw;
  }
  std::lock_guard lock(activity.mutex);  // in the table now
  remove_noted(activity.in_flight[app.db.get()], noted);
}

}  // namespace herd::service
