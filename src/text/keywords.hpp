// Keyword search as Mastodon's custom filters do it (CustomFilterKeyword#to_regex joined with
// Regexp.union): case-insensitive; a whole-word keyword must have a word boundary before it when
// it starts with a word character and after it when it ends with one ("cat" does not match
// "concatenate", "#tag" matches "#tag!"). Word characters are letters and digits of any script,
// marks and '_'. Case folding is one code point to one (ASCII, Latin, Greek, Cyrillic, Armenian,
// fullwidth Latin). Compile a set of keywords once, then search many texts.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::text {

class KeywordMatcher {
 public:
  // Adds a keyword; an empty one never matches.
  void add(std::string_view keyword, bool whole_word);
  bool empty() const { return keywords_.empty(); }
  // The leftmost match of any keyword in `text` (at one position, the keyword added first), as
  // written in the text; nullopt when no keyword matches.
  std::optional<std::string> find(std::string_view text) const;

 private:
  struct Keyword {
    std::u32string folded;
    bool boundary_before = false, boundary_after = false;
  };
  std::vector<Keyword> keywords_;
};

// The code point's simple lowercase mapping (itself when it has none).
char32_t fold_case(char32_t c);
// Letters, digits and marks of any script, and '_' (an approximation of [[:word:]]).
bool is_word_character(char32_t c);

}  // namespace herd::text
