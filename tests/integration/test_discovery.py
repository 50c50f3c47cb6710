#!/usr/bin/python3
"""Discovery against a real `herd serve`: the profile directory (GET /api/v1/directory with
order=active|new, local, limit/offset; discoverable accounts only, nobody the viewer blocks or
mutes), and the instance documents Mastodon 4.5 serves beside /api/v2/instance:
/api/v1/instance/languages, translation_languages, peers, activity, rules, extended_description,
domain_blocks — each answers with the documented shape.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, mastodon_py, parse_args, register  # noqa: E402

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
    t.eq(server.api("GET", "/api/v1/instance/domain_blocks"), [], "domain_blocks: none")


if __name__ == "__main__":
    main(suite)
