// What the tests of fibers share (http::Fiber, the fiber waits of the store and the server).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

// AddressSanitizer does not support swapcontext: its interceptor reports the first switch (and an
// exception thrown on a fiber's stack), which fails a sanitizer run. Fibers are checked by the
// regular build; a sanitizer build of herd ignores HERD_PG_FIBERS (serve.cpp).
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() GTEST_SKIP() << "AddressSanitizer does not support swapcontext"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

namespace herd::testing {

// A pipe whose read end a fiber can wait on (readable once something is written to fds[1]).
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

}  // namespace herd::testing
