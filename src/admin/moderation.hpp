// `herd admin reports ...` and `herd admin aliases ...`:
//   herd admin reports [--resolved true]         open (or resolved) reports, newest first
//   herd admin reports resolve ID | reopen ID    as the owner account
//   herd admin aliases USERNAME [URI...]         a local account's alsoKnownAs (no URI: print;
//                                                "-" alone: clear), so that an account elsewhere
//                                                can move here
//   herd admin deliveries                        deliveries that could not be made, newest first
#pragma once
#include "app.hpp"

namespace herd::admin {

// argv[1] is "reports", "aliases" or "deliveries". Returns the process exit code.
int moderation_command(App& app, int argc, char** argv);

}  // namespace herd::admin
