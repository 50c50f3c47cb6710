// `herd admin ...`: shell administration of an instance (like Mastodon's tootctl), using the same
// configuration as `herd serve`; every command has --help, and an unknown option or a bad value is
// an error (exit code 2) before anything is opened:
//   herd admin seed --accounts N --statuses M [--follows F]   fill the instance for benchmarks
//   herd admin rules add TEXT [--hint H] | rules list          the instance's rules
//   herd admin accounts create USERNAME --email E [--password P] [--role R]
//   herd admin reports ... | aliases ...                       admin/moderation.hpp
//   herd admin mail test|status | accounts reset-password NAME admin/mail.hpp
//   herd admin announcements ... | documents ...
//   herd admin backup DEST | restore SOURCE [--force]          admin/backup.hpp
//   herd admin emoji add SHORTCODE FILE | list | remove ...      admin/emoji.hpp
#pragma once

namespace herd::admin {

int admin_main(int argc, char** argv);  // argv[0] == "admin"

}  // namespace herd::admin
