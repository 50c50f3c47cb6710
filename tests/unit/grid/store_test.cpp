// The grid's tables on both engines: SQLite always; PostgreSQL when HERD_TEST_POSTGRES_URL names a
// server (scripts/test starts one), each test in a fresh database.
#include "grid/store.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../fresh_database.hpp"
#include "core/ids.hpp"

namespace herd::grid {
namespace {

using store::Connection;

std::unique_ptr<store::Database> open_fresh(const std::string& backend,
                                            std::filesystem::path* folder) {
  std::string url = herd::testing::fresh_database_url(backend, "herd_grid_store");
  if (backend == "sqlite") *folder = std::filesystem::path(url.substr(9)).parent_path();
  return url.empty() ? nullptr : store::open_database(url, 4);
}

Node make_node(const std::string& farm, Resources total) {
  Node n;
  n.farm = farm;
  n.country = "BE";
  n.total = total;
  n.agent_url = "http://127.0.0.2:7001";
  n.address = "127.0.0.2";
  return n;
}

Deployment make_deployment(const std::string& name, std::int64_t owner, std::int64_t node) {
  Deployment d;
  d.name = name;
  d.owner_id = owner;
  d.domain = name + std::to_string(owner) + ".localhost";
  d.package = "minimum";
  d.resources = {1, 2048, 10};
  d.node_id = node;
  d.gateway_id = 1;
  d.status = "deploying";
  d.created_at_ms = 1000;
  d.admin_username = "adminuser";
  d.admin_email = "a@example.com";
  return d;
}

class GridStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database = open_fresh(GetParam(), &folder);
    if (!database) GTEST_SKIP() << "HERD_TEST_POSTGRES_URL not set";
    db::migrate_grid(*database);
  }
  template <typename F>
  auto write(F&& fn) {
    return database->write_value(std::forward<F>(fn));
  }
  void TearDown() override {
    database.reset();
    if (!folder.empty()) std::filesystem::remove_all(folder);
  }
  std::unique_ptr<store::Database> database;
  std::filesystem::path folder;
};

TEST_P(GridStoreTest, MigrationIsIdempotentAndOwnersAuthenticateByToken) {
  db::migrate_grid(*database);
  write([](Connection& c) { return db::upsert_owner(c, 1, "default", "secret-token"); });
  auto owner = write([](Connection& c) { return db::find_owner_by_token(c, "secret-token"); });
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->id, 1);
  EXPECT_FALSE(write([](Connection& c) { return db::find_owner_by_token(c, "wrong"); }));
  write([](Connection& c) { return db::upsert_owner(c, 1, "default", "rotated"); });
  EXPECT_FALSE(write([](Connection& c) { return db::find_owner_by_token(c, "secret-token"); }));
}

TEST_P(GridStoreTest, NodesKeepTheirIdAndCapacityIsReservedAtomically) {
  Node a = write([](Connection& c) {
    return db::register_node(c, std::nullopt, make_node("alpha", {2, 4096, 20}), 1000);
  });
  Node b = write([](Connection& c) {
    return db::register_node(c, std::nullopt, make_node("beta", {4, 8192, 100}), 1000);
  });
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(b.id, 2);
  EXPECT_TRUE(a.up);
  // Re-registering with the kept id updates the same node.
  Node again = write([&](Connection& c) {
    return db::register_node(c, a.id, make_node("alpha", {2, 4096, 30}), 2000);
  });
  EXPECT_EQ(again.id, a.id);
  EXPECT_EQ(again.total.disk_gb, 30);

  EXPECT_TRUE(write([&](Connection& c) { return db::reserve_capacity(c, a.id, {1, 2048, 10}); }));
  EXPECT_TRUE(write([&](Connection& c) { return db::reserve_capacity(c, a.id, {1, 2048, 10}); }));
  EXPECT_FALSE(write([&](Connection& c) { return db::reserve_capacity(c, a.id, {1, 1, 1}); }));
  auto node = write([&](Connection& c) { return db::find_node(c, a.id); });
  EXPECT_EQ(node->used, (Resources{2, 4096, 20}));  // of {2, 4096, 30}
  write([&](Connection& c) {
    db::release_capacity(c, a.id, {1, 2048, 10});
    return 0;
  });
  node = write([&](Connection& c) { return db::find_node(c, a.id); });
  EXPECT_EQ(node->free(), (Resources{1, 2048, 20}));

  // Silent nodes go down; a down node takes nothing.
  auto down = write([](Connection& c) { return db::mark_stale_nodes_down(c, 1500); });
  EXPECT_EQ(down, std::vector<std::int64_t>{b.id});
  EXPECT_FALSE(write([&](Connection& c) { return db::reserve_capacity(c, b.id, {1, 1, 1}); }));
  EXPECT_TRUE(write([&](Connection& c) { return db::touch_node(c, b.id, 3000); }));
  EXPECT_TRUE(write([&](Connection& c) { return db::reserve_capacity(c, b.id, {1, 1, 1}); }));
  EXPECT_FALSE(write([](Connection& c) { return db::touch_node(c, 99, 3000); }));
  EXPECT_EQ(write([](Connection& c) { return db::list_farms(c); }),
            (std::vector<std::string>{"alpha", "beta"}));
}

TEST_P(GridStoreTest, DeploymentNamesAreUniqueAndListsArePerOwner) {
  EXPECT_TRUE(
      write([](Connection& c) { return db::insert_deployment(c, make_deployment("one", 1, 1)); }));
  EXPECT_FALSE(
      write([](Connection& c) { return db::insert_deployment(c, make_deployment("one", 2, 1)); }));
  EXPECT_TRUE(
      write([](Connection& c) { return db::insert_deployment(c, make_deployment("two", 2, 1)); }));
  write([](Connection& c) {
    db::set_deployment_status(c, "one", "running");
    db::set_deployment_port(c, "one", 40001);
    db::set_deployment_restarts(c, "one", 3);
    return 0;
  });
  auto one = write([](Connection& c) { return db::find_deployment(c, "one"); });
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, "running");
  EXPECT_EQ(one->instance_port, 40001);
  EXPECT_EQ(one->restart_count, 3);
  EXPECT_EQ(one->resources, (Resources{1, 2048, 10}));
  EXPECT_EQ(write([](Connection& c) { return db::list_deployments(c, 1); }).size(), 1u);
  EXPECT_EQ(write([](Connection& c) { return db::list_deployments(c, std::nullopt); }).size(), 2u);
  EXPECT_EQ(write([](Connection& c) { return db::deployments_on_node(c, 1); }).size(), 2u);
  write([](Connection& c) {
    db::delete_deployment(c, "one");
    return 0;
  });
  EXPECT_FALSE(write([](Connection& c) { return db::find_deployment(c, "one"); }));
}

TEST_P(GridStoreTest, GatewaysAreUpsertedByDomain) {
  Gateway g;
  g.domain = "localhost";
  g.port = 8080;
  Gateway stored = write([&](Connection& c) { return db::upsert_gateway(c, g); });
  EXPECT_EQ(stored.id, 1);
  g.port = 9090;
  Gateway updated = write([&](Connection& c) { return db::upsert_gateway(c, g); });
  EXPECT_EQ(updated.id, 1);
  EXPECT_EQ(updated.port, 9090);
  EXPECT_EQ(write([](Connection& c) { return db::list_gateways(c); }).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, GridStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace herd::grid
