#!/usr/bin/python3
"""Grouped notifications, the notification policy and notification requests (Mastodon 4.3)
against a real `herd serve`, with requests shaped as Mastodon's documentation shows them
(Mastodon.py 1.8 predates these methods; masto.js covers them in js/masto.test.mjs):
GET /api/v2/notifications (groups with deduplicated accounts and statuses, grouped_types[],
types[], exclude_types[], account_id, expand_accounts=partial_avatars, Link pagination), one group, its accounts, dismissing
it, the unread count against the read marker, group_key on v1 notifications; the policy (v2 and
v1), filtered notifications kept out of the lists and counted in the summary, requests listed,
shown, accepted (merged back, later ones let through; in bulk), dismissed (in bulk), "drop", and the
new-account and limited-account filters.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ADMIN_EMAIL, T, Suite, main, parse_args, parse_link_header, password_token, register  # noqa: E402

suite = Suite("grouped notifications and notification requests", parse_args(__doc__))
S = suite.state

GROUP = {
    "group_key": T.NESTR, "notifications_count": T.INT, "type": T.NESTR,
    "most_recent_notification_id": T.ID, "page_min_id?": T.ID, "page_max_id?": T.ID,
    "latest_page_notification_at?": T.TIME, "sample_account_ids": [T.ID], "status_id?": T.ID,
}
RESULTS = {"accounts": [T.OBJ], "statuses": [T.OBJ], "notification_groups": [GROUP]}
POLICY = {
    "for_not_following": {"accept", "filter", "drop"}, "for_not_followers": {"accept", "filter", "drop"},
    "for_new_accounts": {"accept", "filter", "drop"}, "for_private_mentions": {"accept", "filter", "drop"},
    "for_limited_accounts": {"accept", "filter", "drop"},
    "summary": {"pending_requests_count": T.INT, "pending_notifications_count": T.INT},
}
REQUEST = {"id": T.ID, "created_at": T.TIME, "updated_at": T.TIME, "account": T.OBJ,
           "notifications_count": T.STR, "last_status?": T.OBJ}


@suite.setup
def start_server_and_register(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol", "dave", "erin", "frank", "gina"):
        S[name] = register(server, name)
    # alice follows bob, carol and dave: their notifications pass the default policy.
    for name in ("bob", "carol", "dave"):
        server.api("POST", f"/api/v1/accounts/{S[name].id}/follow", token=S["alice"].token)


def v2(token, **query):
    r = S["server"].http("GET", "/api/v2/notifications", token=token, query=query or None)
    return r


@suite.case
def groups_favourites_reblogs_follows(t):
    server, alice = S["server"], S["alice"]
    post = server.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "group me"})
    for name in ("bob", "carol", "dave"):
        server.api("POST", f"/api/v1/statuses/{post['id']}/favourite", token=S[name].token)
    for name in ("bob", "carol"):
        server.api("POST", f"/api/v1/statuses/{post['id']}/reblog", token=S[name].token)
        server.api("POST", f"/api/v1/accounts/{alice.id}/follow", token=S[name].token)
    mention = server.api("POST", "/api/v1/statuses", token=S["dave"].token,
                         form={"status": "@alice hello"})
    r = v2(alice.token)
    t.status(r, 200, "GET /api/v2/notifications")
    body = r.json()
    t.entity(body, RESULTS, "GroupedNotificationsResults")
    groups = body["notification_groups"]
    by_type = {g["type"]: g for g in groups}
    t.eq([g["type"] for g in groups], ["mention", "follow", "reblog", "favourite"],
         "one group per kind, newest first")
    fav = by_type.get("favourite", {})
    t.eq(fav.get("notifications_count"), 3, "three favourites in one group")
    t.eq(fav.get("sample_account_ids"), [S["dave"].id, S["carol"].id, S["bob"].id],
         "sample accounts newest first")
    t.eq(fav.get("status_id"), post["id"], "the favourited status")
    t.check(fav.get("group_key", "").startswith(f"favourite-{post['id']}-"), "favourite group key",
            fav.get("group_key"))
    t.eq(by_type.get("reblog", {}).get("notifications_count"), 2, "two reblogs in one group")
    t.eq(by_type.get("follow", {}).get("notifications_count"), 2, "two follows in one group")
    t.check("status_id" not in by_type.get("follow", {}), "a follow group has no status_id")
    t.check(by_type.get("mention", {}).get("group_key", "").startswith("ungrouped-"),
            "a mention is not grouped", by_type.get("mention"))
    ids = [a["id"] for a in body["accounts"]]
    t.eq(sorted(ids), sorted({S["bob"].id, S["carol"].id, S["dave"].id}), "accounts deduplicated")
    t.eq(sorted(s["id"] for s in body["statuses"]), sorted([post["id"], mention["id"]]),
         "statuses deduplicated: the post once for favourites and reblogs")
    t.check(all(g.get("page_min_id") and g.get("page_max_id") for g in groups),
            "page_min_id and page_max_id on a page", groups)
    S["post"], S["fav_key"] = post, fav.get("group_key")

    v1 = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "favourite"})
    t.eq({n["group_key"] for n in v1}, {S["fav_key"]}, "v1 notifications carry the same group_key")

    only = v2(alice.token, **{"grouped_types[]": "follow"}).json()["notification_groups"]
    favs = [g for g in only if g["type"] == "favourite"]
    t.eq(len(favs), 3, "favourites one by one when grouped_types[] lacks favourite")
    t.check(all(g["group_key"].startswith("ungrouped-") and g["notifications_count"] == 1 for g in favs),
            "ungrouped-<id> keys", favs)
    typed = v2(alice.token, **{"types[]": "reblog"}).json()["notification_groups"]
    t.eq([g["type"] for g in typed], ["reblog"], "types[] filters")
    excluded = v2(alice.token, **{"exclude_types[]": ["favourite", "mention"]}).json()["notification_groups"]
    t.eq([g["type"] for g in excluded], ["follow", "reblog"], "exclude_types[] leaves those out")
    from_dave = v2(alice.token, account_id=S["dave"].id).json()
    t.eq([(g["type"], g["sample_account_ids"]) for g in from_dave["notification_groups"]],
         [("mention", [S["dave"].id]), ("favourite", [S["dave"].id])], "account_id: only dave's notifications")

    partial = v2(alice.token, expand_accounts="partial_avatars").json()
    full_ids = {a["id"] for a in partial["accounts"]}
    partial_ids = {a["id"] for a in partial.get("partial_accounts", [])}
    t.check("partial_accounts" in partial, "partial_accounts with expand_accounts=partial_avatars")
    t.check(S["dave"].id in full_ids, "each group's newest account in full", partial)
    t.check(not (full_ids & partial_ids), "no account both full and partial", partial)
    t.eq(full_ids | partial_ids, {S["bob"].id, S["carol"].id, S["dave"].id}, "every sample account sent")
    if partial.get("partial_accounts"):
        t.entity(partial["partial_accounts"][0], {"id": T.ID, "acct": T.STR, "url": T.URL, "avatar": T.URL,
                                                  "avatar_static": T.URL, "locked": T.BOOL, "bot": T.BOOL},
                 "PartialAccountWithAvatar")


@suite.case
def one_group_accounts_pages_unread_dismiss(t):
    server, alice, key = S["server"], S["alice"], S.get("fav_key")
    t.require(key, "the favourite group from the previous case")
    one = server.api("GET", f"/api/v2/notifications/{key}", token=alice.token)
    t.entity(one, RESULTS, "GroupedNotificationsResults of one group")
    t.eq([g["group_key"] for g in one["notification_groups"]], [key], "the group asked for")
    t.check("page_min_id" not in one["notification_groups"][0], "no page ids outside a page")
    accounts = server.api("GET", f"/api/v2/notifications/{key}/accounts", token=alice.token)
    t.eq([a["id"] for a in accounts], [S["dave"].id, S["carol"].id, S["bob"].id], "the group's accounts")
    t.json_error(server.http("GET", "/api/v2/notifications/nothing-here", token=alice.token), 404,
                 "an unknown group")

    page = v2(alice.token, limit="2")
    t.eq(len(page.json()["notification_groups"]), 2, "limit=2 gives two groups")
    seen, pages = [], 0
    while page is not None and pages < 6:
        seen += [g["group_key"] for g in page.json()["notification_groups"]]
        links = {rel: url for url, rel in parse_link_header(page.header("Link", ""))}
        page = server.http("GET", links["next"], token=alice.token) if links.get("next") else None
        pages += 1
    t.check(pages >= 2, "a next link to follow", pages)
    t.eq(set(seen), {g["group_key"] for g in v2(alice.token).json()["notification_groups"]},
         "following next links reaches every group")

    count = server.api("GET", "/api/v2/notifications/unread_count", token=alice.token)
    t.eq(count, {"count": 4}, "four unread groups without a marker")
    newest = server.api("GET", "/api/v1/notifications", token=alice.token, query={"limit": "1"})[0]
    older = server.api("GET", "/api/v1/notifications", token=alice.token,
                       query={"max_id": newest["id"], "limit": "1"})[0]
    server.api("POST", "/api/v1/markers", token=alice.token, form={"notifications[last_read_id]": older["id"]})
    t.eq(server.api("GET", "/api/v2/notifications/unread_count", token=alice.token), {"count": 1},
         "groups newer than the read marker")

    t.eq(server.api("POST", f"/api/v2/notifications/{key}/dismiss", token=alice.token), {}, "dismiss a group")
    left = [g["type"] for g in v2(alice.token).json()["notification_groups"]]
    t.check("favourite" not in left, "the dismissed group is gone", left)
    t.eq(server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "favourite"}), [],
         "its notifications are gone from v1 too")
    t.json_error(server.http("POST", f"/api/v2/notifications/{key}/dismiss", token=alice.token), 404,
                 "dismissing it again")
    t.json_error(server.http("GET", "/api/v2/notifications"), 401, "v2 without a token")


@suite.case
def policy_filters_into_requests(t):
    server, alice, erin, frank = S["server"], S["alice"], S["erin"], S["frank"]
    policy = server.api("GET", "/api/v2/notifications/policy", token=alice.token)
    t.entity(policy, POLICY, "NotificationPolicy")
    t.eq([policy[k] for k in ("for_not_following", "for_not_followers", "for_new_accounts",
                              "for_private_mentions", "for_limited_accounts")],
         ["accept", "accept", "accept", "filter", "filter"], "Mastodon's defaults")
    t.eq(policy["summary"], {"pending_requests_count": 0, "pending_notifications_count": 0}, "nothing pending")

    dm = server.api("POST", "/api/v1/statuses", token=erin.token,
                    form={"status": "@alice psst", "visibility": "direct"})
    v1 = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "mention"})
    t.check(all(n["status"]["id"] != dm["id"] for n in v1), "a private mention from a stranger is filtered", v1)
    groups = v2(alice.token).json()["notification_groups"]
    t.check(all(g.get("status_id") != dm["id"] for g in groups), "not in the grouped list either")
    shown = v2(alice.token, include_filtered="true").json()["notification_groups"]
    t.check(any(g.get("status_id") == dm["id"] for g in shown), "include_filtered=true shows it", shown)

    changed = server.api("PATCH", "/api/v2/notifications/policy", token=alice.token,
                         json_body={"for_not_following": "filter"})
    t.eq(changed["for_not_following"], "filter", "PATCH changes one setting")
    t.eq(changed["for_private_mentions"], "filter", "and keeps the others")
    post = server.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "like me"})
    server.api("POST", f"/api/v1/statuses/{post['id']}/favourite", token=frank.token)
    server.api("POST", f"/api/v1/statuses/{post['id']}/favourite", token=S["bob"].token)
    favs = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "favourite"})
    t.eq([n["account"]["id"] for n in favs], [S["bob"].id], "a followed account passes, a stranger is filtered")

    summary = server.api("GET", "/api/v2/notifications/policy", token=alice.token)["summary"]
    t.eq(summary, {"pending_requests_count": 2, "pending_notifications_count": 2}, "counted in the summary")
    v1_policy = server.api("GET", "/api/v1/notifications/policy", token=alice.token)
    t.eq((v1_policy.get("filter_not_following"), v1_policy.get("filter_private_mentions"),
          v1_policy.get("filter_new_accounts")), (True, True, False), "the v1 policy as booleans")

    requests = server.http("GET", "/api/v1/notifications/requests", token=alice.token)
    t.status(requests, 200, "GET /api/v1/notifications/requests")
    listed = requests.json()
    for r in listed:
        t.entity(r, REQUEST, "NotificationRequest")
    by_account = {r["account"]["id"]: r for r in listed}
    t.eq(set(by_account), {erin.id, frank.id}, "one request per account")
    t.eq(by_account.get(erin.id, {}).get("notifications_count"), "1", "notifications_count as a string")
    t.eq(by_account.get(erin.id, {}).get("last_status", {}).get("id"), dm["id"], "last_status: the DM")
    erin_request = by_account[erin.id]["id"]
    shown = server.api("GET", f"/api/v1/notifications/requests/{erin_request}", token=alice.token)
    t.eq(shown["account"]["id"], erin.id, "GET one request")

    t.eq(server.api("POST", f"/api/v1/notifications/requests/{erin_request}/accept", token=alice.token), {},
         "accept erin's request")
    mentions = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "mention"})
    t.check(any(n["status"]["id"] == dm["id"] for n in mentions), "accepted: merged into the list", mentions)
    t.eq(server.api("GET", "/api/v1/notifications/requests/merged", token=alice.token), {"merged": True},
         "merged")
    again = server.api("POST", "/api/v1/statuses", token=erin.token,
                       form={"status": "@alice again", "visibility": "direct"})
    mentions = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "mention"})
    t.check(any(n["status"]["id"] == again["id"] for n in mentions), "later ones from erin pass", mentions)

    frank_request = by_account[frank.id]["id"]
    t.eq(server.api("POST", "/api/v1/notifications/requests/dismiss", token=alice.token,
                    form={"id[]": frank_request}), {}, "dismiss in bulk with id[]")
    t.eq(server.api("GET", "/api/v1/notifications/requests", token=alice.token), [], "no request left")
    favs = server.api("GET", "/api/v1/notifications", token=alice.token,
                      query={"types[]": "favourite", "include_filtered": "true"})
    t.check(all(n["account"]["id"] != frank.id for n in favs), "a dismissed request's notifications are gone", favs)
    t.json_error(server.http("GET", f"/api/v1/notifications/requests/{frank_request}", token=alice.token), 404,
                 "a dismissed request")
    t.eq(server.api("GET", "/api/v2/notifications/policy", token=alice.token)["summary"],
         {"pending_requests_count": 0, "pending_notifications_count": 0}, "nothing pending any more")

    server.api("PATCH", "/api/v2/notifications/policy", token=alice.token, form={"for_not_following": "drop"})
    server.api("POST", f"/api/v1/statuses/{post['id']}/favourite", token=S["gina"].token)
    favs = server.api("GET", "/api/v1/notifications", token=alice.token,
                      query={"types[]": "favourite", "include_filtered": "true"})
    t.check(all(n["account"]["id"] != S["gina"].id for n in favs), "drop creates nothing", favs)
    t.eq(server.api("GET", "/api/v1/notifications/requests", token=alice.token), [], "and no request")
    t.json_error(server.http("PATCH", "/api/v2/notifications/policy", token=alice.token,
                             form={"for_new_accounts": "maybe"}), 422, "a value other than accept/filter/drop")
    t.eq(server.api("GET", "/api/v2/notifications/policy", token=alice.token)["for_new_accounts"], "accept",
         "the bad value changed nothing")
    t.json_error(server.http("POST", "/api/v1/notifications/requests/12345/accept", token=alice.token), 404,
                 "accepting an unknown request")


@suite.case
def new_and_limited_accounts_and_bulk_accept(t):
    """for_new_accounts (accounts younger than 30 days) and for_limited_accounts (silenced by a
    moderator) filter what they name; followed accounts still pass; requests accepted in bulk with
    id[] are merged back."""
    server, alice, gina, frank = S["server"], S["alice"], S["gina"], S["frank"]
    server.api("PATCH", "/api/v2/notifications/policy", token=alice.token,
               json_body={"for_not_following": "accept", "for_new_accounts": "filter"})
    post = server.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "new faces"})
    for user in (gina, S["bob"]):
        server.api("POST", f"/api/v1/statuses/{post['id']}/favourite", token=user.token)
    favs = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "favourite"})
    mine = [n["account"]["id"] for n in favs if n["status"]["id"] == post["id"]]
    t.eq(mine, [S["bob"].id], "a new account alice follows passes, a new stranger is filtered")
    requests = server.api("GET", "/api/v1/notifications/requests", token=alice.token)
    t.eq([r["account"]["id"] for r in requests], [gina.id], "gina's notification waits in a request")

    admin = password_token(server, ADMIN_EMAIL, server.admin_password,
                           scope="read write admin:read admin:write")
    server.api("PATCH", "/api/v2/notifications/policy", token=alice.token,
               json_body={"for_new_accounts": "accept", "for_limited_accounts": "filter"})
    server.api("POST", f"/api/v1/admin/accounts/{frank.id}/action", token=admin, form={"type": "silence"})
    server.api("POST", f"/api/v1/statuses/{post['id']}/reblog", token=frank.token)
    server.api("POST", f"/api/v1/statuses/{post['id']}/reblog", token=S["erin"].token)
    reblogs = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "reblog"})
    mine = [n["account"]["id"] for n in reblogs if n["status"]["id"] == post["id"]]
    t.eq(mine, [S["erin"].id], "a limited account is filtered, another stranger passes")
    requests = server.api("GET", "/api/v1/notifications/requests", token=alice.token)
    ids = {r["account"]["id"]: r["id"] for r in requests}
    t.eq(set(ids), {gina.id, frank.id}, "two requests")

    t.eq(server.api("POST", "/api/v1/notifications/requests/accept", token=alice.token,
                    form={"id[]": [ids[gina.id], ids[frank.id]]}), {}, "accept both in bulk with id[]")
    t.eq(server.api("GET", "/api/v1/notifications/requests", token=alice.token), [], "no request left")
    merged = server.api("GET", "/api/v1/notifications", token=alice.token)
    got = {(n["type"], n["account"]["id"]) for n in merged if (n.get("status") or {}).get("id") == post["id"]}
    t.check({("favourite", gina.id), ("reblog", frank.id)} <= got, "both merged into the list", got)
    groups = server.api("GET", "/api/v2/notifications", token=alice.token)["notification_groups"]
    fav = [g for g in groups if g["type"] == "favourite" and g.get("status_id") == post["id"]]
    t.eq(sorted(fav[0]["sample_account_ids"]) if fav else None, sorted([gina.id, S["bob"].id]),
         "and into the grouped favourites")


if __name__ == "__main__":
    main(suite)
