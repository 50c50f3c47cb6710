#!/usr/bin/python3
"""Followed hashtags against a real `herd serve` (raw HTTP: Mastodon.py 1.8 has no tag-follow
methods; toot and the web clients call the same endpoints).

Following a hashtag brings public posts that carry it into the home timeline (from accounts not
followed, not from blocked ones, not unlisted or private ones); GET /api/v1/tags/:name shows
`following` and a 7-day history; /api/v1/followed_tags lists and pages them; unfollowing stops it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import T, Suite, main, mastodon_py, parse_args, parse_link_header, register  # noqa: E402

suite = Suite("followed hashtags", parse_args(__doc__))
S = suite.state
TAG = {"id": T.ID, "name": T.STR, "url": T.URL, "history": [{"day": T.STR, "uses": T.STR, "accounts": T.STR}],
       "following?": T.BOOL, "featuring?": T.BOOL}


def home_texts(user):
    return [s["content"] for s in S["server"].api("GET", "/api/v1/timelines/home", token=user.token)]


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server(env={"HERD_TRENDABLE_BY_DEFAULT": "true"})  # trends without review
    for name in ("alice", "bob", "carol"):
        S[name] = register(S["server"], name)


@suite.case
def follow_a_hashtag_and_its_posts_arrive(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    r = server.http("POST", "/api/v1/tags/HerdTest/follow", token=alice.token)
    t.status(r, 200, "POST /api/v1/tags/:name/follow")
    tag = r.json()
    t.entity(tag, TAG, "Tag")
    t.eq((tag["name"], tag.get("following")), ("herdtest", True), "followed, by its stored name")
    t.eq(len(tag["history"]), 7, "seven days of history")
    bob_m = mastodon_py(server, bob.token)
    bob_m.status_post("public news #herdtest")
    bob_m.status_post("quiet news #herdtest", visibility="unlisted")
    bob_m.status_post("news without the tag")
    texts = home_texts(alice)
    t.check(any("public news" in x for x in texts), "a public post with the tag reaches alice's home", texts)
    t.check(not any("quiet news" in x for x in texts), "an unlisted one does not", texts)
    t.check(not any("without the tag" in x for x in texts), "nor bob's other posts (alice does not follow bob)", texts)
    shown = server.api("GET", "/api/v1/tags/herdtest", token=alice.token)
    t.eq(shown["following"], True, "GET /api/v1/tags/:name says following")
    t.eq(shown["history"][0]["uses"], "2", "today's uses count the tagged posts")
    t.eq(shown["history"][0]["accounts"], "1", "by one account")
    anonymous = server.api("GET", "/api/v1/tags/herdtest")
    t.check("following" not in anonymous, "no following field for anonymous viewers", anonymous)

    server.api("POST", f"/api/v1/accounts/{carol.id}/block", token=alice.token)
    mastodon_py(server, carol.token).status_post("blocked voice #herdtest")
    t.check(not any("blocked voice" in x for x in home_texts(alice)), "not from an account alice blocks")


@suite.case
def list_page_and_unfollow(t):
    server, alice = S["server"], S["alice"]
    for name in ("one", "two", "three"):
        server.api("POST", f"/api/v1/tags/{name}/follow", token=alice.token)
    page = server.http("GET", "/api/v1/followed_tags", token=alice.token, query={"limit": "2"})
    t.eq([x["name"] for x in page.json()], ["three", "two"], "newest follows first, a page of two")
    links = {rel: url for url, rel in parse_link_header(page.header("Link", ""))}
    rest = server.api("GET", links["next"], token=alice.token) if links.get("next") else []
    t.eq([x["name"] for x in rest], ["one", "herdtest"], "the next page")
    r = server.http("POST", "/api/v1/tags/herdtest/unfollow", token=alice.token)
    t.eq(r.json()["following"] if r.status == 200 else None, False, "unfollow")
    mastodon_py(server, S["bob"].token).status_post("after unfollowing #herdtest")
    t.check(not any("after unfollowing" in x for x in home_texts(alice)), "unfollowed: no longer in home")
    t.json_error(server.http("POST", "/api/v1/tags/two%20words/follow", token=alice.token), 404, "not a hashtag")
    t.json_error(server.http("POST", "/api/v1/tags/one/follow"), 401, "without a token")
    t.json_error(server.http("GET", "/api/v1/tags/neverused"), 404, "an unknown hashtag")


@suite.case
def trends_of_the_last_days(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    for user, text in ((alice, "#rising one"), (bob, "#rising two"), (S["carol"], "#rising three"),
                       (bob, "#lonely only me"), (bob, "#lonely again")):
        server.api("POST", "/api/v1/statuses", token=user.token, form={"status": text})
    server.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "#hidden", "visibility": "private"})
    tags = server.api("GET", "/api/v1/trends/tags")
    names = [tag["name"] for tag in tags]
    t.check(names and names[0] == "rising", "the hashtag used by the most people trends first", names)
    t.check("lonely" in names and names.index("lonely") > names.index("rising"),
            "one person's hashtag trends lower", names)
    t.check("hidden" not in names, "private posts do not make trends", names)
    t.eq(server.api("GET", "/api/v1/trends")[0]["name"] if names else None, "rising", "/api/v1/trends is the same")
    t.eq(len(server.api("GET", "/api/v1/trends/tags", query={"limit": "1"})), 1, "limit")

    liked = server.api("POST", "/api/v1/statuses", token=bob.token, form={"status": "everyone likes this"})
    server.api("POST", f"/api/v1/statuses/{liked['id']}/favourite", token=alice.token)
    server.api("POST", f"/api/v1/statuses/{liked['id']}/reblog", token=S["carol"].token)
    statuses = server.api("GET", "/api/v1/trends/statuses")
    t.eq(statuses[0]["id"] if statuses else None, liked["id"], "the most boosted and favourited post trends first")
    t.check(all(s["reblogs_count"] + s["favourites_count"] > 0 for s in statuses),
            "only posts someone interacted with", [s["id"] for s in statuses])


if __name__ == "__main__":
    main(suite)
