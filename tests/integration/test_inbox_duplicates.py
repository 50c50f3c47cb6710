#!/usr/bin/python3
"""One remote post, one status: the same signed Create(Note) delivered many times at once (the same
post forwarded by several servers, a retry racing the original) against a real `herd serve` and a
scriptable ActivityPub peer (tests/federation/fedlib.py's fake server on 127.0.0.1):

- every delivery is accepted (202: a copy that arrives while the first is being stored is "already
  here", not an error the sender would retry), and the post shows once: once in the public
  timeline, once in its author's statuses, one mention notification;
- a database holding duplicates from before (the same URI stored twice) is repaired when the server
  starts: the oldest copy stays, and what pointed to the others points to it (a favourite, a
  bookmark, a reply, a home timeline entry, a notification), without doubling anything.
"""
import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "federation"))

from harness import Suite, free_port, http, main, parse_args, register  # noqa: E402
from fedlib import FakeServer, sign  # noqa: E402

suite = Suite("inbox duplicates", parse_args(__doc__))
S = suite.state
FEDERATION = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
NOTES = 12  # posts, each delivered COPIES times at once
COPIES = 8


@suite.setup
def peer_and_server(t):
    port = free_port()
    peer = S["peer"] = FakeServer(f"127.0.0.1:{port}", address="127.0.0.1", port=port).start()
    peer.actor("writer")
    server = S["server"] = suite.server(env=FEDERATION)
    S["lou"] = register(server, "lou")
    found = server.api("GET", "/api/v2/search", token=S["lou"].token,
                       query={"q": f"writer@{peer.host}", "resolve": "true", "type": "accounts"})
    t.require(found["accounts"], "lou finds the remote writer", found)
    S["writer_id"] = found["accounts"][0]["id"]


def create(key):
    """A public Create(Note) by writer mentioning lou (so that it is stored: lou is its audience)."""
    peer, server = S["peer"], S["server"]
    lou_uri = server.url + "/users/lou"
    note = {"type": "Note", "id": f"{peer.uri('writer')}/statuses/{key}", "attributedTo": peer.uri("writer"),
            "content": f"<p>{key} @lou</p>", "to": [PUBLIC], "cc": [peer.uri("writer") + "/followers", lou_uri],
            "published": "2026-12-01T10:00:00Z",
            "tag": [{"type": "Mention", "href": lou_uri, "name": f"@lou@{server.domain}"}]}
    return {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create", "id": note["id"] + "/activity",
            "actor": peer.uri("writer"), "object": note, "to": note["to"], "cc": note["cc"]}


def deliver_at_once(activity, copies, actor="writer"):
    """POSTs `copies` separately signed copies of the activity, all released at the same moment;
    returns their statuses."""
    peer, server = S["peer"], S["server"]
    body = json.dumps(activity).encode()
    url = server.url + "/inbox"
    requests = [sign("POST", url, peer.actors[actor]["key"], peer.key_id(actor), body)
                for _ in range(copies)]
    start = threading.Barrier(copies)

    def send(headers):
        start.wait()
        return http(server.url, "POST", "/inbox", body=body, headers=headers, timeout=60).status
    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(send, requests))


def lou_mentions(key):
    return [n for n in S["server"].api("GET", "/api/v1/notifications", token=S["lou"].token,
                                       query={"types[]": "mention", "limit": "80"})
            if f"<p>{key} " in n["status"]["content"] or f">{key} " in n["status"]["content"]]


def public_statuses():
    return S["server"].api("GET", "/api/v1/timelines/public", token=S["lou"].token,
                           query={"remote": "true", "limit": "40"})


def writer_statuses():
    return S["server"].api("GET", f"/api/v1/accounts/{S['writer_id']}/statuses", token=S["lou"].token,
                           query={"limit": "40"})


def shown_more_or_less_than_once(counts, uris):
    return {uri.rsplit("/", 1)[1]: counts[uri] for uri in uris if counts[uri] != 1}


@suite.case
def a_post_delivered_many_times_at_once_shows_once(t):
    codes = []
    for i in range(NOTES):
        codes += deliver_at_once(create(f"race{i}"), COPIES)
    t.eq(sorted(set(codes)), [202], "every delivery is accepted")
    uris = [f"{S['peer'].uri('writer')}/statuses/race{i}" for i in range(NOTES)]
    time.sleep(0.5)  # the streaming and cache invalidations settle (nothing is queued for a Create)
    public = Counter(s["uri"] for s in public_statuses() if s["uri"] in uris)
    t.eq(shown_more_or_less_than_once(public, uris), {}, "each post shows once in the public timeline")
    mine = Counter(s["uri"] for s in writer_statuses() if s["uri"] in uris)
    t.eq(shown_more_or_less_than_once(mine, uris), {}, "each post shows once in its author's statuses")
    counts = {i: len(lou_mentions(f"race{i}")) for i in range(NOTES)}
    t.eq(counts, {i: 1 for i in range(NOTES)}, "lou is notified of each mention once")
    account = S["server"].api("GET", f"/api/v1/accounts/{S['writer_id']}", token=S["lou"].token)
    t.eq(account["statuses_count"], NOTES, "the author's statuses_count counts each post once")


@suite.case
def a_boost_delivered_many_times_at_once_counts_once(t):
    peer, server = S["peer"], S["server"]
    booster = peer.actor("booster")
    note = f"{peer.uri('writer')}/statuses/race0"
    announce = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Announce",
                "id": f"{booster}/statuses/boost0/activity", "actor": booster, "object": note,
                "to": [PUBLIC], "cc": [booster + "/followers"], "published": "2026-12-01T11:00:00Z"}
    codes = deliver_at_once(announce, COPIES, "booster")
    t.eq(sorted(set(codes)), [202], "every delivery of the boost is accepted")
    time.sleep(0.5)
    status = next(s for s in writer_statuses() if s["uri"] == note)
    shown = server.api("GET", f"/api/v1/statuses/{status['id']}", token=S["lou"].token)
    t.eq(shown["reblogs_count"], 1, "the boosted post counts one boost")
    rebloggers = server.api("GET", f"/api/v1/statuses/{status['id']}/reblogged_by", token=S["lou"].token)
    t.eq([a["acct"] for a in rebloggers], [f"booster@{peer.host}"], "booster boosted it, once")
    boosts = [s for s in public_statuses() if s.get("reblog") and s["reblog"]["id"] == status["id"]]
    t.check(len(boosts) <= 1, "the boost shows at most once in the public timeline", boosts)


@suite.case
def duplicates_stored_before_are_merged_at_start(t):
    server, lou = S["server"], S["lou"]
    deliver_at_once(create("old"), 1)
    original = next(s for s in writer_statuses() if s["uri"].endswith("/statuses/old"))
    kept = original["id"]
    reply = server.api("POST", "/api/v1/statuses", token=lou.token,
                       json_body={"status": f"@writer@{S['peer'].host} yes", "in_reply_to_id": kept})
    server.api("POST", f"/api/v1/statuses/{kept}/bookmark", token=lou.token)
    server.stop()
    # A copy stored as a server without the unique URI could store it, as the later row, with what
    # others did with it: lou favourited and bookmarked the copy, replied to it, has it in her home
    # timeline, and was notified of its mention.
    dup = str(int(kept) + 7)
    lou_account = lou.account["id"]
    server.sql("DROP INDEX statuses_uri")
    server.sql("CREATE INDEX statuses_uri ON statuses (uri)")
    server.sql("DELETE FROM schema_migrations WHERE version = 88")
    server.sql("INSERT INTO statuses (id, account_id, uri, url, local, content, visibility, created_at, "
               f"quote_policy) SELECT {dup}, account_id, uri, url, local, content, visibility, created_at, "
               f"quote_policy FROM statuses WHERE id = {kept}")
    server.sql(f"INSERT INTO mentions (status_id, account_id) VALUES ({dup}, {lou_account})")
    server.sql(f"INSERT INTO favourites (id, account_id, status_id, created_at) VALUES ({dup}, {lou_account}, "
               f"{dup}, 1)")
    server.sql(f"UPDATE statuses SET favourites_count = 1 WHERE id = {dup}")
    server.sql(f"INSERT INTO bookmarks (id, account_id, status_id, created_at) VALUES ({dup}, {lou_account}, "
               f"{dup}, 1)")
    server.sql(f"UPDATE statuses SET in_reply_to_id = {dup} WHERE id = {reply['id']}")
    server.sql(f"UPDATE statuses SET replies_count = replies_count - 1 WHERE id = {kept}")
    server.sql(f"UPDATE statuses SET replies_count = 1 WHERE id = {dup}")
    server.sql(f"UPDATE accounts SET statuses_count = statuses_count + 1 WHERE id = {S['writer_id']}")
    server.sql(f"INSERT INTO home_feed (account_id, status_id) VALUES ({lou_account}, {dup})")
    server.sql("INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at, "
               f"group_key, filtered) SELECT id + 7, account_id, from_account_id, type, {dup}, created_at, "
               f"group_key, filtered FROM notifications WHERE status_id = {kept} AND type = 'mention'")
    t.require(server.sql(f"SELECT COUNT(*) FROM statuses WHERE uri = '{original['uri']}'") == "2",
              "the database holds the post twice (precondition)")
    server.start()

    shown = server.api("GET", f"/api/v1/statuses/{kept}", token=lou.token)
    t.eq((shown["favourited"], shown["bookmarked"]), (True, True),
         "the kept post is favourited and bookmarked by lou (her favourite of the copy moved to it)")
    t.eq((shown["favourites_count"], shown["replies_count"]), (1, 1), "its counts include the copy's")
    t.eq(server.http("GET", f"/api/v1/statuses/{dup}", token=lou.token).status, 404, "the copy is gone")
    t.eq([s["id"] for s in writer_statuses() if s["uri"] == original["uri"]], [kept],
         "the author's statuses show the post once")
    favourites = server.api("GET", "/api/v1/favourites", token=lou.token)
    t.eq([s["id"] for s in favourites if s["uri"] == original["uri"]], [kept], "lou's favourites show it once")
    bookmarks = server.api("GET", "/api/v1/bookmarks", token=lou.token)
    t.eq([s["id"] for s in bookmarks if s["uri"] == original["uri"]], [kept], "lou's bookmarks show it once")
    home = server.api("GET", "/api/v1/timelines/home", token=lou.token, query={"limit": "40"})
    t.eq([s["id"] for s in home if s["uri"] == original["uri"]], [kept], "lou's home timeline shows it once")
    t.eq(server.api("GET", f"/api/v1/statuses/{reply['id']}", token=lou.token)["in_reply_to_id"], kept,
         "lou's reply answers the kept post")
    context = server.api("GET", f"/api/v1/statuses/{kept}/context", token=lou.token)
    t.eq([s["id"] for s in context["descendants"]], [reply["id"]], "the thread shows lou's reply under it")
    t.eq(len(lou_mentions("old")), 1, "lou has one notification of the mention")
    account = server.api("GET", f"/api/v1/accounts/{S['writer_id']}", token=lou.token)
    t.eq(account["statuses_count"], NOTES + 1, "the author's statuses_count counts the post once")
    t.eq(server.sql(f"SELECT COUNT(*) FROM statuses WHERE uri = '{original['uri']}'"), "1",
         "the database holds the post once")
    deliver_at_once(create("old"), 3)
    t.eq([s["id"] for s in writer_statuses() if s["uri"] == original["uri"]], [kept],
         "delivered again, it is still there once")


if __name__ == "__main__":
    try:
        main(suite)
    finally:
        if S.get("peer"):
            S["peer"].stop()
