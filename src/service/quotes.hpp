// Quote posts (Mastodon 4.5, FEP-044f): who may quote a status (its quote policy), quoting,
// revoking a quote, changing a status's policy, and how a quote shows to a viewer. A quote of a
// local status is decided at once (accepted, or refused with 403); a quote of a remote status is
// pending until its author's server answers the QuoteRequest (federation/quotes.hpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"
#include "store/quotes.hpp"
#include "store/relationships.hpp"

namespace herd::service {

// The id of the QuoteAuthorization a local author grants: <actor>/quote_authorizations/<quote id>.
std::string quote_authorization_uri(const App& app, std::string_view username, Id quote_id);

// "public", "followers" or "nobody"; anything else is a 422. nullopt/empty: nullopt.
std::optional<std::string> read_quote_policy(const std::optional<std::string>& value);
// The policy a status gets: private and direct statuses are never quotable by others.
std::string effective_quote_policy(store::Visibility visibility, const std::string& policy);

// QuoteApproval.current_user: how the status's policy applies to viewer (0: anonymous →
// "unknown"): "automatic", "manual" or "denied". relation: the viewer's relationship with the
// status's author.
std::string quote_approval_for(const store::Status& status, Id viewer,
                               const store::Relationship& relation);

// Inside post_status's transaction: checks that `author` may quote `quoted_status_id` (404 when
// it is unknown or not visible to them, 403 for a private mention or when its policy denies them,
// 422 with media or a poll) and returns the quoted (original) status. A quote of a private post
// makes the new status private unless it is direct.
store::Status check_quote(store::Connection& c, Id author, Id quoted_status_id,
                          store::Visibility& visibility, bool with_media_or_poll);
// Also inside it, once the text's mentions are known: a private mention that quotes someone else's
// post must mention that post's author (422 otherwise), as Mastodon.
void check_quote_mentioned(const store::Status& quoted, Id author, store::Visibility visibility,
                           const std::vector<Id>& mentioned);
// Prepends Mastodon's fallback `<p class="quote-inline">RE: <a href>url</a></p>` to the HTML
// unless the text already links the quoted status.
std::string with_quote_fallback(const std::string& html, const std::string& text,
                                const store::Status& quoted);
// Records the quote of `quoted` by the new status `quoting`: accepted at once for a local quoted
// status (quotes_count, a `quote` notification), pending for a remote one (a QuoteRequest is
// sent).
void attach_quote(App& app, store::Connection& c, const store::Status& quoting,
                  const store::Status& quoted);
// When a quoting status is deleted: its quote is removed and the quoted status's count follows.
void forget_quote(store::Connection& c, Id quoting_status_id);
// When a quoted status is edited: `quoted_update` to the local authors of its accepted quotes.
void notify_quoted_update(App& app, store::Connection& c, const store::Status& edited);

// POST /api/v1/statuses/:id/quotes/:quoting_status_id/revoke: the author of status_id (404
// otherwise) withdraws the approval of a quote of it (404 when there is none). Returns the
// quoting status.
store::Status revoke_quote(App& app, Id account_id, Id status_id, Id quoting_status_id);
// PUT /api/v1/statuses/:id/interaction_policy: the author's own status (404 otherwise).
store::Status set_interaction_policy(App& app, Id account_id, Id status_id,
                                     const std::string& policy);
// GET /api/v1/statuses/:id/quotes, as Mastodon 4.5 documents it: any signed-in viewer who may see
// the status (404 otherwise) lists its accepted quotes, newest first. The page's cursors are the
// quoting status ids before filtering; the statuses are those the viewer may see, without the
// accounts it blocks, mutes or is blocked by, nor those of domains it blocks (Mastodon's
// not_excluded_by_account, the author included).
struct QuotesPage {
  std::vector<Id> cursors;
  std::vector<store::Status> statuses;  // in the cursors' order
};
QuotesPage quotes_of(App& app, Id viewer, Id status_id, const store::PageQuery& page);

}  // namespace herd::service
