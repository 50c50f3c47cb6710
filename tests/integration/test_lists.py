#!/usr/bin/python3
"""Lists against a real `herd serve`, with Mastodon.py 1.8 (list_create, list_accounts_add,
timeline_list, account_lists, ...) and raw HTTP for what Mastodon.py does not send
(replies_policy, exclusive, limit=0).

A list holds accounts its owner follows; its timeline shows their posts and boosts (newest
first, paged with Link headers) and, for replies to others, what replies_policy says; members of
an exclusive list (and muted accounts) stay out of the owner's home; unfollowing
takes an account off the owner's lists; nobody but the owner sees or changes a list; bad input
gets Mastodon's errors.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError, MastodonNotFoundError  # noqa: E402

from harness import T, Suite, main, mastodon_py, parse_args, parse_link_header, register  # noqa: E402

suite = Suite("lists", parse_args(__doc__))
S = suite.state

LIST = {"id": T.ID, "title": T.STR, "replies_policy": {"followed", "list", "none"}, "exclusive": T.BOOL}


def links(response):
    return {rel: url for url, rel in parse_link_header(response.header("Link", ""))}


def texts(statuses):
    return [(s["reblog"] or s)["content"] for s in statuses]


@suite.setup
def start_server_and_follow(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol", "dave", "erin"):
        S[name] = register(server, name)
    m = mastodon_py(server, S["alice"].token)
    for name in ("bob", "carol", "dave"):
        m.account_follow(S[name].account["id"])
    S["m"] = m


@suite.case
def create_show_update_delete(t):
    server, alice, m = S["server"], S["alice"], S["m"]
    t.eq(m.lists(), [], "no lists at first")
    created = server.api("POST", "/api/v1/lists", token=alice.token, form={"title": "Friends"})
    t.entity(created, LIST, "List")
    t.eq((created["title"], created["replies_policy"], created["exclusive"]), ("Friends", "list", False),
         "defaults: replies to list members, not exclusive")
    second = m.list_create("Work")
    t.eq([str(x["id"]) for x in m.lists()], [created["id"], str(second["id"])], "lists, oldest first")
    t.eq(m.list(created["id"])["title"], "Friends", "GET /api/v1/lists/:id")
    renamed = server.api("PUT", f"/api/v1/lists/{created['id']}", token=alice.token,
                         json_body={"title": "Close friends", "replies_policy": "followed", "exclusive": True})
    t.eq((renamed["title"], renamed["replies_policy"], renamed["exclusive"]), ("Close friends", "followed", True),
         "PUT changes title, replies_policy and exclusive")
    t.eq(m.list_update(second["id"], "Colleagues")["title"], "Colleagues", "Mastodon.py list_update")
    m.list_delete(second["id"])
    t.eq([str(x["id"]) for x in m.lists()], [created["id"]], "a deleted list is gone")
    S["friends"] = created["id"]


@suite.case
def members_are_followed_accounts(t):
    server, alice, m = S["server"], S["alice"], S["m"]
    lid = S["friends"]
    m.list_accounts_add(lid, [S["bob"].account["id"], S["carol"].account["id"]])
    members = m.list_accounts(lid)
    t.eq(sorted(str(a["id"]) for a in members), sorted([S["bob"].account["id"], S["carol"].account["id"]]),
         "list members as added")
    t.eq([str(x["id"]) for x in m.account_lists(S["bob"].account["id"])], [lid], "GET /accounts/:id/lists")
    t.eq(m.account_lists(S["dave"].account["id"]), [], "an account in no list")
    r = server.http("POST", f"/api/v1/lists/{lid}/accounts", token=alice.token,
                    form={"account_ids[]": S["erin"].account["id"]})
    t.json_error(r, 422, "adding an account the owner does not follow")
    t.check("not been followed" in r.text, "the message says why", r.text)
    r = server.http("POST", f"/api/v1/lists/{lid}/accounts", token=alice.token,
                    form={"account_ids[]": S["bob"].account["id"]})
    t.json_error(r, 422, "adding a member twice")
    r = server.http("POST", f"/api/v1/lists/{lid}/accounts", token=alice.token,
                    form={"account_ids[]": "99999999999"})
    t.json_error(r, 404, "adding an unknown account")
    page = server.http("GET", f"/api/v1/lists/{lid}/accounts", token=alice.token, query={"limit": "1"})
    t.eq(len(page.json()), 1, "members page of one")
    t.check(links(page).get("next"), "with a next link", page.header("Link"))
    everyone = server.api("GET", f"/api/v1/lists/{lid}/accounts", token=alice.token, query={"limit": "0"})
    t.eq(len(everyone), 2, "limit=0 lists every member")


@suite.case
def list_timeline_shows_members_posts_and_boosts(t):
    server, alice, m = S["server"], S["alice"], S["m"]
    lid = S["friends"]
    bob_m, carol_m, dave_m = (mastodon_py(server, S[n].token) for n in ("bob", "carol", "dave"))
    dave_post = dave_m.status_post("dave was here")
    bob_m.status_post("bob one")
    carol_m.status_post("carol one", visibility="private")
    carol_m.status_reblog(dave_post["id"])
    bob_m.status_post("bob to carol", in_reply_to_id=carol_m.status_post("carol asks")["id"])
    bob_m.status_post("bob to dave", in_reply_to_id=dave_post["id"])
    dave_m.status_post("dave outside the list")
    bob_m.status_post("secret to carol @carol", visibility="direct")
    shown = texts(m.timeline_list(lid))
    for text in ("bob one", "carol one", "dave was here", "carol asks"):
        t.check(any(text in x for x in shown), f"the list shows {text!r}", shown)
    t.check(any("bob to carol" in x for x in shown), "replies_policy followed: a reply to a followed account", shown)
    t.check(any("bob to dave" in x for x in shown), "and to dave, followed too", shown)
    t.check(not any("dave outside" in x for x in shown), "a non-member's own post is not shown", shown)
    t.check(not any("secret" in x for x in shown), "direct statuses never are", shown)

    server.api("PUT", f"/api/v1/lists/{lid}", token=alice.token, form={"replies_policy": "list"})
    shown = texts(m.timeline_list(lid))
    t.check(any("bob to carol" in x for x in shown), "replies_policy list: a reply to a member", shown)
    t.check(not any("bob to dave" in x for x in shown), "but not to a non-member", shown)
    server.api("PUT", f"/api/v1/lists/{lid}", token=alice.token, form={"replies_policy": "none"})
    shown = texts(m.timeline_list(lid))
    t.check(not any("bob to carol" in x for x in shown), "replies_policy none: no replies to others", shown)

    first = server.http("GET", f"/api/v1/timelines/list/{lid}", token=alice.token, query={"limit": "2"})
    t.eq(len(first.json()), 2, "a page of two")
    nxt = links(first).get("next")
    t.require(nxt, "a next link", first.header("Link"))
    second = server.http("GET", nxt, token=alice.token)
    ids = [s["id"] for s in first.json()] + [s["id"] for s in second.json()]
    t.eq(ids, sorted(ids, key=int, reverse=True), "pages are newest first and do not overlap")
    t.eq(len(set(ids)), len(ids), "no status twice")


@suite.case
def exclusive_lists_keep_members_out_of_home(t):
    server, alice, m = S["server"], S["alice"], S["m"]
    server.api("PUT", f"/api/v1/lists/{S['friends']}", token=alice.token, json_body={"exclusive": False})
    excl = server.api("POST", "/api/v1/lists", token=alice.token,
                      json_body={"title": "Only here", "exclusive": True})
    m.list_accounts_add(excl["id"], [S["dave"].account["id"]])
    mastodon_py(server, S["dave"].token).status_post("dave in an exclusive list")
    mastodon_py(server, S["bob"].token).status_post("bob still at home")
    home = texts(m.timeline_home())
    t.check(not any("dave in an exclusive" in x for x in home), "an exclusive list's member is not in home", home)
    t.check(any("bob still at home" in x for x in home), "other followed accounts are", home)
    t.check(any("dave in an exclusive" in x for x in texts(m.timeline_list(excl["id"]))), "the list shows dave")
    server.api("PUT", f"/api/v1/lists/{excl['id']}", token=alice.token, json_body={"exclusive": False})
    t.check(any("dave in an exclusive" in x for x in texts(m.timeline_home())), "not exclusive: back in home")
    server.api("DELETE", f"/api/v1/lists/{excl['id']}", token=alice.token)
    # Home leaves out muted accounts too (asked in the same query as the exclusive lists).
    mastodon_py(server, S["carol"].token).status_post("carol while muted")
    m.account_mute(S["carol"].account["id"])
    home = texts(m.timeline_home())
    t.check(not any("carol while muted" in x for x in home), "a muted account is not in home", home)
    t.check(any("bob still at home" in x for x in home), "the others still are", home)
    m.account_unmute(S["carol"].account["id"])
    t.check(any("carol while muted" in x for x in texts(m.timeline_home())), "unmuted: back in home")


@suite.case
def unfollowing_takes_an_account_off_lists(t):
    m = S["m"]
    lid = S["friends"]
    m.account_unfollow(S["carol"].account["id"])
    t.eq([str(a["id"]) for a in m.list_accounts(lid)], [S["bob"].account["id"]], "carol left the list with the unfollow")
    t.check(not any("carol one" in x for x in texts(m.timeline_list(lid))), "and her posts left its timeline")
    m.list_accounts_delete(lid, [S["bob"].account["id"]])
    t.eq(m.list_accounts(lid), [], "removing a member")
    t.eq(m.timeline_list(lid), [], "an empty list has an empty timeline")


@suite.case
def only_the_owner_and_bad_input(t):
    server, lid = S["server"], S["friends"]
    bob = S["bob"]
    for method, path in (("GET", f"/api/v1/lists/{lid}"), ("PUT", f"/api/v1/lists/{lid}"),
                         ("DELETE", f"/api/v1/lists/{lid}"), ("GET", f"/api/v1/lists/{lid}/accounts"),
                         ("GET", f"/api/v1/timelines/list/{lid}")):
        r = server.http(method, path, token=bob.token, form={"title": "mine now"} if method == "PUT" else None)
        t.json_error(r, 404, f"{method} {path} by another account")
    try:
        mastodon_py(server, bob.token).list(lid)
        t.check(False, "Mastodon.py sees another account's list")
    except MastodonNotFoundError:
        pass
    r = server.http("GET", "/api/v1/lists")
    t.json_error(r, 401, "lists without a token")
    r = server.http("POST", "/api/v1/lists", token=S["alice"].token, form={"title": "  "})
    t.json_error(r, 422, "a blank title")
    r = server.http("POST", "/api/v1/lists", token=S["alice"].token, form={"title": "x", "replies_policy": "all"})
    t.json_error(r, 422, "an unknown replies_policy")
    try:
        S["m"].list_create("")
        t.check(False, "an empty title must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "Mastodon.py list_create with an empty title")


if __name__ == "__main__":
    main(suite)
