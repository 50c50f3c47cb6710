// What posting or receiving a status reads to fan it out: the followers whose home feed it enters
// (feed_audience), the followers of its hashtags, the followers asking to be notified of the
// author's posts, the lists holding the author (their streams and cached timelines), and for a
// post its remote followers' inboxes (where it is delivered). These reads
// do not depend on each other: read_fan_out() runs them as one statement (one round trip on
// PostgreSQL, where they cost four, and one statement's own cost instead of four). The functions
// in statuses.hpp, tags.hpp and lists.hpp that read one of them run the same queries.
#pragma once
#include <string>
#include <vector>

#include "store/lists.hpp"
#include "store/pipeline.hpp"  // Statement
#include "store/statuses.hpp"

namespace herd::store {

struct FanOutQuery {
  FeedAudienceQuery audience;
  std::vector<std::string> followed_tags;  // the followers of these hashtags (none when empty)
  bool subscribers = false;                // subscribed_follower_ids(audience.author)
  bool lists = false;                      // lists_with_member(audience.author)
  // follower_inboxes(audience.author), read with the audience (audience_and_inboxes_statement:
  // an audience without reply_to, reblog or skip_if_holding)
  bool follower_inboxes = false;
};
struct FanOutReads {
  std::vector<Id> followers;      // feed_audience(audience)
  std::vector<Id> tag_followers;  // tag_follower_ids(followed_tags): not filtered by not_hiding
  std::vector<Id> subscribers;
  std::vector<List> lists;
  std::vector<std::string> inboxes;  // of the author's remote followers (store/federation.hpp)
};
FanOutReads read_fan_out(Connection& c, const FanOutQuery& query);
// read_fan_out() as its statement and the reader of its result, for a caller that sends it in one
// round trip with other statements (query_all).
Statement fan_out_statement(const FanOutQuery& query);
FanOutReads fan_out_reads(const Result& result);

// The queries of the single reads above, and their readers.
Statement feed_audience_statement(const FeedAudienceQuery& query);
// Rows (account_id, inbox): feed_audience_statement()'s followers with inbox '', and the author's
// remote followers' inboxes (follower_inboxes()), from one read of the follows. For a query
// without reply_to, reblog or skip_if_holding (FanOutQuery::follower_inboxes: a post).
Statement audience_and_inboxes_statement(const FeedAudienceQuery& query);
Statement subscribed_followers_statement(Id author);
Statement tag_followers_statement(const std::vector<std::string>& names);  // names not empty
Statement lists_with_member_statement(Id author);
std::vector<Id> first_column_ids(const Result& result);
std::vector<List> lists_in(const Result& result);
// A list read from the row's columns list_columns(), starting at `first`.
List list_from_row(const Row& row, int first);
const char* list_columns();

}  // namespace herd::store
