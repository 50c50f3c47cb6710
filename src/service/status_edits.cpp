#include "service/status_edits.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_set>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "federation/inbox.hpp"
#include "service/conversations.hpp"
#include "service/events.hpp"
#include "service/media.hpp"
#include "service/notifications.hpp"
#include "service/preview_cards.hpp"
#include "service/quotes.hpp"
#include "service/remote_media.hpp"
#include "service/search.hpp"
#include "service/statuses.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/invalidation.hpp"
#include "store/media.hpp"
#include "store/polls.hpp"
#include "store/quotes.hpp"
#include "store/statuses.hpp"
#include "stream/publish.hpp"

namespace herd::service {

namespace {

constexpr std::size_t kMaxAttachments = 4;

std::vector<Id> media_ids_of(store::Connection& c, Id status_id) {
  auto media = store::load_status_media(c, {status_id});  // kept alive for the loop
  std::vector<Id> ids;
  for (const auto& m : media[status_id]) ids.push_back(m.id);
  return ids;
}

// The poll's option titles, when the status has one.
std::optional<std::vector<std::string>> poll_options_of(store::Connection& c, Id status_id) {
  auto poll = store::find_poll_by_status(c, status_id);
  if (!poll) return std::nullopt;
  std::vector<std::string> titles;
  for (const auto& option : poll->options) titles.push_back(option.title);
  return titles;
}

store::StatusEdit version_of(const store::Status& s, std::vector<Id> media_ids, std::int64_t at,
                             std::optional<std::vector<std::string>> poll_options = std::nullopt) {
  store::StatusEdit e;
  e.id = next_id();
  e.status_id = s.id;
  e.account_id = s.account_id;
  e.text = s.text;
  e.content = s.content;
  e.spoiler_text = s.spoiler_text;
  e.sensitive = s.sensitive;
  e.media_ids = std::move(media_ids);
  e.poll_options = std::move(poll_options);
  e.created_at = at;
  return e;
}

// The first edit keeps the original as the first version.
void keep_original(store::Connection& c, const store::Status& before) {
  if (!store::has_status_edits(c, before.id))
    store::insert_status_edit(c, version_of(before, media_ids_of(c, before.id), before.created_at,
                                            poll_options_of(c, before.id)));
}

// `update` notifications to the local accounts that reblogged the status.
void notify_rebloggers(App& app, store::Connection& c, const store::Status& status) {
  std::unordered_set<Id> done;
  for (const auto& reblog : store::find_reblogs_of(c, status.id))
    if (done.insert(reblog.account_id).second)
      notify(app, c, reblog.account_id, status.account_id, "update", status.id);
}

// Declares what an edit changes for cached responses (store/invalidation.hpp): every page showing
// the status (they loaded it), and those that may show it now: its author's statuses and the
// public timelines (their media filters), the timelines of its hashtags.
void note_edited(const store::Status& status, const std::vector<std::string>& tags) {
  store::Changes::note(store::tags::status(status.id));
  store::Changes::note(store::tags::account_statuses(status.account_id));
  if (status.visibility == store::Visibility::public_)
    store::Changes::note(store::tags::public_statuses());
  for (const auto& tag : tags) store::Changes::note(store::tags::hashtag(tag));
}

std::vector<Id> parse_media_ids(const std::vector<std::string>& texts) {
  if (texts.size() > kMaxAttachments)
    fail(ErrorKind::validation, "Validation failed: Media attachments cannot exceed 4");
  std::vector<Id> ids;
  for (const auto& text : texts) {
    auto id = parse_id(text);
    if (!id) fail(ErrorKind::validation, "Validation failed: Media attachments are invalid");
    if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  return ids;
}

}  // namespace

store::Status edit_status(App& app, Id account_id, Id status_id, const StatusChange& change) {
  federation::resolve_mentions(app, change.text);  // remote @user@domain: WebFinger, before the tx
  std::vector<Id> media_ids = parse_media_ids(change.media_ids);
  if (change.poll) validate_poll(*change.poll, !media_ids.empty());
  validate_status_text(change.text, change.spoiler_text, !media_ids.empty());
  auto quote_policy = read_quote_policy(change.quote_approval_policy);

  store::Changes changes;  // note_edited and the store say what it changes
  return app.db->write_value([&](store::Connection& c) {
    auto found = store::find_status(c, status_id);
    if (!found || found->account_id != account_id || found->reblog_of_id || !found->local)
      not_found();
    const store::Status before = *found;
    std::vector<Id> media_before = media_ids_of(c, before.id);

    store::Status after = before;
    after.text = change.text;
    after.spoiler_text = change.spoiler_text;
    after.sensitive = change.sensitive.value_or(false) || !blank(change.spoiler_text);
    if (auto language = normalize_language(change.language)) after.language = language;
    text::FormattedStatus formatted = format_local_text(app, c, change.text);
    after.content = formatted.html;
    if (auto quote = store::find_quote_of_status(c, before.id)) {  // an edit keeps the quote
      store::Status quoted;
      quoted.uri = quoted.url = quote->quoted_uri;
      if (quote->quoted_status_id)
        if (auto found_quoted = store::find_status(c, *quote->quoted_status_id))
          quoted = *found_quoted;
      after.content = with_quote_fallback(after.content, change.text, quoted);
    }
    after.has_media = !media_ids.empty();
    bool policy_changed = false;
    if (quote_policy) {
      after.quote_policy = effective_quote_policy(after.visibility, *quote_policy);
      if (after.quote_policy != before.quote_policy) {
        store::set_quote_policy(c, after.id, after.quote_policy);
        policy_changed = true;
      }
    }

    // Descriptions and focal points of the attachments the edit keeps or adds.
    std::vector<store::MediaAttachment> described;
    for (const auto& attribute : change.media_attributes) {
      auto id = parse_id(attribute.id);
      if (!id || std::find(media_ids.begin(), media_ids.end(), *id) == media_ids.end()) continue;
      auto media = store::find_media(c, *id);
      if (!media || media->account_id != account_id) continue;
      store::MediaAttachment updated = *media;
      if (attribute.description) {
        updated.description = checked_description(attribute.description);
        if (updated.description->empty()) updated.description.reset();
      }
      if (attribute.focus) {
        auto [x, y] = parse_focus(*attribute.focus);
        updated.focus_x = x;
        updated.focus_y = y;
      }
      if (updated.description != media->description || updated.focus_x != media->focus_x ||
          updated.focus_y != media->focus_y)
        described.push_back(std::move(updated));
    }

    // The poll: replaced when its options, multiple or expiry change, removed when not given.
    auto old_poll = store::find_poll_by_status(c, before.id);
    bool poll_changed = false;
    if (change.poll) {
      std::vector<std::string> titles;
      if (old_poll)
        for (const auto& option : old_poll->options) titles.push_back(option.title);
      poll_changed =
          !old_poll || titles != change.poll->options ||
          old_poll->multiple != change.poll->multiple ||
          (change.poll->expires_in.has_value() && old_poll->expires_at.has_value() &&
           old_poll->created_at + *change.poll->expires_in * 1000 != *old_poll->expires_at);
    } else {
      poll_changed = old_poll.has_value();
    }
    bool changed = poll_changed || after.text != before.text || after.content != before.content ||
                   after.spoiler_text != before.spoiler_text ||
                   after.sensitive != before.sensitive || after.language != before.language ||
                   media_ids != media_before || !described.empty();
    if (!changed) {
      if (policy_changed)
        record(app, c, Event(EventKind::status_refreshed).with_status(after));  // interactionPolicy
      return policy_changed ? after : before;
    }

    keep_original(c, before);
    if (!store::set_status_media(c, account_id, after.id, media_ids))
      fail(ErrorKind::validation, "Validation failed: Media attachments are invalid");
    for (const auto& media : described) store::update_media_metadata(c, media);

    std::int64_t now = std::max(now_unix_ms(), before.edited_at.value_or(0) + 1);
    after.edited_at = now;
    store::update_status_text(c, after);
    if (poll_changed) {
      store::delete_status_poll(c, after.id);
      if (change.poll) create_poll(app, c, after, *change.poll, now);
    }
    index_statuses(c, {after.id});

    std::vector<Id> mentioned;
    for (const auto& m : formatted.mentions)
      if (auto id = parse_id(m.id)) mentioned.push_back(*id);
    auto previous = store::mentioned_account_ids(c, after.id);
    std::unordered_set<Id> previously(previous.begin(), previous.end());
    store::replace_mentions(c, after.id, mentioned);
    std::vector<Id> tag_ids;
    for (const auto& tag : formatted.tags)
      tag_ids.push_back(store::find_or_create_tag(c, tag, now));
    store::replace_tags(c, after.id, tag_ids);
    note_edited(after, formatted.tags);
    store::insert_status_edit(c, version_of(after, media_ids, now, poll_options_of(c, after.id)));

    // Newly mentioned local accounts hear of it, and a direct status reaches their home feed.
    std::vector<Id> newly;
    for (const auto& account : store::find_accounts(c, mentioned))
      if (account.local() && !previously.count(account.id)) newly.push_back(account.id);
    if (after.visibility == store::Visibility::direct)
      store::insert_feed_entries(c, after.id, store::not_hiding(c, newly, {account_id}));
    for (Id target : newly) notify(app, c, target, account_id, "mention", after.id);
    if (!newly.empty()) record_direct_status(app, c, after, mentioned);
    if (after.content != before.content) queue_preview_card(app, c, after, formatted.links);
    notify_rebloggers(app, c, after);
    notify_quoted_update(app, c, after);
    stream::status_updated(app, c, after);
    record(app, c, Event(EventKind::status_edited).with_status(after));
    return after;
  });
}

std::vector<store::StatusEdit> status_history(App& app, Id viewer_account_id, Id status_id) {
  return app.db->read_value([&](store::Connection& c) {
    store::Status status = find_visible_status(c, viewer_account_id, status_id);
    auto edits = store::status_edits(c, status.id);
    if (edits.empty())
      edits.push_back(version_of(status, media_ids_of(c, status.id),
                                 status.edited_at.value_or(status.created_at)));
    return edits;
  });
}

bool receive_edit(App& app, const store::Status& status, const std::string& content,
                  const std::string& spoiler_text, bool sensitive,
                  const std::vector<std::string>& tags,
                  const std::vector<store::MediaAttachment>& media, std::int64_t edited_at) {
  store::Changes changes;  // note_edited and the store say what it changes
  return app.db->write_value([&](store::Connection& c) {
    auto found = store::find_status(c, status.id);
    if (!found) return false;
    const store::Status before = *found;
    // Delivered late: older than the stored version. Mastodon sends `updated` to the second, so
    // versions within one second count as newer.
    if (before.edited_at && edited_at / 1000 < *before.edited_at / 1000) return false;
    auto current = store::load_status_media(c, {before.id});
    auto seen = [](const store::MediaAttachment& m) {
      return std::make_tuple(m.remote_url, m.description, m.focus_x, m.focus_y);
    };
    bool media_changed = current[before.id].size() != media.size();
    for (std::size_t i = 0; !media_changed && i < media.size(); ++i)
      media_changed = seen(current[before.id][i]) != seen(media[i]);
    if (before.content == content && before.spoiler_text == spoiler_text &&
        before.sensitive == sensitive && !media_changed)
      return false;
    keep_original(c, before);
    if (media_changed) {
      store::set_status_media(c, before.account_id, before.id, {});  // the old ones stay in history
      for (const auto& m : media) store::insert_media(c, m);
      queue_attachment_copies(c, media);  // local copies of the new images
    }
    store::Status after = before;
    after.content = content;
    after.spoiler_text = spoiler_text;
    after.sensitive = sensitive;
    after.has_media = media_changed ? !media.empty() : before.has_media;
    after.edited_at = std::max(edited_at, before.created_at + 1);
    store::update_status_text(c, after);
    index_statuses(c, {after.id});
    std::vector<Id> tag_ids;
    for (const auto& tag : tags)
      tag_ids.push_back(store::find_or_create_tag(c, tag, *after.edited_at));
    store::replace_tags(c, after.id, tag_ids);
    note_edited(after, tags);
    store::insert_status_edit(c, version_of(after, media_ids_of(c, after.id), *after.edited_at));
    notify_rebloggers(app, c, after);
    notify_quoted_update(app, c, after);
    stream::status_updated(app, c, after);
    record(app, c, Event(EventKind::edit_received).with_status(after));
    return true;
  });
}

}  // namespace herd::service
