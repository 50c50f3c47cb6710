#!/usr/bin/python3
"""Discovery against a real `herd serve`: the profile directory (GET /api/v1/directory with
order=active|new, local, limit/offset; discoverable accounts only, nobody the viewer blocks or
mutes), and the instance documents Mastodon 4.5 serves beside /api/v2/instance:
/api/v1/instance/languages, translation_languages, peers, activity, rules, extended_description,
domain_blocks — each answers with the documented shape. Active users (`usage.users.active_month` of
/api/v2/instance, NodeInfo's activeMonth/activeHalfyear) count the local accounts that used the API
in the last 4 and 24 weeks, as Mastodon does, not every account. The instance's domain blocks are shown as
Mastodon's site settings say (show_domain_blocks, show_domain_blocks_rationale: disabled, users,
all; set through PUT /api/v1/admin/site): 404 when hidden, silenced and suspended domains with the
SHA-256 digest of the domain, obfuscated ones partly starred, the public comment only where the
rationale is shown.
"""
import datetime
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, DEFAULT_PASSWORD, Suite, main, mastodon_py, parse_args,  # noqa: E402
                     password_token, register, run_herd_once)

suite = Suite("discovery", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server(t):
    server = suite.server()
    S["server"] = server
    for name in ("ann", "ben", "cat", "dan"):
        S[name] = register(server, name)
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=S["dan"].token,
               form={"discoverable": "false"})


def directory(user=None, **query):
    found = S["server"].api("GET", "/api/v1/directory", token=user.token if user else None, query=query)
    return [a["username"] for a in found]


@suite.case
def profile_directory(t):
    server, ann, ben, cat = S["server"], S["ann"], S["ben"], S["cat"]
    for user, text in ((cat, "cat was here"), (ann, "ann was here"), (ben, "ben was here")):
        server.api("POST", "/api/v1/statuses", token=user.token, form={"status": text})
    active = directory(order="active", local="true")
    t.eq(active[:3], ["ben", "ann", "cat"], "order=active: the most recent poster first")
    t.check("dan" not in active, "dan is not discoverable: not listed", active)
    newest = directory(order="new", local="true")
    t.eq([n for n in newest if n in ("ann", "ben", "cat")], ["cat", "ben", "ann"],
         "order=new: the newest accounts first")
    t.eq(directory(), active, "order=active is the default")
    t.eq(len(directory(limit=2)), 2, "limit")
    t.eq(directory(limit=2, offset=1), active[1:3], "offset")
    server.api("POST", f"/api/v1/accounts/{cat.id}/block", token=ann.token)
    server.api("POST", f"/api/v1/accounts/{ben.id}/mute", token=ann.token)
    seen_by_ann = directory(ann, local="true")
    t.check("cat" not in seen_by_ann and "ben" not in seen_by_ann,
            "ann does not see those she blocks or mutes", seen_by_ann)
    t.check("ann" not in directory(cat, local="true"), "nor does cat see ann, who blocks cat")
    t.check({"ben", "cat"} <= set(directory(local="true")), "anonymous readers see everyone listed")
    t.json_error(server.http("GET", "/api/v1/directory", query={"order": "oldest"}), 422,
                 "an unknown order is refused")
    py = mastodon_py(server, ben.token)
    t.check([a["username"] for a in py.directory(local=True, order="active")][:1] == ["ben"],
            "Mastodon.py's directory() reads it")


@suite.case
def instance_documents(t):
    server = S["server"]
    languages = server.api("GET", "/api/v1/instance/languages")
    codes = [lang["code"] for lang in languages]
    t.check(len(languages) > 150 and all(set(lang) == {"code", "name"} for lang in languages),
            "languages: {code, name} for every ISO 639-1 language", languages[:3])
    t.check({"en": "English", "fr": "French", "ja": "Japanese"}.items()
            <= {lang["code"]: lang["name"] for lang in languages}.items(), "with English names")
    t.eq(codes, sorted(codes), "in code order")
    t.eq(server.api("GET", "/api/v1/instance/translation_languages"), {},
         "translation_languages: {} (no translation service)")
    t.eq(server.api("GET", "/api/v1/instance/peers"), [], "peers: no remote server known yet")
    activity = server.api("GET", "/api/v1/instance/activity")
    t.eq(len(activity), 12, "activity: twelve weeks")
    t.check(all(set(w) == {"week", "statuses", "logins", "registrations"} and
                all(isinstance(v, str) for v in w.values()) for w in activity), "as strings", activity[0])
    this_week = activity[0]
    monday = datetime.datetime.fromtimestamp(int(this_week["week"]), datetime.timezone.utc)
    t.eq((monday.weekday(), monday.hour), (0, 0), "weeks start on Monday, midnight UTC")
    t.check(int(this_week["statuses"]) >= 3, "this week's local posts are counted", this_week)
    t.check(int(this_week["registrations"]) >= 4, "and sign-ups", this_week)
    t.check(int(this_week["logins"]) >= 4, "and users who signed in", this_week)
    t.eq([w["statuses"] for w in activity[1:]], ["0"] * 11, "earlier weeks: nothing")
    t.eq(server.api("GET", "/api/v1/instance/rules"), [], "rules: none set")
    t.check("content" in server.api("GET", "/api/v1/instance/extended_description"),
            "extended_description: {updated_at, content}")
    t.json_error(server.http("GET", "/api/v1/instance/domain_blocks"), 404,
                 "domain_blocks: hidden by default (show_domain_blocks: disabled)")


@suite.case
def active_users_are_those_who_used_the_api(t):
    server = S["server"]
    for name in ("ann", "ben", "cat", "dan"):
        server.api("GET", "/api/v1/accounts/verify_credentials", token=S[name].token)
    rc, out, err = run_herd_once(server.herd, server.environment(),
                                 ("admin", "accounts", "create", "eve", "--email", "eve@herd.test",
                                  "--password", DEFAULT_PASSWORD), timeout=90)
    t.require(rc == 0, "herd admin accounts create eve", out + err)

    def usage():
        users = server.api("GET", "/nodeinfo/2.0")["usage"]["users"]
        return (users["total"], users["activeMonth"], users["activeHalfyear"],
                server.api("GET", "/api/v2/instance")["usage"]["users"]["active_month"])
    total, month, halfyear, v2_month = usage()
    t.check(month >= 4, "the four users who used the API are active this month", usage())
    t.eq((halfyear, v2_month), (month, month), "as active in the half year, and in /api/v2/instance")
    t.check(total > month, "eve, created by `herd admin` and never signed in, counts in total only", usage())
    eve = password_token(server, "eve@herd.test", DEFAULT_PASSWORD)
    server.api("GET", "/api/v1/accounts/verify_credentials", token=eve)
    after = usage()
    t.eq(after, (total, month + 1, halfyear + 1, v2_month + 1), "once eve uses the API she is active too")


@suite.case
def instance_domain_blocks_follow_the_site_settings(t):
    server, ann = S["server"], S["ann"]
    token = password_token(server, ADMIN_EMAIL, server.admin_password,
                           scope="read write admin:read admin:write")

    def admin(method, path, **kw):
        return server.api(method, path, token=token, **kw)

    def public(user=None):
        return server.http("GET", "/api/v1/instance/domain_blocks", token=user.token if user else None)

    site = admin("GET", "/api/v1/admin/site")
    t.eq((site["show_domain_blocks"], site["show_domain_blocks_rationale"]), ("disabled", "disabled"),
         "Mastodon's defaults: nobody sees them")
    spam = admin("POST", "/api/v1/admin/domain_blocks", json_body={
        "domain": "spam.example", "severity": "suspend", "public_comment": "Spam, only spam",
        "private_comment": "reported 12 times"})
    t.eq((spam["public_comment"], spam["private_comment"], spam["obfuscate"]),
         ("Spam, only spam", "reported 12 times", False), "the admin entity keeps both comments")
    rude = admin("POST", "/api/v1/admin/domain_blocks", json_body={
        "domain": "rude.example", "severity": "silence", "obfuscate": True})
    admin("POST", "/api/v1/admin/domain_blocks", json_body={"domain": "noted.example", "severity": "noop"})
    changed = admin("PUT", f"/api/v1/admin/domain_blocks/{rude['id']}",
                    json_body={"public_comment": "Harassment"})
    t.eq((changed["severity"], changed["public_comment"], changed["obfuscate"]), ("silence", "Harassment", True),
         "PUT changes the comment and keeps the rest")
    t.eq(admin("GET", f"/api/v1/admin/domain_blocks/{rude['id']}")["public_comment"], "Harassment",
         "GET /api/v1/admin/domain_blocks/:id shows it")
    t.json_error(server.http("PUT", "/api/v1/admin/site", token=token, json_body={"show_domain_blocks": "everyone"}),
                 422, "an unknown audience")

    admin("PUT", "/api/v1/admin/site", json_body={"show_domain_blocks": "users"})
    t.json_error(public(), 404, "show_domain_blocks=users: hidden from visitors")
    r = public(ann)
    t.status(r, 200, "show_domain_blocks=users: shown to a signed-in user")
    blocks = r.json() if r.status == 200 else []
    t.eq([b["severity"] for b in blocks], ["silence", "suspend"],
         "silenced and suspended domains (silenced first), not the noop one")
    t.eq([b["digest"] for b in blocks], [hashlib.sha256(d.encode()).hexdigest() for d in ("rude.example", "spam.example")],
         "digest: the SHA-256 of each real domain")
    t.eq([b["domain"] for b in blocks], ["rude.****ple", "spam.example"],
         "the obfuscated domain is partly starred, the other shown whole")
    t.check(all("comment" not in b for b in blocks), "no comment while show_domain_blocks_rationale=disabled", blocks)

    admin("PUT", "/api/v1/admin/site", json_body={"show_domain_blocks": "all", "show_domain_blocks_rationale": "users"})
    r = public()
    t.status(r, 200, "show_domain_blocks=all: shown to visitors")
    t.check(r.status == 200 and all("comment" not in b for b in r.json()),
            "visitors get no comment with show_domain_blocks_rationale=users", r.describe())
    t.eq([b.get("comment") for b in public(ann).json()], ["Harassment", "Spam, only spam"],
         "signed-in users get the public comments, never the private one")
    admin("PUT", "/api/v1/admin/site", json_body={"show_domain_blocks_rationale": "all"})
    t.eq([b.get("comment") for b in public().json()], ["Harassment", "Spam, only spam"],
         "show_domain_blocks_rationale=all: visitors too")
    admin("DELETE", f"/api/v1/admin/domain_blocks/{spam['id']}")
    t.eq([b["domain"] for b in public().json()], ["rude.****ple"], "a lifted block is gone from the list")


if __name__ == "__main__":
    main(suite)
