#include "federation/forwarding.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "federation/activitystreams.hpp"
#include "federation/outbox.hpp"
#include "federation/resolver.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

thread_local const ForwardableScope* current_scope = nullptr;

// A signature a receiver can check without asking us: a Linked Data signature or an integrity
// proof.
bool carries_own_signature(const json::object& activity) {
  for (std::string_view name : {"signature", "proof"}) {
    const json::value* value = activity.if_contains(name);
    if (value && (value->is_object() || value->is_array())) return true;
  }
  return false;
}

// Whether the activity or its embedded object names `collection` in to, cc or audience.
bool addressed_to(const json::object& activity, const std::string& collection) {
  auto names = [&](const json::object& object) {
    for (std::string_view field : {"to", "cc", "audience"})
      for (const std::string& id : as::ids(object, field))
        if (id == collection) return true;
    return false;
  };
  if (names(activity)) return true;
  const json::value* object = as::find(activity, "object");
  return object && object->is_object() && names(object->get_object());
}

// The host an inbox (or a kNoInbox entry: its actor) lives on.
std::string inbox_domain(const std::string& inbox) {
  if (inbox.rfind(store::kNoInbox, 0) == 0) return domain_of(inbox.substr(store::kNoInbox.size()));
  return domain_of(inbox);
}

ForwardedCheck verdict(ForwardedCheck::Verdict kind, std::string reason) {
  ForwardedCheck check;
  check.verdict = kind;
  check.reason = std::move(reason);
  return check;
}

}  // namespace

ForwardableScope::ForwardableScope(const json::object& activity_in, const store::Account& actor_in,
                                   const Arrival& arrival_in)
    : activity(activity_in),
      actor(actor_in),
      arrival(arrival_in),
      type(as::type_of(activity_in)),
      object_id(as::first_id(activity_in, "object")),
      previous_(current_scope) {
  current_scope = this;
}

ForwardableScope::~ForwardableScope() {
  current_scope = previous_;
}

void forward_received(App& app, store::Connection& c, const store::Status& status,
                      std::string_view type) {
  const ForwardableScope* scope = current_scope;
  if (!scope || scope->arrival.body.empty() || scope->type != type || status.uri.empty() ||
      scope->object_id != status.uri || status.account_id != scope->actor.id)
    return;
  std::optional<store::Account> replied_to;
  if (status.in_reply_to_account_id)
    if (auto author = store::find_account(c, *status.in_reply_to_account_id);
        author && author->local() && !author->suspended)
      replied_to = std::move(author);
  std::vector<Id> accounts;  // whose followers hear of it; the first one signs
  if (replied_to) accounts.push_back(replied_to->id);
  if (type != "Create")
    for (Id id : store::local_reblogger_ids(c, status.id))
      if (std::find(accounts.begin(), accounts.end(), id) == accounts.end()) accounts.push_back(id);
  if (accounts.empty()) return;
  bool allowed = status.visibility == store::Visibility::public_ ||
                 status.visibility == store::Visibility::unlisted;
  if (!allowed && replied_to)
    allowed = addressed_to(scope->activity, replied_to->followers_url.empty()
                                                ? replied_to->uri + "/followers"
                                                : replied_to->followers_url);
  if (!allowed) return;
  if (!carries_own_signature(scope->activity)) {
    log::info("inbox: {} {} not forwarded: it carries no signature of its own", type, status.uri);
    return;
  }
  std::string origin = domain_of(scope->actor.uri);
  std::string sender = domain_of(scope->arrival.signer);
  std::vector<std::string> inboxes = store::follower_inboxes(c, accounts);
  std::erase_if(inboxes, [&](const std::string& inbox) {
    std::string domain = inbox_domain(inbox);
    return domain == origin || domain == sender;
  });
  if (inboxes.empty()) return;
  log::info("inbox: forwarding {} {} to {} inbox(es)", type, status.uri, inboxes.size());
  enqueue_delivery(app, c, accounts.front(), std::string(scope->arrival.body), inboxes);
}

ForwardedCheck check_forwarded(App& app, const json::object& activity,
                               const std::string& actor_uri) {
  using Verdict = ForwardedCheck::Verdict;
  std::string type = as::type_of(activity);
  if (type != "Create" && type != "Update" && type != "Delete")
    return verdict(Verdict::ignored, "only a Create, Update or Delete of a status is checked");
  std::string object_id = as::first_id(activity, "object");
  if (object_id.empty() || object_id == actor_uri || is_local_uri(app, object_id))
    return verdict(Verdict::ignored, "not about a status of the actor's server");
  if (domain_of(object_id) != domain_of(actor_uri))
    return verdict(Verdict::forged, "the object is not on the actor's server");
  FetchBudget budget(app, 8'000);  // on a server thread, as the inbox's own fetches
  auto stored = app.db->read_value([&](store::Connection& c) -> std::optional<store::Status> {
    auto id = store::find_status_id_by_uri(c, object_id);
    if (!id) return std::nullopt;
    return store::find_status(c, *id);
  });
  if (type == "Create" && stored) return verdict(Verdict::ignored, "already here");
  if (type != "Create" && !stored) return verdict(Verdict::ignored, "unknown status");
  FetchFailure failure = FetchFailure::none;
  auto document = fetch_document(app, object_id, &failure);
  if (!document && failure == FetchFailure::unavailable)
    return verdict(Verdict::unavailable, "the object's server did not answer; try again later");
  if (type == "Delete") {
    if (document && !as::has_type(*document, "Tombstone"))
      return verdict(Verdict::forged, "the object's server still serves it");
    if (!document && failure != FetchFailure::gone)
      return verdict(Verdict::ignored, "the object's server gave no usable answer");
    if (stored->visibility != store::Visibility::public_ &&
        stored->visibility != store::Visibility::unlisted)
      return verdict(Verdict::ignored,
                     "not public here: a 404 from its server does not prove the deletion");
    ForwardedCheck check = verdict(Verdict::confirmed, "");
    check.activity = activity;
    return check;
  }
  if (!document) return verdict(Verdict::forged, "the object's server does not serve it");
  auto post = as::parse_post(*document);
  if (!post || post->id != object_id)
    return verdict(Verdict::forged, "the object's server serves something else at its id");
  ForwardedCheck check = verdict(Verdict::confirmed, "");
  check.activity = activity;
  check.activity["object"] = std::move(*document);
  return check;
}

}  // namespace herd::federation
