// A streaming event as it travels between the services that publish it and the connections that
// stream it (WebSocket or server-sent events), in this process or, through PostgreSQL
// LISTEN/NOTIFY, in every process sharing the database.
//
// An event names what happened (Mastodon's event names) and the object it is about by id; the
// payload a client receives (a Status or Notification entity) is rendered where it is delivered,
// only when someone is listening, for the viewer the stream belongs to.
//
// Channels are Mastodon's Redis channel names without their "timeline:" prefix:
//   user:<account>                   the account's home feed (`user` stream)
//   user:<account>:notification      its notifications (`user` and `user:notification`)
//   direct:<account>                 direct statuses it takes part in (`direct`)
//   public, public:media, public:local, public:local:media, public:remote, public:remote:media
//   hashtag:<lowercase tag>, hashtag:<lowercase tag>:local
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/models.hpp"

namespace herd::stream {

struct Event {
  // "update", "status.update", "delete", "notification", "conversation" (Mastodon's streaming
  // event names).
  std::string name;
  // The status (update, status.update, delete, conversation: its last status) or notification
  // (notification) the event is about.
  Id object_id = 0;
  // A notification's recipient (the viewer its payload is rendered for); 0 otherwise.
  Id recipient = 0;
  // Accounts the event shows (author, reblogged author, mentioned accounts): a public or hashtag
  // stream drops the event for a viewer who blocks or mutes one of them, or is blocked by one.
  std::vector<Id> accounts;
  // Where it goes (see above).
  std::vector<std::string> channels;
};

// Channel names.
std::string user_channel(Id account_id);
std::string notification_channel(Id account_id);
std::string direct_channel(Id account_id);
std::string hashtag_channel(std::string_view tag, bool local_only);
std::string list_channel(Id list_id);
// Lowercases ASCII letters (tags are stored lowercase; clients may subscribe with any case).
std::string normalize_tag(std::string_view tag);

// Compact JSON for LISTEN/NOTIFY. Events with many channels are split into several messages, each
// a complete event with a share of the channels, none longer than max_bytes.
std::vector<std::string> serialize(const Event& event, std::size_t max_bytes = 7000);
// nullopt for anything that is not a serialized event.
std::optional<Event> parse(std::string_view text);

}  // namespace herd::stream
