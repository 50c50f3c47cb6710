#include "federation/documents.hpp"

#include <algorithm>
#include <unordered_map>

#include "federation/serialize.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/media.hpp"
#include "store/polls.hpp"
#include "store/quotes.hpp"
#include "store/statuses.hpp"

namespace herd::federation {

namespace {

constexpr std::size_t kEmbeddedSelfReplies = 5;  // as Mastodon

// Everything the statuses of a page refer to, loaded in a fixed number of queries.
struct Loaded {
  std::unordered_map<Id, store::Account> accounts;
  std::unordered_map<Id, store::Status> statuses;  // parents and reblogged originals
  std::unordered_map<Id, std::vector<Id>> mentions;
  std::unordered_map<Id, std::vector<std::string>> tags;
  std::unordered_map<Id, store::Poll> polls;                                     // by status id
  std::unordered_map<Id, std::vector<store::MediaAttachment>> media;             // by status id
  std::unordered_map<Id, std::vector<std::pair<Id, std::string>>> self_replies;  // by status id
  std::unordered_map<Id, store::Quote> quotes;  // by quoting status id

  const store::Account* account(Id id) const {
    auto it = accounts.find(id);
    return it == accounts.end() ? nullptr : &it->second;
  }
};

Loaded load(store::Connection& c, const std::vector<store::Status>& statuses) {
  Loaded loaded;
  std::vector<Id> related;
  for (const auto& s : statuses) {
    if (s.reblog_of_id) related.push_back(*s.reblog_of_id);
    if (s.in_reply_to_id) related.push_back(*s.in_reply_to_id);
  }
  for (auto& s : store::find_statuses(c, related)) loaded.statuses.emplace(s.id, s);
  std::vector<Id> note_ids;  // statuses rendered as notes: originals, and reblogged originals
  for (const auto& s : statuses) note_ids.push_back(s.reblog_of_id ? *s.reblog_of_id : s.id);
  loaded.mentions = store::load_mentions(c, note_ids);
  loaded.tags = store::load_tag_names(c, note_ids);
  loaded.polls = store::load_status_polls(c, note_ids);
  loaded.media = store::load_status_media(c, note_ids);
  loaded.self_replies = store::load_self_replies(c, note_ids, kEmbeddedSelfReplies);
  loaded.quotes = store::load_quotes(c, note_ids);
  std::vector<Id> account_ids;
  for (const auto& s : statuses) account_ids.push_back(s.account_id);
  for (const auto& [id, s] : loaded.statuses) account_ids.push_back(s.account_id);
  for (const auto& [id, list] : loaded.mentions)
    account_ids.insert(account_ids.end(), list.begin(), list.end());
  std::sort(account_ids.begin(), account_ids.end());
  account_ids.erase(std::unique(account_ids.begin(), account_ids.end()), account_ids.end());
  for (auto& a : store::find_accounts(c, account_ids)) loaded.accounts.emplace(a.id, a);
  return loaded;
}

std::optional<NoteParts> parts_for(const Loaded& loaded, const store::Status& s) {
  NoteParts parts;
  parts.author = loaded.account(s.account_id);
  if (!parts.author) return std::nullopt;
  if (s.in_reply_to_id) {
    auto it = loaded.statuses.find(*s.in_reply_to_id);
    if (it != loaded.statuses.end()) parts.in_reply_to_uri = it->second.uri;
  }
  if (auto it = loaded.mentions.find(s.id); it != loaded.mentions.end())
    for (Id id : it->second)
      if (const store::Account* a = loaded.account(id)) parts.mentions.push_back(*a);
  if (auto it = loaded.tags.find(s.id); it != loaded.tags.end()) parts.tags = it->second;
  if (auto it = loaded.polls.find(s.id); it != loaded.polls.end()) parts.poll = &it->second;
  if (auto it = loaded.media.find(s.id); it != loaded.media.end()) parts.media = &it->second;
  if (auto it = loaded.self_replies.find(s.id); it != loaded.self_replies.end())
    parts.self_replies = &it->second;
  if (auto it = loaded.quotes.find(s.id); it != loaded.quotes.end()) parts.quote = &it->second;
  return parts;
}

std::optional<json::object> note_for(App& app, const Loaded& loaded, const store::Status& s) {
  auto parts = parts_for(loaded, s);
  if (!parts) return std::nullopt;
  return note_json(app, s, *parts);
}

std::optional<json::object> announce_for(App& app, const Loaded& loaded, const store::Status& s) {
  auto original = loaded.statuses.find(*s.reblog_of_id);
  if (original == loaded.statuses.end()) return std::nullopt;
  const store::Account* booster = loaded.account(s.account_id);
  const store::Account* author = loaded.account(original->second.account_id);
  if (!booster || !author) return std::nullopt;
  return announce_activity(app, s, *booster, original->second.uri, author->uri);
}

std::optional<json::object> activity_for(App& app, const Loaded& loaded, const store::Status& s) {
  if (s.reblog_of_id) return announce_for(app, loaded, s);
  auto note = note_for(app, loaded, s);
  if (!note) return std::nullopt;
  return create_activity(app, *note);
}

}  // namespace

std::optional<json::object> status_object(App& app, store::Connection& c,
                                          const store::Status& status) {
  Loaded loaded = load(c, {status});
  if (status.reblog_of_id) return announce_for(app, loaded, status);
  return note_for(app, loaded, status);
}

std::optional<json::object> status_activity(App& app, store::Connection& c,
                                            const store::Status& status) {
  return activity_for(app, load(c, {status}), status);
}

json::array status_activities(App& app, store::Connection& c,
                              const std::vector<store::Status>& statuses, bool embed_context) {
  Loaded loaded = load(c, statuses);
  json::array out;
  for (const auto& s : statuses) {
    auto activity = activity_for(app, loaded, s);
    if (!activity) continue;
    if (!embed_context) activity->erase("@context");
    out.push_back(std::move(*activity));
  }
  return out;
}

json::array status_notes(App& app, store::Connection& c,
                         const std::vector<store::Status>& statuses) {
  Loaded loaded = load(c, statuses);
  json::array out;
  for (const auto& s : statuses) {
    if (s.reblog_of_id) continue;
    auto note = note_for(app, loaded, s);
    if (!note) continue;
    note->erase("@context");
    out.push_back(std::move(*note));
  }
  return out;
}

std::optional<json::object> delete_document(App& app, store::Connection& c,
                                            const store::Status& status) {
  Loaded loaded = load(c, {status});
  if (status.reblog_of_id) {
    auto announce = announce_for(app, loaded, status);
    const store::Account* booster = loaded.account(status.account_id);
    if (!announce || !booster) return std::nullopt;
    return undo_activity(booster->uri, *announce);
  }
  auto parts = parts_for(loaded, status);
  if (!parts) return std::nullopt;
  return delete_activity(status, *parts);
}

std::vector<std::string> status_inboxes(store::Connection& c, const store::Status& status,
                                        Reach reach) {
  bool direct = status.visibility == store::Visibility::direct;
  bool distributable = status.visibility == store::Visibility::public_ ||
                       status.visibility == store::Visibility::unlisted;
  store::StatusReach query;
  if (!direct) query.followers_of = status.account_id;
  if (status.reblog_of_id) {  // its interactions are the original's
    if (auto original = store::find_status(c, *status.reblog_of_id))
      query.accounts.push_back(original->account_id);
    return store::reach_inboxes(c, query);
  }
  query.mentions_of = status.id;
  // As Mastodon's StatusReachFinder: a followers-only or direct reply reaches the author it
  // replies to only through a mention (their server may hold no follower of the author).
  if (status.in_reply_to_account_id && distributable)
    query.accounts.push_back(*status.in_reply_to_account_id);
  if (reach != Reach::posted) {
    query.quote_of = status.id;
    if (distributable) query.quotes_of = status.id;
    if (distributable || reach == Reach::deleted) query.interactions_of = status.id;
    if (reach == Reach::poll) query.voters_of = status.id;
  }
  return store::reach_inboxes(c, query);
}

}  // namespace herd::federation
