#!/usr/bin/python3
"""The admin API an admin web UI needs (Mastodon 4.5 shapes, raw requests: Mastodon.py 1.8 has
only part of it), checked by what it does to people signing up and signing in:

IP blocks (a sign-up from a blocked range is refused, one from an approval range waits, an address
with no_access gets 403 on everything, sign-in included), email domain blocks (subdomains too, the
refused attempts in the block's history, allow_with_approval), canonical email blocks (Mastodon's
canonical form: dots and +tags ignored, /test), domain allows, the dashboard's measures,
dimensions and retention computed from what happened, and trends review (public trends show only
approved tags, posts and links). A second server checks LIMITED_FEDERATION_MODE (signed fetches
only) and HERD_EMAIL_DNS_CHECK (the domain's addresses checked against the blocks). Who may do
what: admins everything, moderators the dashboard and trends, users nothing.
"""
import hashlib
import os
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, DEFAULT_PASSWORD, T, Suite, client_credentials_token, create_app,  # noqa: E402
                     main, parse_args, password_token, register, run_herd_once, serve_web_page)

suite = Suite("admin API", parse_args(__doc__))
S = suite.state
ADMIN_SCOPES = "read write follow push admin:read admin:write"
IP_BLOCK = {"id": T.ID, "ip": T.STR, "severity": T.STR, "comment": T.STR, "created_at": T.TIME,
            "expires_at": (T.TIME, T.NULL)}
EMAIL_BLOCK = {"id": T.ID, "domain": T.STR, "created_at": T.TIME, "allow_with_approval": T.BOOL,
               "history": [{"day": T.STR, "accounts": T.STR, "uses": T.STR}]}
MEASURE = {"key": T.STR, "unit": (T.STR, T.NULL), "total": T.STR, "previous_total": T.STR,
           "human_value?": T.STR, "data": [{"date": T.TIME, "value": T.STR}]}


def admin(method, path, expect=(200,), **kw):
    return S["server"].api(method, path, token=S["admin_token"], expect=expect, **kw)


def sign_up(username, ip, email=None, server=None):
    """POST /api/v1/accounts from client address `ip` (X-Forwarded-For through the trusted
    loopback proxy); returns the response."""
    server = server or S["server"]
    app = create_app(server, name="sign-up")
    app_token = client_credentials_token(server, app)
    return server.http("POST", "/api/v1/accounts", token=app_token, headers={"X-Forwarded-For": ip}, form={
        "username": username, "email": email or f"{username}@herd.test", "password": DEFAULT_PASSWORD,
        "agreement": "true", "locale": "en"})


def me_status(token):
    return S["server"].http("GET", "/api/v1/accounts/verify_credentials", token=token).status


def today():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


@suite.setup
def start_server(t):
    S["server"] = suite.server()
    S["admin_token"] = password_token(S["server"], ADMIN_EMAIL, S["server"].admin_password, scope=ADMIN_SCOPES)
    S["alice"] = register(S["server"], "alice", scope="read write follow push admin:read admin:write")
    rc, out, err = run_herd_once(S["server"].herd, S["server"].environment(),
                                 ("admin", "accounts", "create", "mod", "--email", "mod@herd.test",
                                  "--password", DEFAULT_PASSWORD, "--role", "moderator"), timeout=90)
    t.require(rc == 0, "herd admin accounts create --role moderator", out + err)
    S["mod_token"] = password_token(S["server"], "mod@herd.test", DEFAULT_PASSWORD, scope=ADMIN_SCOPES)


@suite.case
def ip_blocks(t):
    server = S["server"]
    created = admin("POST", "/api/v1/admin/ip_blocks",
                    form={"ip": "198.51.100.7/24", "severity": "sign_up_block", "comment": "spam wave"})
    t.entity(created, IP_BLOCK, "Admin::IpBlock")
    t.eq((created["ip"], created["severity"], created["comment"], created["expires_at"]),
         ("198.51.100.0/24", "sign_up_block", "spam wave", None), "the range is normalised")
    t.json_error(server.http("POST", "/api/v1/admin/ip_blocks", token=S["admin_token"],
                             form={"ip": "198.51.100.0/24", "severity": "no_access"}), 422, "the same range twice")
    t.json_error(server.http("POST", "/api/v1/admin/ip_blocks", token=S["admin_token"],
                             form={"ip": "not-an-ip", "severity": "no_access"}), 422, "a malformed address")
    t.json_error(server.http("POST", "/api/v1/admin/ip_blocks", token=S["admin_token"],
                             form={"ip": "192.0.2.1", "severity": "everything"}), 422, "an unknown severity")

    t.eq(sign_up("blocked1", "198.51.100.99").status, 403, "a sign-up from the blocked range is refused")
    t.eq(sign_up("fine1", "203.0.113.1").status, 200, "a sign-up from elsewhere is not")

    approval = admin("POST", "/api/v1/admin/ip_blocks",
                     form={"ip": "2001:db8::1/32", "severity": "sign_up_requires_approval"})
    t.eq(approval["ip"], "2001:db8::/32", "IPv6 ranges too")
    r = sign_up("waits", "2001:db8:1::5")
    t.eq(r.status, 200, "a sign-up from an approval range is taken")
    t.eq(me_status(r.json()["access_token"]), 403, "but waits for approval")
    pending = admin("GET", "/api/v2/admin/accounts", query={"status": "pending", "username": "waits"})
    t.eq([a["username"] for a in pending], ["waits"], "listed as pending")

    updated = admin("PUT", f"/api/v1/admin/ip_blocks/{created['id']}", form={"severity": "no_access"})
    t.eq(updated["severity"], "no_access", "PUT changes the severity")
    blocked = {"X-Forwarded-For": "198.51.100.20"}
    t.eq(server.http("GET", "/api/v1/instance", headers=blocked).status, 403, "no_access: every request refused")
    alice = S["alice"]
    t.eq(server.http("GET", "/api/v1/accounts/verify_credentials", token=alice.token, headers=blocked).status, 403,
         "even with a valid token")
    app = create_app(server, name="sign-in")
    sign_in = server.http("POST", "/oauth/token", headers=blocked, form={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": alice.email, "password": DEFAULT_PASSWORD, "scope": "read"})
    t.eq(sign_in.status, 403, "signing in from the range is refused")
    t.eq(server.http("GET", "/auth/sign_in", headers=dict(blocked, Accept="text/html")).status, 403,
         "the sign-in page too")
    t.eq(me_status(alice.token), 200, "other addresses are unaffected")

    listed = admin("GET", "/api/v1/admin/ip_blocks")
    t.eq([b["id"] for b in listed], [approval["id"], created["id"]], "the list, newest first")
    t.eq(admin("GET", f"/api/v1/admin/ip_blocks/{created['id']}")["severity"], "no_access", "show")
    admin("DELETE", f"/api/v1/admin/ip_blocks/{created['id']}")
    t.eq(server.http("GET", "/api/v1/instance", headers=blocked).status, 200, "deleted: the range may come back")
    t.json_error(server.http("GET", f"/api/v1/admin/ip_blocks/{created['id']}", token=S["admin_token"]), 404,
                 "a deleted block is gone")

    expiring = admin("POST", "/api/v1/admin/ip_blocks",
                     form={"ip": "192.0.2.0/24", "severity": "no_access", "expires_in": "1"})
    t.check(expiring["expires_at"] is not None, "expires_in gives expires_at", expiring)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and server.http("GET", "/health", headers={"X-Forwarded-For": "192.0.2.9"}).status == 403:
        time.sleep(0.2)
    t.eq(server.http("GET", "/api/v1/instance", headers={"X-Forwarded-For": "192.0.2.9"}).status, 200,
         "an expired block no longer applies")


@suite.case
def email_domain_blocks(t):
    server = S["server"]
    block = admin("POST", "/api/v1/admin/email_domain_blocks", form={"domain": "Spam.Example"})
    t.entity(block, EMAIL_BLOCK, "Admin::EmailDomainBlock")
    t.eq((block["domain"], len(block["history"])), ("spam.example", 7), "lowercased, seven days of history")
    for name, email in (("spammer", "x@spam.example"), ("spammer2", "y@mail.spam.example"),
                        ("spammer3", "x@spam.example")):
        r = sign_up(name, "203.0.113.2", email)
        t.json_error(r, 422, f"{email} is refused")
        t.check("disallowed e-mail provider" in r.json().get("error", ""), "with Mastodon's message", r.json())
    history = admin("GET", f"/api/v1/admin/email_domain_blocks/{block['id']}")["history"][0]
    t.eq((history["uses"], history["accounts"]), ("3", "2"), "today's attempts: 3 uses by 2 addresses")
    t.eq(sign_up("notspam", "203.0.113.2", "z@notspam.example").status, 200, "another domain is fine")
    t.json_error(server.http("POST", "/api/v1/admin/email_domain_blocks", token=S["admin_token"],
                             form={"domain": "spam.example"}), 422, "blocking a domain twice")

    slow = admin("POST", "/api/v1/admin/email_domain_blocks",
                 form={"domain": "slow.example", "allow_with_approval": "true"})
    r = sign_up("slowpoke", "203.0.113.3", "s@slow.example")
    t.eq(r.status, 200, "allow_with_approval takes the sign-up")
    t.eq(me_status(r.json()["access_token"]), 403, "which waits for approval")
    admin("DELETE", f"/api/v1/admin/email_domain_blocks/{block['id']}")
    admin("DELETE", f"/api/v1/admin/email_domain_blocks/{slow['id']}")
    t.eq(sign_up("reformed", "203.0.113.2", "r@spam.example").status, 200, "unblocked: signs up")


@suite.case
def canonical_email_blocks(t):
    server = S["server"]
    block = admin("POST", "/api/v1/admin/canonical_email_blocks", form={"email": "Some.One+news@Example.COM"})
    expected = hashlib.sha256(b"someone@example.com").hexdigest()
    t.eq(block, {"id": block["id"], "canonical_email_hash": expected},
         "Admin::CanonicalEmailBlock: SHA-256 of the canonical form")
    found = admin("POST", "/api/v1/admin/canonical_email_blocks/test", form={"email": "someone+x@example.com"})
    t.eq([b["id"] for b in found], [block["id"]], "/test finds it for a +tag variant")
    t.eq(admin("POST", "/api/v1/admin/canonical_email_blocks/test", form={"email": "other@example.com"}), [],
         "and not for another address")
    r = sign_up("someone", "203.0.113.4", "s.o.m.e.one+hi@example.com")
    t.json_error(r, 422, "a sign-up with a dotted +tag variant is refused")
    by_hash = admin("POST", "/api/v1/admin/canonical_email_blocks",
                    form={"canonical_email_hash": hashlib.sha256(b"x@y.example").hexdigest()})
    t.eq(sign_up("xy", "203.0.113.4", "X@y.example").status, 422, "a block given as a hash works too")
    t.json_error(server.http("POST", "/api/v1/admin/canonical_email_blocks", token=S["admin_token"],
                             form={"canonical_email_hash": "nothex"}), 422, "a malformed hash")
    t.eq(len(admin("GET", "/api/v1/admin/canonical_email_blocks")), 2, "the list")
    admin("DELETE", f"/api/v1/admin/canonical_email_blocks/{block['id']}")
    admin("DELETE", f"/api/v1/admin/canonical_email_blocks/{by_hash['id']}")
    t.eq(sign_up("someone", "203.0.113.4", "some.one@example.com").status, 200, "unblocked")


@suite.case
def domain_allows(t):
    allow = admin("POST", "/api/v1/admin/domain_allows", form={"domain": "Friends.Example"})
    t.entity(allow, {"id": T.ID, "domain": T.STR, "created_at": T.TIME}, "Admin::DomainAllow")
    t.eq(allow["domain"], "friends.example", "lowercased")
    t.eq(admin("POST", "/api/v1/admin/domain_allows", form={"domain": "friends.example"})["id"], allow["id"],
         "allowing again answers the existing entry")
    t.eq([a["domain"] for a in admin("GET", "/api/v1/admin/domain_allows")], ["friends.example"], "the list")
    t.json_error(S["server"].http("POST", "/api/v1/admin/domain_allows", token=S["admin_token"],
                                  form={"domain": "not a domain"}), 422, "a malformed domain")
    admin("DELETE", f"/api/v1/admin/domain_allows/{allow['id']}")
    t.eq(admin("GET", "/api/v1/admin/domain_allows"), [], "deleted")


def new_users_today():
    m = admin("POST", "/api/v1/admin/measures",
              json_body={"keys": ["new_users"], "start_at": today(), "end_at": today()})
    return int(m[0]["total"])


@suite.case
def dashboard_figures(t):
    server = S["server"]
    before = new_users_today()
    bob = register(server, "bob")
    t.eq(new_users_today(), before + 1, "new_users counts a sign-up")
    users_today = before + 1
    post = server.api("POST", "/api/v1/statuses", token=S["alice"].token,
                      form={"status": "hallo", "language": "de"})
    server.api("POST", f"/api/v1/statuses/{post['id']}/favourite", token=bob.token)
    server.api("POST", f"/api/v1/statuses/{post['id']}/reblog", token=bob.token)
    server.api("POST", "/api/v1/statuses", token=bob.token,
               form={"status": "@alice hi", "in_reply_to_id": post["id"]})
    server.api("POST", "/api/v1/reports", token=bob.token, form={"account_id": S["alice"].account["id"]})
    start = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%d")
    measures = admin("POST", "/api/v1/admin/measures", json_body={
        "keys": ["new_users", "active_users", "interactions", "opened_reports", "resolved_reports",
                 "tag_uses", "no_such_key"],
        "start_at": start, "end_at": today(), "tag_uses": {"id": "1"}})
    by_key = {m["key"]: m for m in measures}
    t.eq(sorted(by_key), sorted(["new_users", "active_users", "interactions", "opened_reports",
                                 "resolved_reports", "tag_uses"]), "one measure per known key")
    for m in measures:
        t.entity(m, MEASURE, f"Admin::Measure {m['key']}")
        t.eq(len(m["data"]), 3, f"{m['key']}: a value per day")
    t.eq(by_key["new_users"]["data"][-1]["value"], str(users_today), "all of today's sign-ups on today's row")
    t.eq(by_key["new_users"]["previous_total"], "0", "none in the three days before")
    t.eq(by_key["interactions"]["total"], "3", "interactions: a favourite, a boost and a reply")
    t.eq(by_key["opened_reports"]["total"], "1", "opened_reports")
    t.eq(by_key["resolved_reports"]["total"], "0", "resolved_reports")
    active = int(by_key["active_users"]["total"])
    t.check(3 <= active <= users_today, "active_users: admin, alice and bob used the API today", active)
    t.json_error(server.http("POST", "/api/v1/admin/measures", token=S["admin_token"],
                             json_body={"keys": ["new_users"]}), 400, "start_at and end_at are required")

    dims = admin("POST", "/api/v1/admin/dimensions", json_body={
        "keys": ["languages", "space_usage", "software_versions"], "start_at": start, "end_at": today()})
    by_key = {d["key"]: d["data"] for d in dims}
    t.check({"key": "de", "human_key": "de", "value": "1"} in by_key.get("languages", []),
            "languages: alice's German post", by_key.get("languages"))
    t.check(any(i["key"] == "herd" for i in by_key.get("software_versions", [])), "software_versions names herd",
            by_key.get("software_versions"))
    database = by_key.get("space_usage", [{}])[0]
    t.check(database.get("unit") == "bytes" and int(database.get("value", "0")) > 0,
            "space_usage: the database's size in bytes", database)

    cohorts = admin("POST", "/api/v1/admin/retention",
                    json_body={"start_at": today(), "end_at": today(), "frequency": "day"})
    t.eq(len(cohorts), 1, "one daily cohort")
    t.eq((cohorts[0]["frequency"], cohorts[0]["data"][0]["value"], cohorts[0]["data"][0]["rate"]),
         ("day", str(users_today), 1.0), "today's sign-ups, all of them active today")
    monthly = admin("POST", "/api/v1/admin/retention",
                    json_body={"start_at": today(), "end_at": today(), "frequency": "month"})
    t.eq(monthly[0]["data"][0]["value"], str(users_today), "the month's cohort")

    t.eq(server.http("POST", "/api/v1/admin/measures", token=S["mod_token"],
                     json_body={"keys": ["new_users"], "start_at": start, "end_at": today()}).status, 200,
         "a moderator sees the dashboard")
    t.eq(server.http("POST", "/api/v1/admin/measures", token=bob.token,
                     json_body={"keys": ["new_users"], "start_at": start, "end_at": today()}).status, 403,
         "a user does not")


@suite.case
def trends_review(t):
    base, web = serve_web_page('<html><head><meta property="og:title" content="Big news">'
                               '<meta property="og:description" content="Read all about it"></head></html>')
    server = suite.server(name="trends", env={"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1",
                                              "HERD_ALLOW_HTTP_FEDERATION": "true"})
    token = password_token(server, ADMIN_EMAIL, server.admin_password, scope=ADMIN_SCOPES)
    people = [register(server, name) for name in ("ann", "ben", "cat")]
    link = f"{base}/story"
    posts = [server.api("POST", "/api/v1/statuses", token=p.token, form={"status": f"#herdnews {link}"})
             for p in people]
    server.api("POST", f"/api/v1/statuses/{posts[0]['id']}/favourite", token=people[1].token)
    deadline = time.monotonic() + 20  # the cards are fetched in the background
    while time.monotonic() < deadline and not all(server.api("GET", f"/api/v1/statuses/{p['id']}")["card"]
                                                  for p in posts):
        time.sleep(0.2)

    def public(kind):
        return server.api("GET", f"/api/v1/trends/{kind}")

    t.eq((public("tags"), public("statuses"), public("links")), ([], [], []), "nothing trends before review")
    tags = server.api("GET", "/api/v1/admin/trends/tags", token=token)
    t.eq([(x["name"], x["requires_review"], x["trendable"]) for x in tags], [("herdnews", True, False)],
         "the admin sees the unreviewed tag")
    statuses = server.api("GET", "/api/v1/admin/trends/statuses", token=token)
    t.eq([s["id"] for s in statuses], [posts[0]["id"]], "and the favourited post")
    links = server.api("GET", "/api/v1/admin/trends/links", token=token)
    t.eq([(x["url"], x["title"], x["requires_review"]) for x in links], [(link, "Big news", True)],
         "and the shared link")
    t.eq(links[0]["history"][0]["accounts"] if links else None, "3", "shared by three people today")

    approved = server.api("POST", f"/api/v1/admin/trends/tags/{tags[0]['id']}/approve", token=token)
    t.eq((approved["trendable"], approved["requires_review"]), (True, False), "approve answers Admin::Tag")
    server.api("POST", f"/api/v1/admin/trends/statuses/{posts[0]['id']}/approve", token=token)
    server.api("POST", f"/api/v1/admin/trends/links/{links[0]['id']}/approve", token=token)
    t.eq([x["name"] for x in public("tags")], ["herdnews"], "an approved tag trends")
    t.eq([x["id"] for x in public("statuses")], [posts[0]["id"]], "an approved post trends")
    t.eq([x["url"] for x in public("links")], [link], "an approved link trends (Trends::Link)")
    rejected = server.api("POST", f"/api/v1/admin/trends/tags/{tags[0]['id']}/reject", token=token)
    t.eq(rejected["trendable"], False, "reject")
    t.eq(public("tags"), [], "a rejected tag leaves the trends")
    t.eq(server.http("POST", f"/api/v1/admin/trends/tags/{tags[0]['id']}/approve",
                     token=people[0].token).status, 403, "a user cannot review")
    t.eq(server.http("POST", "/api/v1/admin/trends/tags/999999/approve", token=token).status, 404, "unknown tag")
    web.shutdown()


@suite.case
def who_may_do_what(t):
    server = S["server"]
    for path in ("/api/v1/admin/ip_blocks", "/api/v1/admin/email_domain_blocks",
                 "/api/v1/admin/canonical_email_blocks", "/api/v1/admin/domain_allows"):
        t.eq(server.http("GET", path).status, 401, f"{path}: no token")
        t.eq(server.http("GET", path, token=S["alice"].token).status, 403, f"{path}: a user")
        t.eq(server.http("GET", path, token=S["mod_token"]).status, 403, f"{path}: a moderator (admins only)")
        plain = password_token(server, ADMIN_EMAIL, server.admin_password, scope="read write")
        t.eq(server.http("GET", path, token=plain).status, 403, f"{path}: an admin token without admin:read")
        t.eq(server.http("GET", path, token=S["admin_token"]).status, 200, f"{path}: an admin")
    t.eq(server.http("GET", "/api/v1/admin/trends/tags", token=S["mod_token"]).status, 200,
         "a moderator reviews trends")


@suite.case
def limited_federation_and_email_dns(t):
    server = suite.server(name="limited", env={"LIMITED_FEDERATION_MODE": "true", "HERD_EMAIL_DNS_CHECK": "true"})
    actor = server.http("GET", "/users/admin", headers={"Accept": "application/activity+json"})
    t.eq(actor.status, 401, "limited federation: an unsigned fetch of an actor is refused")
    token = password_token(server, ADMIN_EMAIL, server.admin_password, scope=ADMIN_SCOPES)
    t.eq(sign_up("local1", "203.0.113.9", "a@localhost", server=server).status, 200,
         "email DNS check: a domain with an address is taken")
    r = sign_up("nowhere", "203.0.113.9", "a@nowhere.invalid", server=server)
    t.json_error(r, 422, "a domain without MX or address records is refused")
    server.api("POST", "/api/v1/admin/email_domain_blocks", token=token, form={"domain": "127.0.0.1"})
    t.json_error(sign_up("local2", "203.0.113.9", "b@localhost", server=server), 422,
                 "a block of the mail host's address refuses the domain")


@suite.case
def hashtag_moderation(t):
    """GET/PUT /api/v1/admin/tags (Mastodon's admin tags API): every hashtag with its usable,
    listable and trendable state; an unusable hashtag is not attached to new posts (no hashtag
    timeline, no delivery to its followers), an unlistable one is not found by hashtag search."""
    server = S["server"]
    poster, reader = register(server, "tagposter"), register(server, "tagreader")
    server.api("POST", "/api/v1/tags/spamtag/follow", token=reader.token)
    first = server.api("POST", "/api/v1/statuses", token=poster.token, form={"status": "before #spamtag #goodtag"})
    tags = admin("GET", "/api/v1/admin/tags")
    by_name = {x["name"]: x for x in tags}
    t.require("spamtag" in by_name and "goodtag" in by_name, "the admin lists every hashtag", [x["name"] for x in tags])
    spam = by_name["spamtag"]
    t.eq((spam["usable"], spam["listable"], spam["trendable"], spam["requires_review"]), (True, True, False, True),
         "a new hashtag: usable, listable, not reviewed")
    t.eq(admin("GET", f"/api/v1/admin/tags/{spam['id']}")["name"], "spamtag", "GET /api/v1/admin/tags/:id")
    page = server.http("GET", "/api/v1/admin/tags", token=S["admin_token"], query={"limit": 1})
    t.eq(len(page.json()), 1, "limit=1")
    t.check('rel="next"' in (page.header("Link") or ""), "Link header to the next page", page.header("Link"))

    updated = admin("PUT", f"/api/v1/admin/tags/{spam['id']}", form={"usable": "false", "listable": "false"})
    t.eq((updated["usable"], updated["listable"]), (False, False), "PUT answers the updated Admin::Tag")
    t.eq(server.http("PUT", f"/api/v1/admin/tags/{spam['id']}", token=S["admin_token"],
                     form={"display_name": "SpamTag"}).status, 422, "a display_name other than the name: 422")
    t.eq(server.http("PUT", f"/api/v1/admin/tags/{spam['id']}", token=reader.token,
                     form={"usable": "true"}).status, 403, "a user cannot moderate hashtags")
    t.eq(server.http("GET", "/api/v1/admin/tags/999999", token=S["admin_token"]).status, 404, "unknown hashtag: 404")

    second = server.api("POST", "/api/v1/statuses", token=poster.token, form={"status": "after #spamtag #goodtag"})
    t.eq([x["name"] for x in second["tags"]], ["goodtag"], "an unusable hashtag is not attached to a new post")
    timeline = [s["id"] for s in server.api("GET", "/api/v1/timelines/tag/spamtag")]
    t.check(second["id"] not in timeline and first["id"] in timeline,
            "the hashtag timeline gets no new post; older ones stay", timeline)
    home = [s["id"] for s in server.api("GET", "/api/v1/timelines/home", token=reader.token)]
    t.check(first["id"] in home and second["id"] not in home,
            "followers of the hashtag get the post from before, not the one after", home)
    found = server.api("GET", "/api/v2/search", token=reader.token, query={"q": "spamt", "type": "hashtags"})
    t.eq([x["name"] for x in found["hashtags"]], [], "an unlistable hashtag is not found by search")
    found = server.api("GET", "/api/v2/search", token=reader.token, query={"q": "goodt", "type": "hashtags"})
    t.eq([x["name"] for x in found["hashtags"]], ["goodtag"], "a listable one is")

    restored = admin("PUT", f"/api/v1/admin/tags/{spam['id']}", form={"usable": "true", "listable": "true",
                                                                     "trendable": "true"})
    t.eq((restored["usable"], restored["listable"], restored["trendable"], restored["requires_review"]),
         (True, True, True, False), "usable and listable again, and approved to trend")
    third = server.api("POST", "/api/v1/statuses", token=poster.token, form={"status": "again #spamtag"})
    t.eq([x["name"] for x in third["tags"]], ["spamtag"], "attached again once usable")


if __name__ == "__main__":
    main(suite)
