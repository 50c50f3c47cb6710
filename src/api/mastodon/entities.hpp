// Every Mastodon client entity is rendered here and nowhere else, with every field the Mastodon
// documentation lists: IDs as strings, times RFC 3339 with milliseconds, arrays never null,
// URLs absolute. Statuses and notifications render in batches: a page costs a fixed number of
// queries (accounts, reblogged statuses, mentions, tags, the viewer's flags), never one per item.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app.hpp"
#include "http/request.hpp"
#include "store/database.hpp"
#include "store/filters.hpp"
#include "store/media.hpp"
#include "store/models.hpp"
#include "store/notification_groups.hpp"
#include "store/polls.hpp"
#include "store/reports.hpp"

namespace herd::store {
struct FeaturedTag;
struct List;
struct PageFacts;
struct ScheduledStatus;
struct WebPushSubscription;
}  // namespace herd::store
namespace herd::service {
class StatusFilters;
struct PostedContent;
}  // namespace herd::service

namespace herd::api {

namespace json = boost::json;

json::object account_json(const App& app, const store::Account& account);
// Account + source{privacy,sensitive,language,note,fields,follow_requests_count} + role.
json::object credential_account_json(const App& app, store::Connection& c,
                                     const store::Account& account, const store::User& user);
json::object application_json(const store::Application& app, bool with_secret,
                              std::string_view vapid_key = "");
// WebPushSubscription {id, endpoint, standard, alerts{...}, policy, server_key}.
json::object web_push_subscription_json(const store::WebPushSubscription& subscription,
                                        std::string_view server_key);
json::object token_json(const store::AccessToken& token);
json::object rule_json(const store::Rule& rule);
// List: id, title, replies_policy, exclusive.
json::object list_json(const store::List& list);
json::object relationship_json(store::Connection& c, Id viewer_account_id, Id target_account_id);
json::array relationships_json(store::Connection& c, Id viewer_account_id,
                               const std::vector<Id>& target_ids);
// Accounts by id in the order given (unknown ids skipped).
json::array accounts_json(const App& app, store::Connection& c, const std::vector<Id>& ids);

// Renders statuses (with their reblogged status, account, mentions, tags, media, application)
// for one viewer (0: anonymous, no viewer flags).
// filter_context: where the statuses are shown, for the viewer's filters: "home" (home and list
// timelines), "notifications", "public" (public and hashtag timelines), "thread" (a status's
// context) or "account" (an account's statuses). With one, statuses by others that a filter in
// force for that context matches carry `filtered` (FilterResults), and those a hide filter
// matches are left out. Without one (the default) nothing is filtered.
//
// Quotes (Mastodon 4.5): every status carries quotes_count, quote_approval (QuoteApproval for the
// viewer) and quote: a Quote {state, quoted_status} (the quoted status rendered when the viewer may
// see it: accepted, blocked_account, blocked_domain, muted_account; otherwise pending, rejected,
// revoked, deleted or unauthorized with null), or with shallow_quotes (the statuses inside a
// Quote) a ShallowQuote {state, quoted_status_id}; null for a status that quotes nothing.
struct RenderedStatus;  // api/status_cache.hpp
using HeldEntries = std::unordered_map<Id, std::shared_ptr<const RenderedStatus>>;

class StatusRenderer {
 public:
  StatusRenderer(const App& app, store::Connection& c, Id viewer_account_id,
                 std::string_view filter_context = {}, bool shallow_quotes = false);
  // Same order as given (less the statuses a hide filter matches).
  json::array render(const std::vector<store::Status>& statuses);
  json::object render_one(const store::Status& status);
  // render() as JSON text, byte for byte json::serialize(render(statuses)). With `generation`
  // (status_cache_version() taken before `statuses` were loaded), what every viewer sees of a
  // status comes from the process's status cache (api/status_cache.hpp) when it holds it, and is
  // stored there otherwise.
  std::string render_json(const std::vector<store::Status>& statuses,
                          std::optional<std::uint64_t> generation = std::nullopt);
  // render_json's text in pieces: the cached texts are pieces of it, not copied (a response's
  // body: http::Response::pieces).
  http::BodyPieces render_pieces(const std::vector<store::Status>& statuses,
                                 std::optional<std::uint64_t> generation = std::nullopt);
  // What the page's reads already loaded about the statuses to render (store::load_page_facts for
  // this viewer, with the filters when a filter context is given): used instead of asking again.
  // Not copied: it must outlive the renderer.
  void use_page_facts(const store::PageFacts& facts) { page_facts_ = &facts; }
  // The status cache entries the page's rows were taken from (api/held_page.hpp): render_json
  // takes those statuses' texts from them instead of looking them up again. Not copied.
  void use_held_entries(const HeldEntries& entries) { held_ = &entries; }
  // What post_status() knows the status it has just written does not have (mentions, hashtags,
  // media...): not asked when that status is the only one with content to render. Not copied.
  void use_posted(const service::PostedContent& posted) { posted_ = &posted; }

 private:
  // The viewer's filters in force for the context (loaded on first use), or null when none.
  const service::StatusFilters* filters();
  // FilterResults of `s` (`proper`: its original when a reblog) with this poll and these media
  // descriptions, or none when nothing is filtered here; sets `hidden` for a hide filter.
  std::optional<json::array> filter_results(const store::Status& s, const store::Status& proper,
                                            const store::Poll* poll,
                                            const std::vector<std::string>& media_descriptions,
                                            bool& hidden);

  const App& app_;
  store::Connection& c_;
  Id viewer_;
  std::string filter_context_;
  bool shallow_quotes_;
  std::shared_ptr<const service::StatusFilters> filters_;  // loaded on first use
  const store::PageFacts* page_facts_ = nullptr;
  const HeldEntries* held_ = nullptr;
  const service::PostedContent* posted_ = nullptr;
};

// MediaAttachment: url and preview_url absolute (preview: the custom thumbnail, else the image
// itself, else null), meta.original/small {width,height,size,aspect} for images, meta.focus.
json::object media_attachment_json(const App& app, const store::MediaAttachment& media);

// Poll: options' votes_count null while totals are hidden (until it ends); voted and own_votes
// only for a signed-in viewer (viewer 0: anonymous); the author counts as having voted.
json::object poll_json(const store::Poll& poll, Id viewer, const std::vector<int>& own_votes);

// Tag: id, name, url, history (the last 7 days, newest first, counts as strings), following (for a
// signed-in viewer).
json::object tag_json(const App& app, store::Connection& c, const store::Tag& tag, Id viewer);

// FeaturedTag: id, name, url (the profile filtered by it), statuses_count, last_status_at.
json::object featured_tag_json(const App& app, const store::FeaturedTag& featured,
                               const std::string& account_url);

// ScheduledStatus: id, scheduled_at, params (as kept, with Mastodon's keys), media_attachments.
json::object scheduled_status_json(const App& app, store::Connection& c,
                                   const store::ScheduledStatus& scheduled);

// Conversation: id, unread, accounts (the other participants), last_status (for the viewer).
json::object conversation_json(const App& app, store::Connection& c, Id viewer, Id id, bool unread,
                               const std::vector<Id>& participants,
                               const store::Status& last_status);

// filter_context: as for StatusRenderer ("notifications" for the notifications API); a
// notification whose status a hide filter matches is left out.
json::array notifications_json(const App& app, store::Connection& c, Id viewer_account_id,
                               const std::vector<store::Notification>& notifications,
                               std::string_view filter_context = {});

// ---- entities_notification.cpp ----------------------------------------------------------------
// GroupedNotificationsResults: accounts (deduplicated; with partial_avatars only each group's
// newest in full, the others in partial_accounts), statuses (deduplicated) and
// notification_groups (page_min_id, page_max_id and latest_page_notification_at when
// `paginated`). A group whose status the viewer can no longer see is left out.
json::object grouped_notifications_json(const App& app, store::Connection& c, Id viewer,
                                        const std::vector<store::NotificationGroup>& groups,
                                        bool partial_avatars, bool paginated);
// NotificationRequest: id, created_at, updated_at, account, notifications_count (a string, as
// Mastodon sends it), last_status (when the viewer can see it).
json::array notification_requests_json(const App& app, store::Connection& c, Id viewer,
                                       const std::vector<store::NotificationRequest>& requests);

// ---- entities_filter.cpp --------------------------------------------------------------------
// Filter: id, title, context, expires_at, filter_action; keywords and statuses when given (the
// filters API), left out otherwise (inside a FilterResult), as Mastodon does.
json::object filter_json(const store::Filter& filter,
                         const std::vector<store::FilterKeyword>* keywords = nullptr,
                         const std::vector<store::FilterStatus>* statuses = nullptr);
json::object filter_keyword_json(const store::FilterKeyword& keyword);
json::object filter_status_json(const store::FilterStatus& status);
// V1::Filter: one keyword as a filter (id and phrase are the keyword's; irreversible = hide).
json::object v1_filter_json(const store::Filter& filter, const store::FilterKeyword& keyword);
// FilterResult: the filter, keyword_matches and status_matches (null when none).
json::object filter_result_json(const store::Filter& filter,
                                const std::optional<std::string>& keyword_match,
                                const std::vector<Id>& status_matches);

// ---- entities_report.cpp --------------------------------------------------------------------
// Account with "moved" (the account it moved to) when it has moved.
json::object account_json(const App& app, store::Connection& c, const store::Account& account);
// Report (as its reporter sees it: status_ids, rule_ids, target_account).
json::object report_json(const App& app, store::Connection& c, const store::Report& report);
// Admin::Account (staff): the account with its user's email, role and state.
json::object admin_account_json(const App& app, store::Connection& c,
                                const store::Account& account);
// Admin::Report (staff): Admin::Accounts, the reported statuses, the cited rules. Same order.
json::array admin_reports_json(const App& app, store::Connection& c, Id viewer_account_id,
                               const std::vector<store::Report>& reports);
// The Report of each admin.report notification among these, by notification id.
std::unordered_map<Id, json::object> notification_reports_json(
    const App& app, store::Connection& c, const std::vector<store::Notification>& notifications);

}  // namespace herd::api
