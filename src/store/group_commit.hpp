// Group commit (SQLite). A write of a few rows costs little next to committing its transaction
// (writing every page it touched to the WAL, checkpoints, fsync at a checkpoint), and SQLite runs
// one writer at a time anyway; under load, the writes that ask for it share transactions instead:
//
//   - the caller hands a piece of work (a function that calls Database::write/read as usual, such
//     as applying an inbox activity or posting a status) to the group-commit thread and waits;
//   - that thread takes every piece waiting (at most 64), runs each inside ONE transaction, each
//     in its own savepoint, commits, then wakes the callers. A caller learns that its work was
//     applied only after the commit that stored it, so acknowledged work is never lost.
//   - while a piece runs, every Database::read and write it makes (on the group-commit thread)
//     runs on the shared transaction's connection, inside its savepoint: reads see what the
//     pieces before it wrote.
//   - a piece that throws, or whose write failed, is rolled back to its savepoint and left to its
//     caller, which runs it by itself as without group commit (where an error reaches it as
//     before). A shared transaction that fails to commit leaves every piece to its caller.
//   - with one caller waiting, the transaction holds that one piece: nothing waits to fill it.
// Pieces must not need the network (a caller that may fetch does so before, or makes a fetch
// throw: federation::NoFetches).
#pragma once
#include <functional>
#include <memory>

#include "store/database.hpp"

namespace herd::store {

// A layer below the group commit that keeps state of its own per transaction (the stream hub's
// events held until the commit) implements this, so that a piece rolled back to its savepoint
// leaves nothing of itself there either. Called on the group-commit thread, inside the shared
// transaction, around each piece.
class PieceObserver {
 public:
  virtual ~PieceObserver() = default;
  virtual void piece_started() = 0;
  virtual void piece_rolled_back() = 0;
};

// Wraps the database (as the outermost layer) so that run_in_group_commit() can share
// transactions. PostgreSQL is returned as it is: its writers run side by side, and one thread
// would run every statement's round trip in series (measured: no gain); there, writes that read
// nothing inside their transaction share commits by themselves (store/postgres.cpp).
// HERD_GROUP_COMMIT=0 (or the older HERD_INBOX_BATCH=0) in the environment disables it: every
// piece in its own transaction, for comparison.
std::unique_ptr<Database> attach_group_commit(std::unique_ptr<Database> database);

// Runs `work` in the next shared transaction of `database` (see above) and returns true once that
// transaction committed with work's effects. Returns false, with nothing of work's effects kept,
// when the database does not group commit (not attached, PostgreSQL, disabled), when called from
// inside a write or a piece, or when work threw or one of its writes failed: the caller then runs
// the work itself.
bool run_in_group_commit(Database& database, const std::function<void()>& work);

// Called by a piece (on the group-commit thread, inside its work): keeps `fn` to run after every
// piece of the group, in the shared transaction right before its commit (outside the pieces'
// savepoints, in the order kept), and returns true; a piece rolled back takes what it kept with
// it. Work whose writes are cheaper together than one by one goes there: SQLite's FTS5 writes
// its pending rows out at every savepoint, so search documents written piece by piece cost one
// index segment per piece, and one per group when written at the end. If `fn` throws, the group
// is not committed and every piece is left to its caller (run alone). Outside a piece: returns
// false, and the caller runs it itself.
bool at_group_end(const std::function<void(Connection&)>& fn);

}  // namespace herd::store
