#!/usr/bin/python3
"""A status's edits and deletions reach every server that holds a copy (Mastodon's
StatusReachFinder): besides the author's followers and the mentioned accounts, the remote accounts
that favourited, reblogged or replied to it, at their shared inbox when they have one, each inbox
once. alpha.test is the author's herd; beta.test a herd whose user only favourited the post;
sink.test a scriptable server whose three actors (one favourites, one boosts, one replies) share
one inbox; gamma.test a server whose only actor has no shared inbox.

  - a public post's Update and Delete reach them all, exactly once per inbox, with a restart of
    alpha between the interactions and the edit, and the Delete queued while the servers are down
    and alpha restarts (the delivery jobs are in the database);
  - a followers-only post (as Mastodon): its edit does not go to a favouriter who no longer
    follows (they may not see it any more), its Delete does (their copy must go);
  - a poll's new counts (Update(Question)) reach whoever favourited the poll;
  - so does a new quote policy (Update(Note) with its interactionPolicy);
  - a followers-only reply reaches the author it replies to only when it mentions them: its
    Create, Update and Delete go to the followers, not to an unmentioned parent author's server,
    and its Note names only the followers; a public reply reaches that author without a mention.

    /usr/bin/python3 tests/federation/test_status_reach.py --herd build/herd [--backend sqlite]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: the reach of edits and deletions", args)
S = suite.state
AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
INBOX = "http://alpha.test/inbox"


def activity(kind, actor, obj, suffix, **extra):
    doc = {"@context": AS, "type": kind, "id": f"{actor}#{suffix}", "actor": actor, "object": obj}
    doc.update(extra)
    return doc


def about(fake, kind, object_id):
    """The inbox paths of every `kind` activity the fake server received about object_id."""
    out = []
    with fake.lock:
        items = list(fake.received)
    for path, _headers, body in items:
        if not isinstance(body, dict) or body.get("type") != kind:
            continue
        obj = body.get("object")
        oid = obj.get("id") if isinstance(obj, dict) else obj
        if oid == object_id:
            out.append(path)
    return out


def settle(fn, expected, timeout=60):
    """Waits until fn() == expected, then a little longer (a duplicate would arrive by then)."""
    wait_for(lambda: fn() == expected, timeout=timeout)
    time.sleep(3)
    return fn()


def counts(status_id):
    st = S["alpha"].api("GET", f"/api/v1/statuses/{status_id}", token=S["alice"].token)
    return st["favourites_count"], st["reblogs_count"], st["replies_count"]


@suite.setup
def start(s):
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["beta"] = fedlib.fed_server(s, "beta.test")
    S["alice"] = harness.register(S["alpha"], "alice")
    S["erin"] = harness.register(S["alpha"], "erin")
    S["bob"] = harness.register(S["beta"], "bob")
    sink = S["sink"] = fedlib.FakeServer("sink.test").start()
    for name in ("fay", "bo", "ray"):
        S[name] = sink.actor(name)
    gamma = S["gamma"] = fedlib.FakeServer("gamma.test").start()
    S["gil"] = gamma.actor("gil")
    del gamma.actors["gil"]["doc"]["endpoints"]  # no shared inbox: its own inbox it is


@suite.case
def public_status_edit_and_delete_reach_interactors(s):
    alpha, beta, alice, bob = S["alpha"], S["beta"], S["alice"], S["bob"]
    sink, gamma = S["sink"], S["gamma"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": "the first version"})
    uri = post["uri"]
    # bob on beta only favourites it (he follows nobody on alpha).
    found = wait_for(lambda: beta.api("GET", "/api/v2/search", token=bob.token,  # a slow first fetch
                                      query={"q": uri, "resolve": "true", "type": "statuses"})["statuses"],
                     timeout=60)
    s.require(found, "beta resolves alice's post")
    bob_copy = found[0]["id"]
    beta.api("POST", f"/api/v1/statuses/{bob_copy}/favourite", token=bob.token)
    # sink.test: fay favourites, bo boosts, ray replies; gamma.test: gil favourites.
    s.status(sink.post("fay", INBOX, activity("Like", S["fay"], uri, "likes/1")), 202, "fay's Like")
    s.status(sink.post("bo", INBOX, activity("Announce", S["bo"], uri, "announces/1", to=[PUBLIC],
                                             cc=[S["bo"] + "/followers"])), 202, "bo's Announce")
    reply = {"id": "http://sink.test/notes/ray-1", "type": "Note", "attributedTo": S["ray"],
             "inReplyTo": uri, "content": "<p>ray answers</p>", "to": [PUBLIC], "cc": [],
             "published": "2026-12-01T10:00:00Z"}
    s.status(sink.post("ray", INBOX, activity("Create", S["ray"], reply, "creates/1", to=[PUBLIC])),
             202, "ray's reply")
    s.status(gamma.post("gil", INBOX, activity("Like", S["gil"], uri, "likes/1")), 202, "gil's Like")
    s.require(wait_for(lambda: counts(post["id"]) == (3, 1, 1)),
              "alpha counts 3 favourites, 1 reblog, 1 reply", counts(post["id"]))
    s.eq(about(sink, "Create", uri) + about(gamma, "Create", uri), [],
         "the post itself went to none of them (nobody there follows alice)")

    alpha.stop()  # what alpha knows of the interactions is in its database
    alpha.start()
    alpha.api("PUT", f"/api/v1/statuses/{post['id']}", token=alice.token,
              form={"status": "the corrected version"})
    s.eq(settle(lambda: about(sink, "Update", uri), ["/inbox"]), ["/inbox"],
         "the Update reaches sink.test once, at its shared inbox (three actors, one inbox)")
    s.eq(settle(lambda: about(gamma, "Update", uri), ["/users/gil/inbox"], timeout=10),
         ["/users/gil/inbox"], "and gil's own inbox once (no shared inbox)")
    updates = [b for _p, _h, b in sink.received if isinstance(b, dict) and b.get("type") == "Update"]
    s.check(updates and "the corrected version" in updates[-1]["object"].get("content", ""),
            "carrying the new text", updates)
    seen = wait_for(lambda: (lambda st: st if "corrected" in st["content"] else None)(
        beta.api("GET", f"/api/v1/statuses/{bob_copy}", token=bob.token)))
    s.check(seen and seen.get("edited_at"), "bob sees the corrected text on beta",
            beta.api("GET", f"/api/v1/statuses/{bob_copy}", token=bob.token))

    # The Delete is queued while sink.test and gamma.test are down, and alpha restarts.
    sink.stop()
    gamma.stop()
    alpha.api("DELETE", f"/api/v1/statuses/{post['id']}", token=alice.token)
    time.sleep(1)
    alpha.stop()
    alpha.start()
    sink.start()
    gamma.start()
    s.eq(settle(lambda: about(sink, "Delete", uri), ["/inbox"], timeout=90), ["/inbox"],
         "the Delete reaches sink.test once, after the restart")
    s.eq(settle(lambda: about(gamma, "Delete", uri), ["/users/gil/inbox"], timeout=30),
         ["/users/gil/inbox"], "and gil's inbox once")
    gone = wait_for(lambda: beta.http("GET", f"/api/v1/statuses/{bob_copy}", token=bob.token).status == 404)
    s.check(gone, "bob's copy on beta is gone",
            beta.http("GET", f"/api/v1/statuses/{bob_copy}", token=bob.token).describe())


@suite.case
def followers_only_status_edit_not_to_former_follower_delete_is(s):
    alpha, alice, sink = S["alpha"], S["alice"], S["sink"]
    fay = S["fay"]
    follow = activity("Follow", fay, "http://alpha.test/users/alice", "follows/1")
    s.status(sink.post("fay", INBOX, follow), 202, "fay follows alice")
    s.require(wait_for(lambda: [p for p in sink.inbox_posts("Accept")
                                if (p.get("object") or {}).get("id") == follow["id"]]),
              "alice (unlocked) accepts", sink.inbox_posts())
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": "for my followers", "visibility": "private"})
    uri = post["uri"]
    s.require(wait_for(lambda: about(sink, "Create", uri)), "fay, a follower, gets it")
    s.status(sink.post("fay", INBOX, activity("Like", fay, uri, "likes/2")), 202, "fay's Like")
    s.require(wait_for(lambda: counts(post["id"])[0] == 1), "fay's favourite counts")
    s.status(sink.post("fay", INBOX, activity("Undo", fay, follow, "undo/1")), 202, "fay unfollows")
    s.require(wait_for(lambda: not alpha.api("GET", f"/api/v1/accounts/{alice.account['id']}/followers")),
              "alice has no follower left")
    alpha.api("PUT", f"/api/v1/statuses/{post['id']}", token=alice.token,
              form={"status": "for my followers, edited"})
    time.sleep(4)
    s.eq(about(sink, "Update", uri), [],
         "the edit of a followers-only post does not reach a favouriter who no longer follows")
    alpha.api("DELETE", f"/api/v1/statuses/{post['id']}", token=alice.token)
    s.eq(settle(lambda: about(sink, "Delete", uri), ["/inbox"]), ["/inbox"],
         "its Delete does, once (Mastodon: their copy must go)")


def fay_likes(s, post, like_id):
    """fay (on the sink's server) favourites a local post; waits until herd counts it."""
    s.status(S["sink"].post("fay", INBOX, activity("Like", S["fay"], post["uri"], like_id)), 202,
             "fay's Like")
    s.require(wait_for(lambda: counts(post["id"])[0] == 1), "fay's favourite counts")


def updates_of(sink, uri):
    """The Update activities the sink received whose object is `uri`."""
    return [b for _p, _h, b in sink.received if isinstance(b, dict) and b.get("type") == "Update"
            and isinstance(b.get("object"), dict) and b["object"].get("id") == uri]


@suite.case
def poll_update_reaches_favouriters(s):
    alpha, alice, erin, sink = S["alpha"], S["alice"], S["erin"], S["sink"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": "cats or dogs?", "poll[options][]": ["cats", "dogs"],
                           "poll[expires_in]": "600"})
    uri = post["uri"]
    fay_likes(s, post, "likes/3")
    alpha.api("POST", f"/api/v1/polls/{post['poll']['id']}/votes", token=erin.token,
              form={"choices[]": "1"})
    s.eq(settle(lambda: about(sink, "Update", uri), ["/inbox"], timeout=30), ["/inbox"],
         "the poll's new counts reach fay's server once")
    update = updates_of(sink, uri)
    s.check(update and [o.get("replies", {}).get("totalItems") for o in update[-1]["object"].get("oneOf", [])]
            == [0, 1], "an Update(Question) with the counts", update)


@suite.case
def quote_policy_change_reaches_favouriters(s):
    alpha, alice, sink = S["alpha"], S["alice"], S["sink"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "quote me, or not"})
    uri = post["uri"]
    fay_likes(s, post, "likes/4")
    alpha.api("PUT", f"/api/v1/statuses/{post['id']}/interaction_policy", token=alice.token,
              form={"quote_approval_policy": "nobody"})
    s.eq(settle(lambda: about(sink, "Update", uri), ["/inbox"], timeout=30), ["/inbox"],
         "the note with its new interactionPolicy reaches fay's server once")
    update = updates_of(sink, uri)
    s.check(update and update[-1]["object"].get("interactionPolicy", {}).get("canQuote", {})
            .get("automaticApproval") == ["http://alpha.test/users/alice"],
            "nobody else may quote it now", update)


@suite.case
def private_reply_reaches_replied_to_author_only_when_mentioned(s):
    """As Mastodon (StatusReachFinder, ActivityPub::TagManager): the author a status replies to
    is in its reach only when the status is public or unlisted; a followers-only or direct
    reply reaches them only through a mention. dora (mastodon.test) posts; erin replies; eve
    (limited.test) follows erin, dora does not."""
    alpha, erin = S["alpha"], S["erin"]
    dora_server = S["dora_server"] = fedlib.FakeServer("mastodon.test").start()
    eve_server = S["eve_server"] = fedlib.FakeServer("limited.test").start()
    dora = dora_server.actor("dora")
    eve = eve_server.actor("eve")
    follow = activity("Follow", eve, "http://alpha.test/users/erin", "follows/1")
    s.status(eve_server.post("eve", INBOX, follow), 202, "eve follows erin")
    s.require(wait_for(lambda: [p for p in eve_server.inbox_posts("Accept")
                                if (p.get("object") or {}).get("id") == follow["id"]]),
              "erin (unlocked) accepts", eve_server.inbox_posts())
    parent = {"@context": AS, "type": "Note", "id": "http://mastodon.test/notes/dora-1",
              "attributedTo": dora, "content": "<p>dora wonders</p>", "to": [PUBLIC],
              "cc": [dora + "/followers"], "published": "2026-12-01T10:00:00Z"}
    dora_server.objects["/notes/dora-1"] = parent
    found = wait_for(lambda: alpha.api("GET", "/api/v2/search", token=erin.token,
                                       query={"q": parent["id"], "resolve": "true",
                                              "type": "statuses"})["statuses"], timeout=60)
    s.require(found, "alpha resolves dora's post")
    parent_id = found[0]["id"]

    def reply(text, visibility):
        return alpha.api("POST", "/api/v1/statuses", token=erin.token,
                         form={"status": text, "visibility": visibility, "in_reply_to_id": parent_id})

    # A followers-only reply that does not mention dora: her server gets nothing of it.
    quiet = reply("only for my followers", "private")
    uri = quiet["uri"]
    s.eq(quiet["in_reply_to_account_id"], found[0]["account"]["id"], "a reply to dora")
    s.eq(quiet["mentions"], [], "that mentions nobody")
    creates = wait_for(lambda: [b for b in eve_server.inbox_posts("Create")
                                if (b.get("object") or {}).get("id") == uri])
    s.require(creates, "eve, erin's follower, gets the reply")
    note = creates[0]["object"]
    addressed = (note.get("to") or []) + (note.get("cc") or []) + \
        (creates[0].get("to") or []) + (creates[0].get("cc") or [])
    s.check(addressed == ["http://alpha.test/users/erin/followers"] * 2,
            "the Note and its Create are addressed to erin's followers only, not to dora", creates[0])
    alpha.api("PUT", f"/api/v1/statuses/{quiet['id']}", token=erin.token,
              form={"status": "only for my followers, edited"})
    s.require(wait_for(lambda: about(eve_server, "Update", uri)), "eve gets the edit")
    alpha.api("DELETE", f"/api/v1/statuses/{quiet['id']}", token=erin.token)
    s.require(wait_for(lambda: about(eve_server, "Delete", uri)), "and the deletion")
    time.sleep(3)  # anything sent to mastodon.test at the same time would be there by now
    s.eq([(k, about(dora_server, k, uri)) for k in ("Create", "Update", "Delete")],
         [("Create", []), ("Update", []), ("Delete", [])],
         "dora's server receives none of the Create, Update, Delete of a reply not meant for her")

    # A public reply without a mention still reaches her (as Mastodon).
    loud = reply("for everyone", "public")
    s.eq(settle(lambda: about(dora_server, "Create", loud["uri"]), ["/inbox"]), ["/inbox"],
         "a public reply that does not mention dora reaches her server once")

    # A followers-only reply that mentions her does.
    named = reply("@dora@mastodon.test just for you and my followers", "private")
    s.eq([m["acct"] for m in named["mentions"]], ["dora@mastodon.test"], "it mentions dora")
    s.eq(settle(lambda: about(dora_server, "Create", named["uri"]), ["/inbox"]), ["/inbox"],
         "a followers-only reply that mentions dora reaches her server once")
    alpha.api("DELETE", f"/api/v1/statuses/{named['id']}", token=erin.token)
    s.eq(settle(lambda: about(dora_server, "Delete", named["uri"]), ["/inbox"]), ["/inbox"],
         "and so does its Delete")


if __name__ == "__main__":
    try:
        code = suite.run()
    finally:
        for key in ("sink", "gamma", "dora_server", "eve_server"):
            if key in S:
                S[key].stop()
    sys.exit(code)
