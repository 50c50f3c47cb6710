// Status actions, one per user action, each in one transaction (Mastodon's PostStatusService,
// RemoveStatusService, FavouriteService, ReblogService...). Visibility is checked through
// service/visibility: a status the actor cannot see is ApiError not_found.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "service/polls.hpp"
#include "store/database.hpp"
#include "store/fan_out.hpp"
#include "store/models.hpp"
#include "text/format.hpp"

namespace herd::store {
struct MediaAttachment;
}

namespace herd::service {

struct NewStatus {
  std::string text;
  std::vector<std::string> media_ids;
  std::optional<Id> in_reply_to_id;
  std::optional<bool> sensitive;  // default: the user's preference (true with a CW)
  std::string spoiler_text;
  std::optional<std::string> visibility;  // default: the user's default_privacy
  std::optional<std::string> language;    // default: the user's default language or locale
  std::optional<NewPoll> poll;            // poll[...] (service/polls.hpp)
  std::optional<std::string> idempotency_key;
  std::optional<Id> application_id;
  std::optional<Id> quoted_status_id;                // service/quotes.hpp
  std::optional<std::string> quote_approval_policy;  // default: the user's default
};

// Validates (blank text without media 422, over 500 characters 422, the poll (validate_poll) 422,
// media_ids not the author's own unattached media or more than 4 422, unknown visibility 422,
// reply target not visible 404, a quote that may not be made: check_quote in service/quotes.hpp),
// stores the status with its mentions, tags and attached media,
// updates counters, fans it out to home feeds and notifies mentioned accounts. With an
// idempotency key already used by this account within the hour, returns that status instead.
// Returns once the status is committed; on SQLite, concurrent posts share a transaction
// (store/group_commit.hpp). `posted` (when given) is set to what the new status is known not to
// have, for rendering it without asking (StatusRenderer::use_posted).
struct PostedContent;
store::Status post_status(App& app, Id account_id, const NewStatus& input,
                          PostedContent* posted = nullptr);

// What post_status() knows a status it has just written does not have (each true only when the
// post's own input rules it out): mentions, hashtags, media, a poll, a preview card (none without
// a link: the card is fetched by a job after the commit, and only for a link), a quote.
// status_id 0: nothing known (an idempotent repeat returned an earlier status).
struct PostedContent {
  Id status_id = 0;
  bool no_mentions = false, no_tags = false, no_media = false, no_poll = false, no_card = false,
       no_quote = false;
};

// Deletes the account's own status (404 otherwise), its reblogs, feed entries, notifications and
// media (files removed after the commit), and updates counters. Returns the status as it was.
store::Status delete_status(App& app, Id account_id, Id status_id);
// Inside a transaction, without telling other servers (the account's Delete(Person) did): removes
// up to `limit` of the account's statuses as delete_status does, adding their media to `media`
// (files to remove after the commit). Returns how many were removed (0: none left).
int remove_account_statuses(App& app, store::Connection& c, Id account_id, int limit,
                            std::vector<store::MediaAttachment>& media);

// Each returns the (original, for a reblog id) status afterwards. Doing twice = once.
store::Status favourite(App& app, Id account_id, Id status_id);
store::Status unfavourite(App& app, Id account_id, Id status_id);
store::Status bookmark(App& app, Id account_id, Id status_id);
store::Status unbookmark(App& app, Id account_id, Id status_id);
// Returns the reblog (wrapper) status. Private (not own) and direct statuses: 403 "This action is
// not allowed". visibility: public, unlisted or private (default: the user's default_privacy).
store::Status reblog(App& app, Id account_id, Id status_id,
                     const std::optional<std::string>& visibility);
store::Status unreblog(App& app, Id account_id, Id status_id);

// A local author's text as HTML with its mentions (of known, not suspended accounts), hashtags
// and links.
text::FormattedStatus format_local_text(const App& app, store::Connection& c,
                                        std::string_view text);
// 422 for blank text without media ("Text can't be blank") or text and content warning over the
// character limit, with Mastodon's messages.
void validate_status_text(std::string_view text, std::string_view spoiler_text, bool with_media);
// Whether the text is empty or only white space.
bool blank(std::string_view text);
// ISO 639-1/639-3 style code ("en"; "pt-BR" is cut to "pt"); nullopt for anything else.
std::optional<std::string> normalize_language(const std::optional<std::string>& value);

// ---- federation ingest (federation/inbox.cpp)
// -----------------------------------------------------

// Stores a status received from another server (already parsed, sanitised and attributed: id,
// account_id, uri, url, content, spoiler_text, sensitive, visibility, language, in_reply_to_id,
// created_at), with its mentions and tags; counts, fans out to home feeds and notifies mentioned
// local accounts as post_status does. A status with the same uri already stored is returned as is,
// also when it was stored by a request running at the same time (statuses.uri is unique).
// `attach` (when given) runs in the same transaction right after the status row is written, to
// store what belongs to it (media, poll), so that no reader sees the status without them; it
// returns whether it stored media or a poll (what the search document reads besides the row).
// `fan_out_read`: what fan_out_read_ahead() named, read by the caller (with its other reads, in
// one round trip) just before; receive_status then does not read it again.
store::Status receive_status(
    App& app, const store::Status& status, const std::vector<Id>& mentioned,
    const std::vector<std::string>& tags,
    const std::function<bool(store::Connection&, store::Status&)>& attach = {},
    std::optional<store::FanOutReads> fan_out_read = std::nullopt);
// What receive_status() reads to fan `status` out (its followers, its hashtags' followers, the
// followers notified of its author's posts, the lists holding its author), for a caller to read
// it ahead, with the checks it makes before storing a post (store::received_post_facts): on
// PostgreSQL, for a status that is not a reply and not direct. Read there, under READ COMMITTED,
// it is what a read inside the transaction would see, one round trip earlier (a follow committed
// in between is missed either way); on SQLite (none: nullopt) the transaction's own read, the
// writes being serialised, sees every follow committed before it and costs no round trip.
std::optional<store::FanOutQuery> fan_out_read_ahead(App& app, const store::Status& status,
                                                     const std::vector<std::string>& tags);
// A remote account's Announce: reblog() (same rules, counters, feeds, notification) of a remote
// wrapper whose uri is the activity's. Received twice (at once too): the reblog stored first.
store::Status receive_reblog(App& app, Id account_id, Id status_id, const std::string& uri,
                             store::Visibility visibility);

}  // namespace herd::service
