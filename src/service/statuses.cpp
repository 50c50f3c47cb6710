#include "service/statuses.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "federation/inbox.hpp"
#include "federation/resolver.hpp"
#include "service/conversations.hpp"
#include "service/events.hpp"
#include "service/media.hpp"
#include "service/notifications.hpp"
#include "service/preview_cards.hpp"
#include "service/quotes.hpp"
#include "service/search.hpp"
#include "service/visibility.hpp"
#include "store/account_deletions.hpp"
#include "store/accounts.hpp"
#include "store/fan_out.hpp"
#include "store/federation.hpp"
#include "store/group_commit.hpp"
#include "store/invalidation.hpp"
#include "store/lists.hpp"
#include "store/media.hpp"
#include "store/notifications.hpp"
#include "store/polls.hpp"
#include "store/quotes.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"
#include "stream/publish.hpp"
#include "text/format.hpp"
#include "text/page_meta.hpp"

namespace herd::service {

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char ch) { return std::isspace(ch) != 0; });
}

std::optional<std::string> normalize_language(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  std::string code = value->substr(0, value->find_first_of("-_"));
  if (code.size() < 2 || code.size() > 3) return std::nullopt;
  for (char& ch : code) {
    if (!std::isalpha(static_cast<unsigned char>(ch))) return std::nullopt;
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return code;
}

void validate_status_text(std::string_view text, std::string_view spoiler_text, bool with_media) {
  if (blank(text) && !with_media)
    fail(ErrorKind::validation, "Validation failed: Text can't be blank");
  if (text::count_characters(text) + text::count_characters(spoiler_text) >
      static_cast<size_t>(limits::max_status_characters))
    fail(ErrorKind::validation, "Validation failed: Text character limit of " +
                                    std::to_string(limits::max_status_characters) + " exceeded");
}

text::FormattedStatus format_local_text(const App& app, store::Connection& c,
                                        std::string_view text) {
  auto resolve = [&](std::string_view username,
                     std::string_view domain) -> std::optional<text::MentionTarget> {
    auto account = store::find_account_by_username(c, username, domain);
    if (!account || account->suspended) return std::nullopt;
    return text::MentionTarget{std::to_string(account->id), account->username, account->acct(),
                               account->url.empty() ? account->uri : account->url};
  };
  return text::format_status(text, app.base_url(), resolve);
}

namespace {

constexpr std::int64_t kIdempotencyWindowMs = 3600 * 1000;

store::Visibility visibility_or_fail(const std::string& value) {
  auto parsed = store::parse_visibility(value);
  if (!parsed)
    fail(ErrorKind::validation, "Validation failed: Visibility is not included in the list");
  return *parsed;
}

bool distributable(const store::Status& s) {
  return s.visibility == store::Visibility::public_ || s.visibility == store::Visibility::unlisted;
}

store::Account require_account(store::Connection& c, Id id) {
  auto account = store::find_account(c, id);
  if (!account) not_found();
  return *account;
}

// The status a favourite/bookmark/reblog acts on: the original of a reblog.
store::Status visible_original(store::Connection& c, Id viewer, Id status_id) {
  store::Status status = find_visible_status(c, viewer, status_id);
  if (status.reblog_of_id) return find_visible_status(c, viewer, *status.reblog_of_id);
  return status;
}

// The counters a new status moves: its author's statuses_count and last_status_at (not for a
// direct status), its parent's replies_count (a public or unlisted reply). Called last in the
// posting transaction: on PostgreSQL the updated rows stay locked until the commit, and
// concurrent posts by one account (or replies to one status) wait for each other only that long.
void count_status(store::Connection& c, const store::Status& status) {
  if (status.in_reply_to_id && distributable(status))
    store::adjust_status_counts(c, *status.in_reply_to_id, 1, 0, 0);
  if (status.visibility != store::Visibility::direct)
    store::count_new_status(c, status.account_id, status.created_at);
}

// What fan_out() read for the steps after it (stream::status_created, notify_subscribers,
// note_posted), in the same round trip as the audience (store/fan_out.hpp).
struct FannedOut {
  std::vector<Id> audience;                    // whose home feeds it entered, the author's first
  std::vector<store::List> lists;              // the lists holding the author (not for direct)
  std::optional<std::vector<Id>> subscribers;  // read when notify_subscribers needs them
};

// Whether notify_subscribers() notifies anyone of this status (Mastodon's rules: not for direct
// statuses or replies to others).
bool notifies_subscribers(const store::Status& status) {
  if (status.visibility == store::Visibility::direct) return false;
  return !status.in_reply_to_account_id || *status.in_reply_to_account_id == status.account_id;
}

// What fan_out() reads for a status that is not direct.
store::FanOutQuery fan_out_query(const store::Status& status,
                                 const std::vector<std::string>& tags) {
  store::FanOutQuery q;
  q.audience.author = status.account_id;
  q.audience.authors = {status.account_id};
  if (status.in_reply_to_account_id && *status.in_reply_to_account_id != status.account_id) {
    q.audience.reply_to = status.in_reply_to_account_id;
    q.audience.authors.push_back(*status.in_reply_to_account_id);
  }
  if (status.visibility == store::Visibility::public_) q.followed_tags = tags;
  q.subscribers = notifies_subscribers(status);
  q.lists = true;
  return q;
}

// Puts the status in its audience's home feeds (the author, followers, mentioned accounts of a
// direct status, and followers of its hashtags for a public one). `read`: what fan_out_query()
// reads, when the caller read it already.
FannedOut fan_out(store::Connection& c, const store::Status& status,
                  const std::vector<Id>& mentioned, const std::vector<std::string>& tags,
                  std::optional<store::FanOutReads> read = std::nullopt) {
  FannedOut out;
  out.audience = {status.account_id};
  if (status.visibility == store::Visibility::direct) {
    auto local = store::not_hiding(c, mentioned, {status.account_id});
    out.audience.insert(out.audience.end(), local.begin(), local.end());
  } else {
    store::FanOutQuery q = fan_out_query(status, tags);
    auto reads = read ? std::move(*read) : store::read_fan_out(c, q);
    out.audience.insert(out.audience.end(), reads.followers.begin(), reads.followers.end());
    if (!reads.tag_followers.empty()) {
      std::unordered_set<Id> reached(out.audience.begin(), out.audience.end());
      for (Id id : store::not_hiding(c, reads.tag_followers, q.audience.authors))
        if (reached.insert(id).second) out.audience.push_back(id);
    }
    out.lists = std::move(reads.lists);
    if (q.subscribers) out.subscribers = std::move(reads.subscribers);
  }
  store::insert_feed_entries(c, status.id, out.audience);
  return out;
}

// Declares what a new status (or reblog) changes for cached responses, beyond what the store
// functions writing it note themselves (store/invalidation.hpp): its hashtags' timelines, the
// timelines of the lists holding its author (`lists` when read already), the status it quotes,
// the instance's counts.
void note_posted(store::Connection& c, const store::Status& status,
                 const std::vector<std::string>& tags, std::optional<Id> quoted = std::nullopt,
                 const std::vector<store::List>* lists = nullptr) {
  for (const auto& tag : tags) store::Changes::note(store::tags::hashtag(tag));
  if (status.visibility != store::Visibility::direct)
    for (const auto& list : lists ? *lists : store::lists_with_member(c, status.account_id))
      store::Changes::note(store::tags::list(list.id));
  if (quoted) store::Changes::note(store::tags::status(*quoted));
  store::Changes::note(store::tags::other());
}

// `status` notifications for followers who asked to be notified of the author's posts and
// received this one (not for direct statuses or replies to others, as in Mastodon).
void notify_subscribers(App& app, store::Connection& c, const store::Status& status,
                        const FannedOut& fanned) {
  if (!notifies_subscribers(status)) return;
  std::unordered_set<Id> reached(fanned.audience.begin(), fanned.audience.end());
  for (Id follower : fanned.subscribers ? *fanned.subscribers
                                        : store::subscribed_follower_ids(c, status.account_id))
    if (reached.count(follower)) notify(app, c, follower, status.account_id, "status", status.id);
}

// Removes a status and everything hanging off it; counters follow Mastodon's counter caches.
void remove_status(App& app, store::Connection& c, const store::Status& status) {
  store::Changes::note(store::tags::other());  // the instance's counts (invalidation.hpp)
  stream::status_deleted(app, c, status);
  if (status.reblog_of_id) {
    store::Changes::note(store::tags::flags_of(status.account_id));  // its reblogged flag
    store::adjust_status_counts(c, *status.reblog_of_id, 0, -1, 0);
    if (auto original = store::find_status(c, *status.reblog_of_id))
      unnotify(app, c, original->account_id, status.account_id, "reblog", original->id);
  } else {
    for (const auto& reblog : store::find_reblogs_of(c, status.id)) {
      store::adjust_account_counts(c, reblog.account_id,
                                   reblog.visibility == store::Visibility::direct ? 0 : -1, 0, 0);
      store::delete_status_notifications(c, reblog.id);
      store::delete_status(c, reblog.id);
    }
    if (status.in_reply_to_id && distributable(status))
      store::adjust_status_counts(c, *status.in_reply_to_id, -1, 0, 0);
    forget_quote(c, status.id);
  }
  if (status.visibility != store::Visibility::direct)
    store::adjust_account_counts(c, status.account_id, -1, 0, 0);
  store::delete_status_notifications(c, status.id);
  store::delete_status_poll(c, status.id);
  store::delete_status(c, status.id);
}

// What a post reads besides its writes, read before its transaction (post_status): its text
// formatted, its author, what fan_out() reads for it as a public status (fan_out_query) with its
// delivery audience (status_inboxes(): its author's remote followers', FanOutReads::inboxes). Then
// its transaction reads nothing: BEGIN, its writes and COMMIT travel in one round trip, in a
// shared commit.
struct PostReadAhead {
  text::FormattedStatus formatted;  // mentions nobody
  store::Poster poster;
  store::FanOutReads fan_out;
};

// On PostgreSQL, for a post that is not a reply and has no mention, media, poll, quote or
// idempotency key (what those read stays in the transaction), in one round trip. Under READ
// COMMITTED it is what the same reads inside the transaction would see, one round trip earlier: a
// follow, an unfollow or a block committed in between is missed either way, as the inbox's
// fan_out_read_ahead(). SQLite (none: nullopt) reads in its transaction, where the writes being
// serialised, it sees every one committed before, and a read costs no round trip.
std::optional<PostReadAhead> read_post_ahead(App& app, Id account_id, const NewStatus& input,
                                             std::optional<store::Visibility> requested) {
  if (app.db->dialect() != store::Dialect::postgres || input.in_reply_to_id ||
      !input.media_ids.empty() || input.poll || input.quoted_status_id ||
      (input.idempotency_key && !input.idempotency_key->empty()) ||
      requested == store::Visibility::direct)
    return std::nullopt;
  bool mentions = false;  // then format_local_text reads the accounts named, in the transaction
  auto formatted = text::format_status(
      input.text, app.base_url(),
      [&](std::string_view, std::string_view) -> std::optional<text::MentionTarget> {
        mentions = true;
        return std::nullopt;
      });
  if (mentions) return std::nullopt;
  store::Status planned;
  planned.account_id = account_id;
  planned.visibility = store::Visibility::public_;  // the widest fan-out; narrowed in the write
  store::FanOutQuery query = fan_out_query(planned, formatted.tags);
  query.follower_inboxes = true;
  return app.db->read_value([&](store::Connection& c) -> std::optional<PostReadAhead> {
    auto results =
        store::query_all(c, {store::poster_statement(account_id), store::fan_out_statement(query)});
    auto poster = store::poster_in(results[0]);
    if (!poster) return std::nullopt;  // the transaction answers 404
    return PostReadAhead{std::move(formatted), std::move(*poster),
                         store::fan_out_reads(results[1])};
  });
}

}  // namespace

store::Status post_status(App& app, Id account_id, const NewStatus& input, PostedContent* posted) {
  if (input.poll) validate_poll(*input.poll, !input.media_ids.empty());
  federation::resolve_mentions(app, input.text);  // remote @user@domain: WebFinger, before the tx
  validate_status_text(input.text, input.spoiler_text,
                       !input.media_ids.empty() || input.quoted_status_id.has_value());
  auto quote_policy = read_quote_policy(input.quote_approval_policy);
  std::optional<store::Visibility> requested_visibility;
  if (input.visibility && !input.visibility->empty())
    requested_visibility = visibility_or_fail(*input.visibility);
  std::int64_t now = now_unix_ms();
  auto ahead = read_post_ahead(app, account_id, input, requested_visibility);

  store::Status status;
  PostedContent known;
  auto write = [&](store::Connection& c) {
    status = store::Status{};  // a transaction run again starts over
    known = PostedContent{};
    status.id = next_id();
    if (input.idempotency_key && !input.idempotency_key->empty() &&
        !store::claim_idempotency_key(c, account_id, *input.idempotency_key, status.id, now,
                                      now - kIdempotencyWindowMs)) {
      // Held by a status posted with this key (perhaps by another process a moment ago).
      if (auto existing = store::find_idempotent_status(c, account_id, *input.idempotency_key,
                                                        now - kIdempotencyWindowMs)) {
        if (auto found = store::find_status(c, *existing)) {
          status = *found;
          return;
        }
      }
    }
    std::optional<store::Poster> read_poster;
    if (!ahead) {
      read_poster = store::find_poster(c, account_id);  // one statement for the three
      if (!read_poster) not_found();
    }
    const store::Poster& poster = ahead ? ahead->poster : *read_poster;
    const store::Account& author = poster.account;
    const std::optional<store::User>& user = poster.user;
    std::vector<Id> media_ids = media_to_attach(c, account_id, input.media_ids);

    status.has_media = !media_ids.empty();
    status.account_id = account_id;
    status.uri = app.status_uri(author.username, status.id);
    status.url = app.status_url(author.username, status.id);
    status.local = true;
    status.text = input.text;
    status.spoiler_text = input.spoiler_text;
    status.visibility = requested_visibility.value_or(
        store::parse_visibility(user ? user->default_privacy : "public")
            .value_or(store::Visibility::public_));
    status.sensitive =
        input.sensitive.value_or(user && user->default_sensitive) || !blank(input.spoiler_text);
    status.language = normalize_language(input.language);
    if (!status.language && user)
      status.language =
          normalize_language(user->default_language ? user->default_language : user->locale);
    status.application_id = input.application_id;
    status.created_at = now;
    std::optional<store::Status> quoted;
    if (input.quoted_status_id)
      quoted = check_quote(c, account_id, *input.quoted_status_id, status.visibility,
                           !media_ids.empty() || input.poll.has_value());
    status.quote_policy = effective_quote_policy(
        status.visibility, quote_policy.value_or(poster.default_quote_policy));

    if (input.in_reply_to_id) {
      auto parent = store::find_status(c, *input.in_reply_to_id);
      if (!parent || !can_see(c, account_id, *parent))
        fail(ErrorKind::not_found, "The post you are trying to reply to does not appear to exist.");
      if (parent->reblog_of_id) {
        parent = store::find_status(c, *parent->reblog_of_id);
        if (!parent)
          fail(ErrorKind::not_found,
               "The post you are trying to reply to does not appear to exist.");
      }
      status.in_reply_to_id = parent->id;
      status.in_reply_to_account_id = parent->account_id;
    }

    std::optional<text::FormattedStatus> read_formatted;
    if (!ahead) read_formatted = format_local_text(app, c, input.text);
    const text::FormattedStatus& formatted = ahead ? ahead->formatted : *read_formatted;
    std::vector<Id> mentioned;
    for (const auto& m : formatted.mentions)
      if (auto id = parse_id(m.id)) mentioned.push_back(*id);
    if (quoted) check_quote_mentioned(*quoted, account_id, status.visibility, mentioned);
    status.content = formatted.html;
    if (quoted) status.content = with_quote_fallback(status.content, input.text, *quoted);
    store::insert_status(c, status);
    attach_to_status(c, account_id, status.id, media_ids);
    if (input.poll) create_poll(app, c, status, *input.poll, now);
    index_new_status(c, status, !media_ids.empty() || input.poll.has_value());

    store::insert_mentions(c, status.id, mentioned);
    store::link_tag_names(c, status.id, formatted.tags, now);

    if (input.idempotency_key && !input.idempotency_key->empty())
      store::put_idempotency_key(c, account_id, *input.idempotency_key, status.id, now);

    // Only local accounts have a feed; not_hiding/feed_audience only return existing ones.
    std::vector<Id> local_mentioned;
    for (const auto& account : store::find_accounts(c, mentioned))
      if (account.local()) local_mentioned.push_back(account.id);
    // What was read ahead, for the visibility the post has (a default privacy may make it direct).
    bool read_ahead = ahead && status.visibility != store::Visibility::direct;
    std::optional<store::FanOutReads> fan_out_read;
    if (read_ahead) {
      fan_out_read = ahead->fan_out;  // a copy: a group commit that fails runs `write` again
      if (status.visibility != store::Visibility::public_) fan_out_read->tag_followers.clear();
    }
    auto fanned = fan_out(c, status, local_mentioned, formatted.tags, std::move(fan_out_read));
    stream::status_created(app, c, status, fanned.audience, formatted.tags, mentioned,
                           &fanned.lists);
    for (Id target : local_mentioned) notify(app, c, target, account_id, "mention", status.id);
    notify_subscribers(app, c, status, fanned);
    record_direct_status(app, c, status, mentioned);
    if (!input.poll) queue_preview_card(app, c, status, formatted.links);
    if (quoted) attach_quote(app, c, status, *quoted);  // before the note is serialised
    note_posted(c, status, formatted.tags, quoted ? std::optional<Id>(quoted->id) : std::nullopt,
                &fanned.lists);
    Event event(EventKind::status_posted);
    event.with_status(status).with_account(author);
    if (read_ahead) event.with_inboxes(ahead->fan_out.inboxes);
    record(app, c, event);
    count_status(c, status);  // last: the rows it locks are held until the commit
    known = PostedContent{status.id,          mentioned.empty(),       formatted.tags.empty(),
                          media_ids.empty(),  !input.poll.has_value(), formatted.links.empty(),
                          !quoted.has_value()};
  };
  // Concurrent posts share their transactions on SQLite (store/group_commit.hpp); a post that
  // cannot (an error, a fetch it would need) is written in its own, where errors reach the caller.
  // Either way in a Changes scope: the write says what it changes (note_posted).
  // (nothing(): an idempotent repeat writes nothing cached responses read).
  if (!store::run_in_group_commit(*app.db, [&] {
        federation::NoFetches no_fetches;
        store::Changes changes;
        changes.add(store::tags::nothing());
        app.db->write(write);
      })) {
    store::Changes changes;
    changes.add(store::tags::nothing());
    app.db->write(write);
  }
  if (posted) *posted = known;
  return status;
}

store::Status delete_status(App& app, Id account_id, Id status_id) {
  store::Status status;
  std::vector<store::MediaAttachment> media;
  store::Changes changes;  // remove_status and the store note what it changes
  app.db->write([&](store::Connection& c) {
    auto found = store::find_status(c, status_id);
    if (!found || found->account_id != account_id) not_found();
    status = *found;
    record(app, c, Event(EventKind::status_deleted).with_status(status));
    remove_status(app, c, status);
    media = store::delete_status_media(c, status.id);
  });
  remove_media_files(app, media);  // once the deletion is committed
  return status;
}

int remove_account_statuses(App& app, store::Connection& c, Id account_id, int limit,
                            std::vector<store::MediaAttachment>& media) {
  int removed = 0;
  for (Id id : store::account_status_ids(c, account_id, limit)) {
    auto status = store::find_status(c, id);
    if (!status) continue;  // a reblog removed with its original in this batch
    remove_status(app, c, *status);
    for (auto& m : store::delete_status_media(c, id)) media.push_back(std::move(m));
    ++removed;
  }
  return removed;
}

store::Status favourite(App& app, Id account_id, Id status_id) {
  store::Changes changes;  // its count and the viewer's state, for cached responses
  return app.db->write_value([&](store::Connection& c) {
    store::Status status = visible_original(c, account_id, status_id);
    changes.add(store::tags::status(status.id));
    if (store::load_relationships(c, account_id, {status.account_id})[status.account_id].blocking)
      fail(ErrorKind::forbidden, "This action is not allowed");
    if (store::insert_favourite(c, next_id(), account_id, status.id, now_unix_ms())) {
      store::adjust_status_counts(c, status.id, 0, 0, 1);
      notify(app, c, status.account_id, account_id, "favourite", status.id);
      record(app, c, Event(EventKind::favourited).by(account_id).with_status(status));
    }
    return *store::find_status(c, status.id);
  });
}

store::Status unfavourite(App& app, Id account_id, Id status_id) {
  store::Changes changes;
  return app.db->write_value([&](store::Connection& c) {
    auto status = store::find_status(c, status_id);
    if (status && status->reblog_of_id) status = store::find_status(c, *status->reblog_of_id);
    if (!status) not_found();
    changes.add(store::tags::status(status->id));
    if (store::delete_favourite(c, account_id, status->id)) {
      store::adjust_status_counts(c, status->id, 0, 0, -1);
      unnotify(app, c, status->account_id, account_id, "favourite", status->id);
      record(app, c, Event(EventKind::unfavourited).by(account_id).with_status(*status));
    } else if (!can_see(c, account_id, *status)) {
      not_found();
    }
    return *store::find_status(c, status->id);
  });
}

store::Status bookmark(App& app, Id account_id, Id status_id) {
  store::Changes changes;
  return app.db->write_value([&](store::Connection& c) {
    store::Status status = visible_original(c, account_id, status_id);
    changes.add(store::tags::status(status.id));
    store::insert_bookmark(c, next_id(), account_id, status.id, now_unix_ms());
    return status;
  });
}

store::Status unbookmark(App& app, Id account_id, Id status_id) {
  store::Changes changes;
  return app.db->write_value([&](store::Connection& c) {
    auto status = store::find_status(c, status_id);
    if (status && status->reblog_of_id) status = store::find_status(c, *status->reblog_of_id);
    if (!status) not_found();
    changes.add(store::tags::status(status->id));
    if (!store::delete_bookmark(c, account_id, status->id) && !can_see(c, account_id, *status))
      not_found();
    return *status;
  });
}

namespace {

// reblog(), and receive_reblog() with `origin`: the ActivityPub id of the remote Announce.
store::Status reblog_status(App& app, Id account_id, Id status_id,
                            const std::optional<std::string>& visibility,
                            const std::optional<std::string>& origin) {
  std::optional<store::Visibility> requested;
  if (visibility && !visibility->empty()) {
    requested = visibility_or_fail(*visibility);
    if (*requested == store::Visibility::direct)
      fail(ErrorKind::validation, "Validation failed: Visibility is not included in the list");
  }
  store::Changes changes;               // the store and note_posted say what it changes
  changes.add(store::tags::nothing());  // a repeated reblog changes nothing
  return app.db->write_value([&](store::Connection& c) {
    store::Status original = visible_original(c, account_id, status_id);
    if (!can_reblog(c, account_id, original))
      fail(ErrorKind::forbidden, "This action is not allowed");
    if (auto existing = store::find_reblog(c, account_id, original.id)) return *existing;
    store::Account author = require_account(c, account_id);
    auto user = store::find_user_by_account(c, account_id);
    std::int64_t now = now_unix_ms();

    store::Status wrapper;
    wrapper.id = next_id();
    wrapper.account_id = account_id;
    wrapper.uri = origin ? *origin : app.status_uri(author.username, wrapper.id) + "/activity";
    wrapper.url = origin ? *origin : app.status_url(author.username, wrapper.id);
    wrapper.local = !origin;
    wrapper.reblog_of_id = original.id;
    wrapper.created_at = now;
    if (original.visibility == store::Visibility::private_ ||
        original.visibility == store::Visibility::direct) {
      wrapper.visibility = original.visibility;
    } else {
      wrapper.visibility =
          requested.value_or(store::parse_visibility(user ? user->default_privacy : "public")
                                 .value_or(store::Visibility::public_));
      if (wrapper.visibility == store::Visibility::direct)
        wrapper.visibility = store::Visibility::private_;
    }
    store::insert_status(c, wrapper);

    // Followers showing reblogs, and the reblogger; not where the original is already shown.
    store::FeedAudienceQuery q;
    q.author = account_id;
    q.reblog = true;
    q.authors = {account_id, original.account_id};
    q.skip_if_holding = original.id;
    std::vector<Id> audience = store::feed_audience(c, q);
    if (!store::feed_holds(c, account_id, original.id)) audience.push_back(account_id);
    store::insert_feed_entries(c, wrapper.id, audience);
    stream::status_created(app, c, wrapper, audience, {}, {});
    note_posted(c, wrapper, {});
    notify(app, c, original.account_id, account_id, "reblog", original.id);
    record(app, c, Event(EventKind::status_posted).with_status(wrapper));
    // Last: the rows they lock (PostgreSQL) are held until the commit.
    store::adjust_status_counts(c, original.id, 0, 1, 0);
    store::count_new_status(c, account_id, now);
    return wrapper;
  });
}

}  // namespace

store::Status reblog(App& app, Id account_id, Id status_id,
                     const std::optional<std::string>& visibility) {
  return reblog_status(app, account_id, status_id, visibility, std::nullopt);
}

store::Status unreblog(App& app, Id account_id, Id status_id) {
  store::Changes changes;               // remove_status and the store note what it changes
  changes.add(store::tags::nothing());  // no reblog to undo: nothing changes
  return app.db->write_value([&](store::Connection& c) {
    auto status = store::find_status(c, status_id);
    if (status && status->reblog_of_id) status = store::find_status(c, *status->reblog_of_id);
    if (!status) not_found();
    if (auto wrapper = store::find_reblog(c, account_id, status->id)) {
      record(app, c, Event(EventKind::status_deleted).with_status(*wrapper));
      remove_status(app, c, *wrapper);
    } else if (!can_see(c, account_id, *status)) {
      not_found();
    }
    return *store::find_status(c, status->id);
  });
}

// ---- federation ingest -------------------------------------------------------------------------

namespace {

// The status stored with this ActivityPub id (uri), if any.
std::optional<store::Status> status_with_uri(App& app, const std::string& uri) {
  return app.db->read_value([&](store::Connection& c) -> std::optional<store::Status> {
    if (auto id = store::find_status_id_by_uri(c, uri)) return store::find_status(c, *id);
    return std::nullopt;
  });
}

}  // namespace

std::optional<store::FanOutQuery> fan_out_read_ahead(App& app, const store::Status& status,
                                                     const std::vector<std::string>& tags) {
  if (app.db->dialect() != store::Dialect::postgres || status.in_reply_to_id ||
      status.visibility == store::Visibility::direct)
    return std::nullopt;
  return fan_out_query(status, tags);
}

store::Status receive_status(App& app, const store::Status& input, const std::vector<Id>& mentioned,
                             const std::vector<std::string>& tags,
                             const std::function<bool(store::Connection&, store::Status&)>& attach,
                             std::optional<store::FanOutReads> fan_out_read) {
  store::Changes changes;               // the store and note_posted say what it changes
  changes.add(store::tags::nothing());  // a status received twice changes nothing
  try {
    return app.db->write_value([&](store::Connection& c) {
      // On SQLite, whose writes run one at a time, a status stored since the caller looked is
      // found here. On PostgreSQL the unique uri makes the insert fail then (below): no statement
      // and no round trip before the writes, which then travel with the COMMIT.
      if (c.dialect() == store::Dialect::sqlite)
        if (auto existing_id = store::find_status_id_by_uri(c, input.uri))
          if (auto existing = store::find_status(c, *existing_id)) return *existing;
      store::Status status = input;
      status.local = false;
      status.quote_policy = effective_quote_policy(status.visibility, status.quote_policy);
      if (status.in_reply_to_id) {
        if (auto parent = store::find_status(c, *status.in_reply_to_id)) {
          status.in_reply_to_account_id = parent->account_id;
        } else {
          status.in_reply_to_id.reset();
        }
      }
      store::insert_status(c, status);
      bool has_extras = attach && attach(c, status);
      index_new_status(c, status, has_extras);
      store::insert_mentions(c, status.id, mentioned);
      store::link_tag_names(c, status.id, tags, status.created_at);
      std::vector<Id> local_mentioned;
      for (const auto& account : store::find_accounts(c, mentioned))
        if (account.local()) local_mentioned.push_back(account.id);
      auto fanned = fan_out(c, status, local_mentioned, tags, std::move(fan_out_read));
      stream::status_created(app, c, status, fanned.audience, tags, mentioned, &fanned.lists);
      for (Id target : local_mentioned)
        notify(app, c, target, status.account_id, "mention", status.id);
      notify_subscribers(app, c, status, fanned);
      record_direct_status(app, c, status, mentioned);
      queue_preview_card(app, c, status, text::plain_links(status.content));
      note_posted(c, status, tags, std::nullopt, &fanned.lists);
      record(app, c, Event(EventKind::status_received).with_status(status));
      count_status(c, status);  // last: the rows it locks are held until the commit
      return status;
    });
  } catch (const store::DatabaseError& error) {
    // The same post received at once by another request that stored it first (PostgreSQL: both
    // found its URI unknown; statuses.uri is unique, so this insert waited for that commit and
    // failed): that status is this one. The transaction rolled back held nothing else (on SQLite,
    // whose writes run one at a time, the check of the URI finds it instead).
    if (!error.unique_violation()) throw;
    auto existing = status_with_uri(app, input.uri);
    if (!existing) throw;
    return *existing;
  }
}

store::Status receive_reblog(App& app, Id account_id, Id status_id, const std::string& uri,
                             store::Visibility visibility) {
  std::optional<std::string> shown = visibility == store::Visibility::direct
                                         ? std::string("private")
                                         : std::string(store::to_string(visibility));
  try {
    return reblog_status(app, account_id, status_id, shown, uri);
  } catch (const store::DatabaseError& error) {
    // The same Announce received at once by another request that stored it first (PostgreSQL:
    // both found no reblog; statuses.uri is unique): that reblog is this one.
    if (!error.unique_violation()) throw;
    auto existing = status_with_uri(app, uri);
    if (!existing) throw;
    return *existing;
  }
}

}  // namespace herd::service
