// What an account's data exports read (Mastodon's CSV exports): one query per file, newest first
// where Mastodon orders so. Inside a caller's read.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

struct ExportedAccount {
  Id id = 0;
  std::string username;
  std::string domain;      // "" for a local account
  bool flag1 = false;      // follows: show_reblogs; mutes: hide_notifications
  bool flag2 = false;      // follows: notify
  std::string list_title;  // lists
  Id list_id = 0;          // lists
};

std::vector<ExportedAccount> export_following(Connection& c, Id account_id);
std::vector<ExportedAccount> export_blocks(Connection& c, Id account_id);
std::vector<ExportedAccount> export_mutes(Connection& c, Id account_id);
std::vector<ExportedAccount> export_list_members(Connection& c, Id account_id);
std::vector<std::string> export_domain_blocks(Connection& c, Id account_id);

struct ExportedStatus {
  Id id = 0;
  std::string uri;       // "" for a local status (its URI is built from username and id)
  std::string username;  // the author's
};
std::vector<ExportedStatus> export_bookmarks(Connection& c, Id account_id);
// The statuses the account favourited, newest first (the archive's likes.json).
std::vector<ExportedStatus> export_favourites(Connection& c, Id account_id);

}  // namespace herd::store
