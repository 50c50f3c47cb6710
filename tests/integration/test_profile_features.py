#!/usr/bin/python3
"""Featured hashtags and endorsed accounts (what a profile shows off) against a real `herd serve`,
with Mastodon.py 1.8 (featured_tag_create/delete, featured_tags, featured_tag_suggestions,
account_featured_tags, account_pin/unpin, endorsements) and the ActivityPub featured-tags
collection other servers read.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError  # noqa: E402

from harness import T, Suite, main, mastodon_py, parse_args, register  # noqa: E402

suite = Suite("featured tags and endorsements", parse_args(__doc__))
S = suite.state
FEATURED = {"id": T.ID, "name": T.STR, "url": T.URL, "statuses_count": T.STR, "last_status_at": (T.DATE, T.NULL)}


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    for name in ("alice", "bob", "carol"):
        S[name] = register(S["server"], name)


@suite.case
def featured_hashtags(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    for text in ("#gardening today", "#gardening again", "more #cooking", "secret #gardening"):
        server.api("POST", "/api/v1/statuses", token=alice.token,
                   form={"status": text, "visibility": "private" if "secret" in text else "public"})
    t.eq([x["name"] for x in m.featured_tag_suggestions()], ["gardening", "cooking"],
         "suggestions: the hashtags alice used, most used first")
    created = m.featured_tag_create("#Gardening")
    raw = server.api("GET", "/api/v1/featured_tags", token=alice.token)
    t.eq(len(raw), 1, "one featured hashtag")
    t.entity(raw[0], FEATURED, "FeaturedTag")
    t.eq((raw[0]["name"], raw[0]["statuses_count"]), ("gardening", "2"),
         "stored name; public and unlisted posts counted, not private ones")
    t.check(raw[0]["url"].endswith("/@alice/tagged/gardening"), "url: the profile filtered by it", raw[0])
    t.eq([x["name"] for x in m.account_featured_tags(alice.account["id"])], ["gardening"],
         "others see it on the profile")
    actor_tags = server.api("GET", "/users/alice/collections/tags", headers={"Accept": "application/activity+json"})
    t.eq([(i["type"], i["name"]) for i in actor_tags["items"]], [("Hashtag", "#gardening")],
         "the ActivityPub featured-tags collection lists it")
    for bad, what in (("#gardening", "featuring twice"), ("not a tag!", "a name that is not a hashtag")):
        try:
            m.featured_tag_create(bad)
            t.check(False, f"{what} must fail")
        except MastodonAPIError as e:
            t.eq(e.args[1], 422, what)
    for i in range(9):
        m.featured_tag_create(f"t{i}")
    try:
        m.featured_tag_create("eleventh")
        t.check(False, "an eleventh featured hashtag must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "at most 10 featured hashtags")
    t.json_error(server.http("DELETE", f"/api/v1/featured_tags/{created['id']}", token=S["bob"].token), 404,
                 "another account cannot remove it")
    m.featured_tag_delete(created["id"])
    t.check("gardening" not in [x["name"] for x in m.featured_tags()], "removed")


@suite.case
def endorsed_accounts(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    m = mastodon_py(server, alice.token)
    try:
        m.account_pin(bob.account["id"])
        t.check(False, "endorsing an account one does not follow must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "endorsing without following")
    m.account_follow(bob.account["id"])
    m.account_follow(carol.account["id"])
    rel = m.account_pin(bob.account["id"])
    t.eq(rel["endorsed"], True, "the relationship says endorsed")
    m.account_pin(carol.account["id"])
    t.eq(sorted(str(a["id"]) for a in m.endorsements()), sorted([bob.account["id"], carol.account["id"]]),
         "endorsements lists both")
    t.eq(m.account_unpin(carol.account["id"])["endorsed"], False, "unpin")
    m.account_unfollow(bob.account["id"])
    t.eq(m.endorsements(), [], "unfollowing ends an endorsement")
    t.json_error(server.http("GET", "/api/v1/endorsements"), 401, "without a token")


@suite.case
def follow_suggestions(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    dave = register(server, "dave")
    m = mastodon_py(server, dave.token)
    # carol has the most followers now (alice follows her); dave follows nobody.
    suggested = [str(a["id"]) for a in m.suggestions()]
    t.check(carol.account["id"] in suggested and alice.account["id"] in suggested, "suggestions list others", suggested)
    t.check(dave.account["id"] not in suggested, "never oneself", suggested)
    t.eq(suggested[0], carol.account["id"], "the most followed first")
    v2 = server.api("GET", "/api/v2/suggestions", token=dave.token)
    t.eq((v2[0]["source"], v2[0]["account"]["id"]), ("global", carol.account["id"]), "v2 shape")
    m.account_follow(carol.account["id"])
    t.check(carol.account["id"] not in [str(a["id"]) for a in m.suggestions()], "a followed account leaves them")
    m.suggestion_delete(alice.account["id"])
    t.check(alice.account["id"] not in [str(a["id"]) for a in m.suggestions()], "a dismissed one too")
    server.api("POST", f"/api/v1/accounts/{bob.account['id']}/block", token=dave.token)
    t.check(bob.account["id"] not in [str(a["id"]) for a in m.suggestions()], "a blocked one too")


@suite.case
def hidden_network(t):
    """hide_collections: others see counts but no follows or followers (API, ActivityPub, the
    profile pages); the owner still sees them; the setting is kept and shown in source."""
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    server.api("POST", f"/api/v1/accounts/{alice.account['id']}/follow", token=carol.token)
    server.api("POST", f"/api/v1/accounts/{bob.account['id']}/follow", token=carol.token)
    carol_id = carol.account["id"]

    def listed(token=None):
        return ([a["acct"] for a in server.api("GET", f"/api/v1/accounts/{carol_id}/following", token=token)],
                [a["acct"] for a in server.api("GET", f"/api/v1/accounts/{alice.account['id']}/followers",
                                               token=token)])
    before = listed(bob.token)
    t.eq(sorted(before[0]), ["alice", "bob"], "carol's follows are listed to bob")
    me = server.api("PATCH", "/api/v1/accounts/update_credentials", token=carol.token,
                    form={"hide_collections": "true"})
    t.eq((me.get("hide_collections"), me["source"].get("hide_collections")), (True, True),
         "update_credentials stores hide_collections (account and source)")
    t.eq(server.api("GET", f"/api/v1/accounts/{carol_id}")["hide_collections"], True,
         "the public account shows hide_collections")
    t.eq(listed(bob.token)[0], [], "bob now sees no follows of carol")
    t.eq(listed()[0], [], "nor does an anonymous visitor")
    t.eq(sorted(listed(carol.token)[0]), ["alice", "bob"], "carol still sees her own")
    t.eq(server.api("GET", f"/api/v1/accounts/{carol_id}")["following_count"], 2, "the count stays")
    t.eq(listed(bob.token)[1], ["carol"], "alice's followers (alice hides nothing) still list carol")
    ap = {"Accept": "application/activity+json"}
    coll = server.api("GET", "/users/carol/following", headers=ap)
    t.eq((coll.get("totalItems"), "first" in coll), (2, False),
         "the ActivityPub collection gives the count and no first page")
    t.eq(server.http("GET", "/users/carol/following?page=true", headers=ap).status, 403,
         "and its pages are refused")
    page = server.http("GET", "/@carol/following", headers={"Accept": "text/html"})
    t.check(page.status == 200 and "@alice" not in page.text
            and "chosen to not make this information available" in page.text,
            "the profile page says the list is hidden and names no one", page.text[-600:])
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=carol.token,
               form={"hide_collections": "false"})
    t.eq(sorted(listed(bob.token)[0]), ["alice", "bob"], "turned off, the list is back")
    t.check("first" in server.api("GET", "/users/carol/following", headers=ap),
            "and the collection has its first page again")


@suite.case
def mastodon_4_4_names(t):
    """Mastodon 4.4's names: POST /api/v1/accounts/:id/endorse|unendorse, the public
    GET /api/v1/accounts/:id/endorsements, POST /api/v1/tags/:name/feature|unfeature (a Tag with
    `featuring`)."""
    server, bob, carol = S["server"], S["bob"], S["carol"]
    erin = register(server, "erin")
    server.api("POST", f"/api/v1/accounts/{bob.account['id']}/follow", token=erin.token)
    server.api("POST", f"/api/v1/accounts/{carol.account['id']}/follow", token=erin.token)
    rel = server.api("POST", f"/api/v1/accounts/{bob.account['id']}/endorse", token=erin.token)
    t.eq(rel["endorsed"], True, "endorse answers the Relationship")
    server.api("POST", f"/api/v1/accounts/{carol.account['id']}/endorse", token=erin.token)
    public = server.api("GET", f"/api/v1/accounts/{erin.account['id']}/endorsements")
    t.eq(sorted(a["id"] for a in public), sorted([bob.account["id"], carol.account["id"]]),
         "anyone sees whom erin features, without a token")
    rel = server.api("POST", f"/api/v1/accounts/{carol.account['id']}/unendorse", token=erin.token)
    t.eq(rel["endorsed"], False, "unendorse")
    public = server.api("GET", f"/api/v1/accounts/{erin.account['id']}/endorsements", token=bob.token)
    t.eq([a["id"] for a in public], [bob.account["id"]], "carol left the list")
    t.eq(server.http("GET", "/api/v1/accounts/999999/endorsements").status, 404, "unknown account: 404")

    tag = server.api("POST", "/api/v1/tags/Birdwatching/feature", token=erin.token)
    t.eq((tag["name"], tag["featuring"]), ("birdwatching", True), "feature answers the Tag, featuring")
    again = server.api("POST", "/api/v1/tags/birdwatching/feature", token=erin.token)
    t.eq(again["featuring"], True, "featuring twice by name is harmless")
    shown = server.api("GET", f"/api/v1/accounts/{erin.account['id']}/featured_tags")
    t.eq([x["name"] for x in shown], ["birdwatching"], "on the profile once")
    t.eq(server.api("GET", "/api/v1/tags/birdwatching", token=erin.token)["featuring"], True,
         "GET /api/v1/tags/:name says featuring")
    t.eq(server.api("GET", "/api/v1/tags/birdwatching", token=bob.token)["featuring"], False, "not for bob")
    gone = server.api("POST", "/api/v1/tags/birdwatching/unfeature", token=erin.token)
    t.eq(gone["featuring"], False, "unfeature")
    t.eq(server.api("GET", f"/api/v1/accounts/{erin.account['id']}/featured_tags"), [], "off the profile")


if __name__ == "__main__":
    main(suite)
