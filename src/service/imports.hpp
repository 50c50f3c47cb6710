// CSV imports in Mastodon's formats (4.2+, Form::Import and BulkImportService), so that people can
// move to herd from Mastodon or another herd: following, blocking, muting, domain_blocking,
// bookmarks and lists, in merge mode (add to what is there) or overwrite mode (also remove what
// the file does not name). The file is parsed when uploaded (a header row is recognised by
// Mastodon's column names; without it the columns are in Mastodon's export order) and stored with
// a job in the same transaction; the job runner works through it a batch of rows at a time (remote
// accounts resolved through WebFinger, posts fetched by URI), recording progress and every row
// that could not be imported with its reason. A bad row never stops the import.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

inline constexpr std::string_view kImportQueue = "imports";
inline constexpr std::size_t kMaxImportRows = 20000;  // Mastodon's ROWS_PROCESSING_LIMIT

// One CSV document (RFC 4180: quoted fields, "" inside quotes, CRLF or LF, a UTF-8 BOM) as rows of
// fields; blank lines are skipped. 422 for an unterminated quote.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

// 422 for an unknown type or mode, an empty file, a file over kMaxImportRows rows or one that is
// not in the type's format; returns the import's id.
Id create_import(App& app, Id account_id, const std::string& type, const std::string& mode,
                 const std::string& file_name, std::string_view csv);

// Run by the job runner; returns the jobs handled.
int run_import_jobs(App& app, std::int64_t now);

}  // namespace herd::service
