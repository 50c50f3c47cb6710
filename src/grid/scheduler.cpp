#include "grid/scheduler.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace herd::grid {

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::optional<std::string> node_refusal(const Node& node, const Resources& need) {
  std::string id = "Node " + std::to_string(node.id);
  if (!node.up) return id + " is down.";
  Resources free = node.free();
  if (free.cpu < need.cpu)
    return id + " does not have enough cpu: " + std::to_string(free.cpu) + " vCores free, " +
           std::to_string(need.cpu) + " needed.";
  if (free.memory_mb < need.memory_mb)
    return id + " does not have enough memory: " + std::to_string(free.memory_mb) + " MB free, " +
           std::to_string(need.memory_mb) + " MB needed.";
  if (free.disk_gb < need.disk_gb)
    return id + " does not have enough disk: " + std::to_string(free.disk_gb) + " GB free, " +
           std::to_string(need.disk_gb) + " GB needed.";
  return std::nullopt;
}

std::vector<Node> suggest_nodes(const std::vector<Node>& nodes, const NodeFilter& filter) {
  std::vector<Node> out;
  for (const auto& node : nodes) {
    if (!filter.farm.empty() && !iequals(node.farm, filter.farm)) continue;
    if (!filter.country.empty() && !iequals(node.country, filter.country)) continue;
    if (node_refusal(node, filter.need)) continue;
    out.push_back(node);
  }
  std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) {
    Resources fa = a.free(), fb = b.free();
    return std::tie(fb.cpu, fb.memory_mb, fb.disk_gb, a.id) <
           std::tie(fa.cpu, fa.memory_mb, fa.disk_gb, b.id);
  });
  return out;
}

}  // namespace herd::grid
