#include "federation/inbox.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/featured.hpp"
#include "federation/moderation.hpp"
#include "federation/outbox.hpp"
#include "federation/polls.hpp"
#include "federation/quotes.hpp"
#include "federation/resolver.hpp"
#include "service/polls.hpp"
#include "service/relationships.hpp"
#include "service/remote_media.hpp"
#include "service/status_edits.hpp"
#include "service/statuses.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/federation_records.hpp"
#include "store/invalidation.hpp"
#include "store/media.hpp"
#include "store/quotes.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "stream/publish.hpp"
#include "text/format.hpp"
#include "text/sanitize.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

constexpr int kMaxParentDepth = 3;
constexpr int kMaxMentionFetches = 10;
constexpr std::int64_t kFetchBudgetMs = 8'000;

IngestResult accepted() {
  return {Outcome::accepted, ""};
}
IngestResult ignored(std::string reason) {
  return {Outcome::ignored, std::move(reason)};
}
IngestResult rejected(std::string reason) {
  return {Outcome::rejected, std::move(reason)};
}

std::optional<store::Account> local_account_by_uri(App& app, const std::string& uri) {
  if (!is_local_uri(app, uri)) return std::nullopt;
  auto account =
      app.db->read_value([&](store::Connection& c) { return store::find_account_by_uri(c, uri); });
  if (!account || !account->local() || account->suspended) return std::nullopt;
  return account;
}

std::optional<store::Status> status_by_uri(App& app, const std::string& uri) {
  if (uri.empty()) return std::nullopt;
  return app.db->read_value([&](store::Connection& c) -> std::optional<store::Status> {
    auto id = store::find_status_id_by_uri(c, uri);
    if (!id) return std::nullopt;
    return store::find_status(c, *id);
  });
}

// The embedded object, or the one fetched from its id (remote ids only).
std::optional<json::object> object_of(App& app, const json::object& activity) {
  const json::value* object = as::find(activity, "object");
  if (!object) return std::nullopt;
  if (object->is_object()) return object->get_object();
  if (object->is_array() && !object->get_array().empty() && object->get_array()[0].is_object())
    return object->get_array()[0].get_object();
  std::string id = as::id_of(*object);
  if (id.empty() || is_local_uri(app, id)) return std::nullopt;
  return fetch_document(app, id);
}

// Runs a service call; expected refusals (ApiError) become "ignored".
template <typename F>
IngestResult through_service(F&& fn) {
  try {
    fn();
    return accepted();
  } catch (const ApiError& error) {
    return ignored(error.what());
  }
}

// ---- posts --------------------------------------------------------------------------------------

std::optional<Id> ingest_post(App& app, const as::Post& post, const store::Account& author,
                              int depth, bool require_audience, std::string& reason);
StatusResolver status_resolver(App& app, int depth);

// Remote attachments are referenced, not downloaded: media rows with remote_url (at most 4), not
// yet stored. From a domain that rejects media they are `unknown` (Mastodon's reject_media).
std::vector<store::MediaAttachment> remote_media(const store::Status& status, const as::Post& post,
                                                 bool rejected) {
  std::vector<store::MediaAttachment> out;
  for (const auto& a : post.attachments) {
    if (out.size() >= 4) break;
    if (a.url.rfind("https://", 0) != 0 && a.url.rfind("http://", 0) != 0) continue;
    store::MediaAttachment media;
    media.id = next_id();
    media.account_id = status.account_id;
    media.status_id = status.id;
    std::string major = a.media_type.substr(0, a.media_type.find('/'));
    media.type = major == "image"    ? (a.media_type == "image/gif" ? "gifv" : "image")
                 : major == "video"  ? "video"
                 : major == "audio"  ? "audio"
                 : a.type == "Image" ? "image"
                                     : "unknown";
    if (rejected) media.type = "unknown";
    media.content_type = a.media_type;
    media.width = a.width;
    media.height = a.height;
    if (!a.description.empty()) media.description = a.description;
    media.focus_x = a.focus_x;
    media.focus_y = a.focus_y;
    if (!a.blurhash.empty()) media.blurhash = a.blurhash;
    media.remote_url = a.url;
    media.position = static_cast<int>(out.size());
    media.created_at = status.created_at;
    out.push_back(std::move(media));
  }
  return out;
}

// Stores the post's media and poll with the status, inside its transaction; true when it stored
// either (service::receive_status).
bool attach_media_and_poll(store::Connection& c, store::Status& status, const as::Post& post,
                           const store::Account& author) {
  auto media = remote_media(
      status, post, !post.attachments.empty() && store::domain_rejects_media(c, author.domain));
  if (!media.empty()) {
    for (const auto& m : media) store::insert_media(c, m);
    service::queue_attachment_copies(c, media);
    store::set_status_has_media(c, status.id);
    status.has_media = true;
  }
  auto poll = poll_of(post);
  if (poll) service::receive_poll(c, status, *poll);
  return status.has_media || poll.has_value();
}

// The local id of the status `uri` replies to, fetching it (and its own parents) when unknown.
std::optional<Id> parent_of(App& app, const std::string& uri, int depth) {
  if (uri.empty()) return std::nullopt;
  if (auto known = status_by_uri(app, uri)) return known->id;
  if (depth >= kMaxParentDepth || is_local_uri(app, uri)) return std::nullopt;
  auto document = fetch_document(app, uri);
  if (!document) return std::nullopt;
  auto post = as::parse_post(*document);
  if (!post || domain_of(post->id) != domain_of(uri)) return std::nullopt;
  auto author = resolve_actor(app, post->attributed_to);
  if (!author || author->suspended || domain_of(author->uri) != domain_of(post->id))
    return std::nullopt;
  std::string ignored_reason;
  return ingest_post(app, *post, *author, depth + 1, false, ignored_reason);
}

std::optional<Id> ingest_post(App& app, const as::Post& post, const store::Account& author,
                              int depth, bool require_audience, std::string& reason) {
  store::Visibility visibility = as::visibility(post.to, post.cc, author.followers_url);
  std::vector<std::string> tags(post.hashtags.begin(), post.hashtags.end());
  // What the fan-out reads travels with the facts when it can (a post that is not a reply, on
  // PostgreSQL): the transaction storing the post then needs no read, and is one round trip.
  std::optional<store::FanOutQuery> read_ahead;
  if (post.in_reply_to.empty()) {
    store::Status planned;
    planned.account_id = author.id;
    planned.visibility = visibility;
    read_ahead = service::fan_out_read_ahead(app, planned, tags);
  }
  std::optional<store::FanOutReads> fan_out_read;
  auto facts = app.db->read_value([&](store::Connection& c) {
    if (!read_ahead) return store::received_post_facts(c, post.id, author.id, now_unix_ms());
    fan_out_read.emplace();
    return store::received_post_facts(c, post.id, author.id, now_unix_ms(), *read_ahead,
                                      *fan_out_read);
  });
  if (facts.existing) return facts.existing;
  if (facts.tombstoned) {
    reason = "deleted (tombstone)";
    return std::nullopt;
  }
  std::optional<Id> parent = parent_of(app, post.in_reply_to, depth);
  std::optional<store::Status> parent_status;
  if (parent)
    parent_status =
        app.db->read_value([&](store::Connection& c) { return store::find_status(c, *parent); });

  std::vector<Id> mentioned;
  bool mentions_local = false;
  int fetches = 0;
  for (const auto& mention : post.mentions) {
    std::optional<store::Account> account;
    if (is_local_uri(app, mention.href)) {
      account = local_account_by_uri(app, mention.href);
      if (account) mentions_local = true;
    } else {
      account = app.db->read_value(
          [&](store::Connection& c) { return store::find_account_by_uri(c, mention.href); });
      if (!account && fetches < kMaxMentionFetches) {
        ++fetches;
        account = resolve_actor(app, mention.href);
      }
    }
    if (account && std::find(mentioned.begin(), mentioned.end(), account->id) == mentioned.end())
      mentioned.push_back(account->id);
  }
  if (require_audience) {
    // As Mastodon's related_to_local_activity?: a reply to a post of a local account, or of an
    // account someone here follows, counts (a reply forwarded by the server of the author it
    // answers reaches that author's followers here).
    auto parent_followed = [&] {
      return app.db->read_value([&](store::Connection& c) {
        return store::has_local_follower(c, parent_status->account_id);
      });
    };
    bool solicited = mentions_local || facts.has_local_follower ||
                     (parent_status && (parent_status->local || parent_followed()));
    if (!solicited) {
      reason = "nobody here follows or is mentioned by the author";
      return std::nullopt;
    }
  }

  // Read before the network was asked about mentions: possibly long ago, read it again.
  if (fetches > 0) fan_out_read.reset();

  store::Status status;
  status.id = next_id();
  status.account_id = author.id;
  status.uri = post.id;
  status.url = post.url.empty() ? post.id : post.url;
  status.local = false;
  status.content = text::sanitize_html(post.content);
  status.spoiler_text = text::strip_html(post.summary);
  status.sensitive = post.sensitive || !status.spoiler_text.empty();
  status.visibility = visibility;
  if (!post.language.empty()) status.language = post.language;
  status.in_reply_to_id = parent;
  apply_quote_policy(post, author, status);
  status.created_at = post.published.value_or(now_unix_ms());
  if (status.created_at > now_unix_ms()) status.created_at = now_unix_ms();
  remember_emojis(app, author.domain, post.emojis);  // before the status shows
  store::Status stored = service::receive_status(
      app, status, mentioned, tags,
      [&](store::Connection& c, store::Status& inserted) {
        return attach_media_and_poll(c, inserted, post, author);
      },
      std::move(fan_out_read));
  if (stored.id == status.id && !post.quote.empty())
    receive_quote(app, post, stored, status_resolver(app, depth + 1));
  return stored.id;
}

// Finds or stores the status `uri` for quotes: inlined (attributed to its id's server) or fetched
// (at most kMaxParentDepth levels of quotes and parents).
StatusResolver status_resolver(App& app, int depth) {
  return [&app, depth](const std::string& uri,
                       const json::object* inlined) -> std::optional<store::Status> {
    if (auto known = status_by_uri(app, uri)) return known;
    if (depth >= kMaxParentDepth || is_local_uri(app, uri)) return std::nullopt;
    std::optional<json::object> document;
    if (inlined)
      document = *inlined;
    else
      document = fetch_document(app, uri);
    if (!document) return std::nullopt;
    auto post = as::parse_post(*document);
    if (!post || post->id != uri || domain_of(post->id) != domain_of(uri)) return std::nullopt;
    auto author = resolve_actor(app, post->attributed_to);
    if (!author || author->suspended || domain_of(author->uri) != domain_of(post->id))
      return std::nullopt;
    std::string ignored_reason;
    auto id = ingest_post(app, *post, *author, depth, false, ignored_reason);
    if (!id) return std::nullopt;
    return app.db->read_value([&](store::Connection& c) { return store::find_status(c, *id); });
  };
}

// ---- activities ---------------------------------------------------------------------------------

IngestResult on_create(App& app, const json::object& activity, const store::Account& actor) {
  auto object = object_of(app, activity);
  if (!object) return ignored("object not available");
  auto post = as::parse_post(*object);
  if (!post) return ignored("not a post: " + as::type_of(*object));
  if (post->attributed_to != actor.uri || domain_of(post->id) != domain_of(actor.uri))
    return rejected("the object is not attributed to the actor");
  if (auto vote = receive_poll_vote(app, *post, actor)) return *vote;
  std::string reason;
  if (!ingest_post(app, *post, actor, 0, true, reason)) return ignored(reason);
  return accepted();
}

IngestResult on_update(App& app, const json::object& activity, const store::Account& actor) {
  const json::value* value = as::find(activity, "object");
  if (!value || !value->is_object()) return ignored("Update without an embedded object");
  const json::object& object = value->get_object();
  std::string id = as::id_of(object);
  if (id == actor.uri) {
    if (!store_actor(app, object)) return ignored("not a usable actor");
    return accepted();
  }
  auto post = as::parse_post(object);
  if (!post) return ignored("nothing to update");
  auto status = status_by_uri(app, post->id);
  if (!status) return ignored("unknown status");
  if (status->account_id != actor.id || post->attributed_to != actor.uri)
    return rejected("the object is not attributed to the actor");
  store::Status policy = *status;  // quote policy and approval can change without an edit
  apply_quote_policy(*post, actor, policy);
  if (policy.quote_policy != status->quote_policy ||
      policy.quote_policy_manual != status->quote_policy_manual)
    app.db->write([&](store::Connection& c) {
      store::set_quote_policy(c, status->id, policy.quote_policy, policy.quote_policy_manual);
    });
  if (!post->quote.empty()) receive_quote(app, *post, *status, status_resolver(app, 0));
  if (auto poll = poll_of(*post)) {
    service::refresh_poll(app, *status, *poll);
    if (!post->updated) return accepted();  // new counts only: edits carry `updated`
  }
  std::string spoiler = text::strip_html(post->summary);
  std::vector<std::string> tags(post->hashtags.begin(), post->hashtags.end());
  remember_emojis(app, actor.domain, post->emojis);
  if (!service::receive_edit(
          app, *status, text::sanitize_html(post->content), spoiler,
          post->sensitive || !spoiler.empty(), tags,
          remote_media(*status, *post, service::rejects_media(app, actor.domain)),
          post->updated.value_or(now_unix_ms())))
    return ignored("not newer than the stored version");
  return accepted();
}

IngestResult on_delete(App& app, const json::object& activity, const store::Account& actor) {
  std::string id = as::first_id(activity, "object");
  if (id.empty()) return ignored("Delete without an object");
  // Remembered as a tombstone, so that the object is not fetched or taken again (a Create or
  // Announce that arrives after its Delete); an object never seen here only for a while.
  auto remember = [&](std::string_view reason) {
    store::Changes changes;  // no cached response reads tombstones
    changes.add(store::tags::nothing());
    app.db->write(
        [&](store::Connection& c) { store::insert_tombstone(c, id, reason, now_unix_ms()); });
  };
  if (id == actor.uri) {
    remember("deleted");
    app.db->write([&](store::Connection& c) { store::set_account_suspended(c, actor.id, true); });
    return accepted();
  }
  if (auto revoked = receive_authorization_deleted(app, id, actor)) return *revoked;
  auto status = status_by_uri(app, id);
  if (!status) {
    if (domain_of(id) == domain_of(actor.uri)) remember("unseen");
    return ignored("unknown object (remembered for a while)");
  }
  if (status->account_id != actor.id) return rejected("the object is not the actor's");
  remember("deleted");
  return through_service([&] { service::delete_status(app, actor.id, status->id); });
}

IngestResult on_follow(App& app, const json::object& activity, const store::Account& actor) {
  auto target = local_account_by_uri(app, as::first_id(activity, "object"));
  if (!target) return ignored("not a local account");
  auto result = through_service([&] { service::follow(app, actor.id, target->id, {}); });
  if (result.outcome != Outcome::accepted) return result;
  std::string follow_id = as::id_of(activity);
  store::Changes changes;  // the follow's URI and its Accept: nothing cached responses read
  changes.add(store::tags::nothing());
  app.db->write([&](store::Connection& c) {
    if (!follow_id.empty()) store::set_follow_uri(c, actor.id, target->id, follow_id);
    if (store::is_following(c, actor.id, target->id))
      on_follow_answered(app, c, target->id, actor.id, true);
  });
  return accepted();
}

// The (local follower, target) of the Follow an Accept/Reject/Undo refers to.
std::optional<std::pair<Id, Id>> follow_pair(App& app, const json::value& object) {
  if (object.is_object()) {
    const json::object& follow = object.get_object();
    auto follower = app.db->read_value([&](store::Connection& c) {
      return store::find_account_id_by_uri(c, as::first_id(follow, "actor"));
    });
    auto target = app.db->read_value([&](store::Connection& c) {
      return store::find_account_id_by_uri(c, as::first_id(follow, "object"));
    });
    if (follower && target) return std::make_pair(*follower, *target);
  }
  std::string id = as::id_of(object);
  if (id.empty()) return std::nullopt;
  return app.db->read_value([&](store::Connection& c) { return store::find_follow_by_uri(c, id); });
}

IngestResult on_answer(App& app, const json::object& activity, const store::Account& actor,
                       bool accept) {
  const json::value* object = as::find(activity, "object");
  if (!object) return ignored("no object");
  if (auto answer = receive_quote_answer(app, activity, actor, accept)) return *answer;
  auto pair = follow_pair(app, *object);
  if (!pair) return ignored("unknown follow");
  auto [follower, target] = *pair;
  if (target != actor.id) return rejected("the follow is not addressed to the actor");
  bool pending = app.db->read_value([&](store::Connection& c) {
    return store::find_follow_request(c, follower, target).has_value();
  });
  if (accept) {
    if (!pending) return ignored("no pending follow request");
    return through_service([&] { service::authorize_follow_request(app, target, follower); });
  }
  if (pending)
    return through_service([&] { service::reject_follow_request(app, target, follower); });
  return through_service([&] { service::remove_from_followers(app, target, follower); });
}

IngestResult on_undo(App& app, const json::object& activity, const store::Account& actor) {
  const json::value* value = as::find(activity, "object");
  if (!value) return ignored("no object");
  std::string type = value->is_object() ? as::type_of(value->get_object()) : "";
  std::string object_id = as::id_of(*value);
  if (type.empty()) {  // only an id: what we stored under it
    if (app.db->read_value(
            [&](store::Connection& c) { return store::find_follow_by_uri(c, object_id); }))
      type = "Follow";
    else if (auto status = status_by_uri(app, object_id); status && status->reblog_of_id)
      type = "Announce";
    else
      return ignored("unknown object");
  }
  if (value->is_object()) {
    std::string owner = as::first_id(value->get_object(), "actor");
    if (!owner.empty() && owner != actor.uri)
      return rejected("the undone activity is not the actor's");
  }
  if (type == "Follow") {
    auto pair = follow_pair(app, *value);
    if (!pair || pair->first != actor.id) return ignored("unknown follow");
    return through_service([&] { service::unfollow(app, actor.id, pair->second); });
  }
  if (type == "Like") {
    auto status = status_by_uri(app, as::first_id(value->get_object(), "object"));
    if (!status) return ignored("unknown status");
    return through_service([&] { service::unfavourite(app, actor.id, status->id); });
  }
  if (type == "Announce") {
    auto wrapper = status_by_uri(app, object_id);
    if (!wrapper || !wrapper->reblog_of_id) return ignored("unknown reblog");
    if (wrapper->account_id != actor.id) return rejected("the reblog is not the actor's");
    return through_service([&] { service::unreblog(app, actor.id, *wrapper->reblog_of_id); });
  }
  if (type == "Block") {
    auto target = local_account_by_uri(app, as::first_id(value->get_object(), "object"));
    if (!target) return ignored("not a local account");
    return through_service([&] { service::unblock(app, actor.id, target->id); });
  }
  return ignored("Undo of " + type);
}

IngestResult on_announce(App& app, const json::object& activity, const store::Account& actor) {
  std::string object_id = as::first_id(activity, "object");
  if (object_id.empty()) return ignored("no object");
  auto status = status_by_uri(app, object_id);
  if (!status) {
    if (!app.db->read_value(
            [&](store::Connection& c) { return store::has_local_follower(c, actor.id); }))
      return ignored("nobody here follows the actor");
    auto document = object_of(app, activity);
    if (!document) return ignored("object not available");
    auto post = as::parse_post(*document);
    if (!post || domain_of(post->id) != domain_of(object_id)) return ignored("not a post");
    auto author = resolve_actor(app, post->attributed_to);
    if (!author || domain_of(author->uri) != domain_of(post->id)) return ignored("unknown author");
    std::string reason;
    auto id = ingest_post(app, *post, *author, 0, false, reason);
    if (!id) return ignored(reason);
    status = app.db->read_value([&](store::Connection& c) { return store::find_status(c, *id); });
    if (!status) return ignored("not stored");
  }
  auto visibility =
      as::visibility(as::ids(activity, "to"), as::ids(activity, "cc"), actor.followers_url);
  std::string id = as::id_of(activity);
  if (id.empty()) return ignored("Announce without id");
  return through_service(
      [&] { service::receive_reblog(app, actor.id, status->id, id, visibility); });
}

IngestResult on_like(App& app, const json::object& activity, const store::Account& actor) {
  auto status = status_by_uri(app, as::first_id(activity, "object"));
  if (!status || !status->local) return ignored("not a local status");
  return through_service([&] { service::favourite(app, actor.id, status->id); });
}

IngestResult on_block(App& app, const json::object& activity, const store::Account& actor) {
  auto target = local_account_by_uri(app, as::first_id(activity, "object"));
  if (!target) return ignored("not a local account");
  return through_service([&] { service::block(app, actor.id, target->id); });
}

}  // namespace

std::optional<Id> store_fetched_post(App& app, const std::string& uri,
                                     const json::object& document) {
  auto post = as::parse_post(document);
  if (!post || domain_of(post->id) != domain_of(uri)) return std::nullopt;
  auto author = resolve_actor(app, post->attributed_to);
  if (!author || author->suspended || domain_of(author->uri) != domain_of(post->id))
    return std::nullopt;
  std::string reason;
  return ingest_post(app, *post, *author, 0, false, reason);
}

std::optional<Id> fetch_post(App& app, const std::string& uri) {
  if (uri.empty() || is_local_uri(app, uri) || status_by_uri(app, uri)) return std::nullopt;
  auto document = fetch_document(app, uri);
  if (!document) return std::nullopt;
  return store_fetched_post(app, uri, *document);
}

void resolve_for_search(App& app, const std::string& query) {
  FetchBudget budget(app, kFetchBudgetMs);
  std::string q = query;
  if (q.rfind("acct:", 0) == 0) q = q.substr(5);
  if (q.rfind("https://", 0) == 0 || q.rfind("http://", 0) == 0) {
    if (is_local_uri(app, q)) return;
    if (app.db->read_value([&](store::Connection& c) {
          return store::find_account_id_by_uri(c, q).has_value() ||
                 store::find_status_id_by_uri(c, q).has_value();
        }))
      return;
    auto document = fetch_document(app, q);
    if (!document) return;
    if (as::parse_post(*document)) {
      store_fetched_post(app, q, *document);
      return;
    }
    store_fetched_actor(app, q, *document);
    return;
  }
  if (!q.empty() && q[0] == '@') q = q.substr(1);
  std::size_t at = q.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= q.size()) return;
  resolve_handle(app, q.substr(0, at), q.substr(at + 1));
}

void resolve_mentions(App& app, std::string_view text) {
  FetchBudget budget(app, kFetchBudgetMs);
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  };
  int lookups = 0;
  for (std::size_t i = 0; i < text.size() && lookups < 10; ++i) {
    if (text[i] != '@' || (i > 0 && (word(text[i - 1]) || text[i - 1] == '@'))) continue;
    std::size_t user_end = i + 1;
    while (user_end < text.size() && word(text[user_end])) ++user_end;
    if (user_end >= text.size() || text[user_end] != '@' || user_end == i + 1) continue;
    std::size_t domain_end = user_end + 1;
    while (domain_end < text.size() && (word(text[domain_end]) || text[domain_end] == ':'))
      ++domain_end;
    std::string username(text.substr(i + 1, user_end - i - 1));
    std::string domain(text.substr(user_end + 1, domain_end - user_end - 1));
    while (!domain.empty() && (domain.back() == '.' || domain.back() == ':')) domain.pop_back();
    i = domain_end;
    if (domain.empty() || domain.find('.') == std::string::npos) continue;
    ++lookups;
    resolve_handle(app, username, domain);
  }
}

IngestResult receive_activity(App& app, const json::object& activity, const store::Account& actor,
                              const Arrival& arrival) {
  FetchBudget budget(app, kFetchBudgetMs);  // inbox work runs on a server thread: bound its fetches
  // Set on the thread that applies it (the group commit's, when batched), where the services'
  // events reach the federation subscriber.
  std::optional<ForwardableScope> forwardable;
  if (!arrival.body.empty()) forwardable.emplace(activity, actor, arrival);
  std::string type = as::type_of(activity);
  IngestResult result;
  if (type == "Create")
    result = on_create(app, activity, actor);
  else if (type == "Update")
    result = on_update(app, activity, actor);
  else if (type == "Delete")
    result = on_delete(app, activity, actor);
  else if (type == "Follow")
    result = on_follow(app, activity, actor);
  else if (type == "Accept")
    result = on_answer(app, activity, actor, true);
  else if (type == "Reject")
    result = on_answer(app, activity, actor, false);
  else if (type == "Undo")
    result = on_undo(app, activity, actor);
  else if (type == "Announce")
    result = on_announce(app, activity, actor);
  else if (type == "Like")
    result = on_like(app, activity, actor);
  else if (type == "Block")
    result = on_block(app, activity, actor);
  else if (type == "QuoteRequest")
    result = receive_quote_request(app, activity, actor, status_resolver(app, 0));
  else if (type == "Flag")
    result = receive_flag(app, activity, actor);
  else if (type == "Move")
    result = receive_move(app, activity, actor);
  else if (type == "Add" || type == "Remove")
    result = receive_featured(app, activity, actor, type == "Add");
  else
    result = ignored("unsupported activity " + type);
  if (result.outcome != Outcome::accepted)
    log::info("inbox: {} from {} {}: {}", type, actor.uri,
              result.outcome == Outcome::rejected ? "rejected" : "ignored", result.reason);
  return result;
}

}  // namespace herd::federation
