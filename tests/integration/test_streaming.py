#!/usr/bin/python3
"""The streaming API against a real `herd serve`, with the clients that use it:

* Mastodon.py 1.8 (Debian python3-mastodon), which streams only through server-sent events:
  stream_user gets a followed account's post, a mention's notification and a deletion;
  stream_public gets a public post and never an unlisted or private one; stream_hashtag.
* A raw event stream: text/event-stream, chunked, the ':thump' heartbeat after 15 s.
* A WebSocket client written here (stdlib sockets): the token offered as Sec-WebSocket-Protocol is
  echoed in the 101; update/delete/notification frames with the payload as a JSON string;
  subscribe/unsubscribe messages; ?stream= at connect; ?access_token=; the "Unknown stream type"
  error frame; pings answered; a bad or missing token refused with 401 before any upgrade.
* masto.js 7.10 createStreamingAPIClient (js/streaming.mjs), as Elk and Phanpy use it.
* PostgreSQL: two `herd serve` processes on one database stream each other's events.
* The advertised streaming URLs (instance v1 urls.streaming_api, v2 configuration.urls.streaming)
  and GET /api/v1/streaming/health.
"""
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, register  # noqa: E402
from websocket_client import WebSocket  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
suite = Suite("streaming API", parse_args(__doc__))
S = suite.state
WAIT = 15  # seconds to wait for an event that must come


def post(user, text, visibility="public", **extra):
    body = {"status": text, "visibility": visibility, **extra}
    return S["server"].api("POST", "/api/v1/statuses", token=user.token, json_body=body)


# --------------------------------------------------------------------------------------
# Mastodon.py


def mastodon_py_client(token):
    # A plain session: the harness's recording hook reads whole bodies, which a stream never ends.
    from mastodon import Mastodon
    return Mastodon(api_base_url=S["server"].url, access_token=token, request_timeout=30)


def collector():
    from mastodon import StreamListener

    class Collector(StreamListener):
        def __init__(self):
            self.events = queue.Queue()
            self.connected = threading.Event()
            self.heartbeats = 0

        def on_update(self, status):
            self.events.put(("update", status))

        def on_delete(self, status_id):
            self.events.put(("delete", status_id))

        def on_notification(self, notification):
            self.events.put(("notification", notification))

        def on_status_update(self, status):
            self.events.put(("status.update", status))

        def on_conversation(self, conversation):
            self.events.put(("conversation", conversation))

        def on_unknown_event(self, name, unknown_event=None):
            self.events.put((name, unknown_event))

        def on_abort(self, err):
            self.events.put(("abort", err))

        def handle_heartbeat(self):
            self.heartbeats += 1
            self.connected.set()

        def wait_for(self, predicate, timeout=WAIT):
            """Events up to (and including) the first matching one; None if none came."""
            seen = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    event = self.events.get(timeout=max(0.05, deadline - time.monotonic()))
                except queue.Empty:
                    break
                seen.append(event)
                if predicate(event):
                    return seen
            self.unmatched = seen
            return None

    return Collector()


def open_raw_stream(sock, server, path, token, extra_headers=""):
    """Sends a GET for an event stream on a connected socket; returns (response head, the bytes of
    the body read with it)."""
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {server.domain}\r\n"
                  f"Authorization: Bearer {token}\r\n{extra_headers}\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, data = data.split(b"\r\n\r\n", 1)
    return head, data


def close_soon(handle):
    """Mastodon.py's handle.close() waits for the next bytes on the stream (up to the 15 s
    heartbeat): close in the background."""
    threading.Thread(target=handle.close, daemon=True).start()


def stream_with(t, method, *args):
    listener = collector()
    handle = method(*args, listener, run_async=True, timeout=60)
    t.require(listener.connected.wait(WAIT), f"{method.__name__}: connected (the ':)' comment came)")
    return listener, handle


# --------------------------------------------------------------------------------------


@suite.setup
def start_server_and_register_users(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol"):
        S[name] = register(server, name)
    server.api("POST", f"/api/v1/accounts/{S['alice'].id}/follow", token=S["bob"].token)


@suite.case
def advertised_urls_and_health(t):
    server = S["server"]
    v1 = server.api("GET", "/api/v1/instance")
    t.eq(v1["urls"]["streaming_api"], f"ws://{server.domain}", "v1 urls.streaming_api")
    v2 = server.api("GET", "/api/v2/instance")
    t.eq(v2["configuration"]["urls"]["streaming"], f"ws://{server.domain}", "v2 configuration.urls.streaming")
    r = server.http("GET", "/api/v1/streaming/health")
    t.status(r, 200, "GET /api/v1/streaming/health")
    t.eq(r.text, "OK", "health body")
    t.check(mastodon_py_client(S["bob"].token).stream_healthy(), "Mastodon.py stream_healthy()")


@suite.case
def mastodonpy_stream_user(t):
    alice, bob = S["alice"], S["bob"]
    listener, handle = stream_with(t, mastodon_py_client(bob.token).stream_user)
    try:
        status = post(alice, "hello to my followers")
        got = listener.wait_for(lambda e: e[0] == "update" and str(e[1]["id"]) == status["id"])
        t.require(got, "stream_user: update for a followed account's public post",
                  getattr(listener, "unmatched", None))
        update = got[-1][1]
        t.eq(update["account"]["username"], "alice", "update payload: the Status's account")
        t.eq(update["content"], status["content"], "update payload: content")

        mention = post(alice, "hey @bob, look", visibility="unlisted")
        got = listener.wait_for(lambda e: e[0] == "notification" and e[1]["status"] and
                                str(e[1]["status"]["id"]) == mention["id"])
        t.require(got, "stream_user: notification when mentioned", getattr(listener, "unmatched", None))
        notification = got[-1][1]
        t.eq(notification["type"], "mention", "notification type")
        t.eq(notification["account"]["username"], "alice", "notification account")

        S["server"].api("DELETE", f"/api/v1/statuses/{status['id']}", token=alice.token)
        got = listener.wait_for(lambda e: e[0] == "delete" and str(e[1]) == status["id"])
        t.check(got, "stream_user: delete with the status id", getattr(listener, "unmatched", None))

        # carol is not followed: her posts never reach bob's user stream.
        carols = post(S["carol"], "bob does not follow me")
        marker = post(alice, "marker after carol")
        got = listener.wait_for(lambda e: e[0] == "update" and str(e[1]["id"]) == marker["id"])
        t.require(got, "stream_user: the marker post arrives", getattr(listener, "unmatched", None))
        t.check(all(not (e[0] == "update" and str(e[1]["id"]) == carols["id"]) for e in got),
                "stream_user: no update for an account bob does not follow")
        aborts = [e for e in got if e[0] == "abort"]
        t.eq(aborts, [], "no stream aborted")
    finally:
        close_soon(handle)


@suite.case
def mastodonpy_stream_public_and_hashtag(t):
    alice, carol = S["alice"], S["carol"]
    client = mastodon_py_client(carol.token)
    public, public_handle = stream_with(t, client.stream_public)
    tagged, tag_handle = stream_with(t, client.stream_hashtag, "HerdStream")
    local, local_handle = stream_with(t, client.stream_local)
    try:
        unlisted = post(alice, "unlisted #herdstream", visibility="unlisted")
        private = post(alice, "private #herdstream", visibility="private")
        direct = post(alice, "@carol direct #herdstream", visibility="direct")
        public_post = post(alice, "public #HerdStream")
        for name, listener in (("stream_public", public), ("stream_hashtag", tagged),
                               ("stream_local", local)):
            got = listener.wait_for(lambda e: e[0] == "update" and str(e[1]["id"]) == public_post["id"])
            t.require(got, f"{name}: the public post arrives", getattr(listener, "unmatched", None))
            leaked = [str(e[1]["id"]) for e in got if e[0] == "update" and
                      str(e[1]["id"]) in (unlisted["id"], private["id"], direct["id"])]
            t.eq(leaked, [], f"{name}: no unlisted, private or direct post")
    finally:
        for handle in (public_handle, tag_handle, local_handle):
            close_soon(handle)


@suite.case
def event_stream_wire_format(t):
    """Raw SSE: headers, chunked body, events, and the heartbeat after 15 s of silence."""
    server, alice, bob = S["server"], S["alice"], S["bob"]
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT + 10)
    try:
        head, data = open_raw_stream(sock, server, "/api/v1/streaming/user", bob.token,
                                     "Accept: text/event-stream\r\n")
        head = head.decode("latin-1").lower()
        t.check(head.startswith("http/1.1 200"), "SSE: 200", head)
        t.check("content-type: text/event-stream" in head, "SSE: Content-Type text/event-stream", head)
        t.check("transfer-encoding: chunked" in head, "SSE: chunked", head)
        t.check("access-control-allow-origin: *" in head, "SSE: CORS header", head)
        status = post(alice, "raw event stream")
        deadline = time.monotonic() + WAIT
        while f'"id":"{status["id"]}"'.encode() not in data and time.monotonic() < deadline:
            data += sock.recv(65536)
        text = data.decode()
        t.check("event: update\ndata: {" in text, "SSE: 'event: update' then 'data: <Status JSON>'", text[:600])
        t.check(":)\n" in text, "SSE: the opening ':)' comment", text[:200])
        before = len(data)
        deadline = time.monotonic() + 20
        while b":thump" not in data[before:] and time.monotonic() < deadline:
            data += sock.recv(4096)
        t.check(b":thump\n" in data[before:], "SSE: ':thump' heartbeat within 20 s of silence")
    finally:
        sock.close()
    r = server.http("GET", "/api/v1/streaming/user")
    t.json_error(r, 401, "SSE without a token")
    r = server.http("GET", "/api/v1/streaming/nonsense", token=bob.token)
    t.json_error(r, 400, "SSE: unknown stream")
    r = server.http("GET", "/api/v1/streaming/hashtag", token=bob.token)
    t.json_error(r, 400, "SSE: hashtag without a tag")


@suite.case
def websocket_subprotocol_and_events(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    ws = WebSocket(server, protocol=bob.token)
    t.require(ws.status == 101, "WebSocket with the token as Sec-WebSocket-Protocol: 101", ws.headers)
    t.check(ws.accept_ok, "Sec-WebSocket-Accept is right", ws.headers)
    t.eq(ws.headers.get("sec-websocket-protocol"), bob.token, "the offered subprotocol is echoed")
    try:
        ws.send_json({"type": "subscribe", "stream": "user"})
        ws.send_json({"type": "subscribe", "stream": "hashtag", "tag": "WsTag"})
        t.require(ws.sync(), "the error frame for an unknown stream comes back (subscriptions handled)")

        status = post(alice, "websocket hello #wstag")
        m = ws.next_message(lambda m: m.get("event") == "update" and m.get("stream") == ["user"])
        t.require(m, "WebSocket: update on the user stream")
        t.check(isinstance(m["payload"], str), "payload is a JSON string", m)
        payload = json.loads(m["payload"])
        t.eq(payload["id"], status["id"], "update payload: the status")
        t.eq(payload["account"]["username"], "alice", "update payload: its account")
        m = ws.next_message(lambda m: m.get("event") == "update" and m.get("stream") == ["hashtag", "WsTag"])
        t.check(m and json.loads(m["payload"])["id"] == status["id"],
                "WebSocket: update on the hashtag stream, stream [\"hashtag\", tag as subscribed]", m)

        server.api("DELETE", f"/api/v1/statuses/{status['id']}", token=alice.token)
        m = ws.next_message(lambda m: m.get("event") == "delete" and m.get("stream") == ["user"])
        t.check(m and m["payload"] == status["id"], "WebSocket: delete with the id as payload", m)

        mention = post(alice, "@bob over the socket", visibility="private")
        m = ws.next_message(lambda m: m.get("event") == "notification")
        t.require(m, "WebSocket: notification when mentioned")
        notification = json.loads(m["payload"])
        t.eq(m["stream"], ["user"], "notification on the user stream")
        t.eq(notification["type"], "mention", "notification type")
        t.eq(notification["status"]["id"], mention["id"], "notification status")
        t.eq(notification.get("group_key"), f"ungrouped-{notification['id']}",
             "group_key as Mastodon 4.3 streams it (a mention is never grouped)")

        # Unsubscribing stops the events; the other subscription stays.
        ws.send_json({"type": "unsubscribe", "stream": "user"})
        t.require(ws.sync(), "unsubscribe handled")
        quiet = post(alice, "after unsubscribe #wstag")
        m = ws.next_message(lambda m: m.get("event") == "update")
        t.check(m and m["stream"] == ["hashtag", "WsTag"] and json.loads(m["payload"])["id"] == quiet["id"],
                "after unsubscribing from user, only the hashtag stream delivers", m)

        ws.send_json({"type": "subscribe", "stream": "nonsense"})
        m = ws.next_message(lambda m: "error" in m)
        t.eq(m, {"error": "Unknown stream type", "status": 400}, "unknown stream: the error frame")

        ws.send_frame(0x9, b"are you there")
        pong = None
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            opcode, data = ws.recv_frame()
            if opcode == 0xA:
                pong = data
                break
        t.eq(pong, b"are you there", "a ping is answered with a pong")
    finally:
        ws.close()


@suite.case
def websocket_query_subscription_and_tokens(t):
    server, alice, carol = S["server"], S["alice"], S["carol"]
    ws = WebSocket(server, f"/api/v1/streaming?stream=public:local&access_token={carol.token}")
    t.require(ws.status == 101, "?access_token= and ?stream=public:local: 101", ws.body)
    try:
        unlisted = post(alice, "not on public", visibility="unlisted")
        status = post(alice, "on public:local")
        m = ws.next_message(lambda m: m.get("event") == "update")
        t.check(m and m["stream"] == ["public:local"] and json.loads(m["payload"])["id"] == status["id"],
                "?stream= subscribes at connect; the unlisted post is skipped", m)
        t.check(m is None or json.loads(m["payload"])["id"] != unlisted["id"], "no unlisted post on public:local")
    finally:
        ws.close()

    ws = WebSocket(server, headers={"Authorization": f"Bearer {carol.token}"})
    t.eq(ws.status, 101, "Authorization: Bearer works for the WebSocket too")
    ws.close()

    for label, kwargs in (("a bad token as subprotocol", {"protocol": "not-a-token"}),
                          ("a bad Authorization", {"headers": {"Authorization": "Bearer nope"}}),
                          ("no token", {})):
        ws = WebSocket(server, **kwargs)
        t.eq(ws.status, 401, f"WebSocket with {label}: 401 before the upgrade")
        t.check(b"error" in ws.body, f"WebSocket with {label}: a JSON error", ws.body)

    ws = WebSocket(server, "/api/v1/streaming?stream=nonsense", protocol=carol.token)
    t.require(ws.status == 101, "?stream=nonsense still connects")
    m = ws.next_message(lambda m: "error" in m)
    t.eq(m, {"error": "Unknown stream type", "status": 400}, "?stream=nonsense: the error frame")
    ws.close()

    # The server keeps serving plain requests after all of that.
    t.status(server.http("GET", "/api/v1/instance"), 200, "server still answers")


@suite.case
def events_reach_every_process(t):
    """PostgreSQL: a second `herd serve` on the same database streams what the first stores, and
    the other way round (LISTEN/NOTIFY)."""
    if suite.args.backend != "postgres":
        print("    (PostgreSQL only: one SQLite database has one process)")
        return
    first, alice, bob = S["server"], S["alice"], S["bob"]
    second = suite.server(name="herd-second", env={"LOCAL_DOMAIN": first.domain}, start=False)
    second.database_url = first.database_url
    second.start()
    for subscriber, publisher in ((second, first), (first, second)):
        ws = WebSocket(subscriber, "/api/v1/streaming?stream=user", protocol=bob.token)
        t.require(ws.status == 101, f"WebSocket on {subscriber.name}", ws.body)
        try:
            status = publisher.api("POST", "/api/v1/statuses", token=alice.token,
                                   json_body={"status": f"posted through {publisher.name}"})
            m = ws.next_message(lambda m: m.get("event") == "update" and
                                json.loads(m["payload"])["id"] == status["id"])
            t.check(m, f"a post through {publisher.name} reaches a stream on {subscriber.name}")
            mention = publisher.api("POST", "/api/v1/statuses", token=alice.token,
                                    json_body={"status": "@bob across processes"})
            m = ws.next_message(lambda m: m.get("event") == "notification" and
                                json.loads(m["payload"])["status"]["id"] == mention["id"])
            t.check(m, f"a notification made by {publisher.name} reaches {subscriber.name}")
        finally:
            ws.close()
    second.stop()


@suite.case
def masto_js_streaming(t):
    node = os.environ.get("HERD_TEST_NODE") or shutil.which("node") or "node"
    t.require(shutil.which(node) or os.access(node, os.X_OK), f"Node.js found ({node})")
    t.require(os.path.isdir(os.path.join(HERE, "js", "node_modules", "masto")),
              "masto is installed (tests/integration/js/install runs `npm ci`)")
    server = S["server"]
    env = dict(os.environ)
    env.update({
        "HERD_URL": server.url,
        "HERD_ALICE_TOKEN": S["alice"].token,
        "HERD_BOB_TOKEN": S["bob"].token,
        "HERD_BOB_ID": S["bob"].id,
        "NODE_NO_WARNINGS": "1",
    })
    try:
        p = subprocess.run([node, os.path.join(HERE, "js", "streaming.mjs")], env=env,
                           cwd=os.path.join(HERE, "js"), capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired as e:
        t.require(False, "node streaming.mjs finished within 180 s", e.stdout)
    sys.stdout.write(p.stdout)
    sys.stdout.write(p.stderr)
    t.eq(p.returncode, 0, "masto.js streaming checks (js/streaming.mjs; failures above)")


@suite.case
def mastodonpy_stream_list(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    server.api("POST", f"/api/v1/accounts/{carol.id}/follow", token=bob.token)
    lst = server.api("POST", "/api/v1/lists", token=bob.token, form={"title": "just alice"})
    server.api("POST", f"/api/v1/lists/{lst['id']}/accounts", token=bob.token, form={"account_ids[]": alice.id})
    listener, handle = stream_with(t, mastodon_py_client(bob.token).stream_list, lst["id"])
    try:
        carols = post(carol, "carol is followed but not listed")
        status = post(alice, "alice on the list stream")
        got = listener.wait_for(lambda e: e[0] == "update" and str(e[1]["id"]) == status["id"])
        t.require(got, "stream_list: update for a member's post", getattr(listener, "unmatched", None))
        t.check(all(not (e[0] == "update" and str(e[1]["id"]) == carols["id"]) for e in got),
                "stream_list: nothing from a followed account outside the list")
        server.api("DELETE", f"/api/v1/statuses/{status['id']}", token=alice.token)
        got = listener.wait_for(lambda e: e[0] == "delete" and str(e[1]) == status["id"])
        t.check(got, "stream_list: delete of a member's post", getattr(listener, "unmatched", None))
    finally:
        close_soon(handle)
    r = server.http("GET", "/api/v1/streaming/list", token=carol.token, query={"list": lst["id"]})
    t.json_error(r, 404, "SSE: another account's list")
    r = server.http("GET", "/api/v1/streaming/list", token=bob.token)
    t.json_error(r, 404, "SSE: list without an id")


@suite.case
def mastodonpy_stream_direct(t):
    alice, bob = S["alice"], S["bob"]
    listener, handle = stream_with(t, mastodon_py_client(bob.token).stream_direct)
    try:
        public = post(alice, "not a direct message")
        dm = post(alice, "@bob just for you", visibility="direct")
        got = listener.wait_for(lambda e: e[0] == "conversation" and str(e[1]["last_status"]["id"]) == dm["id"])
        t.require(got, "stream_direct: a conversation event for the direct message",
                  getattr(listener, "unmatched", None))
        conversation = got[-1][1]
        t.eq([a["acct"] for a in conversation["accounts"]], ["alice"], "conversation payload: the other participant")
        t.eq(conversation["unread"], True, "conversation payload: unread for bob")
        t.check(all(not (e[0] == "update" and str(e[1]["id"]) == public["id"]) for e in got),
                "stream_direct: nothing about public posts")
    finally:
        close_soon(handle)


@suite.case
def filters_apply_to_the_user_stream(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    for title, word, action in (("no spoilers", "spoilerword", "hide"), ("careful", "warnword", "warn")):
        server.api("POST", "/api/v2/filters", token=bob.token, json_body={
            "title": title, "context": ["home"], "filter_action": action,
            "keywords_attributes": [{"keyword": word, "whole_word": True}]})
    listener, handle = stream_with(t, mastodon_py_client(bob.token).stream_user)
    try:
        hidden = post(alice, "the spoilerword is out")
        warned = post(alice, "a warnword post")
        marker = post(alice, "after both filters")
        got = listener.wait_for(lambda e: e[0] == "update" and str(e[1]["id"]) == marker["id"])
        t.require(got, "the marker post arrives", getattr(listener, "unmatched", None))
        ids = [str(e[1]["id"]) for e in got if e[0] == "update"]
        t.check(hidden["id"] not in ids, "a post a hide filter matches is not streamed", ids)
        warned_events = [e[1] for e in got if e[0] == "update" and str(e[1]["id"]) == warned["id"]]
        t.check(warned_events and warned_events[0].get("filtered")
                and warned_events[0]["filtered"][0]["filter"]["title"] == "careful",
                "a post a warn filter matches is streamed with `filtered`", warned_events)
    finally:
        close_soon(handle)


@suite.case
def filters_apply_to_public_and_hashtag_streams(t):
    """Mastodon's streaming server applies a signed-in viewer's filters on public and hashtag
    streams too: a hide filter drops the status, a warn filter sends it with `filtered`; filters of
    other contexts (home) do not apply there, and other viewers get the shared anonymous payload."""
    server, alice = S["server"], S["alice"]
    picky, other = register(server, "picky"), register(server, "otherreader")
    for title, word, action, context in (("no turnips", "turnip", "hide", ["public"]),
                                         ("parsnip warning", "parsnip", "warn", ["public", "thread"]),
                                         ("home only", "radish", "hide", ["home"])):
        server.api("POST", "/api/v2/filters", token=picky.token, json_body={
            "title": title, "context": context, "filter_action": action,
            "keywords_attributes": [{"keyword": word, "whole_word": True}]})
    paths = {"public": "/api/v1/streaming?stream=public:local",
             "hashtag": "/api/v1/streaming?stream=hashtag&tag=veg"}
    sockets = {(who.username, kind): WebSocket(server, path, protocol=who.token)
               for who in (picky, other) for kind, path in paths.items()}
    try:
        for key, ws in sockets.items():
            t.require(ws.status == 101, f"{key}: WebSocket open", ws.body)
        turnip = post(alice, "turnip soup #veg")
        parsnip = post(alice, "parsnip pie #veg")
        radish = post(alice, "radish salad #veg")
        marker = post(alice, "the #veg marker")
        for kind in paths:
            frames = frames_until(sockets[("picky", kind)], marker["id"])
            t.require(frames is not None, f"picky, {kind}: the marker arrives")
            t.eq(updates_in(frames), [parsnip["id"], radish["id"], marker["id"]],
                 f"picky, {kind}: not the post the public hide filter matches")
            payloads = {p["id"]: p for p in (json.loads(json.loads(f)["payload"]) for f in frames
                                             if json.loads(f).get("event") == "update")}
            t.eq([f["filter"]["title"] for f in payloads[parsnip["id"]].get("filtered", [])],
                 ["parsnip warning"], f"picky, {kind}: the warn filter marks the parsnip post")
            t.eq(payloads[radish["id"]].get("filtered"), [],
                 f"picky, {kind}: a filter of the home context does not apply here")
            frames = frames_until(sockets[("otherreader", kind)], marker["id"])
            t.require(frames is not None, f"otherreader, {kind}: the marker arrives")
            t.eq(updates_in(frames), [turnip["id"], parsnip["id"], radish["id"], marker["id"]],
                 f"otherreader, {kind}: every post (picky's filters are picky's)")
            first = json.loads(json.loads(frames[0])["payload"])
            t.check("favourited" not in first and "filtered" not in first,
                    f"otherreader, {kind}: the shared payload, the status as anyone sees it",
                    sorted(first))
    finally:
        for ws in sockets.values():
            ws.close()


def frames_until(ws, status_id, timeout=WAIT):
    """The raw text frames of `ws` up to the `update` whose status is `status_id` (inclusive); None
    when it does not come."""
    frames = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            opcode, data = ws.recv_frame(max(0.05, deadline - time.monotonic()))
        except (socket.timeout, TimeoutError):
            return None
        if opcode != 0x1:
            continue
        frames.append(data)
        m = json.loads(data)
        if m.get("event") == "update" and json.loads(m["payload"])["id"] == status_id:
            return frames
    return None


def updates_in(frames):
    return [json.loads(json.loads(f)["payload"])["id"] for f in frames
            if json.loads(f).get("event") == "update"]


@suite.case
def each_connection_gets_what_is_its_own(t):
    """A public stream's frame is made once per event and written to every subscriber, after each
    one's own blocks and mutes; personal streams carry each viewer's own fields."""
    server, alice = S["server"], S["alice"]
    names = ("pat", "blocker", "muter", "blockee")
    people = {name: register(server, name) for name in names}
    server.api("POST", f"/api/v1/accounts/{alice.id}/block", token=people["blocker"].token)
    server.api("POST", f"/api/v1/accounts/{alice.id}/mute", token=people["muter"].token)
    server.api("POST", f"/api/v1/accounts/{people['blockee'].id}/block", token=alice.token)
    sockets = {name: WebSocket(server, "/api/v1/streaming?stream=public:local", protocol=people[name].token)
               for name in names}
    sse = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT + 10)
    try:
        for name, ws in sockets.items():
            t.require(ws.status == 101, f"{name}: WebSocket on public:local", ws.body)
        sse.sendall((f"GET /api/v1/streaming/public/local HTTP/1.1\r\nHost: {server.domain}\r\n"
                     f"Authorization: Bearer {people['pat'].token}\r\n\r\n").encode())
        data = b""
        while b":)" not in data:
            data += sse.recv(4096)
        status = post(alice, "one frame for everyone")
        marker = post(people["pat"], "a marker from pat")
        received = {name: frames_until(ws, marker["id"]) for name, ws in sockets.items()}
        for name, frames in received.items():
            t.require(frames is not None, f"{name}: the marker post arrives on public:local")
        t.eq(updates_in(received["pat"]), [status["id"], marker["id"]], "pat: alice's post, then the marker")
        for name in ("blocker", "muter", "blockee"):
            t.eq(updates_in(received[name]), [marker["id"]],
                 f"{name}: not alice's post (the viewer blocks or mutes her, or she blocks the viewer)")
        frame = json.loads(received["pat"][0])
        t.eq(frame["stream"], ["public:local"], "the frame names the stream")
        anonymous = server.api("GET", f"/api/v1/statuses/{status['id']}")
        t.eq(json.loads(frame["payload"]), anonymous, "the payload is the status as anyone sees it")
        t.eq(received["blocker"][-1], received["pat"][-1], "the same frame bytes for every subscriber")
        deadline = time.monotonic() + WAIT
        while f'"id":"{marker["id"]}"'.encode() not in data and time.monotonic() < deadline:
            data += sse.recv(65536)
        t.check(f"event: update\ndata: {frame['payload']}\n\n".encode() in data,
                "the event stream carries the very payload the WebSocket frame does", data[:400])
    finally:
        sse.close()
        for ws in sockets.values():
            ws.close()

    # Personal streams: each viewer's own fields (`reblogged`, `filtered`) on the same event.
    fan, plain = register(server, "fan"), register(server, "plain")
    for follower in (fan, plain):
        server.api("POST", f"/api/v1/accounts/{alice.id}/follow", token=follower.token)
    server.api("POST", f"/api/v1/accounts/{fan.id}/follow", token=plain.token)
    server.api("POST", "/api/v2/filters", token=fan.token, json_body={
        "title": "dairy", "context": ["home"], "filter_action": "warn",
        "keywords_attributes": [{"keyword": "cheese", "whole_word": True}]})
    streams = {who.username: WebSocket(server, "/api/v1/streaming?stream=user", protocol=who.token)
               for who in (fan, plain)}
    try:
        cheese = post(alice, "cheese for everyone")
        got = {name: ws.next_message(lambda m: m.get("event") == "update" and
                                     json.loads(m["payload"])["id"] == cheese["id"])
               for name, ws in streams.items()}
        t.require(all(got.values()), "both followers get alice's post on their user stream", got)
        fan_view, plain_view = (json.loads(got[n]["payload"]) for n in ("fan", "plain"))
        t.eq([f["filter"]["title"] for f in fan_view.get("filtered", [])], ["dairy"],
             "fan's payload: fan's warn filter")
        t.eq(plain_view.get("filtered"), [], "plain's payload: no filter of fan's")
        # A post neither follows (a reblog of what is already in a home feed is not streamed
        # there again, as Mastodon's feeds skip it).
        carols = post(S["carol"], "carol, followed by neither")
        reblog = server.api("POST", f"/api/v1/statuses/{carols['id']}/reblog", token=fan.token)
        got = {name: ws.next_message(lambda m: m.get("event") == "update" and
                                     json.loads(m["payload"])["id"] == reblog["id"])
               for name, ws in streams.items()}
        t.require(all(got.values()), "fan's reblog reaches fan and plain (who follows fan)", got)
        t.eq(json.loads(got["fan"]["payload"])["reblog"]["reblogged"], True, "fan sees its own reblog as reblogged")
        t.eq(json.loads(got["plain"]["payload"])["reblog"]["reblogged"], False, "plain has not reblogged it")
    finally:
        for ws in streams.values():
            ws.close()


def dechunk(body):
    """The content of a complete HTTP/1.1 chunked body prefix; fails on a malformed chunk."""
    content, rest = b"", body
    while b"\r\n" in rest:
        size_line, after = rest.split(b"\r\n", 1)
        size = int(size_line, 16)
        if len(after) < size + 2:
            break
        if after[size:size + 2] != b"\r\n":
            raise ValueError(f"chunk of {size} bytes not followed by CRLF")
        content, rest = content + after[:size], after[size + 2:]
    return content


@suite.case
def a_client_that_reads_late_gets_every_event_whole(t):
    """An event stream whose client reads nothing while 60 posts go out (a 4 KiB receive buffer;
    herd writes what the kernel takes at once, and waits for the rest) gets every event once it
    reads: whole, in order, validly chunked. (Loopback grows the sender's buffer to megabytes, so
    this does not force herd's partial writes; the code path is small: http/upgrade.cpp.)"""
    server, alice, bob = S["server"], S["alice"], S["bob"]
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(WAIT + 10)
    sock.connect(("127.0.0.1", server.port))
    try:
        head, data = open_raw_stream(sock, server, "/api/v1/streaming/public/local", bob.token)
        t.require(head.startswith(b"HTTP/1.1 200"), "the event stream opens", head)
        ids = [post(alice, f"late reader {n} " + "x" * 420)["id"] for n in range(60)]
        deadline = time.monotonic() + WAIT
        while f'"id":"{ids[-1]}"'.encode() not in dechunk(data) and time.monotonic() < deadline:
            data += sock.recv(65536)
        text = dechunk(data).decode()
        got = [json.loads(event.split("\ndata: ", 1)[1])["id"]
               for event in text.split("\n\n") if "event: update\ndata: " in event]
        t.eq(got, ids, "every post, in order, each event whole (about 180 KB queued behind a full socket)")
    finally:
        sock.close()


if __name__ == "__main__":
    main(suite)
