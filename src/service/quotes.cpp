#include "service/quotes.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "service/notifications.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/notifications.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

bool can_quote_local(store::Connection& c, Id author, const store::Status& quoted) {
  if (quoted.visibility == store::Visibility::direct) return false;
  if (quoted.account_id == author) return true;
  auto relation = store::load_relationships(c, author, {quoted.account_id})[quoted.account_id];
  return quote_approval_for(quoted, author, relation) == "automatic";
}

store::Status own_status(store::Connection& c, Id account_id, Id status_id) {
  auto status = store::find_status(c, status_id);
  if (!status || status->account_id != account_id || status->reblog_of_id) not_found();
  return *status;
}

}  // namespace

std::string quote_authorization_uri(const App& app, std::string_view username, Id quote_id) {
  return app.account_uri(username) + "/quote_authorizations/" + std::to_string(quote_id);
}

std::optional<std::string> read_quote_policy(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  if (*value != "public" && *value != "followers" && *value != "nobody")
    fail(ErrorKind::validation,
         "Validation failed: Quote approval policy is not included in the list");
  return *value;
}

std::string effective_quote_policy(store::Visibility visibility, const std::string& policy) {
  if (visibility == store::Visibility::private_ || visibility == store::Visibility::direct)
    return "nobody";
  return policy;
}

std::string quote_approval_for(const store::Status& status, Id viewer,
                               const store::Relationship& relation) {
  if (status.visibility == store::Visibility::direct) return "denied";
  if (viewer != 0 && viewer == status.account_id) return "automatic";
  if (viewer == 0) return "unknown";
  if (relation.blocking || relation.blocked_by || relation.domain_blocking) return "denied";
  const std::string& automatic = status.quote_policy;
  if (automatic == "public" || (automatic == "followers" && relation.following)) return "automatic";
  const std::string& manual = status.quote_policy_manual;
  if (manual == "public" || (manual == "followers" && relation.following)) return "manual";
  return "denied";
}

store::Status check_quote(store::Connection& c, Id author, Id quoted_status_id,
                          store::Visibility& visibility, bool with_media_or_poll) {
  if (with_media_or_poll)
    fail(ErrorKind::validation,
         "Validation failed: Quote posts cannot have media attachments or a poll");
  auto quoted = store::find_status(c, quoted_status_id);
  if (quoted && quoted->reblog_of_id) quoted = store::find_status(c, *quoted->reblog_of_id);
  if (!quoted || !can_see(c, author, *quoted)) not_found();
  if (quoted->visibility == store::Visibility::direct)
    fail(ErrorKind::forbidden, "This action is not allowed");
  auto relation = store::load_relationships(c, author, {quoted->account_id})[quoted->account_id];
  std::string approval = quote_approval_for(*quoted, author, relation);
  if (approval != "automatic" && !(approval == "manual" && !quoted->local))
    fail(ErrorKind::forbidden, "This action is not allowed");
  if (quoted->visibility == store::Visibility::private_ &&
      (visibility == store::Visibility::public_ || visibility == store::Visibility::unlisted))
    visibility = store::Visibility::private_;
  return *quoted;
}

void check_quote_mentioned(const store::Status& quoted, Id author, store::Visibility visibility,
                           const std::vector<Id>& mentioned) {
  if (visibility != store::Visibility::direct || quoted.account_id == author ||
      std::find(mentioned.begin(), mentioned.end(), quoted.account_id) != mentioned.end())
    return;
  fail(ErrorKind::validation,
       "Validation failed: Cannot quote a non-mentioned user in a Private Mention post");
}

std::string with_quote_fallback(const std::string& html, const std::string& text,
                                const store::Status& quoted) {
  const std::string url = quoted.url.empty() ? quoted.uri : quoted.url;
  if (text.find(url) != std::string::npos ||
      (!quoted.uri.empty() && text.find(quoted.uri) != std::string::npos))
    return html;
  const std::string escaped = text::escape_html(url);
  return "<p class=\"quote-inline\">RE: <a href=\"" + escaped + "\">" + escaped + "</a></p>" + html;
}

void attach_quote(App& app, store::Connection& c, const store::Status& quoting,
                  const store::Status& quoted) {
  std::int64_t now = now_unix_ms();
  store::Quote quote;
  quote.id = next_id();
  quote.status_id = quoting.id;
  quote.uri = quoting.uri;
  quote.account_id = quoting.account_id;
  quote.quoted_status_id = quoted.id;
  quote.quoted_account_id = quoted.account_id;
  quote.quoted_uri = quoted.uri;
  quote.created_at = quote.updated_at = now;
  bool accepted = quoted.local ? can_quote_local(c, quoting.account_id, quoted)
                               : quoted.account_id == quoting.account_id;
  quote.state = accepted ? "accepted" : "pending";
  if (!accepted) quote.request_uri = quoting.uri + "#quote_request";
  if (accepted && quoted.local)
    if (auto author = store::find_account(c, quoted.account_id))
      quote.authorization_uri = quote_authorization_uri(app, author->username, quote.id);
  store::insert_quote(c, quote);
  if (accepted) {
    store::adjust_quotes_count(c, quoted.id, 1);
    notify(app, c, quoted.account_id, quoting.account_id, "quote", quoting.id);
  } else {
    record(app, c, Event(EventKind::quote_requested).with_quote(quote).with_status(quoting));
  }
}

void forget_quote(store::Connection& c, Id quoting_status_id) {
  auto quote = store::delete_quote_of_status(c, quoting_status_id);
  if (quote && quote->state == "accepted" && quote->quoted_status_id)
    store::adjust_quotes_count(c, *quote->quoted_status_id, -1);
}

void notify_quoted_update(App& app, store::Connection& c, const store::Status& edited) {
  for (const auto& quote : store::accepted_quotes_of(c, edited.id))
    notify(app, c, quote.account_id, edited.account_id, "quoted_update", *quote.status_id);
}

store::Status revoke_quote(App& app, Id account_id, Id status_id, Id quoting_status_id) {
  return app.db->write_value([&](store::Connection& c) {
    own_status(c, account_id, status_id);
    auto quote = store::find_quote_of_status(c, quoting_status_id);
    if (!quote || quote->quoted_status_id != status_id) not_found();
    auto quoting = store::find_status(c, quoting_status_id);
    if (!quoting) not_found();
    if (quote->state == "accepted") store::adjust_quotes_count(c, status_id, -1);
    quote->state = "revoked";
    quote->updated_at = now_unix_ms();
    store::update_quote(c, *quote);
    store::delete_notification_of(c, account_id, quote->account_id, "quote", quoting_status_id);
    record(app, c, Event(EventKind::quote_revoked).with_quote(*quote));
    return *quoting;
  });
}

store::Status set_interaction_policy(App& app, Id account_id, Id status_id,
                                     const std::string& policy) {
  return app.db->write_value([&](store::Connection& c) {
    store::Status status = own_status(c, account_id, status_id);
    std::string effective = effective_quote_policy(status.visibility, policy);
    if (effective != status.quote_policy) {
      store::set_quote_policy(c, status.id, effective);
      status.quote_policy = effective;
      record(
          app, c,
          Event(EventKind::status_refreshed).with_status(status));  // the note's interactionPolicy
    }
    return status;
  });
}

QuotesPage quotes_of(App& app, Id viewer, Id status_id, const store::PageQuery& page) {
  return app.db->read_value([&](store::Connection& c) {
    auto status = store::find_status(c, status_id);
    if (!status || !can_see(c, viewer, *status)) not_found();
    QuotesPage out;
    out.cursors = store::page_quoting_status_ids(c, status_id, page);
    if (out.cursors.empty()) return out;
    auto hidden = store::hidden_account_ids(c, viewer);
    std::unordered_set<Id> excluded(hidden.begin(), hidden.end());
    std::unordered_map<Id, store::Status> by_id;
    for (auto& s : visible_only(c, viewer, store::find_statuses(c, out.cursors)))
      if (!excluded.count(s.account_id)) by_id.emplace(s.id, std::move(s));
    for (Id id : out.cursors)
      if (auto it = by_id.find(id); it != by_id.end())
        out.statuses.push_back(std::move(it->second));
    return out;
  });
}

}  // namespace herd::service
