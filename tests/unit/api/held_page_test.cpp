#include "api/held_page.hpp"

#include <gtest/gtest.h>

using namespace herd;

namespace {

constexpr Id kViewer = 100, kAlice = 200, kBob = 300;

// An entry as the renderer stores it for a status row.
std::shared_ptr<api::RenderedStatus> held(store::Status row, bool suspended = false,
                                          std::vector<Id> mentioned = {}) {
  auto r = std::make_shared<api::RenderedStatus>();
  r->head = "\"id\":\"" + std::to_string(row.id) + "\"";
  r->author_exists = true;
  r->author_suspended = suspended;
  r->mentions_loaded = !row.reblog_of_id;
  r->mentioned = std::move(mentioned);
  r->row = std::move(row);
  return r;
}

store::Status status(Id id, Id author, store::Visibility visibility = store::Visibility::public_) {
  store::Status s;
  s.id = id;
  s.account_id = author;
  s.visibility = visibility;
  s.favourites_count = static_cast<std::int64_t>(id);
  return s;
}

struct Page {
  api::StatusCache cache{1 << 20};
  std::uint64_t version = cache.version(1);
  api::TimelineViewer viewer;
  store::KnownFlags flags;
  std::vector<store::Status> rows;  // those taken, in order
  std::vector<Id> missing;
  store::PageFacts facts;

  Page() { viewer.follows = std::vector<Id>{kAlice}; }
  // Whether every status of the page was taken from its entry.
  bool assemble(const std::vector<Id>& ids, Id who = kViewer) {
    facts = {};
    api::HeldRows held = api::held_rows(cache, version, who, ids, who ? &viewer : nullptr,
                                        who ? &flags : nullptr, facts);
    EXPECT_EQ(held.rows.size(), ids.size());
    rows.clear();
    for (std::size_t i = 0; i < held.rows.size(); ++i)
      if (held.rows[i]) {
        EXPECT_EQ(held.rows[i]->id, ids[i]) << "in its place";
        rows.push_back(*held.rows[i]);
      }
    missing = held.missing;
    return missing.empty();
  }
};

}  // namespace

TEST(HeldPage, RowsAndFactsComeFromTheEntries) {
  Page page;
  page.cache.put(3, page.version, held(status(3, kAlice)));
  page.cache.put(2, page.version, held(status(2, kBob), true));
  ASSERT_TRUE(page.assemble({3, 2}));
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0].id, 3);
  EXPECT_EQ(page.rows[0].favourites_count, 3) << "the counts of the row held";
  EXPECT_EQ(page.rows[1].id, 2);
  EXPECT_TRUE(page.facts.rows_read);
  EXPECT_FALSE(page.facts.authors.at(kAlice).suspended);
  EXPECT_TRUE(page.facts.authors.at(kAlice).followed_by_viewer);
  EXPECT_TRUE(page.facts.authors.at(kBob).suspended) << "the author's suspension, as held";
  EXPECT_FALSE(page.facts.authors.at(kBob).followed_by_viewer);
  EXPECT_EQ(page.cache.stats().hits + page.cache.stats().misses, 0u)
      << "looking up is not counted: the page may yet be read";
}

TEST(HeldPage, AStatusNotHeldOrWithoutItsAuthorIsReadInstead) {
  Page page;
  page.cache.put(3, page.version, held(status(3, kAlice)));
  page.cache.put(1, page.version, held(status(1, kAlice)));
  EXPECT_FALSE(page.assemble({3, 2, 1})) << "2 is not held (a feed entry whose status is gone too)";
  EXPECT_EQ(page.missing, std::vector<Id>{2}) << "only 2 is read";
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0].id, 3);
  EXPECT_EQ(page.rows[1].id, 1);
  auto orphan = held(status(2, kBob));
  orphan->author_exists = false;
  page.cache.put(2, page.version, orphan);
  EXPECT_FALSE(page.assemble({3, 2})) << "its author's row was missing";
  page.cache.drop({store::tags::status(3)});
  EXPECT_FALSE(page.assemble({3})) << "a write named it";
}

TEST(HeldPage, ARebloggedOriginalMustBeHeldToo) {
  Page page;
  store::Status wrapper = status(5, kBob);
  wrapper.reblog_of_id = 4;
  page.cache.put(5, page.version, held(wrapper));
  EXPECT_TRUE(page.assemble({5})) << "the wrapper is held";
  EXPECT_EQ(page.facts.originals.count(4), 0u) << "its original is left to load_page_facts";
  EXPECT_EQ(page.facts.authors.count(kAlice), 0u);
  page.cache.put(4, page.version, held(status(4, kAlice)));
  ASSERT_TRUE(page.assemble({5}));
  ASSERT_EQ(page.facts.originals.count(4), 1u);
  EXPECT_EQ(page.facts.authors.count(kAlice), 1u) << "the original's author's facts";
}

TEST(HeldPage, PrivateStatusesNeedTheViewersFollowsAndMentions) {
  Page page;
  page.cache.put(7, page.version, held(status(7, kBob, store::Visibility::private_)));
  page.cache.put(8, page.version,
                 held(status(8, kBob, store::Visibility::direct), false, {kAlice, kViewer}));
  ASSERT_TRUE(page.assemble({8, 7}));
  EXPECT_FALSE(page.facts.authors.at(kBob).followed_by_viewer);
  EXPECT_EQ(page.facts.mentioned.count(8), 1u);
  EXPECT_EQ(page.facts.mentioned.count(7), 0u);
  page.viewer.follows.reset();  // a viewer following more than is remembered
  EXPECT_FALSE(page.assemble({7})) << "the follow of a private status's author is not known";
  EXPECT_TRUE(page.assemble({8})) << "a direct status needs only the mentions";
  ASSERT_TRUE(page.assemble({7}, 0)) << "an anonymous viewer needs nothing";
  EXPECT_TRUE(page.facts.mentioned.empty());

  store::Status wrapper = status(9, kBob, store::Visibility::private_);
  wrapper.reblog_of_id = 7;
  page.cache.put(9, page.version, held(wrapper));
  page.viewer.follows = std::vector<Id>{kBob};
  EXPECT_FALSE(page.assemble({9})) << "a private reblog wrapper's mentions are not held";
  auto own = status(10, kViewer, store::Visibility::private_);
  own.reblog_of_id = 7;
  page.cache.put(10, page.version, held(own));
  EXPECT_TRUE(page.assemble({10})) << "the viewer's own wrapper needs none";
}

TEST(HeldPage, FlagsOlderThanWhatIsKnownAreRead) {
  Page page;
  page.cache.put(3, page.version, held(status(3, kAlice)));
  page.cache.put(20, page.version, held(status(20, kAlice)));
  page.flags.complete_from = 10;
  EXPECT_TRUE(page.assemble({20}));
  EXPECT_FALSE(page.assemble({20, 3})) << "the flags of 3 are not known";
  EXPECT_TRUE(page.assemble({20, 3}, 0)) << "an anonymous viewer has none";
}

TEST(HeldPage, WithoutTheViewersTimelineOrFlagsEveryRowIsRead) {
  Page page;
  page.cache.put(3, page.version, held(status(3, kAlice)));
  page.facts = {};
  api::HeldRows held =
      api::held_rows(page.cache, page.version, kViewer, {3}, &page.viewer, nullptr, page.facts);
  EXPECT_EQ(held.missing, std::vector<Id>{3});
  EXPECT_FALSE(held.rows[0]);
  held = api::held_rows(page.cache, page.version, kViewer, {3}, nullptr, &page.flags, page.facts);
  EXPECT_EQ(held.missing, std::vector<Id>{3});
  EXPECT_TRUE(page.facts.authors.empty());
}
