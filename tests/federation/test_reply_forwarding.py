#!/usr/bin/python3
"""Inbox forwarding of replies (ActivityPub 7.1.2, as Mastodon's ActivityPub::Forwarder): a reply
from another server to a post of a local account reaches that account's followers elsewhere, who
would otherwise never see it in the thread; and a forwarded activity arriving here is believed only
as far as its actor's own server confirms it.

alpha.test: alice's herd. Her followers: bob on beta.test (a herd), sam and sue on sink.test (one
shared inbox), ron on snac.test and fred on fedify.test (the independent Fedify peer).

  - fred replies (Fedify signs its body: `signature` and `proof`) while beta and sink are down;
    alpha restarts between receipt and delivery; once they are back the Create reaches sink's
    shared inbox once, signed by alice, beta (bob sees the reply in alice's thread: beta fetched
    it from fedify.test) and nothing goes back to fedify.test;
  - rita on snac.test replies, edits and deletes, each activity signed in its body: alpha forwards
    each body byte for byte (sink) and never to snac.test; bob sees the reply, the edit and the
    deletion. A reply without a signature of its own, and a followers-only reply, are not forwarded;
  - at beta, activities "forwarded" by mallory.test: a reply its origin does not serve, or refuses
    to show, is refused (403) and not stored; one whose embedded text differs from the origin's is stored as the origin
    serves it; a Delete of a post its origin still serves is refused and the post stays.

    /usr/bin/python3 tests/federation/test_reply_forwarding.py --herd build/herd [--backend sqlite]
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: forwarding replies to a local author's followers", args)
S = suite.state
AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
ALICE = "http://alpha.test/users/alice"
PEER_DIR = os.environ.get("HERD_FEDIFY_PEER", fedlib.shared_path("peers", "fedify"))
CACHE = os.environ.get("HERD_FEDIFY_CACHE", os.path.expanduser("~/.cache/herd-fedify"))


def activity(kind, actor, obj, suffix, **extra):
    doc = {"@context": [AS, "https://w3id.org/security/v1"], "type": kind,
           "id": f"{actor}#{suffix}", "actor": actor, "object": obj}
    doc.update(extra)
    return doc


def ld_signature(actor):
    """What a Linked Data signature looks like in a body (herd checks none; it forwards the body
    unchanged so that receivers that do can)."""
    return {"type": "RsaSignature2017", "creator": actor + "#main-key",
            "created": "2026-12-07T10:00:00Z", "signatureValue": "c2lnbmVkIGJ5IHJpdGE="}


def posts_about(fake, kind, object_id):
    """(path, headers, raw body) of each `kind` activity about object_id the fake server got."""
    out = []
    with fake.lock:
        items = list(fake.raw)
    for path, headers, raw in items:
        try:
            body = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(body, dict) or body.get("type") != kind:
            continue
        obj = body.get("object")
        if (obj.get("id") if isinstance(obj, dict) else obj) == object_id:
            out.append((path, headers, raw))
    return out


def settle(fn, expected_len, timeout=60):
    """Waits until fn() has expected_len items, then a little longer (a duplicate would arrive)."""
    wait_for(lambda: len(fn()) >= expected_len, timeout=timeout)
    time.sleep(3)
    return fn()


def key_id(headers):
    signature = {k.lower(): v for k, v in headers.items()}.get("signature", "")
    for part in signature.split(","):
        name, _, value = part.partition("=")
        if name.strip() == "keyId":
            return value.strip().strip('"')
    return ""


def thread_texts(server, user, status_id):
    context = server.api("GET", f"/api/v1/statuses/{status_id}/context", token=user.token)
    return [d["content"] for d in context["descendants"]]


def beta_copy(uri):
    """beta's id of alice's post (bob follows her: it was delivered)."""
    beta, bob = S["beta"], S["bob"]
    found = wait_for(lambda: [x for x in beta.api("GET", "/api/v1/timelines/home", token=bob.token)
                              if x["uri"] == uri], timeout=30)
    return found[0]["id"] if found else None


def follows_alice(fake, name):
    follow = activity("Follow", fake.uri(name), ALICE, "follows/alice")
    r = fake.post(name, "http://alpha.test/inbox", follow)
    return r.status == 202 and wait_for(
        lambda: [p for p in fake.inbox_posts("Accept") if (p.get("object") or {}).get("id") == follow["id"]])


@suite.setup
def start(s):
    S["work"] = tempfile.mkdtemp(prefix="herd-forwarding-")
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["beta"] = fedlib.fed_server(s, "beta.test")
    S["alice"] = harness.register(S["alpha"], "alice")
    S["bob"] = harness.register(S["beta"], "bob")
    sink = S["sink"] = fedlib.FakeServer("sink.test").start()
    snac = S["snac"] = fedlib.FakeServer("snac.test").start()
    S["mallory"] = fedlib.FakeServer("mallory.test").start()
    for name in ("sam", "sue"):
        sink.actor(name)
    S["rita"] = snac.actor("rita")
    snac.actor("ron")
    S["mallory"].actor("mel")
    for fake, name in ((sink, "sam"), (sink, "sue"), (snac, "ron")):
        s.require(follows_alice(fake, name), f"{name} follows alice")
    beta, bob = S["beta"], S["bob"]
    found = wait_for(lambda: beta.api("GET", "/api/v2/search", token=bob.token,
                                      query={"q": "@alice@alpha.test", "resolve": "true",
                                             "type": "accounts"})["accounts"], timeout=60)
    s.require(found, "beta resolves @alice@alpha.test")
    beta.api("POST", f"/api/v1/accounts/{found[0]['id']}/follow", token=bob.token)
    alice = S["alice"]
    s.require(wait_for(lambda: any(f["acct"] == "bob@beta.test" for f in S["alpha"].api(
        "GET", f"/api/v1/accounts/{alice.account['id']}/followers"))), "bob follows alice")


@suite.case
def a_reply_from_fedify_reaches_alices_followers_after_a_restart(s):
    alpha, beta, alice, bob, sink = S["alpha"], S["beta"], S["alice"], S["bob"], S["sink"]
    peer = fedlib.FedifyPeer(os.path.abspath(PEER_DIR), S["work"])
    try:
        peer.prepare(CACHE)
    except Exception as e:  # noqa: BLE001
        print(f"SKIP (this case): cannot prepare the Fedify peer with Node 22: {e}", flush=True)
        return
    capture = os.path.join(S["work"], "fedify-capture.jsonl")
    os.environ["CAPTURE_FILE"] = capture  # every request the peer receives
    S["peer"] = peer.start()
    peer.admin("POST", "/admin/follow", {"actor": ALICE})
    s.require(wait_for(lambda: ALICE in peer.admin("GET", "/admin/following")), "fred follows alice")

    post = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": "what should we call the cat?"})
    bob_copy = beta_copy(post["uri"])
    s.require(bob_copy, "alice's post reaches bob on beta")
    beta.stop()
    sink.stop()
    note = peer.admin("POST", "/admin/note", {"text": "Mittens, obviously", "inReplyTo": post["uri"],
                                              "mention": ALICE, "mentionName": "@alice@alpha.test"})["note"]
    s.require(wait_for(lambda: "Mittens" in "".join(thread_texts(alpha, alice, post["id"]))),
              "alpha has fred's reply in alice's thread", peer.log()[-2000:])
    alpha.stop()  # the forwards wait in alpha's database
    alpha.start()
    sink.start()
    beta.start()
    forwarded = settle(lambda: posts_about(sink, "Create", note), 1, timeout=90)
    s.eq([p for p, _h, _b in forwarded], ["/inbox"],
         "after the restart, fred's Create reaches sink.test once, at its shared inbox (sam and sue)")
    if forwarded:
        body = json.loads(forwarded[0][2])
        s.eq(body.get("actor"), "http://fedify.test/users/fred", "the activity is fred's own")
        s.check("signature" in body or "proof" in body, "with Fedify's signature in the body", body)
        s.eq(key_id(forwarded[0][1]), ALICE + "#main-key", "the request is signed by alice")
    seen = wait_for(lambda: "Mittens" in "".join(thread_texts(beta, bob, bob_copy)), timeout=60)
    s.check(seen, "bob sees fred's reply in alice's thread on beta",
            thread_texts(beta, bob, bob_copy))
    time.sleep(2)
    sent_back = []
    if os.path.exists(capture):
        with open(capture) as f:
            for line in f:
                entry = json.loads(line)
                if entry["method"] == "POST" and note in entry["body"] and "Create" in entry["body"]:
                    sent_back.append(entry["url"])
    s.eq(sent_back, [], "nothing of it goes back to fedify.test, its origin (fred follows alice)")
    peer.admin("POST", "/admin/unfollow", {"actor": ALICE})


def rita_note(path, text, parent, **extra):
    note = {"id": "http://snac.test" + path, "type": "Note", "attributedTo": S["rita"],
            "inReplyTo": parent, "content": f"<p>{text}</p>", "to": [PUBLIC],
            "cc": [S["rita"] + "/followers"], "published": "2026-12-07T10:00:00Z"}
    note.update(extra)
    return note


def rita_posts(kind, obj, suffix, signed=True, **extra):
    """rita sends the activity to alpha; returns (response, the raw body sent)."""
    doc = activity(kind, S["rita"], obj, suffix, to=[PUBLIC], **extra)
    if signed:
        doc["signature"] = ld_signature(S["rita"])
    # Indented, with escaped non-ASCII characters: herd would write it otherwise.
    raw = json.dumps(doc, indent=1, ensure_ascii=True).encode()
    return S["snac"].post("rita", "http://alpha.test/inbox", doc, body=raw), raw


@suite.case
def replies_edits_and_deletions_are_forwarded_as_received(s):
    alpha, beta, alice, bob = S["alpha"], S["beta"], S["alice"], S["bob"]
    sink, snac = S["sink"], S["snac"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": "tea or coffee?"})
    bob_copy = beta_copy(post["uri"])
    s.require(bob_copy, "alice's post reaches bob on beta")

    note = rita_note("/notes/rita-1", "th\u00e9, bien s\u00fbr", post["uri"])
    snac.objects["/notes/rita-1"] = note
    r, raw = rita_posts("Create", note, "creates/1")
    s.status(r, 202, "rita's reply")
    forwarded = settle(lambda: posts_about(sink, "Create", note["id"]), 1)
    s.eq([p for p, _h, _b in forwarded], ["/inbox"], "the Create reaches sink.test once")
    s.check(forwarded and forwarded[0][2] == raw, "byte for byte as rita sent it",
            forwarded[0][2][:300] if forwarded else None)
    s.eq(key_id(forwarded[0][1]) if forwarded else None, ALICE + "#main-key", "signed by alice")
    s.check(wait_for(lambda: "bien s" in "".join(thread_texts(beta, bob, bob_copy)), timeout=30),
            "bob sees rita's reply on beta", thread_texts(beta, bob, bob_copy))

    edited = dict(note, content="<p>caf\u00e9, finalement</p>", updated="2026-12-07T11:00:00Z")
    snac.objects["/notes/rita-1"] = edited
    r, raw = rita_posts("Update", edited, "updates/1")
    s.status(r, 202, "rita's edit")
    forwarded = settle(lambda: posts_about(sink, "Update", note["id"]), 1)
    s.check(len(forwarded) == 1 and forwarded[0][2] == raw, "the Update is forwarded once, unchanged",
            [b[:200] for _p, _h, b in forwarded])
    s.check(wait_for(lambda: "finalement" in "".join(thread_texts(beta, bob, bob_copy)), timeout=30),
            "bob sees the edit", thread_texts(beta, bob, bob_copy))

    del snac.objects["/notes/rita-1"]
    snac.gone.add("/notes/rita-1")
    r, raw = rita_posts("Delete", {"id": note["id"], "type": "Tombstone"}, "deletes/1")
    s.status(r, 202, "rita's deletion")
    forwarded = settle(lambda: posts_about(sink, "Delete", note["id"]), 1)
    s.check(len(forwarded) == 1 and forwarded[0][2] == raw, "the Delete is forwarded once, unchanged",
            [b[:200] for _p, _h, b in forwarded])
    s.check(wait_for(lambda: not thread_texts(beta, bob, bob_copy), timeout=30),
            "bob's copy of the reply is gone", thread_texts(beta, bob, bob_copy))
    s.eq([(k, posts_about(snac, k, note["id"])) for k in ("Create", "Update", "Delete")],
         [("Create", []), ("Update", []), ("Delete", [])],
         "snac.test, rita's own server, gets none of them back (ron follows alice)")

    # Not forwarded: a reply without a signature of its own; a followers-only reply.
    plain = rita_note("/notes/rita-2", "no signature here", post["uri"])
    snac.objects["/notes/rita-2"] = plain
    s.status(rita_posts("Create", plain, "creates/2", signed=False)[0], 202, "an unsigned reply")
    private = rita_note("/notes/rita-3", "for my followers", post["uri"], to=[S["rita"] + "/followers"],
                        cc=[ALICE], tag=[{"type": "Mention", "href": ALICE, "name": "@alice@alpha.test"}])
    snac.objects["/notes/rita-3"] = private
    s.status(rita_posts("Create", private, "creates/3")[0], 202, "a followers-only reply")
    s.check(wait_for(lambda: len(thread_texts(alpha, alice, post["id"])) == 2),
            "alpha stores both", thread_texts(alpha, alice, post["id"]))
    time.sleep(4)
    s.eq([posts_about(sink, "Create", n["id"]) for n in (plain, private)], [[], []],
         "neither is forwarded (Mastodon: only a body signed in itself, only a public or unlisted post)")


@suite.case
def forwarded_activities_are_checked_at_their_origin(s):
    beta, bob, snac, mallory = S["beta"], S["bob"], S["snac"], S["mallory"]
    alpha, alice = S["alpha"], S["alice"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "pizza tonight?"})
    bob_copy = beta_copy(post["uri"])
    s.require(bob_copy, "alice's post reaches bob on beta")

    def forward(doc):
        return mallory.post("mel", "http://beta.test/inbox", doc)

    never = rita_note("/notes/never", "rita never wrote this", post["uri"])
    r = forward(activity("Create", S["rita"], never, "creates/never", to=[PUBLIC]))
    s.status(r, 403, "a reply its origin does not serve is refused")
    elsewhere = dict(never, id="http://mallory.test/notes/rita")
    r = forward(activity("Create", S["rita"], elsewhere, "creates/elsewhere", to=[PUBLIC]))
    s.status(r, 403, "so is one whose object is not on rita's server")

    hidden = rita_note("/notes/hidden", "rita will not show this", post["uri"])
    snac.objects["/notes/hidden"] = hidden
    snac.denied.add("/notes/hidden")
    r = forward(activity("Create", S["rita"], hidden, "creates/hidden", to=[PUBLIC]))
    s.status(r, 403, "one its origin refuses to show (401) is refused, not left to be retried")

    real = rita_note("/notes/rita-4", "with mushrooms", post["uri"])
    snac.objects["/notes/rita-4"] = real
    tampered = dict(real, content="<p>with pineapple</p>")
    r = forward(activity("Create", S["rita"], tampered, "creates/4", to=[PUBLIC]))
    s.status(r, 202, "a reply its origin serves is accepted")
    texts = thread_texts(beta, bob, bob_copy)
    s.check(any("mushrooms" in t for t in texts) and not any("pineapple" in t for t in texts),
            "as its origin serves it, not as mel embedded it", texts)
    s.check(not any("never wrote" in t or "will not show" in t for t in texts),
            "nothing of the refused ones", texts)

    r = forward(activity("Delete", S["rita"], real["id"], "deletes/4", to=[PUBLIC]))
    s.status(r, 403, "a Delete of a post its origin still serves is refused")
    s.check(any("mushrooms" in t for t in thread_texts(beta, bob, bob_copy)), "and the reply stays")


if __name__ == "__main__":
    fedlib.run_then_stop(suite, S, ("peer", "sink", "snac", "mallory"))
