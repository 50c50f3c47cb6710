#include "http/fiber.hpp"

#include <sys/mman.h>

#include <new>
#include <vector>

namespace herd::http {

namespace {

constexpr std::size_t kGuard = 4096;
constexpr std::size_t kStack = 512 * 1024;  // usable, above the guard page
constexpr std::size_t kKeptStacks = 64;

thread_local Fiber* running = nullptr;
thread_local std::vector<void*> free_stacks;

void* take_stack() {
  if (!free_stacks.empty()) {
    void* stack = free_stacks.back();
    free_stacks.pop_back();
    return stack;
  }
  void* memory = mmap(nullptr, kGuard + kStack, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  mprotect(memory, kGuard, PROT_NONE);  // an overflow faults instead of writing past the stack
  return memory;
}

void give_stack(void* stack) {
  if (free_stacks.size() < kKeptStacks)
    free_stacks.push_back(stack);
  else
    munmap(stack, kGuard + kStack);
}

}  // namespace

Fiber::Fiber(std::function<void()> body) : body_(std::move(body)) {}

Fiber::~Fiber() {
  if (stack_) give_stack(stack_);
}

void Fiber::entry() {
  Fiber* self = running;
  try {
    self->body_();
  } catch (...) {
    self->error_ = std::current_exception();
  }
  self->done_ = true;
  // Returning goes to uc_link: the caller_ of the last resume().
}

void Fiber::wait(int fd) {
  Fiber* self = running;
  self->waiting_fd_ = fd;
  swapcontext(&self->self_, &self->caller_);
}

bool Fiber::resume() {
  if (done_) return true;
  if (!started_) {
    started_ = true;
    stack_ = take_stack();
    getcontext(&self_);
    self_.uc_stack.ss_sp = static_cast<char*>(stack_) + kGuard;
    self_.uc_stack.ss_size = kStack;
    self_.uc_link = &caller_;
    makecontext(&self_, &Fiber::entry, 0);
  }
  Fiber* outer = running;
  running = this;
  waiting_fd_ = -1;
  store::ReadableWaiter previous = store::set_readable_waiter(&Fiber::wait);
  store::ThreadScopes outside = store::exchange_thread_scopes(scopes_);
  swapcontext(&caller_, &self_);
  scopes_ = store::exchange_thread_scopes(outside);
  store::set_readable_waiter(previous);
  running = outer;
  if (done_ && error_) std::rethrow_exception(error_);
  return done_;
}

}  // namespace herd::http
