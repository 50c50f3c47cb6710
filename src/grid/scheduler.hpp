// Node selection. A capacity filter suggests nodes for a deployment: only nodes that are up and
// have enough free cpu, memory and disk, optionally in one farm and/or country, most free first.
// A node chosen by hand is checked the same way, and the refusal names what is short.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "grid/model.hpp"

namespace herd::grid {

struct NodeFilter {
  std::string farm;     // "" = any
  std::string country;  // "" = any (case-insensitive)
  Resources need;
};

// Nodes matching the filter with enough free capacity, most free first (by free cpu, then
// memory, then disk; ties by id).
std::vector<Node> suggest_nodes(const std::vector<Node>& nodes, const NodeFilter& filter);

// Why `node` cannot take `need`, or nullopt when it can. Messages name the short resource:
// "Node 3 is down.", "Node 3 does not have enough memory: 1024 MB free, 2048 MB needed."
std::optional<std::string> node_refusal(const Node& node, const Resources& need);

}  // namespace herd::grid
