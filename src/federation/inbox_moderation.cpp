// Flag and Move, both ways where herd sends them (federation/moderation.hpp).
#include <algorithm>
#include <map>

#include "core/log.hpp"
#include "federation/activitystreams.hpp"
#include "federation/moderation.hpp"
#include "federation/outbox.hpp"
#include "federation/resolver.hpp"
#include "federation/serialize.hpp"
#include "service/reports.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"

namespace herd::federation {

namespace json = boost::json;

std::vector<std::string> also_known_as_of(const json::object& actor) {
  return as::ids(actor, "alsoKnownAs");
}

json::object flag_activity(const App& app, const store::Report& report,
                           const std::string& target_uri,
                           const std::vector<std::string>& status_uris) {
  json::array object;
  object.emplace_back(target_uri);
  for (const auto& uri : status_uris) object.emplace_back(uri);
  json::object o;
  o["@context"] = std::string(as::kContext);
  o["id"] = report.uri.value_or(app.base_url() + "/reports/" + std::to_string(report.id));
  o["type"] = "Flag";
  o["actor"] = instance_actor_uri(app);
  o["content"] = report.comment;
  o["object"] = std::move(object);
  return o;
}

void on_report_forwarded(App& app, store::Connection& c, const store::Report& report,
                         const store::Account& target) {
  if (target.local() || target.inbox_url.empty()) return;
  std::vector<std::string> status_uris;
  for (const auto& status : store::find_statuses(c, report.status_ids))
    if (!status.uri.empty()) status_uris.push_back(status.uri);
  enqueue_delivery(app, c, 0, flag_activity(app, report, target.uri, status_uris),
                   {target.inbox_url});
}

void publish_migration(store::Connection& c, const store::Account& account, json::object& actor) {
  std::string moved_to;
  if (account.moved_to_account_id)
    if (auto target = store::find_account(c, *account.moved_to_account_id)) moved_to = target->uri;
  add_migration_properties(actor, store::account_also_known_as(c, account.id), moved_to);
}

IngestResult receive_flag(App& app, const json::object& activity, const store::Account& actor) {
  std::vector<store::Account> targets;
  std::map<Id, std::vector<Id>> statuses_of;
  bool rejected = false;
  app.db->read([&](store::Connection& c) {
    if ((rejected = store::domain_rejects_reports(c, actor.domain))) return;
    for (const std::string& uri : as::ids(activity, "object")) {
      if (!is_local_uri(app, uri)) continue;  // only what is ours
      if (auto account = store::find_account_by_uri(c, uri)) {
        if (account->local() && !account->suspended &&
            std::none_of(targets.begin(), targets.end(),
                         [&](const store::Account& a) { return a.id == account->id; }))
          targets.push_back(*account);
        continue;
      }
      if (auto id = store::find_status_id_by_uri(c, uri)) {
        auto status = store::find_status(c, *id);
        if (status && status->local) statuses_of[status->account_id].push_back(status->id);
      }
    }
  });
  if (rejected)  // logged with the reason, as every ignored activity
    return {Outcome::ignored, "reports from " + actor.domain + " are rejected (reject_reports)"};
  if (targets.empty()) return {Outcome::ignored, "the Flag names no local account"};
  std::string uri = as::id_of(activity);
  std::string comment = as::string_of(activity, "content");
  if (comment.size() > 5000) comment.resize(5000);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    // One report per reported account; the Flag's id names the first.
    std::string report_uri =
        uri.empty() || i == 0 ? uri : uri + "#" + std::to_string(targets[i].id);
    service::receive_report(app, actor.id, targets[i].id, statuses_of[targets[i].id], comment,
                            report_uri);
  }
  return {Outcome::accepted, ""};
}

IngestResult receive_move(App& app, const json::object& activity, const store::Account& actor) {
  std::string origin_uri = as::first_id(activity, "object");
  std::string target_uri = as::first_id(activity, "target");
  if (origin_uri != actor.uri) return {Outcome::rejected, "the moved account is not the actor"};
  if (target_uri.empty() || target_uri == origin_uri)
    return {Outcome::ignored, "Move without a target"};
  std::optional<store::Account> target;
  std::vector<std::string> aliases;
  if (is_local_uri(app, target_uri)) {
    app.db->read([&](store::Connection& c) {
      target = store::find_account_by_uri(c, target_uri);
      if (target) aliases = store::account_also_known_as(c, target->id);
    });
  } else {
    // Fetched fresh: the alias must stand now, not in a copy stored earlier.
    auto document = fetch_document(app, target_uri);
    if (!document) return {Outcome::ignored, "the Move's target is not available"};
    if (as::id_of(*document) != target_uri)
      return {Outcome::ignored, "the Move's target has another id"};
    aliases = also_known_as_of(*document);
    target = store_actor(app, *document);
  }
  if (!target || target->suspended) return {Outcome::ignored, "unknown Move target"};
  if (std::find(aliases.begin(), aliases.end(), origin_uri) == aliases.end())
    return {Outcome::ignored, "the Move's target does not list the origin in alsoKnownAs"};
  int moved = service::move_followers(app, actor.id, target->id);
  log::info("inbox: {} moved to {}: {} local followers follow it now", origin_uri, target_uri,
            moved);
  return {Outcome::accepted, ""};
}

}  // namespace herd::federation
