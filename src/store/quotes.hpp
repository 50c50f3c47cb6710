// Quote posts (Mastodon 4.5, FEP-044f): one row per quoting status, with the state of its
// approval by the quoted status's author. All functions run inside a caller's transaction or read.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/models.hpp"
#include "store/page.hpp"

namespace herd::store {

struct Quote {
  Id id = 0;
  std::optional<Id> status_id;  // the quoting status (unset while a QuoteRequest waits for it)
  std::string uri;              // the quoting status's ActivityPub id
  Id account_id = 0;            // its author
  std::optional<Id> quoted_status_id;
  std::optional<Id> quoted_account_id;
  std::string quoted_uri;
  std::string state;              // pending | accepted | rejected | revoked
  std::string request_uri;        // the QuoteRequest activity's id
  std::string authorization_uri;  // the QuoteAuthorization's id (accepted)
  std::int64_t created_at = 0, updated_at = 0;
};

void insert_quote(Connection& c, const Quote& quote);
// Saves state, authorization_uri, status_id, quoted ids and updated_at of an existing quote.
void update_quote(Connection& c, const Quote& quote);
std::optional<Quote> find_quote(Connection& c, Id id);
std::optional<Quote> find_quote_of_status(Connection& c, Id status_id);
std::optional<Quote> find_quote_by_uri(Connection& c, const std::string& uri);
std::optional<Quote> find_quote_by_authorization(Connection& c, const std::string& uri);
std::optional<Quote> find_quote_by_request(Connection& c, const std::string& request_uri);
// status id -> its quote, for these quoting statuses.
std::unordered_map<Id, Quote> load_quotes(Connection& c, const std::vector<Id>& status_ids);
// A page of the accepted quotes of a status, by quoting status id (the cursors).
std::vector<Id> page_quoting_status_ids(Connection& c, Id quoted_status_id, const PageQuery& page);
// Accepted quotes of a status (for quoted_update notifications).
std::vector<Quote> accepted_quotes_of(Connection& c, Id quoted_status_id);
// Removes the quote of a deleted quoting status (returned as it was).
std::optional<Quote> delete_quote_of_status(Connection& c, Id status_id);

// Adds delta to a status's accepted quotes count (never below 0).
void adjust_quotes_count(Connection& c, Id status_id, std::int64_t delta);
void set_quote_policy(Connection& c, Id status_id, const std::string& policy,
                      const std::string& manual = "");

// The user's default quote policy for new posts ("public", "followers" or "nobody").
std::string default_quote_policy(Connection& c, Id account_id);
void set_default_quote_policy(Connection& c, Id account_id, const std::string& policy);

}  // namespace herd::store
