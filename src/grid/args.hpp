// Command-line arguments of the `herd grid` commands: `--key value`, `--key=value`, the
// boolean flags --json and --help, and positional words. Repeated keys are kept in order.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace herd::grid {

class Args {
 public:
  Args(int argc, char** argv) {
    static const std::set<std::string> flags = {"json", "help", "h", "no-gateway", "all", "remove"};
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg.rfind("--", 0) == 0 || arg == "-h") {
        std::string key = arg.substr(arg[1] == '-' ? 2 : 1);
        auto eq = key.find('=');
        if (eq != std::string::npos) {
          values_.emplace_back(key.substr(0, eq), key.substr(eq + 1));
        } else if (flags.count(key)) {
          values_.emplace_back(key == "h" ? "help" : key, "true");
        } else if (i + 1 < argc) {
          values_.emplace_back(key, argv[++i]);
        } else {
          throw std::runtime_error("--" + key + " needs a value");
        }
      } else {
        positional_.push_back(arg);
      }
    }
  }
  bool has(const std::string& key) {
    used_.insert(key);
    for (const auto& [k, v] : values_)
      if (k == key) return true;
    return false;
  }
  bool flag(const std::string& key) { return has(key); }
  std::string get(const std::string& key, const std::string& fallback = "") {
    used_.insert(key);
    std::string out = fallback;
    for (const auto& [k, v] : values_)
      if (k == key) out = v;
    return out;
  }
  std::vector<std::string> all(const std::string& key) {
    used_.insert(key);
    std::vector<std::string> out;
    for (const auto& [k, v] : values_)
      if (k == key) out.push_back(v);
    return out;
  }
  std::int64_t integer(const std::string& key, std::int64_t fallback) {
    std::string text = get(key, "");
    if (text.empty()) return fallback;
    try {
      std::size_t end = 0;
      std::int64_t value = std::stoll(text, &end);
      if (end != text.size()) throw std::invalid_argument(text);
      return value;
    } catch (const std::exception&) {
      throw std::runtime_error("--" + key + ": not a number: " + text);
    }
  }
  const std::vector<std::string>& positional() const { return positional_; }
  // Throws for an option no get()/has() asked about (a typo must not be ignored).
  void check_all_used() const {
    for (const auto& [k, v] : values_)
      if (!used_.count(k)) throw std::runtime_error("unknown option --" + k);
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> positional_;
  std::set<std::string> used_;
};

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace herd::grid
