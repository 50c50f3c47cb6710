// Mastodon's search syntax (text/search_query): words, phrases, exclusions and operators.
#include "text/search_query.hpp"

#include <gtest/gtest.h>

namespace herd {
namespace {

using Words = std::vector<std::string>;

TEST(SearchQuery, WordsPhrasesAndExclusions) {
  auto q = text::parse_search_query("  cat +dog \"the quick  fox\" -mouse -\"bad words\" ");
  EXPECT_EQ(q.words, (Words{"cat", "dog"}));
  EXPECT_EQ(q.phrases, (Words{"the quick fox"}));
  EXPECT_EQ(q.excluded, (Words{"mouse", "bad words"}));
  EXPECT_TRUE(q.filters.empty());
  EXPECT_EQ(q.in, "all");
}

TEST(SearchQuery, Operators) {
  auto q = text::parse_search_query(
      "from:@alice@example.com HAS:Media -is:reply language:fr "
      "before:2024-01-02 in:library during:\"2024-03-04\" word");
  ASSERT_EQ(q.filters.size(), 6u);
  EXPECT_EQ(q.filters[0].prefix, "from");
  EXPECT_EQ(q.filters[0].term, "@alice@example.com");
  EXPECT_EQ(q.filters[1].prefix, "has");
  EXPECT_EQ(q.filters[1].term, "media");
  EXPECT_FALSE(q.filters[1].negated);
  EXPECT_EQ(q.filters[2].prefix, "is");
  EXPECT_TRUE(q.filters[2].negated);
  EXPECT_EQ(q.filters[3].term, "fr");
  EXPECT_EQ(q.filters[4].prefix, "before");
  EXPECT_EQ(q.filters[5].prefix, "during");
  EXPECT_EQ(q.filters[5].term, "2024-03-04");
  EXPECT_EQ(q.in, "library");
  EXPECT_EQ(q.words, (Words{"word"}));
}

TEST(SearchQuery, UnknownPrefixIsSearchedAsWords) {
  auto q = text::parse_search_query("foo:bar -color:red");
  EXPECT_TRUE(q.filters.empty());
  EXPECT_EQ(q.phrases, (Words{"foo bar"}));
  EXPECT_EQ(q.excluded, (Words{"color red"}));
}

TEST(SearchQuery, OddInputNeverThrows) {
  auto q = text::parse_search_query("\"unclosed phrase - -- !!! : from: word:");
  EXPECT_EQ(q.phrases, (Words{"unclosed phrase - -- !!! : from: word:"}));
  EXPECT_TRUE(text::parse_search_query("!!! --- +").empty());
  EXPECT_TRUE(text::parse_search_query("").empty());
  auto trailing = text::parse_search_query("hello: world");  // an unknown prefix, no term
  EXPECT_EQ(trailing.phrases, (Words{"hello"}));
  EXPECT_EQ(trailing.words, (Words{"world"}));
  EXPECT_EQ(text::parse_search_query("日本語 テスト").words, (Words{"日本語", "テスト"}));
}

TEST(SearchQuery, Days) {
  EXPECT_EQ(text::search_day_start_ms("1970-01-02"), 86'400'000);
  EXPECT_EQ(text::search_day_start_ms("2024-03-01"), 1'709'251'200'000);
  EXPECT_EQ(text::search_day_start_ms("1700000000"), 1'700'000'000'000);
  EXPECT_FALSE(text::search_day_start_ms("2024-13-45"));
  EXPECT_FALSE(text::search_day_start_ms("yesterday"));
  EXPECT_FALSE(text::search_day_start_ms(""));
}

}  // namespace
}  // namespace herd
