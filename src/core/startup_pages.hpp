// Resident memory of a server at rest: the pages of the program and its libraries that only
// starting touched (the dynamic loader's symbol tables and relocations, static initialisers,
// building the routes, checking migrations) are dropped from the process's mappings once it has
// started. They are clean copies of files: they stay in the page cache (shared with every process
// mapping the same file, reclaimable), and a page needed again comes back from there on its next
// touch (a minor fault). An idle SQLite server kept ~15 MiB of them (bench/RESULTS.md, session 6).
#pragma once
#include <cstddef>

namespace herd {

// Drops the resident pages of the read-only segments (code, constants, symbol tables) of the
// program and of every library loaded, from this process's mappings; returns by how much the
// resident set shrank. Writable segments (data, and relocated data made read-only after loading)
// are left alone, so nothing is lost: what is dropped is read again from the file when touched.
// Libraries are never unloaded in herd, and `dl_iterate_phdr` lists a library only once it is
// loaded, so this may run while other threads work. `herd serve` calls it once, a little after it
// starts (a job runner task), so that the first ticks' one-time work is dropped too.
std::size_t release_startup_pages();

}  // namespace herd
