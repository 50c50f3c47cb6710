// The numbered schema migrations, kept in files by era and run in one ordered list
// (store/migrations.cpp). Internal to src/store.
#pragma once

#include <vector>

namespace herd::store {

// One migration: SQL shared by both dialects and optional dialect-specific SQL; it runs in one
// transaction and is recorded in schema_migrations. Conventions: ids are BIGINT snowflakes, times
// are BIGINT unix milliseconds, booleans INTEGER 0/1.
struct Migration {
  int version;
  const char* name;
  const char* shared;
  const char* sqlite_only = "";
  const char* postgres_only = "";
};

// Migrations 1-20: the schema of the first releases (accounts, statuses, federation, media,
// polls, lists, filters, markers, conversations, scheduled statuses, web push, tags, cards,
// announcements), in the order they were written.
std::vector<Migration> founding_migrations();

// Migration 88: one status per URI, copies stored twice merged (store/migrations_status_uris.cpp).
Migration unique_status_uris();

}  // namespace herd::store
