#include "federation/featured.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "federation/activitystreams.hpp"
#include "federation/outbox.hpp"
#include "federation/serialize.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"
#include "store/tags.hpp"
#include "text/format.hpp"

namespace herd::federation {

namespace json = boost::json;

namespace {

std::string featured_collection(const store::Account& account) {
  return account.featured_url.empty() ? account.uri + "/collections/featured"
                                      : account.featured_url;
}

void send(App& app, store::Connection& c, const store::Account& account, bool add,
          json::value object) {
  std::vector<std::string> inboxes = store::follower_inboxes(c, account.id);
  if (inboxes.empty()) return;
  json::object activity{{"@context", object_context()},
                        {"id", account.uri + "#featured/" + std::to_string(next_id())},
                        {"type", add ? "Add" : "Remove"},
                        {"actor", account.uri},
                        {"target", featured_collection(account)},
                        {"object", std::move(object)}};
  enqueue_delivery(app, c, account.id, activity, inboxes);
}

IngestResult result(Outcome outcome, std::string reason = "") {
  return IngestResult{outcome, std::move(reason)};
}

}  // namespace

void on_status_pinned(App& app, store::Connection& c, const store::Status& status, bool pinned) {
  auto account = store::find_account(c, status.account_id);
  if (!account || !account->local() || status.visibility == store::Visibility::direct) return;
  send(app, c, *account, pinned, json::value(status.uri));
}

void on_tag_featured(App& app, store::Connection& c, Id account_id, const std::string& tag_name,
                     bool featured) {
  auto account = store::find_account(c, account_id);
  if (!account || !account->local()) return;
  send(
      app, c, *account, featured,
      json::object{{"type", "Hashtag"}, {"href", app.tag_url(tag_name)}, {"name", "#" + tag_name}});
}

IngestResult receive_featured(App& app, const json::object& activity, const store::Account& actor,
                              bool add) {
  std::string target = as::first_id(activity, "target");
  if (target.empty() || target != featured_collection(actor))
    return result(Outcome::ignored, "not the actor's featured collection");
  const json::value* object = as::find(activity, "object");
  if (!object) return result(Outcome::ignored, "no object");
  if (object->is_object() && as::has_type(object->as_object(), "Hashtag")) {
    std::string name = as::string_of(object->as_object(), "name");
    if (!name.empty() && name[0] == '#') name.erase(0, 1);
    auto tag_name = text::hashtag_name(name);
    if (!tag_name) return result(Outcome::ignored, "not a hashtag name");
    app.db->write([&](store::Connection& c) {
      if (add) {
        std::int64_t now = now_unix_ms();
        store::insert_featured_tag(c, next_id(), actor.id,
                                   store::find_or_create_tag(c, *tag_name, now), now);
        return;
      }
      for (const auto& featured : store::featured_tags_of(c, actor.id))
        if (featured.tag.name == *tag_name) store::delete_featured_tag(c, actor.id, featured.id);
    });
    return result(Outcome::accepted);
  }
  std::string uri = as::id_of(*object);
  if (uri.empty() || as::host_of(uri) != as::host_of(actor.uri))
    return result(Outcome::rejected, "a pin of a post hosted elsewhere");
  std::optional<Id> id = app.db->read_value(
      [&](store::Connection& c) { return store::find_status_id_by_uri(c, uri); });
  if (!id && add) id = fetch_post(app, uri);
  if (!id) return result(Outcome::ignored, "unknown post");
  bool pinned = app.db->write_value([&](store::Connection& c) {
    auto status = store::find_status(c, *id);
    if (!status || status->account_id != actor.id || status->reblog_of_id) return false;
    store::set_pinned(c, status->id,
                      add ? std::optional<std::int64_t>(now_unix_ms()) : std::nullopt);
    return true;
  });
  return pinned ? result(Outcome::accepted) : result(Outcome::ignored, "not the actor's own post");
}

}  // namespace herd::federation
