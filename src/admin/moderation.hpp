// `herd admin reports ...` and `herd admin aliases ...`:
//   herd admin reports [--resolved true]         open (or resolved) reports, newest first
//   herd admin reports resolve ID | reopen ID    as the owner account
//   herd admin deliveries                        deliveries that could not be made, newest first
//   herd admin accounts modify USERNAME --suspend|--enable|...   admin/moderation: as the owner
//   herd admin aliases USERNAME [URI...]         a local account's alsoKnownAs (no URI: print;
//                                                "-" alone: clear), so that an account elsewhere
//                                                can move here
#pragma once
#include <string>
#include <vector>

#include "app.hpp"

namespace herd::admin {

// Each returns the process exit code.
int list_reports(App& app, bool resolved);
// The deliveries that could not be made, newest first (as /api/v1/admin/delivery_failures).
int list_delivery_failures(App& app);
int change_report(App& app, Id report_id, bool reopen);
int aliases(App& app, const std::string& username, const std::vector<std::string>& uris);
// tootctl accounts modify: a moderation action on "username" or "username@domain", as the owner.
// action: approve | enable | disable | silence | unsilence | suspend | unsuspend | sensitive |
// unsensitive.
int modify_account(App& app, const std::string& handle, const std::string& action);
// tootctl accounts approve: these pending sign-ups (usernames), or every one with all.
int approve_accounts(App& app, const std::vector<std::string>& usernames, bool all);
// tootctl accounts refresh: queues a refetch of these remote accounts (user@domain), or of every
// account of `domain`; a running herd serve fetches them.
int refresh_accounts(App& app, const std::vector<std::string>& handles, const std::string& domain);

}  // namespace herd::admin
