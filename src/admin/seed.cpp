// Benchmark seeding: N accounts, a follow graph and M statuses written with bulk inserts, then the
// home feeds rebuilt set-based. Seeded accounts share one password hash and one RSA key pair
// (generating a key per account would dominate the run); they are for benchmarks only.
#include "admin/seed.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

#include "admin/progress.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "service/accounts.hpp"
#include "service/search.hpp"
#include "store/bulk.hpp"
#include "text/format.hpp"

namespace herd::admin {

namespace {

const char* kWords[] = {"fediverse", "server", "coffee",  "morning", "release",  "weather",
                        "garden",    "music",  "reading", "train",   "friends",  "photo",
                        "walk",      "code",   "bread",   "river",   "mountain", "library",
                        "bicycle",   "tea",    "evening", "city",    "cat",      "dog",
                        "book",      "film",   "rain",    "sun",     "snow",     "market"};

// Reports on stderr how long a phase took, so that a slow phase of a large seed is visible.
class PhaseTimer {
 public:
  explicit PhaseTimer(const char* name) : name_(name), begin_(std::chrono::steady_clock::now()) {}
  void done(std::size_t rows) const {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
    std::fprintf(stderr, "%s: %zu rows in %.1f s (%.0f/s)\n", name_, rows, s,
                 s > 0 ? static_cast<double>(rows) / s : 0.0);
  }
  void done() const {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
    std::fprintf(stderr, "%s: %.1f s\n", name_, s);
  }

 private:
  const char* name_;
  std::chrono::steady_clock::time_point begin_;
};

// Runs `load` with `table`'s secondary indexes dropped, then builds them again (also when `load`
// fails, so that a failed seed leaves the schema whole).
template <typename Load>
void without_secondary_indexes(App& app, const std::string& table, Load load) {
  std::vector<store::IndexDefinition> dropped;
  app.db->write([&](store::Connection& c) { dropped = store::drop_secondary_indexes(c, table); });
  auto restore = [&] {
    PhaseTimer timer("indexes");
    app.db->write([&](store::Connection& c) { store::restore_indexes(c, dropped); });
    timer.done();
  };
  try {
    load();
  } catch (...) {
    restore();
    throw;
  }
  restore();
}

}  // namespace

SeedStats seed(App& app, const SeedOptions& options) {
  SeedStats stats;
  std::mt19937_64 rng(options.random_seed);
  std::int64_t now = now_unix_ms();
  std::int64_t start = now - 30LL * 24 * 3600 * 1000;
  std::string password_hash = hash_password(options.password);
  KeyPair keys = generate_rsa_keypair();

  app.db->write([](store::Connection& c) { store::prepare_bulk_load(c); });
  std::vector<store::Account> accounts;
  std::vector<store::User> users;
  accounts.reserve(options.accounts);
  for (std::size_t i = 0; i < options.accounts; ++i) {
    store::Account a = service::local_account_record(
        app,
        id_at(start - 1000 + static_cast<std::int64_t>(i), static_cast<std::uint16_t>(i & 0xFFFF)),
        options.prefix + std::to_string(i + 1), keys, start);
    a.display_name = "Seeded user " + std::to_string(i + 1);
    store::User u;
    u.id = a.id;
    u.account_id = a.id;
    u.email = a.username + "@seed.invalid";
    u.password_hash = password_hash;
    u.confirmed = true;
    u.created_at = start;
    accounts.push_back(std::move(a));
    users.push_back(std::move(u));
  }
  {
    PhaseTimer timer("accounts");
    Progress bar("accounts");
    const std::size_t total = accounts.size();
    bar.update(0, total);
    const std::size_t chunk = 5000;
    for (std::size_t i = 0; i < accounts.size(); i += chunk) {
      std::size_t n = std::min(chunk, accounts.size() - i);
      std::vector<store::Account> a(accounts.begin() + i, accounts.begin() + i + n);
      std::vector<store::User> u(users.begin() + i, users.begin() + i + n);
      app.db->write([&](store::Connection& c) {
        store::bulk_insert_accounts(c, a);
        store::bulk_insert_users(c, u);
      });
      bar.update(i + n, total);
    }
    timer.done(accounts.size());
  }
  stats.accounts = accounts.size();

  // Follow graph: each account follows `follows` others (the first one `first_follows`), chosen
  // at random (no self-follows).
  std::vector<store::Follow> follows;
  if (accounts.size() > 1) {
    PhaseTimer timer("follows");
    std::uniform_int_distribution<std::size_t> pick(0, accounts.size() - 1);
    std::size_t per = std::min(options.follows, accounts.size() - 1);
    std::size_t first =
        std::min(options.first_follows.value_or(options.follows), accounts.size() - 1);
    Progress bar("follows");
    const std::size_t total = (accounts.size() - 1) * per + first;
    bar.update(0, total);
    std::uint16_t seq = 0;
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      std::vector<std::size_t> chosen;
      while (chosen.size() < (i == 0 ? first : per)) {
        std::size_t t = pick(rng);
        if (t == i || std::find(chosen.begin(), chosen.end(), t) != chosen.end()) continue;
        chosen.push_back(t);
        store::Follow f;
        f.id = id_at(start + static_cast<std::int64_t>(i), ++seq);
        f.account_id = accounts[i].id;
        f.target_account_id = accounts[t].id;
        f.created_at = start;
        follows.push_back(f);
      }
      if (follows.size() >= 20000 || i + 1 == accounts.size()) {
        app.db->write([&](store::Connection& c) { store::bulk_insert_follows(c, follows); });
        stats.follows += follows.size();
        bar.update(stats.follows, total);
        follows.clear();
      }
    }
    timer.done(stats.follows);
  }

  // Statuses, oldest first, spread over the last 30 days, written with the table's secondary
  // indexes dropped (each is then built once, sorted: much faster than 10 million random inserts).
  without_secondary_indexes(app, "statuses", [&] {
    PhaseTimer timer("statuses");
    std::uniform_int_distribution<std::size_t> author(0,
                                                      accounts.empty() ? 0 : accounts.size() - 1);
    std::uniform_int_distribution<int> words(6, 30);
    std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    auto no_mentions = [](std::string_view,
                          std::string_view) -> std::optional<text::MentionTarget> {
      return std::nullopt;
    };
    Progress bar("statuses");
    const std::size_t total = options.statuses;
    bar.update(0, total);
    const std::size_t per_transaction = 50000;
    std::vector<store::Status> batch;
    batch.reserve(per_transaction);
    std::int64_t span = now - start;
    for (std::size_t i = 0; i < options.statuses && !accounts.empty(); ++i) {
      const store::Account& a = accounts[author(rng)];
      std::int64_t at =
          start + static_cast<std::int64_t>(span * (static_cast<double>(i) / options.statuses));
      store::Status s;
      s.id = id_at(at, static_cast<std::uint16_t>(i & 0xFFFF));
      s.account_id = a.id;
      s.uri = app.status_uri(a.username, s.id);
      s.url = app.status_url(a.username, s.id);
      int n = words(rng);
      for (int w = 0; w < n; ++w) {
        if (w) s.text += ' ';
        if (percent(rng) < 4) s.text += '#';
        s.text += kWords[word(rng)];
      }
      s.content = text::format_status(s.text, app.base_url(), no_mentions).html;
      int v = percent(rng);
      s.visibility = v < 80   ? store::Visibility::public_
                     : v < 92 ? store::Visibility::unlisted
                              : store::Visibility::private_;
      s.language = "en";
      s.created_at = at;
      batch.push_back(std::move(s));
      if (batch.size() == per_transaction || i + 1 == options.statuses) {
        app.db->write([&](store::Connection& c) { store::bulk_insert_statuses(c, batch); });
        stats.statuses += batch.size();
        batch.clear();
        bar.update(stats.statuses, total);
      }
    }
    timer.done(stats.statuses);
  });

  // Home feeds: each local account's follows' and own statuses, a few hundred accounts per
  // transaction, with the feed's status index built at the end.
  without_secondary_indexes(app, "home_feed", [&] {
    PhaseTimer timer("home feeds");
    Progress bar("home feeds");
    const std::size_t chunk = 250;
    for (std::size_t i = 0; i < accounts.size(); i += chunk) {
      std::size_t last = std::min(accounts.size(), i + chunk) - 1;
      app.db->write([&](store::Connection& c) {
        store::rebuild_home_feeds(c, accounts[i].id, accounts[last].id);
      });
      bar.update(last + 1, accounts.size());
    }
    timer.done();
  });
  {
    PhaseTimer timer("counters");
    app.db->write([&](store::Connection& c) { store::recount_accounts(c); });
    timer.done();
  }
  if (app.db->dialect() == store::Dialect::postgres) {
    // Statistics for the planner now, as autovacuum would gather them a minute or more later: a
    // bulk load leaves none, and plans made without them are not the instance's (the fan-out
    // read hashed every local account: bench/RESULTS.md, session 11 pgpost).
    PhaseTimer timer("statistics (ANALYZE)");
    app.db->write_unversioned([](store::Connection& c) { c.query("ANALYZE", {}); });
    timer.done();
  }
  service::skip_search_backfill(app);
  std::fprintf(stderr,
               "the seeded statuses are not in the search index (herd admin search deploy "
               "indexes them)\n");
  return stats;
}

}  // namespace herd::admin
