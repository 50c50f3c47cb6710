// Keyword matching for filters (text/keywords) and applying a viewer's filters to statuses
// (service::StatusFilters): Mastodon's case-insensitive, word-boundary rules.
#include "text/keywords.hpp"

#include <gtest/gtest.h>

#include "service/filters.hpp"

namespace herd {
namespace {

std::optional<std::string> find(std::string_view keyword, bool whole_word, std::string_view text) {
  text::KeywordMatcher matcher;
  matcher.add(keyword, whole_word);
  return matcher.find(text);
}

TEST(KeywordMatcher, CaseInsensitiveAndReturnsTextAsWritten) {
  EXPECT_EQ(find("cat", false, "A CAT sat"), "CAT");
  EXPECT_EQ(find("CaT", true, "my cat."), "cat");
  EXPECT_EQ(find("Ünïcode", false, "some üNÏCODE here"), "üNÏCODE");
  EXPECT_EQ(find("привет", true, "ПРИВЕТ мир"), "ПРИВЕТ");
  EXPECT_FALSE(find("dog", false, "a cat"));
}

TEST(KeywordMatcher, WholeWordNeedsBoundaries) {
  EXPECT_FALSE(find("cat", true, "concatenate"));
  EXPECT_FALSE(find("cat", true, "cats"));
  EXPECT_EQ(find("cat", false, "concatenate"), "cat");
  EXPECT_EQ(find("cat", true, "(cat)"), "cat");
  EXPECT_EQ(find("cat", true, "cat"), "cat");
  EXPECT_FALSE(find("café", true, "cafés"));
  EXPECT_EQ(find("two words", true, "say two words now"), "two words");
  EXPECT_FALSE(find("cat", true, "cat_food"));  // '_' is a word character
}

TEST(KeywordMatcher, BoundaryOnlyWhereTheKeywordHasAWordCharacter) {
  // "#tag" starts with '#': no boundary before it, so "x#tag" matches; it ends with a letter.
  EXPECT_EQ(find("#tag", true, "x#tag!"), "#tag");
  EXPECT_FALSE(find("#tag", true, "#tags"));
  EXPECT_EQ(find("!!", true, "wow!!!"), "!!");
}

TEST(KeywordMatcher, LeftmostMatchFirstKeywordOnTies) {
  text::KeywordMatcher matcher;
  matcher.add("world", false);
  matcher.add("hello", false);
  matcher.add("hell", false);
  EXPECT_EQ(matcher.find("hello world"), "hello");
  EXPECT_TRUE(text::KeywordMatcher().empty());
  text::KeywordMatcher none;
  none.add("", true);
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.find("anything"));
}

TEST(KeywordMatcher, MalformedUtf8DoesNotBreakMatching) {
  EXPECT_EQ(find("cat", true, std::string("\xff cat \xc3")), "cat");
}

store::FilterSet sample_set() {
  store::FilterSet set;
  set.filters.push_back(store::Filter{1, 9, "warn home", {"home", "public"}, "warn", {}, 0, 0});
  set.filters.push_back(store::Filter{2, 9, "hide threads", {"thread"}, "hide", {}, 0, 0});
  set.keywords.push_back(store::FilterKeyword{10, 1, "spoiler", true, 0});
  set.keywords.push_back(store::FilterKeyword{11, 2, "spoiler", false, 0});
  set.statuses.push_back(store::FilterStatus{20, 1, 500, 0});
  return set;
}

TEST(StatusFilters, OnlyFiltersOfTheContextApply) {
  auto set = sample_set();
  service::StatusFilters home(set, "home");
  auto matches = home.match("no SPOILER here", 1, std::nullopt);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].filter->id, 1);
  EXPECT_EQ(matches[0].keyword_match, "SPOILER");
  EXPECT_FALSE(service::StatusFilters::hides(matches));

  service::StatusFilters thread(set, "thread");
  auto hidden = thread.match("spoilers", 1, std::nullopt);
  ASSERT_EQ(hidden.size(), 1u);
  EXPECT_TRUE(service::StatusFilters::hides(hidden));

  EXPECT_TRUE(service::StatusFilters(set, "notifications").empty());
  EXPECT_TRUE(service::StatusFilters(set, "").empty());
}

TEST(StatusFilters, StatusRulesMatchTheStatusOrWhatItReblogs) {
  service::StatusFilters home(sample_set(), "home");
  auto direct = home.match("text", 500, std::nullopt);
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].status_matches, std::vector<Id>{500});
  EXPECT_FALSE(direct[0].keyword_match);
  auto reblog = home.match("text", 600, Id{500});
  ASSERT_EQ(reblog.size(), 1u);
  EXPECT_EQ(reblog[0].status_matches, std::vector<Id>{500});
  EXPECT_TRUE(home.match("text", 601, Id{602}).empty());
}

TEST(StatusFilters, SearchableTextJoinsSpoilerContentPollAndMedia) {
  store::Status status;
  status.spoiler_text = "cw";
  status.content = "<p>Hello <b>world</b></p>";
  EXPECT_EQ(service::searchable_text(status, {"yes", "no"}, {"a picture"}),
            "cw\n\nHello world\n\nyes\n\nno\n\na picture");
}

}  // namespace
}  // namespace herd
