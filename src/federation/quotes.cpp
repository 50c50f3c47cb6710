#include "federation/quotes.hpp"

#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/documents.hpp"
#include "federation/outbox.hpp"
#include "federation/resolver.hpp"
#include "federation/serialize.hpp"
#include "service/notifications.hpp"
#include "service/quotes.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

bool is_public(const std::string& iri) {
  return iri == kPublicCollection || iri == "as:Public" || iri == "Public";
}

// "public", "followers" or "nobody" for an approval list of the author's note.
std::string policy_of(const std::vector<std::string>& approved, const store::Account& author) {
  for (const auto& iri : approved)
    if (is_public(iri)) return "public";
  for (const auto& iri : approved)
    if (!author.followers_url.empty() && iri == author.followers_url) return "followers";
  return "nobody";
}

std::optional<store::Status> status_by_uri(store::Connection& c, const std::string& uri) {
  auto id = store::find_status_id_by_uri(c, uri);
  if (!id) return std::nullopt;
  return store::find_status(c, *id);
}

IngestResult result(Outcome outcome, std::string reason = {}) {
  return IngestResult{outcome, std::move(reason)};
}

// The quote's state changes; the quoted status's count follows accepted quotes.
void set_state(store::Connection& c, store::Quote& quote, const std::string& state) {
  bool was = quote.state == "accepted", is = state == "accepted";
  if (quote.quoted_status_id && was != is)
    store::adjust_quotes_count(c, *quote.quoted_status_id, is ? 1 : -1);
  quote.state = state;
  quote.updated_at = now_unix_ms();
}

// Accept / Reject of a QuoteRequest, embedding it with the quote post by id only.
json::object answer_activity(const char* type, const store::Account& actor, json::object request,
                             const std::string& authorization) {
  if (const json::value* instrument = as::find(request, "instrument"))
    request["instrument"] = as::id_of(*instrument);
  request.erase("@context");
  json::object o{{"@context", object_context()},
                 {"id", actor.uri + "#quote_answers/" + std::to_string(next_id())},
                 {"type", type},
                 {"actor", actor.uri},
                 {"to", as::first_id(request, "actor")},
                 {"object", std::move(request)}};
  if (!authorization.empty()) o["result"] = authorization;
  return o;
}

// Whether a remote quote post's quoteAuthorization proves the quoted author approved it.
bool authorized(App& app, const as::Post& post, const std::optional<store::Status>& quoted) {
  const std::string& stamp = post.quote_authorization;
  if (stamp.empty() || !quoted) return false;
  if (is_local_uri(app, stamp))  // one we granted: it names this post
    return app.db->read_value([&](store::Connection& c) {
      auto quote = store::find_quote_by_authorization(c, stamp);
      return quote && quote->uri == post.id && quote->state == "accepted" &&
             quote->quoted_status_id == quoted->id;
    });
  auto document = fetch_document(app, stamp);
  if (!document || as::type_of(*document) != "QuoteAuthorization") return false;
  auto author = app.db->read_value(
      [&](store::Connection& c) { return store::find_account(c, quoted->account_id); });
  std::string attributed = as::first_id(*document, "attributedTo");
  return author && as::id_of(*document) == stamp &&
         as::first_id(*document, "interactingObject") == post.id &&
         as::first_id(*document, "interactionTarget") == quoted->uri && attributed == author->uri &&
         domain_of(stamp) == domain_of(attributed);
}

}  // namespace

// ---- outbound
// ------------------------------------------------------------------------------------

void on_quote_requested(App& app, store::Connection& c, const store::Quote& quote,
                        const store::Status& quoting) {
  if (!quote.quoted_account_id) return;
  auto quoted_author = store::find_account(c, *quote.quoted_account_id);
  auto author = store::find_account(c, quoting.account_id);
  if (!quoted_author || quoted_author->local() || !author || !author->local()) return;
  auto note = status_object(app, c, quoting);
  if (!note) return;
  note->erase("@context");
  json::object request{{"@context", object_context()},  {"id", quote.request_uri},
                       {"type", "QuoteRequest"},        {"actor", author->uri},
                       {"to", quoted_author->uri},      {"object", quote.quoted_uri},
                       {"instrument", std::move(*note)}};
  enqueue_delivery(app, c, author->id, request, {quoted_author->inbox_url});
}

void on_quote_revoked(App& app, store::Connection& c, const store::Quote& quote) {
  if (!quote.quoted_account_id || quote.authorization_uri.empty()) return;
  auto quoted_author = store::find_account(c, *quote.quoted_account_id);
  auto quoting_author = store::find_account(c, quote.account_id);
  if (!quoted_author || !quoted_author->local() || !quoting_author) return;
  std::vector<std::string> inboxes;
  if (!quoting_author->local())
    inboxes.push_back(quoting_author->shared_inbox_url.empty() ? quoting_author->inbox_url
                                                               : quoting_author->shared_inbox_url);
  if (quote.quoted_status_id)
    if (auto quoted = store::find_status(c, *quote.quoted_status_id))
      for (auto& inbox : status_inboxes(c, *quoted)) inboxes.push_back(std::move(inbox));
  if (inboxes.empty()) return;
  json::object activity{
      {"@context", object_context()},
      {"id", quote.authorization_uri + "#delete"},
      {"type", "Delete"},
      {"actor", quoted_author->uri},
      {"to", json::array{quoting_author->uri}},
      {"object", json::object{{"id", quote.authorization_uri}, {"type", "QuoteAuthorization"}}}};
  enqueue_delivery(app, c, quoted_author->id, activity, inboxes);
}

void on_note_refreshed(App& app, store::Connection& c, const store::Status& status) {
  if (!status.local || status.reblog_of_id) return;
  // An Update(Note) as an edit's: whoever holds a copy (the quoted author too) learns of it.
  std::vector<std::string> inboxes = status_inboxes(c, status, Reach::edited);
  if (inboxes.empty()) return;
  if (auto note = status_object(app, c, status))
    enqueue_delivery(app, c, status.account_id, update_note_activity(app, *note, now_unix_ms()),
                     inboxes);
}

std::optional<json::object> quote_authorization_document(App& app, store::Connection& c,
                                                         const std::string& username, Id quote_id) {
  auto quote = store::find_quote(c, quote_id);
  if (!quote || quote->state != "accepted" || !quote->quoted_account_id) return std::nullopt;
  auto author = store::find_account(c, *quote->quoted_account_id);
  if (!author || !author->local() || author->username != username) return std::nullopt;
  if (quote->authorization_uri != service::quote_authorization_uri(app, username, quote->id))
    return std::nullopt;
  return json::object{{"@context", object_context()},    {"id", quote->authorization_uri},
                      {"type", "QuoteAuthorization"},    {"attributedTo", author->uri},
                      {"interactingObject", quote->uri}, {"interactionTarget", quote->quoted_uri}};
}

// ---- inbound
// -------------------------------------------------------------------------------------

void apply_quote_policy(const as::Post& post, const store::Account& author, store::Status& status) {
  if (!post.has_quote_policy) {
    status.quote_policy = "nobody";
    status.quote_policy_manual.clear();
    return;
  }
  status.quote_policy = policy_of(post.quote_automatic, author);
  std::string manual = policy_of(post.quote_manual, author);
  status.quote_policy_manual = manual == "nobody" ? "" : manual;
}

void receive_quote(App& app, const as::Post& post, const store::Status& stored,
                   const StatusResolver& resolve) {
  if (post.quote.empty() || post.quote == post.id) return;
  std::optional<store::Status> quoted = resolve(post.quote, nullptr);
  if (quoted && quoted->reblog_of_id) quoted.reset();
  bool stamp_valid = authorized(app, post, quoted);  // may fetch: outside the transaction
  app.db->write([&](store::Connection& c) {
    auto existing = store::find_quote_of_status(c, stored.id);
    if (!existing) existing = store::find_quote_by_uri(c, post.id);
    store::Quote quote;
    if (existing) {
      quote = *existing;
    } else {
      quote.id = next_id();
      quote.uri = post.id;
      quote.account_id = stored.account_id;
      quote.quoted_uri = post.quote;
      quote.state = "pending";
      quote.created_at = quote.updated_at = now_unix_ms();
    }
    bool was_accepted = quote.state == "accepted";
    bool had_status = quote.status_id.has_value();
    quote.status_id = stored.id;
    if (quoted && !quote.quoted_status_id) {
      quote.quoted_status_id = quoted->id;
      quote.quoted_account_id = quoted->account_id;
    }
    if (!existing) store::insert_quote(c, quote);
    bool approve =
        was_accepted || stamp_valid || (quoted && quoted->account_id == stored.account_id);
    if (approve && !was_accepted) {
      if (!post.quote_authorization.empty() && !is_local_uri(app, post.quote_authorization))
        quote.authorization_uri = post.quote_authorization;
      set_state(c, quote, "accepted");
    }
    store::update_quote(c, quote);
    // The quoted author hears of it once, when the approved quote post is here.
    if (approve && quoted && quoted->local && (!was_accepted || !had_status))
      service::notify(app, c, quoted->account_id, stored.account_id, "quote", stored.id);
  });
}

IngestResult receive_quote_request(App& app, const json::object& activity,
                                   const store::Account& actor, const StatusResolver& resolve) {
  std::string request_id = as::id_of(activity);
  const json::value* instrument = as::find(activity, "instrument");
  std::string quoting_uri = instrument ? as::id_of(*instrument) : "";
  if (request_id.empty() || quoting_uri.empty())
    return result(Outcome::ignored, "QuoteRequest without id or instrument");
  if (domain_of(quoting_uri) != domain_of(actor.uri))
    return result(Outcome::rejected, "the quote post is not the actor's");
  auto quoted = app.db->read_value(
      [&](store::Connection& c) { return status_by_uri(c, as::first_id(activity, "object")); });
  if (!quoted || !quoted->local || quoted->reblog_of_id)
    return result(Outcome::ignored, "not a local status");
  const json::object* inlined = instrument->is_object() ? &instrument->get_object() : nullptr;
  std::optional<store::Status> quoting = resolve(quoting_uri, inlined);
  if (quoting && quoting->account_id != actor.id)
    return result(Outcome::rejected, "the quote post is not the actor's");
  app.db->write([&](store::Connection& c) {
    auto author = store::find_account(c, quoted->account_id);
    if (!author) return;
    auto relation = store::load_relationships(c, actor.id, {author->id})[author->id];
    bool allowed = service::quote_approval_for(*quoted, actor.id, relation) == "automatic";
    auto existing = store::find_quote_by_uri(c, quoting_uri);
    if (!existing && quoting) existing = store::find_quote_of_status(c, quoting->id);
    store::Quote quote;
    if (existing) {
      quote = *existing;
    } else {
      quote.id = next_id();
      quote.uri = quoting_uri;
      quote.account_id = actor.id;
      quote.state = "pending";
      quote.created_at = quote.updated_at = now_unix_ms();
    }
    bool was_accepted = quote.state == "accepted";
    if (quoting) quote.status_id = quoting->id;
    quote.quoted_status_id = quoted->id;
    quote.quoted_account_id = quoted->account_id;
    quote.quoted_uri = quoted->uri;
    quote.request_uri = request_id;
    if (!existing) store::insert_quote(c, quote);
    if (allowed) {
      quote.authorization_uri = service::quote_authorization_uri(app, author->username, quote.id);
      set_state(c, quote, "accepted");
    } else {
      set_state(c, quote, "rejected");
    }
    store::update_quote(c, quote);
    if (allowed && !was_accepted && quote.status_id)
      service::notify(app, c, author->id, actor.id, "quote", *quote.status_id);
    json::object answer = answer_activity(allowed ? "Accept" : "Reject", *author, activity,
                                          allowed ? quote.authorization_uri : "");
    enqueue_delivery(app, c, author->id, answer, {actor.inbox_url});
  });
  return result(Outcome::accepted);
}

std::optional<IngestResult> receive_quote_answer(App& app, const json::object& activity,
                                                 const store::Account& actor, bool accepted) {
  const json::value* object = as::find(activity, "object");
  if (!object) return std::nullopt;
  std::string request_id = as::id_of(*object);
  bool typed = object->is_object() && as::type_of(object->get_object()) == "QuoteRequest";
  auto quote = app.db->read_value(
      [&](store::Connection& c) { return store::find_quote_by_request(c, request_id); });
  if (!quote) {
    if (typed) return result(Outcome::ignored, "unknown QuoteRequest");
    return std::nullopt;
  }
  if (quote->quoted_account_id != actor.id)
    return result(Outcome::rejected, "the quoted post is not the actor's");
  std::string stamp = as::first_id(activity, "result");
  if (accepted && stamp.empty()) return result(Outcome::ignored, "Accept without a result");
  if (accepted && domain_of(stamp) != domain_of(actor.uri))
    return result(Outcome::rejected, "the authorization is not hosted by the actor's server");
  app.db->write([&](store::Connection& c) {
    auto current = store::find_quote(c, quote->id);
    if (!current) return;
    if (accepted) current->authorization_uri = stamp;
    set_state(c, *current, accepted ? "accepted" : "rejected");
    store::update_quote(c, *current);
    if (current->status_id)  // the quote post, sent again with its quoteAuthorization
      if (auto quoting = store::find_status(c, *current->status_id))
        on_note_refreshed(app, c, *quoting);
  });
  return result(Outcome::accepted);
}

std::optional<IngestResult> receive_authorization_deleted(App& app, const std::string& id,
                                                          const store::Account& actor) {
  auto quote = app.db->read_value(
      [&](store::Connection& c) { return store::find_quote_by_authorization(c, id); });
  if (!quote) return std::nullopt;
  if (quote->quoted_account_id != actor.id)
    return result(Outcome::rejected, "the authorization is not the actor's");
  app.db->write([&](store::Connection& c) {
    auto current = store::find_quote(c, quote->id);
    if (!current) return;
    set_state(c, *current, "revoked");
    store::update_quote(c, *current);
    if (current->status_id)
      if (auto quoting = store::find_status(c, *current->status_id))
        on_note_refreshed(app, c, *quoting);
  });
  return result(Outcome::accepted);
}

}  // namespace herd::federation
