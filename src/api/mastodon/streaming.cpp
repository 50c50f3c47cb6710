// The streaming API (Mastodon's streaming server, in process):
//  - WebSocket at GET /api/v1/streaming: several streams on one socket, chosen with ?stream=
//    (&tag=, &list=) at connect and with {"type":"subscribe"|"unsubscribe","stream":..,"tag":..}
//    messages; frames {"stream":[..],"event":..,"payload":"<entity JSON as a string>"}.
//  - Server-sent events at GET /api/v1/streaming/<user|user/notification|public|public/local|
//    public/remote|hashtag|hashtag/local|list|direct> (or /api/v1/streaming?stream=..):
//    "event: update\ndata: <JSON>\n\n", a ":thump" comment every 15 s of silence.
//  - GET /api/v1/streaming/health: OK.
// A user token is required: Authorization: Bearer, the token offered as the WebSocket subprotocol
// (masto.js; the subprotocol is echoed), or ?access_token=. No token, a bad one: 401 before the
// upgrade. An account holds at most HERD_MAX_STREAMS_PER_ACCOUNT streaming connections (WebSocket
// or event stream): one more is answered 429 before the upgrade. Events come from the stream hub
// (stream/hub.hpp); payloads are rendered once per event (for the viewer on personal streams and
// notifications, anonymously on public ones, as Mastodon does) and a public stream's frame is made
// once and written to every subscriber; a status by an account the viewer blocks, mutes or is
// blocked by, or of a domain the viewer blocks, is not streamed to them (checked with one query
// per event for all connections). A signed-in viewer with filters in force in the public context
// gets statuses on public and hashtag streams rendered for them with those filters, as Mastodon's
// streaming server applies them: a hide filter drops the event, a warn or blur filter fills
// `filtered` (whom this concerns: one query per event).
#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "api/auth.hpp"
#include "api/mastodon/entities.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/security_settings.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "http/stream.hpp"
#include "service/conversations.hpp"
#include "store/filters.hpp"
#include "store/lists.hpp"
#include "store/notifications.hpp"
#include "store/statuses.hpp"
#include "store/stream.hpp"
#include "stream/client_message.hpp"
#include "stream/hub.hpp"

namespace herd::api {

namespace {

using stream::StreamParams;

struct Subscription {
  std::string key;     // identifies it for unsubscribe: name, tag or list
  json::array stream;  // as clients see it: ["user"], ["hashtag","foo"], ["list","1"]
  std::vector<std::string> channels;
  bool personal = false;  // rendered for the viewer (else anonymously)
};

struct StreamError {
  int status;
  std::string message;
};

// What a connection keeps of its viewer for as long as it lasts (not the Viewer: its account,
// user and token rows are kilobytes, 10,000 connections make them tens of megabytes).
struct StreamViewer {
  Id account_id = 0;
  std::string scopes;  // the token's
  explicit StreamViewer(const Viewer& viewer)
      : account_id(viewer.account_id()), scopes(viewer.token->scopes) {}
};

// Mastodon's channelNameToIds: the channels behind a stream, or why it cannot be streamed.
std::variant<Subscription, StreamError> resolve(App& app, const StreamViewer& viewer,
                                                const StreamParams& p) {
  const std::string& scopes = viewer.scopes;
  auto needs = [&](std::string_view scope) { return scope_allows(scopes, scope); };
  Subscription s;
  s.key = p.name;
  s.stream.emplace_back(p.name);
  Id me = viewer.account_id;
  std::string name = p.name;
  if (p.only_media && (name == "public" || name == "public:local" || name == "public:remote"))
    name += ":media";
  if (name == "user" || name == "user:notification" || name == "direct") {
    bool notifications_only = name == "user:notification";
    if (!needs(notifications_only ? "read:notifications" : "read:statuses"))
      return StreamError{401, "Access token does not have the required scopes"};
    s.personal = true;
    if (name == "user")
      s.channels = {stream::user_channel(me), stream::notification_channel(me)};
    else if (notifications_only)
      s.channels = {stream::notification_channel(me)};
    else
      s.channels = {stream::direct_channel(me)};
    return s;
  }
  if (name == "public" || name == "public:media" || name == "public:local" ||
      name == "public:local:media" || name == "public:remote" || name == "public:remote:media") {
    if (!needs("read:statuses"))
      return StreamError{401, "Access token does not have the required scopes"};
    s.stream = json::array{name};
    s.key = name;
    s.channels = {name};
    return s;
  }
  if (name == "hashtag" || name == "hashtag:local") {
    if (!needs("read:statuses"))
      return StreamError{401, "Access token does not have the required scopes"};
    if (!p.tag || p.tag->empty()) return StreamError{400, "No tag for stream provided"};
    std::string tag = *p.tag;
    if (!tag.empty() && tag.front() == '#') tag.erase(0, 1);
    s.stream.emplace_back(*p.tag);
    s.key = name + "\n" + stream::normalize_tag(tag);
    s.channels = {stream::hashtag_channel(tag, name == "hashtag:local")};
    return s;
  }
  if (name == "list") {
    if (!needs("read:lists") && !needs("read:statuses"))
      return StreamError{401, "Access token does not have the required scopes"};
    auto id = p.list ? parse_id(*p.list) : std::nullopt;
    auto list =
        id ? app.db->read_value([&](store::Connection& c) { return store::find_list(c, *id); })
           : std::nullopt;
    if (!list || list->account_id != me) return StreamError{404, "List not found"};
    s.stream.emplace_back(std::to_string(list->id));
    s.key = name + "\n" + std::to_string(list->id);
    s.personal = true;
    s.channels = {stream::list_channel(list->id)};
    return s;
  }
  return StreamError{400, "Unknown stream type"};
}

std::optional<std::string> render_payload(App& app, const stream::Event& event,
                                          stream::Published::Audience audience) {
  if (event.name == "delete") return std::to_string(event.object_id);
  const Id viewer = audience.viewer;
  return app.db->read_value([&](store::Connection& c) -> std::optional<std::string> {
    if (event.name == "conversation") {
      store::PageQuery recent;
      recent.limit = 40;
      for (const auto& conversation : service::conversations_of(c, viewer, recent))
        if (conversation.last_status.id == event.object_id)
          return json::serialize(
              conversation_json(app, c, viewer, conversation.row.id, conversation.row.unread,
                                conversation.participants, conversation.last_status));
      return std::nullopt;
    }
    if (event.name == "notification") {
      auto notification = store::find_notification(c, event.recipient, event.object_id);
      if (!notification) return std::nullopt;
      auto rendered = notifications_json(app, c, event.recipient, {*notification}, "notifications");
      if (rendered.empty()) return std::nullopt;
      return json::serialize(rendered.front());
    }
    auto status = store::find_status(c, event.object_id);
    if (!status) return std::nullopt;
    // A viewer's filters apply as in its home timeline (personal streams) or the public one
    // (public and hashtag streams): a hide filter drops the event, a warn filter marks the status.
    StatusRenderer renderer(app, c, viewer,
                            !viewer                   ? ""
                            : audience.public_context ? "public"
                                                      : "home");
    auto rendered = renderer.render({*status});
    if (rendered.empty()) return std::nullopt;
    return json::serialize(rendered.front());
  });
}

std::string error_frame(int status, std::string_view message) {
  return json::serialize(json::object{{"error", message}, {"status", status}});
}

// One streaming connection: its subscriptions, and the events it receives from the hub.
class StreamConnection final : public stream::Subscriber,
                               public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(App& app, StreamViewer viewer, bool websocket)
      : app_(app), viewer_(std::move(viewer)), websocket_(websocket) {}

  void open(std::shared_ptr<http::Outlet> outlet) {
    std::lock_guard lock(mutex_);
    outlet_ = std::move(outlet);
  }

  void close() {
    app_.stream->unsubscribe_all(this);
    std::lock_guard lock(mutex_);
    subscriptions_.clear();
    outlet_.reset();
  }

  void subscribe(Subscription subscription) {
    auto added = std::make_shared<const Subscription>(std::move(subscription));
    {
      std::lock_guard lock(mutex_);
      for (const auto& existing : subscriptions_)
        if (existing->key == added->key) return;
      subscriptions_.push_back(added);
    }
    for (const auto& channel : added->channels) app_.stream->subscribe(channel, shared_from_this());
  }

  void unsubscribe(const std::string& key) {
    std::vector<std::string> released;
    {
      std::lock_guard lock(mutex_);
      auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                             [&](const auto& s) { return s->key == key; });
      if (it == subscriptions_.end()) return;
      std::vector<std::string> channels = (*it)->channels;
      subscriptions_.erase(it);
      for (const auto& channel : channels) {
        bool still_used = std::any_of(subscriptions_.begin(), subscriptions_.end(), [&](auto& s) {
          return std::find(s->channels.begin(), s->channels.end(), channel) != s->channels.end();
        });
        if (!still_used) released.push_back(channel);
      }
    }
    for (const auto& channel : released) app_.stream->unsubscribe(channel, this);
  }

  void send_error(int status, std::string_view message) {
    std::lock_guard lock(mutex_);
    if (outlet_) outlet_->send_text(error_frame(status, message));
  }

  // A WebSocket message: subscribe or unsubscribe.
  void on_message(std::string_view text) {
    auto message = stream::parse_client_message(text);
    using Kind = stream::ClientMessage::Kind;
    if (message.kind == Kind::malformed) return send_error(400, message.error);
    if (message.kind == Kind::ignored) return;  // as Mastodon
    if (!message.params) return send_error(400, "Unknown stream type");
    auto resolved = resolve(app_, viewer_, *message.params);
    if (auto* error = std::get_if<StreamError>(&resolved))
      return send_error(error->status, error->message);
    auto& subscription = std::get<Subscription>(resolved);
    if (message.kind == Kind::subscribe)
      subscribe(std::move(subscription));
    else
      unsubscribe(subscription.key);
  }

  // On the publishing thread: queues the event for each subscription it matches, claiming the
  // payload it will be written with (the viewer's on personal streams and for notifications,
  // else the anonymous one every subscriber of the stream shares).
  void deliver(const std::string& channel,
               const std::shared_ptr<const stream::Published>& event) override {
    std::vector<std::shared_ptr<const Subscription>> matched;
    std::shared_ptr<http::Outlet> outlet;
    {
      std::lock_guard lock(mutex_);
      outlet = outlet_;
      for (const auto& s : subscriptions_)
        if (std::find(s->channels.begin(), s->channels.end(), channel) != s->channels.end())
          matched.push_back(s);
    }
    if (!outlet) return;
    for (auto& subscription : matched) {
      auto claim = event->claim(render_as(event->event(), *subscription));
      outlet->send([self = shared_from_this(), event, subscription = std::move(subscription),
                    claim = std::move(claim)]() { return self->frame(*event, *subscription); });
    }
  }

 private:
  Id render_as(const stream::Event& event, const Subscription& subscription) const {
    return subscription.personal || event.name == "notification" ? viewer_.account_id : 0;
  }

  // Runs on the connection's own thread, when the message's turn to be written comes. An event
  // shown anonymously has one frame per stream and transport, made once for every connection.
  http::Outlet::Message frame(const stream::Published& published,
                              const Subscription& subscription) {
    const stream::Event& event = published.event();
    if ((event.name == "update" || event.name == "status.update") &&
        published.hidden_from(viewer_.account_id, [this](const stream::Event& e) {
          // Those blocking or muting one of its accounts, blocked by one, or blocking one's
          // domain: one query per event, for every connection.
          return app_.db->read_value(
              [&](store::Connection& c) { return store::accounts_hiding_any(c, e.accounts); });
        }))
      return nullptr;
    stream::Published::Audience audience{render_as(event, subscription)};
    if (audience.viewer == 0 && viewer_.account_id != 0 &&
        (event.name == "update" || event.name == "status.update") &&
        published.filters_public(viewer_.account_id, [this](const stream::Event&) {
          return app_.db->read_value([&](store::Connection& c) {
            return store::accounts_filtering(c, "public", now_unix_ms());
          });
        }))
      audience = {viewer_.account_id, true};
    const Id viewer = audience.viewer;
    auto payload = published.payload(
        audience, [this](const stream::Event& e, auto as) { return render_payload(app_, e, as); });
    if (!payload) return nullptr;
    auto make = [&]() -> std::optional<std::string> {
      if (websocket_)
        return json::serialize(json::object{
            {"stream", subscription.stream}, {"event", event.name}, {"payload", *payload}});
      return "event: " + event.name + "\ndata: " + *payload + "\n\n";
    };
    if (viewer == 0)
      return published.message(websocket_ ? "ws" + json::serialize(subscription.stream) : "sse",
                               make);
    return std::make_shared<const std::string>(*make());
  }

  App& app_;
  StreamViewer viewer_;
  bool websocket_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<const Subscription>> subscriptions_;
  std::shared_ptr<http::Outlet> outlet_;
};

// Streaming connections open per account (HERD_MAX_STREAMS_PER_ACCOUNT): a slot is held by the
// connection's Upgrade until the connection ends; nullptr when the account is at its cap.
std::shared_ptr<void> take_stream_slot(Id account_id) {
  static std::mutex mutex;
  static std::unordered_map<Id, int> open;
  int cap = security_settings().max_streams_per_account;
  if (cap <= 0) return std::make_shared<int>(0);
  std::lock_guard lock(mutex);
  int& count = open[account_id];
  if (count >= cap) return nullptr;
  ++count;
  return std::shared_ptr<int>(new int(0), [account_id](int* counted) {
    delete counted;
    std::lock_guard lock(mutex);
    auto it = open.find(account_id);
    if (it != open.end() && --it->second <= 0) open.erase(it);
  });
}

std::shared_ptr<void> require_stream_slot(const StreamViewer& viewer) {
  auto slot = take_stream_slot(viewer.account_id);
  if (!slot) {
    log::info("streaming connection for account {} refused: {} open (HERD_MAX_STREAMS_PER_ACCOUNT)",
              viewer.account_id, security_settings().max_streams_per_account);
    fail(ErrorKind::rate_limited, "Too many streaming connections");
  }
  return slot;
}

// The user behind the request; a WebSocket may offer its token as the subprotocol.
StreamViewer streaming_viewer(App& app, http::Request& request, const std::string& subprotocol) {
  if (request.header("authorization").empty() && !request.params.contains("access_token") &&
      !subprotocol.empty())
    request.headers["authorization"] = "Bearer " + subprotocol;
  Viewer viewer = require_user(app, request, "");
  if (!scope_allows(viewer.token->scopes, "read:statuses") &&
      !scope_allows(viewer.token->scopes, "read:notifications"))
    fail(ErrorKind::unauthorized, "Access token does not have the required scopes");
  if (!app.stream) fail(ErrorKind::unavailable, "Streaming is not available");
  return StreamViewer(viewer);
}

http::Response event_stream(App& app, http::Request& request, const std::string& name) {
  StreamViewer viewer = streaming_viewer(app, request, "");
  auto resolved = resolve(app, viewer, stream::stream_params_from(request.params, name));
  if (auto* error = std::get_if<StreamError>(&resolved))
    return http::Response::error(error->status, error->message);
  auto slot = require_stream_slot(viewer);
  auto connection = std::make_shared<StreamConnection>(app, std::move(viewer), false);
  auto upgrade = std::make_shared<http::Upgrade>();
  upgrade->kind = http::Upgrade::Kind::event_stream;
  upgrade->on_open = [connection, subscription = std::get<Subscription>(resolved)](
                         std::shared_ptr<http::Outlet> outlet) {
    connection->open(std::move(outlet));
    connection->subscribe(subscription);
  };
  upgrade->on_close = [connection, slot] { connection->close(); };
  http::Response response = http::Response::text("", "text/event-stream; charset=utf-8", 200);
  response.headers.emplace_back("Cache-Control", "private, no-store");
  response.headers.emplace_back("X-Accel-Buffering", "no");
  response.upgrade = std::move(upgrade);
  return response;
}

bool wants_websocket(const http::Request& request) {
  std::string upgrade(request.header("upgrade"));
  std::transform(upgrade.begin(), upgrade.end(), upgrade.begin(), ::tolower);
  return upgrade.find("websocket") != std::string::npos;
}

http::Response websocket(App& app, http::Request& request) {
  std::string offered(request.header("sec-websocket-protocol"));
  std::string subprotocol = offered.substr(0, offered.find(','));
  auto trim = [](std::string& s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
  };
  trim(subprotocol);
  StreamViewer viewer = streaming_viewer(app, request, subprotocol);
  std::optional<std::variant<Subscription, StreamError>> initial;
  if (auto name = http::param_string(request.params, "stream"))
    initial = resolve(app, viewer, stream::stream_params_from(request.params, *name));
  auto slot = require_stream_slot(viewer);
  auto connection = std::make_shared<StreamConnection>(app, std::move(viewer), true);
  auto upgrade = std::make_shared<http::Upgrade>();
  upgrade->kind = http::Upgrade::Kind::websocket;
  upgrade->subprotocol = subprotocol;
  upgrade->on_open = [connection, initial](std::shared_ptr<http::Outlet> outlet) {
    connection->open(std::move(outlet));
    if (!initial) return;
    if (auto* error = std::get_if<StreamError>(&*initial))
      connection->send_error(error->status, error->message);
    else
      connection->subscribe(std::get<Subscription>(*initial));
  };
  upgrade->on_message = [connection](std::string_view text) { connection->on_message(text); };
  upgrade->on_close = [connection, slot] { connection->close(); };
  http::Response response = http::Response::text("", "", 101);
  response.upgrade = std::move(upgrade);
  return response;
}

// "/api/v1/streaming/public/local" -> "public:local"; the names of Mastodon's SSE paths only.
std::optional<std::string> stream_name_from_path(const http::Request& request) {
  std::string a = request.path_param("stream"), b = request.path_param("variant");
  std::string name = b.empty() ? a : a + ":" + b;
  static const std::unordered_set<std::string> known = {
      "user",    "user:notification", "public", "public:local", "public:remote",
      "hashtag", "hashtag:local",     "list",   "direct"};
  if (!known.count(name)) return std::nullopt;
  return name;
}

}  // namespace

void add_streaming_routes(http::Router& router, App& app) {
  router.get("/api/v1/streaming/health",
             [](http::Request&) { return http::Response::text("OK", "text/plain"); });
  router.get("/api/v1/streaming", [&app](http::Request& request) {
    if (wants_websocket(request)) return websocket(app, request);
    auto name = http::param_string(request.params, "stream");
    if (!name) return http::Response::error(400, "Unknown stream type");
    return event_stream(app, request, *name);
  });
  auto by_path = [&app](http::Request& request) {
    auto name = stream_name_from_path(request);
    if (!name) return http::Response::error(400, "Unknown stream type");
    return event_stream(app, request, *name);
  };
  router.get("/api/v1/streaming/:stream", by_path);
  router.get("/api/v1/streaming/:stream/:variant", by_path);
}

}  // namespace herd::api
