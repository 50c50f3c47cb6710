#!/usr/bin/python3
"""Instance announcements against a real `herd serve` and `herd admin announcements` beside it:
published by the admin, shown to signed-in users (Mastodon.py announcements) with links made
clickable, only within their time window, dismissed per user, with emoji reactions counted per
announcement and marked for the reacting user.
"""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, T, Suite, eventually, main, mastodon_py, parse_args, password_token,  # noqa: E402
                     register, run_herd_once)

suite = Suite("announcements", parse_args(__doc__))
S = suite.state
ANNOUNCEMENT = {"id": T.ID, "content": T.STR, "starts_at": (T.TIME, T.NULL), "ends_at": (T.TIME, T.NULL),
                "all_day": T.BOOL, "published_at": T.TIME, "updated_at": T.TIME, "read": T.BOOL,
                "mentions": [T.OBJ], "statuses": [T.OBJ], "tags": [T.OBJ], "emojis": [T.OBJ],
                "reactions": [{"name": T.STR, "count": T.INT, "me": T.BOOL, "url": T.NULL, "static_url": T.NULL}]}


def admin(*args):
    server = S["server"]
    return run_herd_once(server.herd, server.environment(), ("admin", "announcements", *args))


def iso(delta_minutes):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=delta_minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def visible(user, **query):
    return S["server"].api("GET", "/api/v1/announcements", token=user.token, query=query or None)




@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")


@suite.case
def published_shown_dismissed(t):
    alice, bob = S["alice"], S["bob"]
    rc, out, err = admin("add", "Maintenance tonight, see https://status.example.org/ for news")
    t.eq(rc, 0, f"herd admin announcements add ({err.strip()})")
    t.eq(admin("add", "Not yet", "--starts-at", iso(60))[0], 0, "a future one")
    t.eq(admin("add", "Already over", "--starts-at", iso(-120), "--ends-at", iso(-60))[0], 0, "a past one")
    shown = eventually(lambda: visible(alice))
    t.eq(len(shown), 1, "only the announcement in its time window is shown")
    if shown:
        t.entity(shown[0], ANNOUNCEMENT, "Announcement")
        t.check('href="https://status.example.org/"' in shown[0]["content"], "links are clickable", shown[0]["content"])
        t.eq(shown[0]["read"], False, "unread")
    m = mastodon_py(S["server"], alice.token)
    t.eq(len(m.announcements()), 1, "Mastodon.py announcements")
    m.announcement_dismiss(shown[0]["id"])
    t.eq(visible(alice), [], "dismissed: gone for alice")
    t.eq([a["read"] for a in visible(alice, with_dismissed="true")], [True], "with_dismissed shows it as read")
    t.eq(len(visible(bob)), 1, "still there for bob")
    S["id"] = shown[0]["id"]
    t.json_error(S["server"].http("GET", "/api/v1/announcements"), 401, "without a token")


@suite.case
def reactions(t):
    server, alice, bob, aid = S["server"], S["alice"], S["bob"], S["id"]
    for user in (alice, bob):
        r = server.http("PUT", f"/api/v1/announcements/{aid}/reactions/%F0%9F%91%8D", token=user.token)
        t.status(r, 200, "PUT a 👍 reaction")
    server.http("PUT", f"/api/v1/announcements/{aid}/reactions/%F0%9F%91%8D", token=bob.token)
    server.http("PUT", f"/api/v1/announcements/{aid}/reactions/%F0%9F%8E%89", token=bob.token)
    mine = visible(bob)[0]["reactions"]
    t.eq(sorted((r["name"], r["count"], r["me"]) for r in mine), [("🎉", 1, True), ("👍", 2, True)],
         "counted once per user, marked for bob")
    theirs = visible(alice, with_dismissed="true")[0]["reactions"]
    t.eq(sorted((r["name"], r["count"], r["me"]) for r in theirs), [("🎉", 1, False), ("👍", 2, True)],
         "as alice sees them")
    server.http("DELETE", f"/api/v1/announcements/{aid}/reactions/%F0%9F%8E%89", token=bob.token)
    t.eq([r["name"] for r in visible(bob)[0]["reactions"]], ["👍"], "a removed reaction")
    t.json_error(server.http("PUT", f"/api/v1/announcements/{aid}/reactions/blobcat", token=bob.token), 422,
                 "a custom emoji name")
    t.json_error(server.http("POST", "/api/v1/announcements/99999999/dismiss", token=bob.token), 404,
                 "an unknown announcement")
    listed = admin("list")[1]
    t.check("Maintenance tonight" in listed and "Already over" in listed, "herd admin announcements list", listed)
    t.eq(admin("remove", aid)[0], 0, "remove")
    t.check(eventually(lambda: visible(bob) == []), "a removed announcement is gone")


@suite.case
def drafts_publishing_and_edits_through_the_admin_api(t):
    server, alice = S["server"], S["alice"]
    token = password_token(server, ADMIN_EMAIL, server.admin_password, scope="read write admin:read admin:write")
    draft = server.api("POST", "/api/v1/admin/announcements", token=token,
                       json_body={"text": "Draft for the picnic", "publish": False})
    t.eq((draft["published"], draft["published_at"]), (False, None), "a draft")
    t.check(all("picnic" not in a["content"] for a in visible(alice)), "drafts are not shown")
    t.json_error(server.http("POST", f"/api/v1/announcements/{draft['id']}/dismiss", token=alice.token), 404,
                 "nor can they be dismissed")
    published = server.api("POST", f"/api/v1/admin/announcements/{draft['id']}/publish", token=token)
    t.eq(published["published"], True, "published")
    t.check(any("picnic" in a["content"] for a in visible(alice)), "now shown")
    edited = server.api("PUT", f"/api/v1/admin/announcements/{draft['id']}", token=token,
                        json_body={"text": "Picnic moved to Sunday", "starts_at": iso(-60), "ends_at": iso(60 * 26)})
    t.eq((edited["text"], edited["published"]), ("Picnic moved to Sunday", True), "edited, still published")
    t.check(edited["starts_at"] is not None, "with the event's time")
    t.check(any("Picnic moved to Sunday" in a["content"] for a in visible(alice)), "people see the edit")
    t.json_error(server.http("PUT", f"/api/v1/admin/announcements/{draft['id']}", token=token,
                             json_body={"text": "x", "starts_at": iso(60), "ends_at": iso(30)}), 422, "an end before the start")
    t.json_error(server.http("PUT", f"/api/v1/admin/announcements/{draft['id']}", token=token,
                             json_body={"text": "x", "starts_at": "tomorrow"}), 422, "a time that is not one")
    server.api("POST", f"/api/v1/admin/announcements/{draft['id']}/unpublish", token=token)
    t.check(all("Picnic" not in a["content"] for a in visible(alice)), "unpublished: hidden again")
    listed = server.api("GET", "/api/v1/admin/announcements", token=token)
    t.check(any(a["id"] == draft["id"] and not a["published"] for a in listed), "staff still see the draft")
    t.status(server.http("DELETE", f"/api/v1/admin/announcements/{draft['id']}", token=token), 200, "deleted")
    t.json_error(server.http("POST", f"/api/v1/admin/announcements/{draft['id']}/publish", token=token), 404, "gone")


if __name__ == "__main__":
    main(suite)
