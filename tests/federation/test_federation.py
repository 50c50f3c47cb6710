#!/usr/bin/python3
"""Federation between herd instances (alpha.test, beta.test) and a scriptable fake server, driven
through the client API:

  discovery (WebFinger both ways, actor documents, content negotiation), resolve=true search,
  follow (open and locked: approve and reject), post, reply, mention, boost, favourite, delete,
  unfollow; custom emoji as Emoji tags (the receiver shows its own copy of the image); a direct message reaches only the mentioned account; a private post never reaches a
  non-follower's server; deliveries to a server that is down arrive exactly once after it comes
  up; bad input (unsigned, badly signed, tampered, malformed, oversized, objects the actor does
  not own, blocked domains); AUTHORIZED_FETCH.

    /usr/bin/python3 tests/federation/test_federation.py --herd build/herd [--backend sqlite]
"""
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: herd <-> herd", args)
S = suite.state


def acct_search(server, user, handle):
    r = server.api("GET", "/api/v2/search", token=user.token,
                   query={"q": handle, "resolve": "true", "type": "accounts"})
    return r["accounts"][0] if r["accounts"] else None


def relationship(server, user, account_id):
    return server.api("GET", "/api/v1/accounts/relationships", token=user.token,
                      query={"id[]": account_id})[0]


def home_texts(server, user):
    return [s.get("content", "") for s in server.api("GET", "/api/v1/timelines/home", token=user.token)]


def find_in_home(server, user, needle):
    for s in server.api("GET", "/api/v1/timelines/home", token=user.token, query={"limit": 40}):
        target = s.get("reblog") or s
        if needle in target.get("content", ""):
            return s
    return None


def notifications(server, user, kind=None):
    items = server.api("GET", "/api/v1/notifications", token=user.token, query={"limit": 40})
    return [n for n in items if kind is None or n["type"] == kind]


def oversized_post_status(host, path, size):
    """POSTs a body of `size` bytes, reading the answer even when the server stops reading."""
    import socket
    sock = socket.create_connection((host, 80), timeout=10)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/activity+json\r\n"
                 f"Content-Length: {size}\r\n\r\n".encode())
    try:
        sock.sendall(b"x" * min(size, 65536))
    except OSError:
        pass
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    try:
        return int(data.split(b" ")[1])
    except (IndexError, ValueError):
        return 0


@suite.setup
def start_instances(s):
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["beta"] = fedlib.fed_server(s, "beta.test")
    alpha, beta = S["alpha"], S["beta"]
    S["alice"] = harness.register(alpha, "alice")
    S["erin"] = harness.register(alpha, "erin")
    S["bob"] = harness.register(beta, "bob")
    S["carol"] = harness.register(beta, "carol")
    S["dave"] = harness.register(beta, "dave")
    beta.api("PATCH", "/api/v1/accounts/update_credentials", token=S["carol"].token,
             form={"locked": "true"})
    S["sink"] = fedlib.FakeServer("sink.test").start()
    S["sam"] = S["sink"].actor("sam")


@suite.case
def discovery_webfinger_and_actor(s):
    alpha = S["alpha"]
    r = alpha.http("GET", "/.well-known/webfinger", query={"resource": "acct:alice@alpha.test"})
    s.status(r, 200, "webfinger acct:")
    doc = r.json()
    s.eq(doc.get("subject"), "acct:alice@alpha.test", "webfinger subject")
    self_links = [l for l in doc.get("links", []) if l.get("rel") == "self"]
    s.check(self_links and self_links[0]["href"] == "http://alpha.test/users/alice", "self link", doc)
    r = alpha.http("GET", "/.well-known/webfinger", query={"resource": "http://alpha.test/users/alice"})
    s.status(r, 200, "webfinger URL resource")
    s.eq(r.json().get("subject"), "acct:alice@alpha.test", "webfinger URL subject")
    r = alpha.http("GET", "/users/alice", headers={"Accept": "application/activity+json"})
    s.status(r, 200, "actor as activity+json")
    actor = r.json()
    for key in ("inbox", "outbox", "followers", "following", "featured", "publicKey", "endpoints",
                "icon", "image", "url", "manuallyApprovesFollowers", "discoverable", "published"):
        s.check(key in actor, f"actor has {key}", actor)
    s.eq(actor.get("endpoints", {}).get("sharedInbox"), "http://alpha.test/inbox", "sharedInbox")
    r = alpha.http("GET", "/@alice", headers={
        "Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'})
    s.check(r.status == 200 and r.json().get("id") == "http://alpha.test/users/alice",
            "/@alice negotiates ld+json", r.describe())
    r = alpha.http("GET", "/@alice", headers={"Accept": "text/html"})
    s.check(r.status == 200 and b"<html" in r.body, "/@alice is HTML for browsers", r.describe())
    r = alpha.http("GET", "/actor", headers={"Accept": "application/activity+json"})
    s.check(r.status == 200 and r.json().get("type") == "Application", "instance actor", r.describe())
    r = alpha.http("GET", "/users/alice/outbox", headers={"Accept": "application/activity+json"})
    s.check(r.status == 200 and r.json().get("type") == "OrderedCollection", "outbox", r.describe())


@suite.case
def search_resolves_remote_accounts(s):
    beta, bob = S["beta"], S["bob"]
    account = acct_search(beta, bob, "@alice@alpha.test")
    s.require(account is not None, "bob finds @alice@alpha.test with resolve=true")
    s.eq(account["acct"], "alice@alpha.test", "remote acct")
    s.check(account["url"].startswith("http://alpha.test/"), "remote url", account)
    S["alice@beta"] = account
    by_url = beta.api("GET", "/api/v2/search", token=bob.token,
                      query={"q": "http://alpha.test/users/erin", "resolve": "true"})
    s.check(by_url["accounts"] and by_url["accounts"][0]["acct"] == "erin@alpha.test",
            "resolve by actor URL", by_url)
    S["erin@beta"] = by_url["accounts"][0] if by_url["accounts"] else None


@suite.case
def open_follow(s):
    alpha, beta, bob = S["alpha"], S["beta"], S["bob"]
    beta.api("POST", f"/api/v1/accounts/{S['alice@beta']['id']}/follow", token=bob.token)
    ok = wait_for(lambda: relationship(beta, bob, S["alice@beta"]["id"])["following"])
    s.require(ok, "bob follows alice once alpha accepted", relationship(beta, bob, S["alice@beta"]["id"]))
    followers = alpha.api("GET", f"/api/v1/accounts/{S['alice'].account['id']}/followers")
    s.check(any(f["acct"] == "bob@beta.test" for f in followers), "alice's followers on alpha", followers)
    s.check(any(n["account"]["acct"] == "bob@beta.test" for n in notifications(alpha, S["alice"], "follow")),
            "alice is notified of the follow")
    # dave follows alice too (for the direct message check)
    beta.api("POST", f"/api/v1/accounts/{S['alice@beta']['id']}/follow", token=S["dave"].token)
    wait_for(lambda: relationship(beta, S["dave"], S["alice@beta"]["id"])["following"])


@suite.case
def locked_follow_approve_and_reject(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, erin, carol = S["alice"], S["erin"], S["carol"]
    carol_remote = acct_search(alpha, alice, "@carol@beta.test")
    s.require(carol_remote, "alice finds carol")
    s.check(carol_remote["locked"], "carol is locked as seen from alpha", carol_remote)
    alpha.api("POST", f"/api/v1/accounts/{carol_remote['id']}/follow", token=alice.token)
    s.check(relationship(alpha, alice, carol_remote["id"])["requested"], "alice's follow is pending")
    requests = wait_for(lambda: beta.api("GET", "/api/v1/follow_requests", token=carol.token))
    s.require(requests and requests[0]["acct"] == "alice@alpha.test", "carol sees alice's request", requests)
    beta.api("POST", f"/api/v1/follow_requests/{requests[0]['id']}/authorize", token=carol.token)
    ok = wait_for(lambda: relationship(alpha, alice, carol_remote["id"])["following"])
    s.check(ok, "alice follows carol after approval", relationship(alpha, alice, carol_remote["id"]))

    erin_carol = acct_search(alpha, erin, "@carol@beta.test")
    alpha.api("POST", f"/api/v1/accounts/{erin_carol['id']}/follow", token=erin.token)
    requests = wait_for(lambda: [r for r in beta.api("GET", "/api/v1/follow_requests", token=carol.token)
                                 if r["acct"] == "erin@alpha.test"])
    s.require(requests, "carol sees erin's request")
    beta.api("POST", f"/api/v1/follow_requests/{requests[0]['id']}/reject", token=carol.token)
    ok = wait_for(lambda: not relationship(alpha, erin, erin_carol["id"])["requested"])
    rel = relationship(alpha, erin, erin_carol["id"])
    s.check(ok and not rel["following"], "erin's request is gone after the rejection", rel)


@suite.case
def post_reply_mention_boost_favourite_delete(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, bob, erin = S["alice"], S["bob"], S["erin"]
    status = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                       form={"status": "Hello from alpha #fedtest"})
    remote = wait_for(lambda: find_in_home(beta, bob, "Hello from alpha"))
    s.require(remote, "alice's post reaches bob's home timeline on beta")
    s.eq(remote["account"]["acct"], "alice@alpha.test", "author acct on beta")
    s.eq(remote["uri"], status["uri"], "same uri")
    s.check(remote["url"].startswith("http://alpha.test/"), "remote url", remote)
    s.check(any(t["name"] == "fedtest" for t in remote.get("tags", [])), "hashtag indexed", remote)

    reply = beta.api("POST", "/api/v1/statuses", token=bob.token,
                     form={"status": "@alice@alpha.test nice one", "in_reply_to_id": remote["id"]})
    s.check(reply.get("in_reply_to_id") == remote["id"], "reply threads on beta", reply)
    got = wait_for(lambda: [n for n in notifications(alpha, alice, "mention")
                            if "nice one" in n["status"]["content"]])
    s.require(got, "alice is notified of bob's reply")
    s.eq(got[0]["status"]["in_reply_to_id"], status["id"], "the reply threads on alpha")
    context = alpha.api("GET", f"/api/v1/statuses/{status['id']}/context", token=alice.token)
    s.check(any("nice one" in d["content"] for d in context["descendants"]), "context has the reply", context)

    beta.api("POST", "/api/v1/statuses", token=bob.token, form={"status": "hi @erin@alpha.test"})
    s.check(wait_for(lambda: [n for n in notifications(alpha, erin, "mention")
                              if "hi" in n["status"]["content"]]), "erin is notified of the mention")

    beta.api("POST", f"/api/v1/statuses/{remote['id']}/reblog", token=bob.token)
    s.check(wait_for(lambda: notifications(alpha, alice, "reblog")), "alice is notified of the boost")
    beta.api("POST", f"/api/v1/statuses/{remote['id']}/favourite", token=bob.token)
    s.check(wait_for(lambda: notifications(alpha, alice, "favourite")), "alice is notified of the favourite")
    counts = wait_for(lambda: (lambda st: st if st["reblogs_count"] == 1 and st["favourites_count"] == 1
                               else None)(alpha.api("GET", f"/api/v1/statuses/{status['id']}")))
    s.check(counts, "counters on alpha", alpha.api("GET", f"/api/v1/statuses/{status['id']}"))

    alpha.api("DELETE", f"/api/v1/statuses/{status['id']}", token=alice.token)
    gone = wait_for(lambda: beta.http("GET", f"/api/v1/statuses/{remote['id']}", token=bob.token).status == 404)
    s.check(gone, "the deleted status is gone on beta")


@suite.case
def custom_emoji_travels_as_an_emoji_tag(s):
    alpha, beta, alice, bob = S["alpha"], S["beta"], S["alice"], S["bob"]
    image = os.path.join(alpha.tmp, "fedcat.png")
    with open(image, "wb") as f:
        f.write(tiny_png())
    rc, out, err = harness.run_herd_once(alpha.herd, alpha.environment(), ("admin", "emoji", "add", "fedcat", image))
    s.eq(rc, 0, f"herd admin emoji add on alpha ({err.strip()})")
    url = alpha.api("GET", "/api/v1/custom_emojis")[0]["url"]
    # A direct post to nobody (delivered nowhere) shows when alpha's server has the new emoji.
    probe = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                      form={"status": ":fedcat: probe", "visibility": "direct"})
    s.require(wait_for(lambda: alpha.api("GET", f"/api/v1/statuses/{probe['id']}", token=alice.token)["emojis"]),
              "alpha shows :fedcat: in its own post's emojis")
    alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "Cats :fedcat: everywhere"})
    remote = wait_for(lambda: find_in_home(beta, bob, "Cats"))
    s.require(remote, "alice's post with :fedcat: reaches bob on beta")
    s.eq([e["shortcode"] for e in remote["emojis"]], ["fedcat"], "beta shows alpha's emoji (from the Emoji tag)")
    s.eq(alpha.http("GET", url.replace("http://alpha.test", "")).status, 200, "alpha serves the image")

    def beta_copy():
        emojis = beta.api("GET", f"/api/v1/statuses/{remote['id']}", token=bob.token)["emojis"]
        return emojis[0] if emojis and emojis[0]["url"].startswith(beta.url + "/system/") else None
    copied = wait_for(beta_copy)
    s.require(copied, "beta's emoji turns from alpha's URL into beta's own copy",
              beta.api("GET", f"/api/v1/statuses/{remote['id']}", token=bob.token)["emojis"])
    image = beta.http("GET", copied["url"].replace(beta.url, ""))
    s.check(image.status == 200 and image.body.startswith(b"\x89PNG"), "beta serves the copy, a PNG", image.status)


@suite.case
def local_edit_arrives_with_its_history(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, bob = S["alice"], S["bob"]
    status = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                       form={"status": "Before the edit #editfed"})
    remote = wait_for(lambda: find_in_home(beta, bob, "Before the edit"))
    s.require(remote, "the post reaches bob on beta")
    beta.api("POST", f"/api/v1/statuses/{remote['id']}/reblog", token=bob.token)
    edited = alpha.api("PUT", f"/api/v1/statuses/{status['id']}", token=alice.token,
                       form={"status": "After the edit", "spoiler_text": "edited"})
    s.check(edited.get("edited_at"), "the edit is applied on alpha", edited)
    arrived = wait_for(lambda: (lambda st: st if "After the edit" in st["content"] else None)(
        beta.api("GET", f"/api/v1/statuses/{remote['id']}", token=bob.token)))
    s.require(arrived, "the edit arrives on beta",
              beta.api("GET", f"/api/v1/statuses/{remote['id']}", token=bob.token))
    s.eq(arrived["spoiler_text"], "edited", "the content warning arrives with the edit")
    s.check(arrived.get("edited_at"), "edited_at is set on beta", arrived)
    s.eq(arrived["tags"], [], "the hashtag the edit removed is gone on beta")
    history = beta.api("GET", f"/api/v1/statuses/{remote['id']}/history", token=bob.token)
    s.eq(len(history), 2, "beta keeps the original and the edit")
    s.check(len(history) == 2 and "Before the edit" in history[0]["content"]
            and "After the edit" in history[1]["content"], "versions in order on beta", history)
    s.check(wait_for(lambda: [n for n in notifications(beta, bob, "update")
                              if n["status"]["id"] == remote["id"]]),
            "bob, who boosted it, is notified of the edit on beta")
    # A second edit arrives too; the history grows by one, never twice for one edit.
    alpha.api("PUT", f"/api/v1/statuses/{status['id']}", token=alice.token, form={"status": "Third take"})
    s.check(wait_for(lambda: "Third take" in beta.api("GET", f"/api/v1/statuses/{remote['id']}",
                                                      token=bob.token)["content"]), "the second edit arrives")
    s.eq(len(beta.api("GET", f"/api/v1/statuses/{remote['id']}/history", token=bob.token)), 3,
         "three versions on beta after two edits")


@suite.case
def profile_update_arrives(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, bob = S["alice"], S["bob"]
    before = acct_search(beta, bob, "@alice@alpha.test")
    s.require(before, "beta knows alice")
    alpha.api("PATCH", "/api/v1/accounts/update_credentials", token=alice.token, form={
        "display_name": "Alice of Alpha", "note": "Edits things.",
        "fields_attributes[0][name]": "Home", "fields_attributes[0][value]": "alpha.test",
        "locked": "true"})
    arrived = wait_for(lambda: (lambda a: a if a["display_name"] == "Alice of Alpha" else None)(
        beta.api("GET", f"/api/v1/accounts/{before['id']}", token=bob.token)))
    s.require(arrived, "alice's new display name reaches beta",
              beta.api("GET", f"/api/v1/accounts/{before['id']}", token=bob.token))
    s.check("Edits things." in arrived["note"], "the new bio arrives", arrived["note"])
    s.eq([(f["name"], "alpha.test" in f["value"]) for f in arrived["fields"]], [("Home", True)],
         "the profile fields arrive")
    s.eq(arrived["locked"], True, "the locked flag arrives")
    alpha.api("PATCH", "/api/v1/accounts/update_credentials", token=alice.token, form={"locked": "false"})
    s.check(wait_for(lambda: not beta.api("GET", f"/api/v1/accounts/{before['id']}", token=bob.token)["locked"]),
            "unlocking arrives too")
    # A new avatar: beta shows the image alpha serves (alpha's URL until beta's copy of it exists).
    prior = beta.api("GET", f"/api/v1/accounts/{before['id']}", token=bob.token)["avatar"]
    picture = tiny_png()
    boundary = "herdavatarboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + picture + f"\r\n--{boundary}--\r\n".encode()
    r = alpha.http("PATCH", "/api/v1/accounts/update_credentials", token=alice.token, body=body,
                   content_type=f"multipart/form-data; boundary={boundary}")
    s.require(r.status == 200, "alice uploads an avatar", r.describe())
    avatar = r.json()["avatar"]
    shown = wait_for(lambda: (lambda a: a if a["avatar"] != prior else None)(
        beta.api("GET", f"/api/v1/accounts/{before['id']}", token=bob.token)))
    s.require(shown, "beta shows alice's new avatar",
              beta.api("GET", f"/api/v1/accounts/{before['id']}", token=bob.token))
    s.check(shown["avatar"] == avatar or shown["avatar"].startswith(beta.url + "/"),
            "beta points to alpha's avatar or to its own copy of it", shown["avatar"])
    # Both serve the picture as Mastodon's 400x400 avatar: a PNG of that size.
    for url in {avatar, shown["avatar"]}:
        served = (beta if url.startswith(beta.url + "/") else alpha).http("GET", url)
        s.check(served.status == 200 and served.body[:8] == picture[:8]
                and struct.unpack(">II", served.body[16:24]) == (400, 400),
                f"{url} is alice's picture as a 400x400 avatar", served.describe())


def tiny_png():
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((x * 40) % 256 for x in range(12)) for _ in range(3))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@suite.case
def local_media_arrives_as_attachments(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, bob = S["alice"], S["bob"]
    picture = tiny_png()
    boundary = "herdfedboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + picture + (
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n"
            f"three pixels high\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"focus\"\r\n\r\n"
            f"0.25,-0.5\r\n--{boundary}--\r\n").encode()
    r = alpha.http("POST", "/api/v2/media", token=alice.token, body=body,
                   content_type=f"multipart/form-data; boundary={boundary}")
    s.require(r.status == 200, "alice uploads a picture on alpha", r.describe())
    media = r.json()
    alpha.api("POST", "/api/v1/statuses", token=alice.token,
              json_body={"status": "A picture from alpha", "media_ids": [media["id"]]})
    remote = wait_for(lambda: find_in_home(beta, bob, "A picture from alpha"))
    s.require(remote, "the post with a picture reaches bob on beta")
    attachments = remote["media_attachments"]
    s.eq(len(attachments), 1, "the attachment arrives with the post")
    if attachments:
        a = attachments[0]
        s.eq(a["type"], "image", "as an image")
        s.eq(a["description"], "three pixels high", "with its description")
        s.eq(a["meta"].get("focus"), {"x": 0.25, "y": -0.5}, "and its focus point (focalPoint)")
        s.eq(a["remote_url"], media["url"], "referencing the file on alpha")
        got = alpha.http("GET", a["url"])
        # alpha stores the picture re-encoded without metadata: the same PNG of 4x3 pixels.
        stored = alpha.http("GET", media["url"]).body
        s.check(got.status == 200 and got.body == stored and got.body[16:24] == picture[16:24],
                "the file beta points to is alice's picture", got.describe())


@suite.case
def direct_message_reaches_only_the_mentioned(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, bob, dave = S["alice"], S["bob"], S["dave"]
    dm = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                   form={"status": "@bob@beta.test secret for bob", "visibility": "direct"})
    got = wait_for(lambda: [n for n in notifications(beta, bob, "mention")
                            if "secret for bob" in n["status"]["content"]])
    s.require(got, "bob receives the direct message")
    s.eq(got[0]["status"]["visibility"], "direct", "visibility on beta")
    local_id = got[0]["status"]["id"]
    time.sleep(1)
    s.check(not [t for t in home_texts(beta, dave) if "secret for bob" in t],
            "dave (a follower of alice) does not see it in home")
    s.eq(beta.http("GET", f"/api/v1/statuses/{local_id}", token=dave.token).status, 404,
         "dave cannot open it")
    s.eq(beta.http("GET", f"/api/v1/statuses/{local_id}").status, 404, "anonymous cannot open it")
    s.check(not [p for p in S["sink"].inbox_posts("Create") if "secret" in json.dumps(p)],
            "the unrelated server got nothing")
    _ = dm


@suite.case
def private_post_never_reaches_a_non_follower_server(s):
    alpha, erin, alice = S["alpha"], S["erin"], S["alice"]
    sink = S["sink"]
    # sam@sink.test follows erin (not alice)
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
              "id": "http://sink.test/follows/1", "actor": S["sam"],
              "object": "http://alpha.test/users/erin"}
    r = sink.post("sam", "http://alpha.test/users/erin/inbox", follow)
    s.status(r, 202, "sam's Follow is accepted")
    s.check(wait_for(lambda: sink.inbox_posts("Accept")), "sam receives the Accept")
    alpha.api("POST", "/api/v1/statuses", token=alice.token,
              form={"status": "followers only from alice", "visibility": "private"})
    alpha.api("POST", "/api/v1/statuses", token=erin.token, form={"status": "public from erin"})
    s.check(wait_for(lambda: [p for p in sink.inbox_posts("Create") if "public from erin" in json.dumps(p)]),
            "sink receives erin's public post")
    time.sleep(1)
    s.check(not [p for p in sink.inbox_posts() if "followers only from alice" in json.dumps(p)],
            "alice's private post never reaches sink.test")
    private = wait_for(lambda: find_in_home(S["beta"], S["bob"], "followers only from alice"))
    s.check(private and private["visibility"] == "private", "bob (a follower) gets it as private", private)


@suite.case
def down_server_gets_every_delivery_exactly_once(s):
    alpha, erin, sink = S["alpha"], S["erin"], S["sink"]
    sink.stop()
    ids = []
    for i in range(5):
        ids.append(alpha.api("POST", "/api/v1/statuses", token=erin.token,
                             form={"status": f"while you were away {i}"})["uri"])
    time.sleep(3)
    sink.start()

    def arrived():
        got = [p["object"]["id"] for p in sink.inbox_posts("Create")
               if isinstance(p.get("object"), dict) and p["object"].get("id") in ids]
        return got if len(set(got)) == len(ids) else None

    got = wait_for(arrived, timeout=60)
    s.require(got, "every delivery arrives after the server comes back")
    time.sleep(3)
    got = [p["object"]["id"] for p in sink.inbox_posts("Create")
           if isinstance(p.get("object"), dict) and p["object"].get("id") in ids]
    s.eq(sorted(got), sorted(ids), "each exactly once")


@suite.case
def deliveries_resume_after_a_restart(s):
    alpha, erin, sink = S["alpha"], S["erin"], S["sink"]
    sink.stop()
    uri = alpha.api("POST", "/api/v1/statuses", token=erin.token,
                    form={"status": "posted before a restart"})["uri"]
    time.sleep(1)
    alpha.stop()
    alpha.start()
    sink.start()
    got = wait_for(lambda: [p for p in sink.inbox_posts("Create")
                            if isinstance(p.get("object"), dict) and p["object"].get("id") == uri],
                   timeout=90)
    s.check(got and len(got) == 1, "the queued delivery is sent once after the restart", got)


@suite.case
def remote_edit_and_key_rotation(s):
    alpha, erin, sink = S["alpha"], S["erin"], S["sink"]
    sam = S["sam"]
    note_id = "http://sink.test/notes/edit-1"
    note = {"type": "Note", "id": note_id, "attributedTo": sam, "content": "<p>first version @erin</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "tag": [{"type": "Mention", "href": "http://alpha.test/users/erin", "name": "@erin@alpha.test"}]}
    create = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
              "id": note_id + "/activity", "actor": sam, "object": note}
    s.status(sink.post("sam", "http://alpha.test/inbox", create), 202, "Create accepted")
    mention = wait_for(lambda: [n for n in notifications(alpha, erin, "mention")
                                if "first version" in n["status"]["content"]])
    s.require(mention, "erin is mentioned")
    local_id = mention[0]["status"]["id"]
    # The key rotates: the next activity is signed with a new key; herd refetches it once.
    sink.actors["sam"]["key"] = fedlib.new_key()
    sink.actors["sam"]["doc"]["publicKey"]["publicKeyPem"] = fedlib.public_pem(sink.actors["sam"]["key"])
    update = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
              "id": note_id + "#update-1", "actor": sam,
              "object": dict(note, content="<p>second version @erin</p>",
                             updated="2030-01-01T00:00:00Z")}
    s.status(sink.post("sam", "http://alpha.test/inbox", update), 202,
             "Update signed with a rotated key is accepted after one refetch")
    edited = alpha.api("GET", f"/api/v1/statuses/{local_id}", token=erin.token)
    s.check("second version" in edited["content"] and edited.get("edited_at"), "the edit is applied", edited)
    stale = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
             "id": note_id + "#update-0", "actor": sam,
             "object": dict(note, content="<p>an older version</p>", updated="2029-01-01T00:00:00Z")}
    s.status(sink.post("sam", "http://alpha.test/inbox", stale), 202, "an Update delivered late is accepted")
    now = alpha.api("GET", f"/api/v1/statuses/{local_id}", token=erin.token)
    s.check("second version" in now["content"], "but an older version never replaces a newer one", now)
    history = alpha.api("GET", f"/api/v1/statuses/{local_id}/history", token=erin.token)
    s.eq(len(history), 2, "the remote status's history: the original and the edit")


@suite.case
def remote_media_and_peertube_video(s):
    alpha, erin, sink = S["alpha"], S["erin"], S["sink"]
    sam = S["sam"]
    mention = [{"type": "Mention", "href": "http://alpha.test/users/erin", "name": "@erin@alpha.test"}]
    note = {"type": "Note", "id": "http://sink.test/notes/media-1", "attributedTo": sam,
            "contentMap": {"en": "<p>look @erin</p>"}, "to": "https://www.w3.org/ns/activitystreams#Public",
            "tag": mention[0], "sensitive": True,
            "attachment": {"type": "Document", "mediaType": "image/png", "url": "http://sink.test/m/1.png",
                           "name": "a red square", "blurhash": "LKO2?U%2Tw=w]~RBVZRi};RPxuwH",
                           "width": 640, "height": 480, "focalPoint": [0.1, -0.2]}}
    r = sink.post("sam", "http://alpha.test/inbox", {"@context": "https://www.w3.org/ns/activitystreams",
                                                     "type": "Create", "id": note["id"] + "/activity",
                                                     "actor": sam, "object": note})
    s.status(r, 202, "Create with an attachment")
    got = wait_for(lambda: [n["status"] for n in notifications(alpha, erin, "mention")
                            if "look" in n["status"]["content"]])
    s.require(got, "the note arrives")
    media = got[0].get("media_attachments", [])
    s.check(len(media) == 1 and media[0].get("remote_url") == "http://sink.test/m/1.png"
            and media[0].get("type") == "image" and media[0].get("description") == "a red square",
            "remote media are referenced", media)
    s.check(got[0].get("sensitive") is True and got[0].get("language") == "en", "sensitive, language", got[0])
    s.eq((media[0].get("meta") or {}).get("focus") if media else None, {"x": 0.1, "y": -0.2},
         "focalPoint becomes meta.focus")
    # The author edits the alt text and adds a second picture: the attachments follow the edit.
    edited = dict(note, updated="2031-01-01T00:00:00Z", attachment=[
        dict(note["attachment"], name="a red square, described better"),
        {"type": "Image", "mediaType": "image/jpeg", "url": "http://sink.test/m/2.jpg", "name": "second"}])
    r = sink.post("sam", "http://alpha.test/inbox", {"@context": "https://www.w3.org/ns/activitystreams",
                                                     "type": "Update", "id": note["id"] + "#updates/1",
                                                     "actor": sam, "object": edited})
    s.status(r, 202, "Update changing the attachments")
    sid = got[0]["id"]
    now = wait_for(lambda: (lambda st: st if len(st["media_attachments"]) == 2 else None)(
        alpha.api("GET", f"/api/v1/statuses/{sid}", token=erin.token)))
    s.require(now, "the edited attachments replace the old ones",
              alpha.api("GET", f"/api/v1/statuses/{sid}", token=erin.token))
    s.eq([(m["remote_url"], m["description"]) for m in now["media_attachments"]],
         [("http://sink.test/m/1.png", "a red square, described better"), ("http://sink.test/m/2.jpg", "second")],
         "in order, with the new descriptions")
    history = alpha.api("GET", f"/api/v1/statuses/{sid}/history", token=erin.token)
    s.eq([[m["description"] for m in h["media_attachments"]] for h in history],
         [["a red square"], ["a red square, described better", "second"]], "the history keeps the old attachment")

    video = {"type": "Video", "id": "http://sink.test/videos/watch/abc", "attributedTo": [
                {"type": "Person", "id": sam}, {"type": "Group", "id": "http://sink.test/c/chan"}],
             "name": "A <b>great</b> video", "content": "Line one\n\nLine two", "mediaType": "text/markdown",
             "url": [{"type": "Link", "mediaType": "text/html", "href": "http://sink.test/w/abc"},
                     {"type": "Link", "mediaType": "video/mp4", "href": "http://sink.test/v.mp4"}],
             "to": ["https://www.w3.org/ns/activitystreams#Public"], "tag": mention}
    r = sink.post("sam", "http://alpha.test/inbox", {"@context": "https://www.w3.org/ns/activitystreams",
                                                     "type": "Create", "id": video["id"] + "/activity",
                                                     "actor": sam, "object": video})
    s.status(r, 202, "Create(Video)")
    got = wait_for(lambda: [n["status"] for n in notifications(alpha, erin, "mention")
                            if "great" in n["status"]["content"]])
    s.require(got, "the PeerTube video arrives as a post")
    content = got[0]["content"]
    s.check("<h2>A &lt;b&gt;great&lt;/b&gt; video</h2>" in content and "Line two" in content
            and 'href="http://sink.test/w/abc"' in content, "name, description and watch link", content)
    s.eq(got[0]["url"], "http://sink.test/w/abc", "the status url is the watch page")


@suite.case
def search_resolves_a_remote_post_and_missing_parents_are_fetched(s):
    alpha, beta, erin, bob = S["alpha"], S["beta"], S["erin"], S["bob"]
    status = alpha.api("POST", "/api/v1/statuses", token=erin.token, form={"status": "findable post"})
    r = beta.api("GET", "/api/v2/search", token=bob.token,
                 query={"q": status["uri"], "resolve": "true", "type": "statuses"})
    s.check(r["statuses"] and "findable post" in r["statuses"][0]["content"]
            and r["statuses"][0]["account"]["acct"] == "erin@alpha.test", "bob finds erin's post by URL", r)

    sink, sam = S["sink"], S["sam"]
    parent = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Note",
              "id": "http://sink.test/notes/parent-1", "attributedTo": sam,
              "content": "<p>the parent nobody here has seen</p>",
              "to": ["https://www.w3.org/ns/activitystreams#Public"]}
    sink.objects["/notes/parent-1"] = parent
    reply = {"type": "Note", "id": "http://sink.test/notes/reply-1", "attributedTo": sam,
             "inReplyTo": parent["id"], "content": "<p>a reply for @erin</p>",
             "to": ["https://www.w3.org/ns/activitystreams#Public"],
             "tag": [{"type": "Mention", "href": "http://alpha.test/users/erin"}]}
    sink.post("sam", "http://alpha.test/inbox", {"@context": "https://www.w3.org/ns/activitystreams",
                                                 "type": "Create", "id": reply["id"] + "/activity",
                                                 "actor": sam, "object": reply})
    got = wait_for(lambda: [n["status"] for n in notifications(alpha, erin, "mention")
                            if "a reply for" in n["status"]["content"]])
    s.require(got, "the reply arrives")
    s.check(got[0]["in_reply_to_id"], "its parent was fetched and threaded", got[0])
    context = alpha.api("GET", f"/api/v1/statuses/{got[0]['id']}/context", token=erin.token)
    s.check(any("nobody here has seen" in a["content"] for a in context["ancestors"]),
            "the parent is in the thread", context)


@suite.case
def unfollow_arrives(s):
    alpha, beta, bob = S["alpha"], S["beta"], S["bob"]
    before = alpha.api("GET", f"/api/v1/accounts/{S['alice'].account['id']}")["followers_count"]
    beta.api("POST", f"/api/v1/accounts/{S['alice@beta']['id']}/unfollow", token=bob.token)
    ok = wait_for(lambda: alpha.api("GET", f"/api/v1/accounts/{S['alice'].account['id']}")["followers_count"]
                  == before - 1)
    s.check(ok, "alice lost a follower on alpha")


@suite.case
def bad_input_is_refused(s):
    alpha = S["alpha"]
    mallory = fedlib.FakeServer("mallory.test").start()
    S["mallory"] = mallory
    m = mallory.actor("mallory")
    other_key = fedlib.new_key()
    note = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
            "id": "http://mallory.test/notes/1/activity", "actor": m,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"type": "Note", "id": "http://mallory.test/notes/1", "attributedTo": m,
                       "content": "@erin bad", "to": ["https://www.w3.org/ns/activitystreams#Public"],
                       "tag": [{"type": "Mention", "href": "http://alpha.test/users/erin"}]}}
    raw = json.dumps(note).encode()
    r = alpha.http("POST", "/inbox", body=raw, content_type="application/activity+json")
    s.json_error(r, 401, "unsigned POST")
    r = fedlib.post_signed("http://alpha.test/inbox", note, other_key, mallory.key_id("mallory"))
    s.json_error(r, 401, "signed with the wrong key")
    headers = fedlib.sign("POST", "http://alpha.test/inbox", mallory.actors["mallory"]["key"],
                          mallory.key_id("mallory"), raw)
    r = alpha.http("POST", "/inbox", body=raw.replace(b"bad", b"BAD"), headers=headers)
    s.json_error(r, 401, "tampered body (digest mismatch)")
    old = fedlib.sign("POST", "http://alpha.test/inbox", mallory.actors["mallory"]["key"],
                      mallory.key_id("mallory"), raw, date="Mon, 01 Jan 2024 00:00:00 GMT")
    r = alpha.http("POST", "/inbox", body=raw, headers=old)
    s.json_error(r, 401, "a Date outside the window")
    s.eq(alpha.http("GET", "/api/v2/search", token=S["erin"].token,
                    query={"q": "http://mallory.test/notes/1"}).json()["statuses"], [],
         "nothing stored from refused requests")
    s.check(not notifications(alpha, S["erin"], "mention") or
            all("bad" not in n["status"]["content"] for n in notifications(alpha, S["erin"], "mention")),
            "no mention notification from refused requests")

    r = alpha.http("POST", "/inbox", body=b"{not json", content_type="application/activity+json")
    s.status(r, 400, "malformed JSON")
    s.eq(oversized_post_status("alpha.test", "/inbox", 2 << 20), 413, "oversized body")

    # An object attributed to someone else (alice) is rejected.
    forged = dict(note, id="http://mallory.test/notes/2/activity")
    forged["object"] = dict(note["object"], id="http://mallory.test/notes/2",
                            attributedTo="http://alpha.test/users/alice")
    r = mallory.post("mallory", "http://alpha.test/inbox", forged)
    s.status(r, 403, "Create of a note attributed to someone else")
    status = alpha.api("POST", "/api/v1/statuses", token=S["alice"].token, form={"status": "mine"})
    delete = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Delete",
              "id": "http://mallory.test/d/1", "actor": m, "object": status["uri"]}
    r = mallory.post("mallory", "http://alpha.test/inbox", delete)
    s.status(r, 403, "Delete of someone else's status")
    s.status(alpha.http("GET", f"/api/v1/statuses/{status['id']}"), 200, "the status is still there")


@suite.case
def blocked_domain_is_dropped(s):
    alpha, erin = S["alpha"], S["erin"]
    admin = harness.admin_user(alpha)
    blocked = fedlib.FakeServer("blocked.test").start()
    b = blocked.actor("eve")
    r = alpha.http("POST", "/api/v1/admin/domain_blocks", token=admin.token,
                   form={"domain": "blocked.test"})
    s.status(r, 403, "a token without admin:write cannot block a domain")
    r = alpha.http("POST", "/api/v1/admin/domain_blocks", token=admin_token(alpha),
                   form={"domain": "blocked.test"})
    s.status(r, 200, "admin blocks blocked.test")
    before = alpha.api("GET", f"/api/v1/accounts/{erin.account['id']}")["followers_count"]
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
              "id": "http://blocked.test/f/1", "actor": b, "object": "http://alpha.test/users/erin"}
    r = blocked.post("eve", "http://alpha.test/users/erin/inbox", follow)
    s.status(r, 202, "the blocked domain's Follow is answered 202")
    time.sleep(1)
    s.eq(alpha.api("GET", f"/api/v1/accounts/{erin.account['id']}")["followers_count"], before,
         "and dropped: no new follower")
    s.check(not blocked.inbox_posts(), "nothing is sent to the blocked domain", blocked.inbox_posts())
    blocked.stop()


@suite.case
def silenced_domain_is_limited_not_cut_off(s):
    """A `silence` domain block limits the domain's accounts as Mastodon does: their posts still
    reach followers, stay out of the federated timeline, and the accounts show `limited`; lifting
    the block lifts the limit. (A `suspend` block cuts off: blocked_domain_is_dropped.)"""
    alpha, erin = S["alpha"], S["erin"]
    limited = fedlib.FakeServer("limited.test").start()
    lena = limited.actor("lena")
    lena_account = follow_fake_account(s, alpha, erin, limited, "lena")
    r = alpha.http("POST", "/api/v1/admin/domain_blocks", token=admin_token(alpha),
                   form={"domain": "limited.test", "severity": "silence"})
    s.status(r, 200, "admin silences limited.test")
    block_id = r.json()["id"]
    s.eq(alpha.api("GET", f"/api/v1/accounts/{lena_account['id']}").get("limited"), True,
         "lena, known before the block, is limited")
    note = {"id": lena + "/statuses/1", "type": "Note", "attributedTo": lena,
            "content": "<p>limited but followed</p>", "published": "2026-12-06T12:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [lena + "/followers"]}
    create = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
              "id": note["id"] + "/activity", "actor": lena, "object": note, "to": note["to"], "cc": note["cc"]}
    s.status(limited.post("lena", "http://alpha.test/inbox", create), 202, "lena's Create is accepted")
    s.check(wait_for(lambda: find_in_home(alpha, erin, "limited but followed")),
            "it reaches erin, who follows lena", home_texts(alpha, erin))
    federated = alpha.api("GET", "/api/v1/timelines/public", token=erin.token, query={"remote": "true"})
    s.check(not [x for x in federated if "limited but followed" in x.get("content", "")],
            "and stays out of the federated timeline")
    limited.actor("lou")
    lou = acct_search(alpha, erin, "@lou@limited.test")
    s.check(lou and lou.get("limited") is True, "lou, met after the block, is limited too", lou)
    s.check(not [p for p in limited.inbox_posts() if p.get("type") == "Reject"],
            "nothing of lena's was rejected")
    r = alpha.http("DELETE", f"/api/v1/admin/domain_blocks/{block_id}", token=admin_token(alpha))
    s.status(r, 200, "admin lifts the block")
    s.check(not alpha.api("GET", f"/api/v1/accounts/{lena_account['id']}").get("limited"),
            "lena is no longer limited")
    limited.stop()


@suite.case
def authorized_fetch_requires_signed_gets(s):
    gamma = fedlib.fed_server(s, "gamma.test", env={"AUTHORIZED_FETCH": "true"})
    harness.register(gamma, "gina")
    r = gamma.http("GET", "/users/gina", headers={"Accept": "application/activity+json"})
    s.json_error(r, 401, "unsigned GET of an actor")
    s.check("signed" in r.json().get("error", ""), "with a reason", r.describe())
    s.status(gamma.http("GET", "/actor", headers={"Accept": "application/activity+json"}), 200,
             "the instance actor stays public")
    mallory = S["mallory"]
    headers = fedlib.sign("GET", "http://gamma.test/users/gina", mallory.actors["mallory"]["key"],
                          mallory.key_id("mallory"))
    r = gamma.http("GET", "/users/gina", headers=headers)
    s.check(r.status == 200 and r.json().get("id") == "http://gamma.test/users/gina",
            "a signed GET gets the actor", r.describe())
    # Fetching across instances works: alpha signs its fetches.
    found = acct_search(S["alpha"], S["alice"], "@gina@gamma.test")
    s.check(found and found["acct"] == "gina@gamma.test", "alpha resolves an account on gamma", found)
    gamma.stop()


def admin_token(server):
    return harness.password_token(server, harness.ADMIN_EMAIL, server.admin_password,
                                  scope="read write follow admin:read admin:write")


@suite.case
def forwarded_report_arrives_as_a_report(s):
    alpha, beta, alice = S["alpha"], S["beta"], S["alice"]
    bob_on_alpha = acct_search(alpha, alice, "@bob@beta.test")
    s.require(bob_on_alpha, "alice finds bob@beta.test")
    post = beta.api("POST", "/api/v1/statuses", token=S["bob"].token, form={"status": "reportable"})
    found = alpha.api("GET", "/api/v2/search", token=alice.token,
                      query={"q": post["uri"], "resolve": "true", "type": "statuses"})["statuses"]
    s.require(found, "alice finds bob's post")
    report = alpha.api("POST", "/api/v1/reports", token=alice.token, form={
        "account_id": bob_on_alpha["id"], "status_ids[]": found[0]["id"],
        "comment": "forwarded from alpha", "forward": "true", "category": "spam"})
    s.eq(report["forwarded"], True, "the report is forwarded")
    token = admin_token(beta)

    def arrived():
        return [r for r in beta.api("GET", "/api/v1/admin/reports", token=token)
                if r["comment"] == "forwarded from alpha"]
    got = wait_for(arrived, timeout=30)
    s.require(got, "the Flag arrives on beta as a report")
    s.eq(got[0]["target_account"]["account"]["id"], S["bob"].account["id"], "about bob")
    s.eq([st["id"] for st in got[0]["statuses"]], [post["id"]], "with bob's post")
    s.eq(got[0]["account"]["domain"], "alpha.test", "reported by alpha's instance actor")
    notes = beta.api("GET", "/api/v1/notifications", token=token, query={"types[]": "admin.report"})
    s.check([n for n in notes if n.get("report", {}).get("id") == got[0]["id"]],
            "beta's admin is notified", notes)


def follow_fake_account(s, server, user, fake, name):
    """user follows name@fake (a FakeServer actor) and the fake server accepts."""
    account = acct_search(server, user, f"@{name}@{fake.host}")
    s.require(account, f"{user.username} finds {name}@{fake.host}")
    server.api("POST", f"/api/v1/accounts/{account['id']}/follow", token=user.token)
    follow = wait_for(lambda: [p for p in fake.inbox_posts("Follow") if p.get("object") == fake.uri(name)])
    s.require(follow, f"the Follow reaches {fake.host}")
    accept = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Accept",
              "id": fake.uri(name) + "#accepts/1", "actor": fake.uri(name), "object": follow[0]}
    fake.post(name, f"{server.url}/inbox", accept)
    s.require(wait_for(lambda: relationship(server, user, account["id"])["following"]),
              f"{user.username} follows {name}@{fake.host}")
    return account


@suite.case
def a_post_arriving_before_the_accept_reaches_home(s):
    """Deliveries are not ordered: a remote server may send a new post before its Accept of the
    follow. The post must not be dropped as unsolicited; the Accept brings it into home."""
    alpha, erin, sink = S["alpha"], S["erin"], S["sink"]
    uri = sink.actor("early")
    account = acct_search(alpha, erin, "@early@sink.test")
    s.require(account, "erin finds early@sink.test")
    alpha.api("POST", f"/api/v1/accounts/{account['id']}/follow", token=erin.token)
    follow = wait_for(lambda: [p for p in sink.inbox_posts("Follow") if p.get("object") == uri])
    s.require(follow, "the Follow reaches sink.test")
    s.check(relationship(alpha, erin, account["id"])["requested"], "the follow is pending")
    note = {"id": uri + "/statuses/1", "type": "Note", "attributedTo": uri,
            "content": "<p>sent before the accept</p>", "published": "2026-12-06T12:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [uri + "/followers"]}
    create = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
              "id": uri + "/statuses/1/activity", "actor": uri, "object": note,
              "to": note["to"], "cc": note["cc"]}
    s.status(sink.post("early", "http://alpha.test/inbox", create), 202, "the early Create is accepted")
    accept = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Accept",
              "id": uri + "#accepts/1", "actor": uri, "object": follow[0]}
    s.status(sink.post("early", "http://alpha.test/inbox", accept), 202, "the Accept is accepted")
    s.require(wait_for(lambda: relationship(alpha, erin, account["id"])["following"]),
              "erin follows early@sink.test")
    s.check(wait_for(lambda: find_in_home(alpha, erin, "sent before the accept")),
            "the post sent before the Accept is in erin's home", home_texts(alpha, erin))


@suite.case
def move_makes_local_followers_follow_the_new_account(s):
    alpha, erin = S["alpha"], S["erin"]
    mover = S["sink"]
    old, new = mover.actor("old"), mover.actor("new")
    old_account = follow_fake_account(s, alpha, erin, mover, "old")
    mover.actors["new"]["doc"]["alsoKnownAs"] = [old]
    mover.actors["old"]["doc"]["movedTo"] = new
    move = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Move",
            "id": old + "#moves/1", "actor": old, "object": old, "target": new}
    s.status(mover.post("old", "http://alpha.test/inbox", move), 202, "the Move is accepted")
    follows = wait_for(lambda: [p for p in mover.inbox_posts("Follow") if p.get("object") == new])
    s.check(follows and follows[0]["actor"] == "http://alpha.test/users/erin",
            "erin's Follow of the new account goes out", mover.inbox_posts())
    s.check(wait_for(lambda: [p for p in mover.inbox_posts("Undo")
                              if isinstance(p.get("object"), dict) and p["object"].get("object") == old]),
            "and an Undo(Follow) of the old one")
    new_account = acct_search(alpha, erin, f"@new@sink.test")
    s.require(new_account, "the new account is known on alpha")
    r = relationship(alpha, erin, new_account["id"])
    s.check(r["following"] or r["requested"], "erin follows (or asked to follow) the new account", r)
    s.check(not relationship(alpha, erin, old_account["id"])["following"], "and no longer the old one")
    moved = alpha.api("GET", f"/api/v1/accounts/{old_account['id']}").get("moved")
    s.check(moved and moved["acct"] == "new@sink.test", "the old account's `moved` is the new one", moved)


@suite.case
def move_without_also_known_as_is_refused(s):
    alpha, erin, mover = S["alpha"], S["erin"], S["sink"]
    old, new = mover.actor("old2"), mover.actor("new2")
    old_account = follow_fake_account(s, alpha, erin, mover, "old2")
    move = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Move",
            "id": old + "#moves/1", "actor": old, "object": old, "target": new}
    mover.post("old2", "http://alpha.test/inbox", move)
    time.sleep(2)
    s.check(not [p for p in mover.inbox_posts("Follow") if p.get("object") == new],
            "no Follow of a target that does not name the origin", mover.inbox_posts("Follow"))
    s.check(relationship(alpha, erin, old_account["id"])["following"], "erin still follows old2")
    s.check(not alpha.api("GET", f"/api/v1/accounts/{old_account['id']}").get("moved"),
            "old2 is not marked moved")
    # A Move of someone else (actor != object) is refused too.
    mover.actors["new2"]["doc"]["alsoKnownAs"] = [old]
    forged = dict(move, id=new + "#moves/x", actor=new)
    mover.post("new2", "http://alpha.test/inbox", forged)
    time.sleep(1)
    s.check(relationship(alpha, erin, old_account["id"])["following"],
            "a Move sent by another actor changes nothing")


@suite.case
def polls_travel_both_ways(s):
    alpha, beta = S["alpha"], S["beta"]
    alice, bob, erin = S["alice"], S["bob"], S["erin"]
    target = acct_search(beta, bob, "@alice@alpha.test")  # bob follows alice (also when run alone)
    s.require(target, "bob finds alice")
    if not relationship(beta, bob, target["id"])["following"]:
        beta.api("POST", f"/api/v1/accounts/{target['id']}/follow", token=bob.token)
        s.require(wait_for(lambda: relationship(beta, bob, target["id"])["following"]), "bob follows alice")
    status = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                       json_body={"status": "Poll from alpha: north or south?",
                                  "poll": {"options": ["north", "south"], "expires_in": 3600}})
    local_poll = status["poll"]["id"]
    # The status is stored before its poll (two writes): wait for both.
    remote = wait_for(lambda: (lambda r: r if r and r.get("poll") else None)(
        find_in_home(beta, bob, "Poll from alpha")))
    s.require(remote and remote.get("poll"), "the poll reaches bob on beta as a poll",
              find_in_home(beta, bob, "Poll from alpha"))
    poll = remote["poll"]
    s.eq([o["title"] for o in poll["options"]], ["north", "south"], "options on beta")
    s.eq((poll["multiple"], poll["expired"]), (False, False), "single choice, open")
    s.eq(poll["expires_at"][:19], status["poll"]["expires_at"][:19], "the same end time")
    r = beta.http("POST", f"/api/v1/polls/{poll['id']}/votes", token=bob.token, form={"choices[]": "1"})
    s.status(r, 200, "bob votes on beta")
    counted = wait_for(lambda: (lambda p: p if p["options"][1]["votes_count"] == 1 else None)(
        alpha.api("GET", f"/api/v1/polls/{local_poll}", token=alice.token)))
    s.require(counted, "bob's vote is counted on alpha",
              alpha.api("GET", f"/api/v1/polls/{local_poll}", token=alice.token))
    s.eq((counted["votes_count"], counted["voters_count"]), (1, 1), "totals on alpha")
    original = alpha.api("GET", f"/api/v1/statuses/{status['id']}", token=alice.token)
    s.eq(original["replies_count"], 0, "the vote is not a reply")
    s.check(not [n for n in notifications(alpha, alice, "mention")
                 if n["status"] and n["status"].get("in_reply_to_id") == status["id"]], "nor a mention",
            notifications(alpha, alice, "mention"))
    # erin votes on alpha: the new counts come back to beta (Update(Question)).
    alpha.api("POST", f"/api/v1/polls/{local_poll}/votes", token=erin.token, form={"choices[]": "0"})
    back = wait_for(lambda: (lambda p: p if [o["votes_count"] for o in p["options"]] == [1, 1] else None)(
        beta.api("GET", f"/api/v1/polls/{poll['id']}", token=bob.token)), timeout=30)
    s.require(back, "the counts come back to beta",
              beta.api("GET", f"/api/v1/polls/{poll['id']}", token=bob.token))
    s.eq((back["votes_count"], back["voters_count"], back["own_votes"]), (2, 2, [1]),
         "totals on beta, bob's vote kept")
    s.check(not beta.api("GET", f"/api/v1/statuses/{remote['id']}", token=bob.token).get("edited_at"),
            "new counts are not an edit")


@suite.case
def remote_poll_vote_delivered_and_end_notified(s):
    alpha, erin, sink, sam = S["alpha"], S["erin"], S["sink"], S["sam"]
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 10))
    question = {"type": "Question", "id": "http://sink.test/questions/1", "attributedTo": sam,
                "content": "<p>cats or dogs, @erin?</p>", "endTime": end, "votersCount": 3,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "tag": [{"type": "Mention", "href": "http://alpha.test/users/erin", "name": "@erin@alpha.test"}],
                "anyOf": [{"type": "Note", "name": "cats", "replies": {"type": "Collection", "totalItems": 2}},
                          {"type": "Note", "name": "dogs", "replies": {"type": "Collection", "totalItems": 1}}]}
    create = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
              "id": question["id"] + "/activity", "actor": sam, "object": question}
    s.status(sink.post("sam", "http://alpha.test/inbox", create), 202, "Create(Question) accepted")
    got = wait_for(lambda: [n for n in notifications(alpha, erin, "mention") if "cats or dogs" in n["status"]["content"]])
    s.require(got, "erin is mentioned by the Question")
    poll = got[0]["status"]["poll"]
    s.require(poll, "the Question is a poll on alpha", got[0]["status"])
    s.eq(([o["title"] for o in poll["options"]], [o["votes_count"] for o in poll["options"]], poll["multiple"],
          poll["voters_count"]), (["cats", "dogs"], [2, 1], True, 3), "options, counts, anyOf, votersCount")
    r = alpha.http("POST", f"/api/v1/polls/{poll['id']}/votes", token=erin.token, form={"choices[]": ["0", "1"]})
    s.status(r, 200, "erin votes for both")
    def vote_notes():
        notes = [p["object"] for p in sink.inbox_posts("Create")
                 if isinstance(p.get("object"), dict) and p["object"].get("inReplyTo") == question["id"]]
        return notes if len(notes) >= 2 else None
    votes = wait_for(vote_notes)
    s.require(votes, "two votes reach the poll's server", sink.inbox_posts("Create"))
    s.eq(sorted(v.get("name") for v in votes), ["cats", "dogs"], "one Note per choice, named after it")
    s.check(all(v.get("type") == "Note" and not v.get("content") and v.get("attributedTo") == "http://alpha.test/users/erin"
                for v in votes), "Notes without content, by erin", votes)
    ended = wait_for(lambda: [n for n in notifications(alpha, erin, "poll")], timeout=30)
    s.check(ended and ended[0]["status"]["id"] == got[0]["status"]["id"],
            "erin is notified when the poll ends", notifications(alpha, erin))
    r = alpha.http("POST", f"/api/v1/polls/{poll['id']}/votes", token=S["alice"].token, form={"choices[]": "0"})
    s.json_error(r, 422, "no vote after the end")
    # Read after its end, the remote poll is fetched again (final counts from its server).
    sink.objects["/questions/1"] = dict(
        question, closed=end, votersCount=7,
        anyOf=[{"type": "Note", "name": "cats", "replies": {"type": "Collection", "totalItems": 6}},
               {"type": "Note", "name": "dogs", "replies": {"type": "Collection", "totalItems": 3}}])
    final = alpha.api("GET", f"/api/v1/polls/{poll['id']}", token=erin.token)
    s.eq(([o["votes_count"] for o in final["options"]], final["voters_count"], final["expired"], final["own_votes"]),
         ([6, 3], 7, True, [0, 1]), "final counts fetched on alpha, erin's votes kept")
    # An Update(Question) from its author refreshes it too.
    update = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
              "id": question["id"] + "#updates/1", "actor": sam,
              "object": dict(question, closed=end, votersCount=5,
                             anyOf=[{"type": "Note", "name": "cats", "replies": {"totalItems": 4}},
                                    {"type": "Note", "name": "dogs", "replies": {"totalItems": 2}}])}
    s.status(sink.post("sam", "http://alpha.test/inbox", update), 202, "Update(Question) accepted")
    updated = alpha.api("GET", f"/api/v1/polls/{poll['id']}", token=erin.token)
    s.eq(([o["votes_count"] for o in updated["options"]], updated["voters_count"]), ([4, 2], 5),
         "counts from the Update on alpha")


@suite.case
def a_user_domain_block_hides_removes_and_refuses(s):
    alpha, beta = S["alpha"], S["beta"]
    erin, dave, carol = S["erin"], S["dave"], S["carol"]
    # erin (alpha) follows dave (beta); dave follows erin back.
    dave_on_alpha = acct_search(alpha, erin, "@dave@beta.test")
    s.require(dave_on_alpha, "alpha resolves dave")
    alpha.api("POST", f"/api/v1/accounts/{dave_on_alpha['id']}/follow", token=erin.token)
    s.require(wait_for(lambda: relationship(alpha, erin, dave_on_alpha["id"])["following"]), "erin follows dave")
    erin_on_beta = acct_search(beta, dave, "@erin@alpha.test")
    beta.api("POST", f"/api/v1/accounts/{erin_on_beta['id']}/follow", token=dave.token)
    s.require(wait_for(lambda: relationship(beta, dave, erin_on_beta["id"])["following"]), "dave follows erin")
    beta.api("POST", "/api/v1/statuses", token=dave.token, form={"status": "before the domain block"})
    s.require(wait_for(lambda: find_in_home(alpha, erin, "before the domain block")), "dave's post reaches erin")

    alpha.api("POST", "/api/v1/domain_blocks", token=erin.token, form={"domain": "beta.test"})
    s.eq(relationship(alpha, erin, dave_on_alpha["id"])["domain_blocking"], True, "relationship.domain_blocking")
    s.check(not any("before the domain block" in x for x in home_texts(alpha, erin)),
            "posts from the blocked domain leave erin's home")
    s.check(wait_for(lambda: not relationship(beta, dave, erin_on_beta["id"])["following"]),
            "dave no longer follows erin on beta (his server got a Reject)")
    beta.api("POST", "/api/v1/statuses", token=dave.token, form={"status": "after the block @erin@alpha.test"})
    time.sleep(2)
    s.check(not any("after the block" in (n["status"] or {}).get("content", "")
                    for n in notifications(alpha, erin, "mention")), "no notification from the blocked domain")
    beta.api("POST", f"/api/v1/accounts/{erin_on_beta['id']}/follow", token=carol.token)
    time.sleep(2)
    followers = alpha.api("GET", f"/api/v1/accounts/{erin.account['id']}/followers")
    s.check(not any(f["acct"].endswith("@beta.test") for f in followers),
            "nobody from the blocked domain can follow erin", followers)
    alpha.api("DELETE", "/api/v1/domain_blocks", token=erin.token, form={"domain": "beta.test"})
    s.eq(relationship(alpha, erin, dave_on_alpha["id"])["domain_blocking"], False, "unblocked")


if __name__ == "__main__":
    try:
        code = suite.run()
    finally:
        for key in ("sink", "mallory"):
            if key in S:
                S[key].stop()
    sys.exit(code)
