// Mastodon's full-text search syntax (GET /api/v2/search?type=statuses), parsed into words,
// phrases and operators. The grammar follows Mastodon 4.x:
//   word         a word that must appear ("+word" too)
//   "a phrase"   words that must appear next to each other, in this order
//   -word        a word (or -"phrase") that must not appear
//   prefix:term  an operator: from:, has:, is:, language:, before:, after:, during:, in:;
//                -prefix:term negates it (not for in:). A term may be quoted: from:"alice".
//   unknown:x    a prefix Mastodon does not know is searched as the words "unknown x".
// Nothing here touches the database: `from:` names an account, dates are days, and the caller
// resolves them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::text {

struct SearchFilter {
  std::string prefix;  // from, has, is, language, before, after, during (lowercase)
  std::string term;    // as written (has:/is: lowercased)
  bool negated = false;
};

struct SearchQuery {
  std::vector<std::string> words;     // each must appear
  std::vector<std::string> phrases;   // each must appear as a phrase
  std::vector<std::string> excluded;  // words or phrases that must not appear
  std::vector<SearchFilter> filters;  // operators other than in:
  std::string in;                     // "all" (default), "library" or "public"
  bool empty() const { return words.empty() && phrases.empty() && filters.empty(); }
};

// Parses `q`. Never throws: unbalanced quotes close at the end, words with no letter or digit
// are dropped (they match nothing in either index).
SearchQuery parse_search_query(std::string_view q);

// A day written as YYYY-MM-DD, or unix seconds (digits only, as Mastodon takes them): the unix
// milliseconds of its start (UTC), or nullopt when it is neither.
std::optional<std::int64_t> search_day_start_ms(std::string_view term);

}  // namespace herd::text
