#include "grid/scheduler.hpp"

#include <gtest/gtest.h>

namespace herd::grid {
namespace {

Node node(std::int64_t id, std::string farm, std::string country, Resources total, Resources used,
          bool up = true) {
  Node n;
  n.id = id;
  n.farm = std::move(farm);
  n.country = std::move(country);
  n.total = total;
  n.used = used;
  n.up = up;
  return n;
}

std::vector<std::int64_t> ids(const std::vector<Node>& nodes) {
  std::vector<std::int64_t> out;
  for (const auto& n : nodes) out.push_back(n.id);
  return out;
}

TEST(GridScheduler, OnlyUpNodesWithEnoughOfEveryResourceMostFreeFirst) {
  std::vector<Node> nodes = {
      node(1, "alpha", "BE", {4, 8192, 100}, {0, 0, 0}),
      node(2, "alpha", "BE", {8, 16384, 500}, {0, 0, 0}),
      node(3, "beta", "EG", {8, 16384, 500}, {0, 0, 0}, false),  // down
      node(4, "beta", "EG", {8, 16384, 500}, {0, 15000, 0}),     // memory short
      node(5, "beta", "EG", {8, 16384, 500}, {0, 0, 495}),       // disk short
      node(6, "beta", "EG", {8, 16384, 500}, {8, 0, 0}),         // cpu short
      node(7, "gamma", "EG", {2, 4096, 20}, {0, 0, 0}),
  };
  NodeFilter filter;
  filter.need = {1, 2048, 10};
  EXPECT_EQ(ids(suggest_nodes(nodes, filter)), (std::vector<std::int64_t>{2, 1, 7}));
  filter.farm = "alpha";
  EXPECT_EQ(ids(suggest_nodes(nodes, filter)), (std::vector<std::int64_t>{2, 1}));
  filter.farm = "";
  filter.country = "eg";
  EXPECT_EQ(ids(suggest_nodes(nodes, filter)), (std::vector<std::int64_t>{7}));
  filter.need = {4, 4096, 100};
  EXPECT_TRUE(suggest_nodes(nodes, filter).empty());
}

TEST(GridScheduler, RefusalNamesTheShortResource) {
  Node n = node(3, "f", "BE", {4, 8192, 100}, {3, 7000, 95});
  EXPECT_EQ(node_refusal(n, {1, 1024, 5}), std::nullopt);
  EXPECT_EQ(*node_refusal(n, {2, 1024, 5}),
            "Node 3 does not have enough cpu: 1 vCores free, 2 needed.");
  EXPECT_EQ(*node_refusal(n, {1, 2048, 5}),
            "Node 3 does not have enough memory: 1192 MB free, 2048 MB needed.");
  EXPECT_EQ(*node_refusal(n, {1, 1024, 10}),
            "Node 3 does not have enough disk: 5 GB free, 10 GB needed.");
  n.up = false;
  EXPECT_EQ(*node_refusal(n, {1, 1024, 5}), "Node 3 is down.");
}

}  // namespace
}  // namespace herd::grid
