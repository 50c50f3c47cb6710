#!/usr/bin/python3
"""Remote threads and the `featured` collection, between a herd instance (alpha.test) and the
scriptable fake server (sink.test), driven through the client API as Mastodon 4.5 clients do:

  - opening a remote thread's context fetches its missing replies in the background (replies
    collections, paged, replies of replies), announced by the Mastodon-Async-Refresh header and
    watched at GET /api/v1_alpha/async_refreshes/:id; not again within the cooldown, never for a
    local thread or an anonymous reader;
  - pinning/unpinning a status and featuring/unfeaturing a hashtag send Add/Remove with the
    actor's `featured` collection as target; received Add/Remove pin the remote author's post and
    list its featured hashtags.

    /usr/bin/python3 tests/federation/test_threads_and_featured.py --herd build/herd [--backend sqlite]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: remote threads and featured collections", args)
S = suite.state
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@suite.setup
def start_instances(s):
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["alice"] = harness.register(S["alpha"], "alice")
    far = fedlib.FakeServer("sink.test").start()
    S["far"] = far
    for name in ("rita", "sol"):
        uri = far.actor(name)
        far.actors[name]["doc"]["featured"] = uri + "/collections/featured"


def note(far, author, number, text, in_reply_to=None, replies=None):
    uri = f"{far.base()}/users/{author}/statuses/{number}"
    doc = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Note", "id": uri,
           "attributedTo": far.uri(author), "content": f"<p>{text}</p>", "to": [PUBLIC],
           "published": "2026-01-01T00:00:00Z"}
    if in_reply_to:
        doc["inReplyTo"] = in_reply_to
    if replies is not None:
        doc["replies"] = replies
    far.objects[f"/users/{author}/statuses/{number}"] = doc
    return uri


def resolve(server, user, uri):
    found = server.api("GET", "/api/v2/search", token=user.token,
                       query={"q": uri, "resolve": "true", "type": "statuses"})["statuses"]
    return found[0] if found else None


def parse_refresh_header(value):
    fields = {}
    for part in (value or "").split(","):
        key, _, val = part.strip().partition("=")
        fields[key] = val.strip('"')
    return fields


@suite.case
def opening_a_remote_thread_fetches_its_replies(s):
    alpha, alice, far = S["alpha"], S["alice"], S["far"]
    root = f"{far.base()}/users/rita/statuses/1"
    # The root's replies: a collection whose first page is embedded and whose next page is
    # fetched; the first reply has replies of its own (an id to fetch).
    r1 = note(far, "rita", 2, "first reply", in_reply_to=root,
              replies=f"{far.base()}/users/rita/statuses/2/replies")
    r2 = note(far, "sol", 3, "second reply", in_reply_to=root)
    r3 = note(far, "sol", 4, "reply to the first reply", in_reply_to=r1)
    far.objects["/users/rita/statuses/2/replies"] = {
        "@context": "https://www.w3.org/ns/activitystreams", "type": "Collection",
        "id": f"{far.base()}/users/rita/statuses/2/replies",
        "first": {"type": "CollectionPage", "items": [r3]}}
    far.objects["/users/rita/statuses/1/replies/page2"] = {
        "@context": "https://www.w3.org/ns/activitystreams", "type": "CollectionPage",
        "id": f"{far.base()}/users/rita/statuses/1/replies/page2", "items": [r2]}
    note(far, "rita", 1, "the root of a thread nobody here has seen", replies={
        "type": "Collection", "id": root + "/replies",
        "first": {"type": "CollectionPage", "items": [r1],
                  "next": f"{far.base()}/users/rita/statuses/1/replies/page2"}})

    status = resolve(alpha, alice, root)
    s.require(status, "alice finds the remote post by its URL")
    anonymous = alpha.http("GET", f"/api/v1/statuses/{status['id']}/context")
    s.eq(anonymous.header("Mastodon-Async-Refresh"), None, "an anonymous reader starts nothing")
    first = alpha.http("GET", f"/api/v1/statuses/{status['id']}/context", token=alice.token)
    s.status(first, 200, "the context answers at once")
    header = parse_refresh_header(first.header("Mastodon-Async-Refresh"))
    s.require(header.get("id"), "with a Mastodon-Async-Refresh header", first.headers_all("Mastodon-Async-Refresh"))
    s.check(header.get("retry") == "3" and "result_count" in header, "retry and result_count", header)
    s.check("Mastodon-Async-Refresh" in (first.header("Access-Control-Expose-Headers") or ""),
            "exposed to browser clients (CORS)")

    def watched():
        r = alpha.api("GET", f"/api/v1_alpha/async_refreshes/{header['id']}", token=alice.token)
        return r if r["async_refresh"]["status"] == "finished" else None
    done = wait_for(watched, timeout=60, what="the refresh finishes")
    s.require(done, "the async refresh finishes")
    s.eq(done["async_refresh"]["id"], header["id"], "the AsyncRefresh entity names itself")
    s.eq(done["async_refresh"]["result_count"], 3, "three replies were fetched")
    context = alpha.api("GET", f"/api/v1/statuses/{status['id']}/context", token=alice.token)
    texts = [d["content"] for d in context["descendants"]]
    for text in ("first reply", "second reply", "reply to the first reply"):
        s.check(any(text in t for t in texts), f"the thread now shows '{text}'", texts)
    again = alpha.http("GET", f"/api/v1/statuses/{status['id']}/context", token=alice.token)
    s.eq(again.header("Mastodon-Async-Refresh"), None, "fetched a moment ago: not again (cooldown)")
    s.json_error(alpha.http("GET", f"/api/v1_alpha/async_refreshes/{header['id']}"), 401,
                 "the refresh is for signed-in users")
    s.json_error(alpha.http("GET", "/api/v1_alpha/async_refreshes/12345", token=alice.token), 404,
                 "an unknown refresh is a 404")

    local = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "a local thread"})
    r = alpha.http("GET", f"/api/v1/statuses/{local['id']}/context", token=alice.token)
    s.eq(r.header("Mastodon-Async-Refresh"), None, "a local thread needs no fetch")


@suite.case
def an_unreachable_thread_finishes_with_nothing(s):
    alpha, alice, far = S["alpha"], S["alice"], S["far"]
    root = note(far, "sol", 10, "replies that are gone", replies=f"{far.base()}/users/sol/statuses/10/replies")
    far.gone.add("/users/sol/statuses/10/replies")
    status = resolve(alpha, alice, root)
    s.require(status, "found")
    header = parse_refresh_header(alpha.http("GET", f"/api/v1/statuses/{status['id']}/context",
                                             token=alice.token).header("Mastodon-Async-Refresh"))
    s.require(header.get("id"), "a refresh starts")
    done = wait_for(lambda: (lambda r: r if r["async_refresh"]["status"] == "finished" else None)(
        alpha.api("GET", f"/api/v1_alpha/async_refreshes/{header['id']}", token=alice.token)),
        timeout=60, what="finished")
    s.check(done and done["async_refresh"]["result_count"] == 0, "finished, nothing found", done)


def follow_from_fake(s, server, fake, name, user):
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
              "id": f"{fake.uri(name)}#follows/{user.username}", "actor": fake.uri(name),
              "object": f"{server.url}/users/{user.username}"}
    s.status(fake.post(name, f"{server.url}/inbox", follow), 202, f"{name} follows {user.username}")
    s.require(wait_for(lambda: fake.inbox_posts("Accept")), "the follow is accepted")


@suite.case
def pins_and_featured_hashtags_go_out(s):
    alpha, alice, far = S["alpha"], S["alice"], S["far"]
    follow_from_fake(s, alpha, far, "rita", alice)
    featured = f"{alpha.url}/users/alice/collections/featured"
    status = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "pin me"})
    alpha.api("POST", f"/api/v1/statuses/{status['id']}/pin", token=alice.token)
    adds = wait_for(lambda: [a for a in far.inbox_posts("Add") if a.get("object") == status["uri"]])
    s.require(adds, "pinning sends Add(Note) to the followers")
    s.eq(adds[0]["target"], featured, "to the featured collection")
    s.eq(adds[0]["actor"], f"{alpha.url}/users/alice", "from alice")
    alpha.api("POST", f"/api/v1/statuses/{status['id']}/unpin", token=alice.token)
    s.check(wait_for(lambda: [a for a in far.inbox_posts("Remove") if a.get("object") == status["uri"]]),
            "unpinning sends Remove(Note)")

    tag = alpha.api("POST", "/api/v1/featured_tags", token=alice.token, form={"name": "herdtags"})
    hashtag_adds = wait_for(lambda: [a for a in far.inbox_posts("Add")
                                     if isinstance(a.get("object"), dict)
                                     and a["object"].get("type") == "Hashtag"])
    s.require(hashtag_adds, "featuring a hashtag sends Add(Hashtag)")
    s.eq(hashtag_adds[0]["object"]["name"], "#herdtags", "named #herdtags")
    s.eq(hashtag_adds[0]["object"]["href"], f"{alpha.url}/tags/herdtags", "linking the tag page")
    s.eq(hashtag_adds[0]["target"], featured, "to the featured collection, as Mastodon")
    alpha.api("DELETE", f"/api/v1/featured_tags/{tag['id']}", token=alice.token)
    s.check(wait_for(lambda: [a for a in far.inbox_posts("Remove")
                              if isinstance(a.get("object"), dict)
                              and a["object"].get("name") == "#herdtags"]),
            "unfeaturing sends Remove(Hashtag)")


@suite.case
def received_pins_and_featured_hashtags_show_on_the_profile(s):
    alpha, alice, far = S["alpha"], S["alice"], S["far"]
    rita = far.uri("rita")
    post = note(far, "rita", 20, "rita's pinned post")
    account = alpha.api("GET", "/api/v2/search", token=alice.token,
                        query={"q": "@rita@sink.test", "resolve": "true", "type": "accounts"})["accounts"][0]
    ctx = "https://www.w3.org/ns/activitystreams"
    add = {"@context": ctx, "type": "Add", "id": rita + "#add/1", "actor": rita,
           "target": rita + "/collections/featured", "object": post}
    s.status(far.post("rita", f"{alpha.url}/inbox", add), 202, "Add(Note) accepted")
    pinned = wait_for(lambda: alpha.api("GET", f"/api/v1/accounts/{account['id']}/statuses",
                                        token=alice.token, query={"pinned": "true"}))
    s.check(pinned and pinned[0]["uri"] == post, "rita's post is pinned on her profile (fetched)", pinned)
    tag_add = {"@context": ctx, "type": "Add", "id": rita + "#add/2", "actor": rita,
               "target": rita + "/collections/featured",
               "object": {"type": "Hashtag", "href": f"{far.base()}/tags/cats", "name": "#Cats"}}
    s.status(far.post("rita", f"{alpha.url}/inbox", tag_add), 202, "Add(Hashtag) accepted")
    tags = wait_for(lambda: alpha.api("GET", f"/api/v1/accounts/{account['id']}/featured_tags",
                                      token=alice.token))
    s.check(tags and tags[0]["name"].lower() == "cats", "rita's featured hashtag is listed", tags)
    elsewhere = {"@context": ctx, "type": "Add", "id": rita + "#add/3", "actor": rita,
                 "target": far.uri("sol") + "/collections/featured", "object": post}
    far.post("rita", f"{alpha.url}/inbox", elsewhere)
    remove = {"@context": ctx, "type": "Remove", "id": rita + "#remove/1", "actor": rita,
              "target": rita + "/collections/featured", "object": post}
    s.status(far.post("rita", f"{alpha.url}/inbox", remove), 202, "Remove(Note) accepted")
    s.check(wait_for(lambda: not alpha.api("GET", f"/api/v1/accounts/{account['id']}/statuses",
                                           token=alice.token, query={"pinned": "true"})),
            "unpinned")
    tag_remove = dict(tag_add, type="Remove", id=rita + "#remove/2")
    far.post("rita", f"{alpha.url}/inbox", tag_remove)
    s.check(wait_for(lambda: not alpha.api("GET", f"/api/v1/accounts/{account['id']}/featured_tags",
                                           token=alice.token)), "the featured hashtag is gone")
    sol_post = note(far, "sol", 21, "sol's post")
    forged = {"@context": ctx, "type": "Add", "id": rita + "#add/4", "actor": rita,
              "target": rita + "/collections/featured", "object": sol_post}
    far.post("rita", f"{alpha.url}/inbox", forged)
    s.check(not alpha.api("GET", f"/api/v1/accounts/{account['id']}/statuses", token=alice.token,
                          query={"pinned": "true"}), "rita cannot pin sol's post")


if __name__ == "__main__":
    try:
        code = suite.run()
    finally:
        if "far" in S:
            S["far"].stop()
    sys.exit(code)
