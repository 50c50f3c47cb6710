#include "stream/publish.hpp"

#include <algorithm>

#include "store/lists.hpp"
#include "store/statuses.hpp"
#include "store/stream.hpp"
#include "stream/hub.hpp"

namespace herd::stream {

namespace {

void add_unique(std::vector<std::string>& channels, std::string channel) {
  if (std::find(channels.begin(), channels.end(), channel) == channels.end())
    channels.push_back(std::move(channel));
}

// The public and hashtag channels a status reaches (none unless public and not a reblog).
std::vector<std::string> public_channels(const store::Status& status,
                                         const std::vector<std::string>& tags) {
  std::vector<std::string> channels;
  if (status.visibility != store::Visibility::public_ || status.reblog_of_id) return channels;
  for (const auto& tag : tags) {
    add_unique(channels, hashtag_channel(tag, false));
    if (status.local) add_unique(channels, hashtag_channel(tag, true));
  }
  bool reply_to_other = status.in_reply_to_id && status.in_reply_to_account_id != status.account_id;
  if (reply_to_other) return channels;
  const std::string origin = status.local ? "public:local" : "public:remote";
  channels.push_back("public");
  channels.push_back(origin);
  if (status.has_media) {
    channels.push_back("public:media");
    channels.push_back(origin + ":media");
  }
  return channels;
}

}  // namespace

void status_created(App& app, store::Connection& c, const store::Status& status,
                    const std::vector<Id>& home, const std::vector<std::string>& tags,
                    const std::vector<Id>& mentioned, const std::vector<store::List>* lists) {
  if (!app.stream) return;
  Event event;
  event.name = "update";
  event.object_id = status.id;
  event.accounts.push_back(status.account_id);
  if (status.reblog_of_id)
    if (auto original = store::find_status(c, *status.reblog_of_id))
      event.accounts.push_back(original->account_id);
  event.accounts.insert(event.accounts.end(), mentioned.begin(), mentioned.end());
  for (Id account : home) add_unique(event.channels, user_channel(account));
  // The author's posts reach the lists holding the author, for owners whose home they reach.
  if (status.visibility != store::Visibility::direct && !home.empty())
    for (const auto& list : lists ? *lists : store::lists_with_member(c, status.account_id))
      if (std::find(home.begin(), home.end(), list.account_id) != home.end())
        add_unique(event.channels, list_channel(list.id));
  for (auto& channel : public_channels(status, tags))
    add_unique(event.channels, std::move(channel));
  app.stream->publish(std::move(event));
}

namespace {

// `name` about `s` to the author, every home feed holding it, and the public and hashtag streams
// it reached.
void publish_to_audience(App& app, store::Connection& c, const std::string& name,
                         const store::Status& s, const std::vector<std::string>& tags) {
  Event event;
  event.name = name;
  event.object_id = s.id;
  event.accounts.push_back(s.account_id);
  add_unique(event.channels, user_channel(s.account_id));
  for (Id account : store::feed_holder_ids(c, s.id))
    add_unique(event.channels, user_channel(account));
  for (const auto& list : store::lists_with_member(c, s.account_id))
    add_unique(event.channels, list_channel(list.id));
  for (auto& channel : public_channels(s, tags)) add_unique(event.channels, std::move(channel));
  app.stream->publish(std::move(event));
}

std::vector<std::string> tag_names(store::Connection& c, const store::Status& status) {
  if (status.reblog_of_id) return {};
  auto names = store::load_tag_names(c, {status.id});
  auto it = names.find(status.id);
  return it == names.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace

void status_deleted(App& app, store::Connection& c, const store::Status& status) {
  if (!app.stream) return;
  if (!status.reblog_of_id)
    for (const auto& reblog : store::find_reblogs_of(c, status.id))
      publish_to_audience(app, c, "delete", reblog, {});
  publish_to_audience(app, c, "delete", status, tag_names(c, status));
}

void status_updated(App& app, store::Connection& c, const store::Status& status) {
  if (!app.stream) return;
  publish_to_audience(app, c, "status.update", status, tag_names(c, status));
}

void notification_created(App& app, const store::Notification& notification) {
  if (!app.stream) return;
  Event event;
  event.name = "notification";
  event.object_id = notification.id;
  event.recipient = notification.account_id;
  event.accounts.push_back(notification.from_account_id);
  event.channels.push_back(notification_channel(notification.account_id));
  app.stream->publish(std::move(event));
}

void conversation_updated(App& app, const store::Status& status,
                          const std::vector<Id>& participants) {
  if (!app.stream || participants.empty()) return;
  Event event;
  event.name = "conversation";
  event.object_id = status.id;
  event.accounts.push_back(status.account_id);
  for (Id account : participants) add_unique(event.channels, direct_channel(account));
  app.stream->publish(std::move(event));
}

}  // namespace herd::stream
