#include "federation/serialize.hpp"

#include <algorithm>

#include "core/time.hpp"
#include "http/request.hpp"
#include "media/storage.hpp"
#include "service/custom_emojis.hpp"

namespace herd::federation {

namespace {

json::object extensions() {
  return json::object{
      {"manuallyApprovesFollowers", "as:manuallyApprovesFollowers"},
      {"toot", "http://joinmastodon.org/ns#"},
      {"featured", json::object{{"@id", "toot:featured"}, {"@type", "@id"}}},
      {"featuredTags", json::object{{"@id", "toot:featuredTags"}, {"@type", "@id"}}},
      {"alsoKnownAs", json::object{{"@id", "as:alsoKnownAs"}, {"@type", "@id"}}},
      {"movedTo", json::object{{"@id", "as:movedTo"}, {"@type", "@id"}}},
      {"schema", "http://schema.org#"},
      {"PropertyValue", "schema:PropertyValue"},
      {"value", "schema:value"},
      {"discoverable", "toot:discoverable"},
      {"suspended", "toot:suspended"},
      {"memorial", "toot:memorial"},
      {"indexable", "toot:indexable"},
      {"Hashtag", "as:Hashtag"},
      {"sensitive", "as:sensitive"},
      {"Emoji", "toot:Emoji"},
      {"focalPoint", json::object{{"@container", "@list"}, {"@id", "toot:focalPoint"}}},
      {"blurhash", "toot:blurhash"},
      {"votersCount", "toot:votersCount"},
      {"ostatus", "http://ostatus.org#"},
      {"atomUri", "ostatus:atomUri"},
      {"inReplyToAtomUri", "ostatus:inReplyToAtomUri"},
      {"conversation", "ostatus:conversation"},
      // Quote posts (FEP-044f) and interaction policies (GoToSocial's namespace).
      {"quote", json::object{{"@id", "https://w3id.org/fep/044f#quote"}, {"@type", "@id"}}},
      {"quoteUri", "http://fedibird.com/ns#quoteUri"},
      {"_misskey_quote", "https://misskey-hub.net/ns#_misskey_quote"},
      {"quoteAuthorization",
       json::object{{"@id", "https://w3id.org/fep/044f#quoteAuthorization"}, {"@type", "@id"}}},
      {"QuoteRequest", "https://w3id.org/fep/044f#QuoteRequest"},
      {"QuoteAuthorization", "https://w3id.org/fep/044f#QuoteAuthorization"},
      {"gts", "https://gotosocial.org/ns#"},
      {"interactionPolicy", json::object{{"@id", "gts:interactionPolicy"}, {"@type", "@id"}}},
      {"canQuote", json::object{{"@id", "gts:canQuote"}, {"@type", "@id"}}},
      {"automaticApproval", json::object{{"@id", "gts:automaticApproval"}, {"@type", "@id"}}},
      {"manualApproval", json::object{{"@id", "gts:manualApproval"}, {"@type", "@id"}}},
      {"interactingObject", json::object{{"@id", "gts:interactingObject"}, {"@type", "@id"}}},
      {"interactionTarget", json::object{{"@id", "gts:interactionTarget"}, {"@type", "@id"}}}};
}

json::object image(const std::string& url) {
  std::string media_type = "image/png";
  auto ends = [&](std::string_view suffix) {
    return url.size() >= suffix.size() &&
           url.compare(url.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".jpg") || ends(".jpeg"))
    media_type = "image/jpeg";
  else if (ends(".gif"))
    media_type = "image/gif";
  else if (ends(".webp"))
    media_type = "image/webp";
  return json::object{{"type", "Image"}, {"mediaType", media_type}, {"url", url}};
}

// Emoji tags for the local custom emojis `texts` use (Mastodon's shape: name ":code:", an Image
// icon with its mediaType, updated).
void add_emoji_tags(const App& app, json::array& tags,
                    const std::vector<store::CustomEmoji>& emojis) {
  for (const auto& emoji : emojis) {
    json::object icon{{"type", "Image"}, {"url", service::emoji_url(app, emoji)}};
    if (!emoji.content_type.empty()) icon["mediaType"] = emoji.content_type;
    tags.push_back(json::object{{"type", "Emoji"},
                                {"name", ":" + emoji.shortcode + ":"},
                                {"updated", rfc3339(emoji.updated_at).substr(0, 19) + "Z"},
                                {"icon", std::move(icon)}});
  }
}

json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

std::string mention_name(const App& app, const store::Account& account) {
  return "@" + account.username + "@" + (account.local() ? app.domain() : account.domain);
}

std::string followers_of(const store::Account& account) {
  return account.followers_url.empty() ? account.uri + "/followers" : account.followers_url;
}

// A poll makes a Note a Question (Mastodon's NoteSerializer): oneOf (single choice) or anyOf
// options with their counts (0 while hidden), endTime, closed once ended, votersCount.
void add_question_properties(json::object& o, const store::Poll& poll) {
  std::int64_t now = now_unix_ms();
  bool expired = poll.expired(now);
  bool show_totals = expired || !poll.hide_totals;
  json::array options;
  for (const auto& option : poll.options)
    options.push_back(json::object{
        {"type", "Note"},
        {"name", option.title},
        {"replies", json::object{{"type", "Collection"},
                                 {"totalItems", show_totals ? option.votes_count : 0}}}});
  o["type"] = "Question";
  o[poll.multiple ? "anyOf" : "oneOf"] = std::move(options);
  if (poll.expires_at) {
    std::string end = rfc3339(*poll.expires_at).substr(0, 19) + "Z";
    o["endTime"] = end;
    if (expired) o["closed"] = end;
  }
  o["votersCount"] = poll.voters_count.value_or(0);
}

}  // namespace

json::value actor_context() {
  return json::array{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                     extensions()};
}

json::value object_context() {
  return json::array{"https://www.w3.org/ns/activitystreams", extensions()};
}

json::object actor_json(const App& app, const store::Account& a) {
  json::object o;
  o["@context"] = actor_context();
  o["id"] = a.uri;
  o["type"] = a.bot ? "Service" : (a.actor_type.empty() ? "Person" : a.actor_type);
  o["following"] = a.following_url;
  o["followers"] = a.followers_url;
  o["inbox"] = a.inbox_url;
  o["outbox"] = a.outbox_url;
  o["featured"] = a.featured_url;
  o["featuredTags"] = a.uri + "/collections/tags";
  o["preferredUsername"] = a.username;
  o["name"] = a.display_name;
  o["summary"] = a.note;
  o["url"] = a.url;
  o["manuallyApprovesFollowers"] = a.locked;
  o["discoverable"] = a.discoverable;
  o["indexable"] = a.indexable;
  o["memorial"] = false;
  o["published"] = rfc3339(a.created_at).substr(0, 19) + "Z";
  o["publicKey"] = json::object{
      {"id", a.uri + "#main-key"}, {"owner", a.uri}, {"publicKeyPem", a.public_key_pem}};
  json::array attachment;
  for (const auto& field : store::profile_fields(a))
    attachment.push_back(
        json::object{{"type", "PropertyValue"}, {"name", field.name}, {"value", field.value}});
  json::array tags;
  add_emoji_tags(app, tags, service::custom_emoji_registry().used_by(a));
  o["tag"] = std::move(tags);
  o["attachment"] = std::move(attachment);
  o["endpoints"] = json::object{{"sharedInbox", app.base_url() + "/inbox"}};
  o["icon"] = image(app.avatar_url(a));
  o["image"] = image(app.header_url(a));
  if (a.suspended) o["suspended"] = true;
  return o;
}

void add_migration_properties(json::object& actor, const std::vector<std::string>& also_known_as,
                              const std::string& moved_to_uri) {
  if (!also_known_as.empty()) actor["alsoKnownAs"] = to_array(also_known_as);
  if (!moved_to_uri.empty()) actor["movedTo"] = moved_to_uri;
}

std::string instance_actor_uri(const App& app) {
  return app.base_url() + "/actor";
}

json::object instance_actor_json(const App& app, const std::string& public_key_pem) {
  std::string id = instance_actor_uri(app);
  json::object o;
  o["@context"] = actor_context();
  o["id"] = id;
  o["type"] = "Application";
  o["inbox"] = id + "/inbox";
  o["outbox"] = id + "/outbox";
  o["followers"] = id + "/followers";
  o["following"] = id + "/following";
  o["preferredUsername"] = app.domain();
  o["url"] = app.base_url() + "/about/more?instance_actor=true";
  o["manuallyApprovesFollowers"] = true;
  o["publicKey"] =
      json::object{{"id", id + "#main-key"}, {"owner", id}, {"publicKeyPem", public_key_pem}};
  o["endpoints"] = json::object{{"sharedInbox", app.base_url() + "/inbox"}};
  return o;
}

std::vector<std::string> note_to(const store::Status& status, const NoteParts& parts) {
  switch (status.visibility) {
    case store::Visibility::public_:
      return {kPublicCollection};
    case store::Visibility::unlisted:
    case store::Visibility::private_:
      return {followers_of(*parts.author)};
    case store::Visibility::direct: {
      std::vector<std::string> out;
      for (const auto& m : parts.mentions) out.push_back(m.uri);
      return out;
    }
  }
  return {};
}

std::vector<std::string> note_cc(const store::Status& status, const NoteParts& parts) {
  std::vector<std::string> out;
  if (status.visibility == store::Visibility::public_) out.push_back(followers_of(*parts.author));
  if (status.visibility == store::Visibility::unlisted) out.emplace_back(kPublicCollection);
  if (status.visibility != store::Visibility::direct)
    for (const auto& m : parts.mentions)
      if (std::find(out.begin(), out.end(), m.uri) == out.end()) out.push_back(m.uri);
  return out;
}

json::object document_json(const App& app, const store::MediaAttachment& m) {
  json::object o;
  o["type"] = "Document";
  o["mediaType"] = m.content_type;
  o["url"] = m.file.empty() ? m.remote_url.value_or("") : media::public_url(app.base_url(), m.file);
  o["name"] = m.description ? json::value(*m.description) : json::value(nullptr);
  if (m.blurhash) o["blurhash"] = *m.blurhash;
  if (m.width && m.height) {
    o["width"] = *m.width;
    o["height"] = *m.height;
  }
  if (m.focus_x && m.focus_y) o["focalPoint"] = json::array{*m.focus_x, *m.focus_y};
  return o;
}

json::object note_json(const App& app, const store::Status& s, const NoteParts& parts) {
  json::object o;
  o["@context"] = object_context();
  o["id"] = s.uri;
  o["type"] = "Note";
  o["summary"] = s.spoiler_text.empty() ? json::value(nullptr) : json::value(s.spoiler_text);
  o["inReplyTo"] =
      parts.in_reply_to_uri.empty() ? json::value(nullptr) : json::value(parts.in_reply_to_uri);
  o["published"] = rfc3339(s.created_at).substr(0, 19) + "Z";
  if (s.edited_at) o["updated"] = rfc3339(*s.edited_at).substr(0, 19) + "Z";
  o["url"] = s.url.empty() ? s.uri : s.url;
  o["attributedTo"] = parts.author->uri;
  o["to"] = to_array(note_to(s, parts));
  o["cc"] = to_array(note_cc(s, parts));
  o["sensitive"] = s.sensitive;
  o["atomUri"] = s.uri;
  o["inReplyToAtomUri"] = o["inReplyTo"];
  o["content"] = s.content;
  if (s.language && !s.language->empty()) o["contentMap"] = json::object{{*s.language, s.content}};
  json::array attachments;
  if (parts.media)
    for (const auto& m : *parts.media) attachments.push_back(document_json(app, m));
  o["attachment"] = std::move(attachments);
  json::array tags;
  for (const auto& m : parts.mentions)
    tags.push_back(
        json::object{{"type", "Mention"}, {"href", m.uri}, {"name", mention_name(app, m)}});
  for (const auto& tag : parts.tags)
    tags.push_back(
        json::object{{"type", "Hashtag"}, {"href", app.tag_url(tag)}, {"name", "#" + tag}});
  std::vector<std::string_view> texts{s.content, s.spoiler_text};
  if (parts.poll)
    for (const auto& option : parts.poll->options) texts.push_back(option.title);
  add_emoji_tags(app, tags, service::custom_emoji_registry().used_in("", texts));
  o["tag"] = std::move(tags);
  // As Mastodon: the first self replies, then the next page of self replies after the last one,
  // or (none) the other accounts' replies.
  std::string replies = s.uri + "/replies";
  json::array self_replies;
  std::string next = replies + "?only_other_accounts=true&page=true";
  if (parts.self_replies && !parts.self_replies->empty()) {
    for (const auto& [id, uri] : *parts.self_replies) self_replies.emplace_back(uri);
    next = replies + "?min_id=" + std::to_string(parts.self_replies->back().first) + "&page=true";
  }
  o["replies"] = json::object{{"id", replies},
                              {"type", "Collection"},
                              {"first", json::object{{"type", "CollectionPage"},
                                                     {"next", next},
                                                     {"partOf", replies},
                                                     {"items", std::move(self_replies)}}}};
  o["likes"] = json::object{
      {"id", s.uri + "/likes"}, {"type", "Collection"}, {"totalItems", s.favourites_count}};
  o["shares"] = json::object{
      {"id", s.uri + "/shares"}, {"type", "Collection"}, {"totalItems", s.reblogs_count}};
  if (parts.poll) add_question_properties(o, *parts.poll);
  if (parts.quote) {  // FEP-044f, with the older properties other software reads
    o["quote"] = parts.quote->quoted_uri;
    o["quoteUri"] = parts.quote->quoted_uri;
    o["_misskey_quote"] = parts.quote->quoted_uri;
    if (parts.quote->state == "accepted" && !parts.quote->authorization_uri.empty())
      o["quoteAuthorization"] = parts.quote->authorization_uri;
  }
  // Who may quote it: everyone, the author's followers, or (nobody) the author alone.
  json::value automatic(parts.author->uri);
  if (s.quote_policy == "public" && s.visibility != store::Visibility::private_ &&
      s.visibility != store::Visibility::direct)
    automatic = kPublicCollection;
  else if (s.quote_policy == "followers" && s.visibility != store::Visibility::private_ &&
           s.visibility != store::Visibility::direct)
    automatic = followers_of(*parts.author);
  o["interactionPolicy"] =
      json::object{{"canQuote", json::object{{"automaticApproval", json::array{automatic}},
                                             {"manualApproval", json::array()}}}};
  return o;
}

json::object update_question_activity(const json::object& question, std::int64_t at) {
  json::object o;
  o["@context"] = object_context();
  o["id"] = std::string(question.at("id").as_string()) + "#updates/" + std::to_string(at);
  o["type"] = "Update";
  o["actor"] = question.at("attributedTo");
  o["to"] = question.at("to");
  o["cc"] = question.at("cc");
  json::object object = question;
  object.erase("@context");
  o["object"] = std::move(object);
  return o;
}

json::object vote_activity(const store::Account& voter, Id vote_id, const std::string& option_title,
                           const std::string& question_uri, const std::string& poll_author_uri) {
  std::string id = voter.uri + "#votes/" + std::to_string(vote_id);
  json::object note{{"id", id},
                    {"type", "Note"},
                    {"name", option_title},
                    {"attributedTo", voter.uri},
                    {"inReplyTo", question_uri},
                    {"to", poll_author_uri}};
  return json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                      {"id", id + "/activity"},
                      {"type", "Create"},
                      {"actor", voter.uri},
                      {"to", poll_author_uri},
                      {"object", std::move(note)}};
}

json::object create_activity(const App& app, const json::object& note) {
  json::object o;
  o["@context"] = object_context();
  o["id"] = std::string(note.at("id").as_string()) + "/activity";
  o["type"] = "Create";
  o["actor"] = note.at("attributedTo");
  o["published"] = note.at("published");
  o["to"] = note.at("to");
  o["cc"] = note.at("cc");
  json::object object = note;
  object.erase("@context");
  o["object"] = std::move(object);
  return o;
}

json::object update_note_activity(const App& app, const json::object& note,
                                  std::int64_t edited_at) {
  json::object o = create_activity(app, note);
  o["id"] = std::string(note.at("id").as_string()) + "#updates/" + std::to_string(edited_at / 1000);
  o["type"] = "Update";
  o["published"] = rfc3339(edited_at).substr(0, 19) + "Z";
  return o;
}

json::object delete_activity(const store::Status& status, const NoteParts& parts) {
  json::object o;
  o["@context"] = object_context();
  o["id"] = status.uri + "#delete";
  o["type"] = "Delete";
  o["actor"] = parts.author->uri;
  std::vector<std::string> to = note_to(status, parts);
  std::vector<std::string> cc = note_cc(status, parts);
  if (status.visibility == store::Visibility::public_ ||
      status.visibility == store::Visibility::unlisted) {
    // As Mastodon: to Public; everyone else the status was addressed to in cc.
    for (const auto& iri : to)
      if (iri != kPublicCollection && std::find(cc.begin(), cc.end(), iri) == cc.end())
        cc.push_back(iri);
    to = {kPublicCollection};
    cc.erase(std::remove(cc.begin(), cc.end(), kPublicCollection), cc.end());
  }
  o["to"] = to_array(to);
  o["cc"] = to_array(cc);
  o["object"] = json::object{{"id", status.uri}, {"type", "Tombstone"}, {"atomUri", status.uri}};
  return o;
}

json::object announce_activity(const App& app, const store::Status& reblog,
                               const store::Account& booster, const std::string& original_uri,
                               const std::string& original_author_uri) {
  json::object o;
  o["@context"] = object_context();
  o["id"] = reblog.uri;
  o["type"] = "Announce";
  o["actor"] = booster.uri;
  o["published"] = rfc3339(reblog.created_at).substr(0, 19) + "Z";
  json::array to, cc;
  cc.emplace_back(original_author_uri);
  if (reblog.visibility == store::Visibility::public_) {
    to.emplace_back(kPublicCollection);
    cc.emplace_back(followers_of(booster));
  } else if (reblog.visibility == store::Visibility::unlisted) {
    to.emplace_back(followers_of(booster));
    cc.emplace_back(kPublicCollection);
  } else {
    to.emplace_back(followers_of(booster));
  }
  o["to"] = std::move(to);
  o["cc"] = std::move(cc);
  o["object"] = original_uri;
  return o;
}

json::object like_activity(const store::Account& actor, const std::string& object_uri) {
  return json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                      {"id", actor.uri + "#likes/" + http::percent_encode(object_uri)},
                      {"type", "Like"},
                      {"actor", actor.uri},
                      {"object", object_uri}};
}

json::object follow_activity(const std::string& id, const std::string& actor_uri,
                             const std::string& object_uri) {
  return json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                      {"id", id},
                      {"type", "Follow"},
                      {"actor", actor_uri},
                      {"object", object_uri}};
}

namespace {
json::object respond_to_follow(const char* type, const store::Account& actor,
                               const json::object& follow) {
  json::object object = follow;
  object.erase("@context");
  std::string follow_id = object.contains("id") && object.at("id").is_string()
                              ? std::string(object.at("id").as_string())
                              : std::string();
  return json::object{
      {"@context", "https://www.w3.org/ns/activitystreams"},
      {"id", actor.uri + "#" + (std::string(type) == "Accept" ? "accepts" : "rejects") +
                 "/follows/" + http::percent_encode(follow_id)},
      {"type", type},
      {"actor", actor.uri},
      {"object", std::move(object)}};
}
}  // namespace

json::object accept_activity(const store::Account& actor, const json::object& follow) {
  return respond_to_follow("Accept", actor, follow);
}
json::object reject_activity(const store::Account& actor, const json::object& follow) {
  return respond_to_follow("Reject", actor, follow);
}

json::object block_activity(const std::string& id, const store::Account& actor,
                            const std::string& object_uri) {
  return json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                      {"id", id},
                      {"type", "Block"},
                      {"actor", actor.uri},
                      {"object", object_uri}};
}

json::object undo_activity(const std::string& actor_uri, const json::object& activity) {
  json::object object = activity;
  object.erase("@context");
  std::string id = object.contains("id") && object.at("id").is_string()
                       ? std::string(object.at("id").as_string())
                       : actor_uri;
  json::object o{{"@context", "https://www.w3.org/ns/activitystreams"},
                 {"id", id + "/undo"},
                 {"type", "Undo"},
                 {"actor", actor_uri},
                 {"object", std::move(object)}};
  if (auto it = activity.find("to"); it != activity.end()) o["to"] = it->value();
  if (auto it = activity.find("cc"); it != activity.end()) o["cc"] = it->value();
  return o;
}

json::object update_actor_activity(const App& app, const store::Account& account) {
  json::object actor = actor_json(app, account);
  actor.erase("@context");
  return json::object{{"@context", actor_context()},
                      {"id", account.uri + "#updates/" + std::to_string(now_unix_ms())},
                      {"type", "Update"},
                      {"actor", account.uri},
                      {"to", json::array{kPublicCollection}},
                      {"object", std::move(actor)}};
}

json::object ordered_collection(const std::string& id, std::int64_t total_items,
                                const std::optional<std::string>& first) {
  json::object o{{"@context", "https://www.w3.org/ns/activitystreams"},
                 {"id", id},
                 {"type", "OrderedCollection"},
                 {"totalItems", total_items}};
  if (first) o["first"] = *first;
  return o;
}

json::object ordered_collection_page(const std::string& id, const std::string& part_of,
                                     json::array items, const std::optional<std::string>& next,
                                     std::optional<std::int64_t> total_items) {
  json::object o{{"@context", "https://www.w3.org/ns/activitystreams"},
                 {"id", id},
                 {"type", "OrderedCollectionPage"}};
  if (total_items) o["totalItems"] = *total_items;
  if (next) o["next"] = *next;
  o["partOf"] = part_of;
  o["orderedItems"] = std::move(items);
  return o;
}

}  // namespace herd::federation
