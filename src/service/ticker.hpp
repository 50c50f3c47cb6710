// A background thread that calls `tick` every `period` until destroyed (the destructor stops and
// joins it). Exceptions from `tick` are logged, never fatal: the next tick tries again.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace herd::service {

class Ticker {
 public:
  Ticker(std::string name, std::chrono::milliseconds period, std::function<void()> tick);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::service
