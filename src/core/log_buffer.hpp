// Request log lines gathered and written in batches, for `herd serve` (core/log.hpp writes each
// line with a system call of its own: at tens of thousands of requests a second that write, under
// one lock shared by the I/O threads, was a good part of a cached request's cost).
#pragma once

namespace herd::log {

// While an object of this class lives (one at a time), log::request lines are held in memory (at
// most 32 KiB; a line that does not fit writes the held ones first) and written together by a
// thread of the log at most 5 ms after the first of them was held: `tail -f` shows a request
// within a few milliseconds of its answer. Every other line (log::write, info, warn, error) writes
// the lines held before it first, in the same system call, so that the order of lines is kept.
// The destructor writes what is held, as does exit(). On a fatal signal (SIGSEGV, SIGBUS, SIGILL,
// SIGFPE, SIGABRT; not in an AddressSanitizer build, whose own handler reports) the held lines are
// written before the signal's previous action runs. What a SIGKILL (or the OOM killer) loses: the
// request lines of at most the last 5 ms (or 32 KiB).
class BufferedRequests {
 public:
  BufferedRequests();
  ~BufferedRequests();
  BufferedRequests(const BufferedRequests&) = delete;
  BufferedRequests& operator=(const BufferedRequests&) = delete;
};

// Writes the request lines held now, if any.
void flush();

}  // namespace herd::log
