#!/usr/bin/python3
"""Filters against a real `herd serve`: the v2 API by raw HTTP (Mastodon.py 1.8 has no v2
filter methods) and the v1 API through Mastodon.py (filters, filter_create, filter_update,
filter_delete).

A warn filter marks matching statuses with `filtered` only where its context applies; a hide
filter drops them from those timelines and notifications but not from contexts it does not
list; whole_word keywords need word boundaries; an expired filter no longer applies; a v1
filter is one keyword of a v2 filter (irreversible = hide); nobody but the owner sees or
changes a filter; bad input gets Mastodon's 422.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError, MastodonNotFoundError  # noqa: E402

from harness import T, Suite, main, mastodon_py, parse_args, password_token, register  # noqa: E402

suite = Suite("filters", parse_args(__doc__))
S = suite.state

KEYWORD = {"id": T.ID, "keyword": T.NESTR, "whole_word": T.BOOL}
FILTER_STATUS = {"id": T.ID, "status_id": T.ID}
FILTER = {"id": T.ID, "title": T.STR, "context": [{"home", "notifications", "public", "thread", "account"}],
          "expires_at": (T.NULL, T.TIME), "filter_action": {"warn", "hide", "blur"},
          "keywords": [KEYWORD], "statuses": [FILTER_STATUS]}
RESULT_FILTER = {k: v for k, v in FILTER.items() if k not in ("keywords", "statuses")}
FILTER_RESULT = {"filter": RESULT_FILTER, "keyword_matches": (T.NULL, [T.STR]), "status_matches": (T.NULL, [T.ID])}
V1_FILTER = {"id": T.ID, "phrase": T.STR, "context": [T.STR], "whole_word": T.BOOL,
             "expires_at": (T.NULL, T.TIME), "irreversible": T.BOOL}


def api(method, path, user=None, **kw):
    return S["server"].api(method, path, token=(user or S["alice"]).token, **kw)


def post(user, text, **extra):
    return api("POST", "/api/v1/statuses", user, json_body={"status": text, **extra})


def create_filter(title, context, keywords=(), action="warn", **extra):
    body = {"title": title, "context": list(context), "filter_action": action,
            "keywords_attributes": [{"keyword": k, "whole_word": w} for k, w in keywords], **extra}
    return api("POST", "/api/v2/filters", json_body=body)


def find(statuses, status_id):
    for s in statuses:
        if s["id"] == status_id:
            return s
    return None


def home():
    return api("GET", "/api/v1/timelines/home", query={"limit": 40})


def public():
    return api("GET", "/api/v1/timelines/public", query={"limit": 40})


@suite.setup
def start_server(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob"):
        S[name] = register(server, name)
    S["m"] = mastodon_py(server, S["alice"].token)
    S["m"].account_follow(S["bob"].account["id"])


@suite.case
def crud_v2(t):
    created = create_filter("Spoilers", ["home", "public"], [("dragon", True), ("Ending", False)],
                            expires_in=3600)
    t.entity(created, FILTER, "Filter")
    t.eq(([k["keyword"] for k in created["keywords"]], [k["whole_word"] for k in created["keywords"]]),
         (["dragon", "Ending"], [True, False]), "keywords_attributes create keywords")
    t.check(created["expires_at"] is not None, "expires_in sets expires_at", created)
    fid = created["id"]
    t.eq([f["id"] for f in api("GET", "/api/v2/filters")], [fid], "GET /api/v2/filters")
    t.eq(api("GET", f"/api/v2/filters/{fid}")["title"], "Spoilers", "GET /api/v2/filters/:id")
    dragon = created["keywords"][0]["id"]
    ending = created["keywords"][1]["id"]
    updated = api("PUT", f"/api/v2/filters/{fid}", json_body={
        "title": "Plot", "context": ["home"], "filter_action": "warn", "expires_in": "",
        "keywords_attributes": [{"id": ending, "_destroy": True}, {"id": dragon, "keyword": "wyvern"},
                                {"keyword": "twist", "whole_word": False}]})
    t.eq((updated["title"], updated["context"], updated["expires_at"]), ("Plot", ["home"], None),
         "PUT changes title and context, an empty expires_in clears the expiry")
    t.eq(sorted(k["keyword"] for k in updated["keywords"]), ["twist", "wyvern"],
         "keywords_attributes: _destroy, change by id, add")
    # Keywords endpoints.
    kw = api("POST", f"/api/v2/filters/{fid}/keywords", json_body={"keyword": "finale"})
    t.entity(kw, KEYWORD, "FilterKeyword")
    t.eq(kw["whole_word"], True, "whole_word defaults to true")
    t.eq(len(api("GET", f"/api/v2/filters/{fid}/keywords")), 3, "GET /filters/:id/keywords")
    t.eq(api("PUT", f"/api/v2/filters/keywords/{kw['id']}", form={"whole_word": "false"})["whole_word"], False,
         "PUT /filters/keywords/:id")
    t.eq(api("GET", f"/api/v2/filters/keywords/{kw['id']}")["keyword"], "finale", "GET /filters/keywords/:id")
    t.eq(api("DELETE", f"/api/v2/filters/keywords/{kw['id']}"), {}, "DELETE /filters/keywords/:id")
    t.eq(len(api("GET", f"/api/v2/filters/{fid}/keywords")), 2, "the keyword is gone")
    # Indexed form parameters, as some clients send them.
    r = S["server"].http("POST", f"/api/v2/filters", token=S["alice"].token, form=[
        ("title", "form"), ("context[]", "thread"), ("keywords_attributes[0][keyword]", "formkw"),
        ("keywords_attributes[0][whole_word]", "false")])
    t.status(r, 200, "form-encoded create")
    if r.status == 200:
        t.eq([(k["keyword"], k["whole_word"]) for k in r.json()["keywords"]], [("formkw", False)],
             "keywords_attributes[0][...] in a form")
        t.eq(api("DELETE", f"/api/v2/filters/{r.json()['id']}"), {}, "DELETE /api/v2/filters/:id")
        r = S["server"].http("GET", f"/api/v2/filters/{r.json()['id']}", token=S["alice"].token)
        t.json_error(r, 404, "a deleted filter")
    api("DELETE", f"/api/v2/filters/{fid}")


@suite.case
def warn_applies_only_in_its_context(t):
    f = create_filter("Dragons", ["home"], [("dragon", True)])
    s = post(S["bob"], "Here be Dragon tales")
    shown = find(home(), s["id"])
    t.require(shown is not None, "a warn filter keeps the status in home")
    t.eq(len(shown["filtered"]), 1, "home: one FilterResult")
    t.entity(shown["filtered"][0], FILTER_RESULT, "FilterResult")
    t.eq(shown["filtered"][0]["keyword_matches"], ["Dragon"], "keyword_matches as written in the status")
    t.eq(shown["filtered"][0]["filter"]["id"], f["id"], "the filter that matched")
    t.check("keywords" not in shown["filtered"][0]["filter"], "no rules inside a FilterResult")
    in_public = find(public(), s["id"])
    t.eq(in_public and in_public["filtered"], [], "public timeline: the filter does not list public")
    mine = post(S["alice"], "my own dragon")
    t.eq(find(home(), mine["id"])["filtered"], [], "never on the viewer's own statuses")
    bob_view = find(api("GET", "/api/v1/timelines/public", S["bob"], query={"limit": 40}), s["id"])
    t.eq(bob_view["filtered"], [], "another viewer is not filtered by alice's filter")
    t.eq(api("GET", f"/api/v1/statuses/{s['id']}")["filtered"], [], "a single status has no context")
    # A filter on one status, through the statuses endpoints.
    other = post(S["bob"], "nothing to see")
    fs = api("POST", f"/api/v2/filters/{f['id']}/statuses", form={"status_id": other["id"]})
    t.entity(fs, FILTER_STATUS, "FilterStatus")
    t.eq(api("GET", f"/api/v2/filters/statuses/{fs['id']}"), fs, "GET /filters/statuses/:id")
    t.eq(api("GET", f"/api/v2/filters/{f['id']}/statuses"), [fs], "GET /filters/:id/statuses")
    result = find(home(), other["id"])["filtered"]
    t.eq([(x["status_matches"], x["keyword_matches"]) for x in result], [([other["id"]], None)],
         "status_matches for a filtered status")
    r = S["server"].http("POST", f"/api/v2/filters/{f['id']}/statuses", token=S["alice"].token,
                         form={"status_id": other["id"]})
    t.json_error(r, 422, "the same status twice")
    t.eq(api("DELETE", f"/api/v2/filters/statuses/{fs['id']}"), {}, "DELETE /filters/statuses/:id")
    t.eq(find(home(), other["id"])["filtered"], [], "unfiltered again")
    api("DELETE", f"/api/v2/filters/{f['id']}")


@suite.case
def hide_drops_only_where_listed(t):
    f = create_filter("Secrets", ["home", "notifications"], [("secret", True)], action="hide")
    s = post(S["bob"], "a SECRET plan")
    t.eq(find(home(), s["id"]), None, "hide: gone from home")
    t.check(find(public(), s["id"]) is not None, "but not from public, which the filter does not list")
    acct = api("GET", f"/api/v1/accounts/{S['bob'].account['id']}/statuses")
    t.check(find(acct, s["id"]) is not None, "nor from the account's statuses")
    mention = post(S["bob"], "@alice the secret is out")
    notes = api("GET", "/api/v1/notifications")
    t.check(all((n.get("status") or {}).get("id") != mention["id"] for n in notes),
            "hide: the mention's notification is left out", notes)
    plain = post(S["bob"], "@alice hello there")
    notes = api("GET", "/api/v1/notifications")
    t.check(any((n.get("status") or {}).get("id") == plain["id"] for n in notes), "other notifications stay")
    # Cursors come from the unfiltered page: with limit 1 the hidden status still moves the cursor.
    r = S["server"].http("GET", "/api/v1/timelines/home", token=S["alice"].token, query={"limit": 1})
    t.status(r, 200, "home with limit 1")
    api("PUT", f"/api/v2/filters/{f['id']}", json_body={"context": ["thread"]})
    t.check(find(home(), s["id"]) is not None, "changing the context brings it back to home")
    ctx = api("GET", f"/api/v1/statuses/{plain['id']}/context")
    t.eq(ctx["ancestors"], [], "context endpoint answers")
    reply = post(S["bob"], "another secret reply", in_reply_to_id=plain["id"])
    ctx = api("GET", f"/api/v1/statuses/{plain['id']}/context")
    t.check(find(ctx["descendants"], reply["id"]) is None, "thread: a hide filter for thread drops the reply")
    api("DELETE", f"/api/v2/filters/{f['id']}")
    ctx = api("GET", f"/api/v1/statuses/{plain['id']}/context")
    t.check(find(ctx["descendants"], reply["id"]) is not None, "without the filter the reply is back")


@suite.case
def whole_word_and_blur(t):
    f = create_filter("Cats", ["home"], [("cat", True)], action="blur")
    inside = post(S["bob"], "concatenate strings")
    word = post(S["bob"], "my cat, again")
    statuses = home()
    t.eq(find(statuses, inside["id"])["filtered"], [], "whole_word: no match inside a word")
    t.eq(len(find(statuses, word["id"])["filtered"]), 1, "whole_word: a match as a word")
    t.eq(find(statuses, word["id"])["filtered"][0]["filter"]["filter_action"], "blur", "blur is kept, not hidden")
    kw = f["keywords"][0]["id"]
    api("PUT", f"/api/v2/filters/keywords/{kw}", json_body={"whole_word": False})
    t.eq(len(find(home(), inside["id"])["filtered"]), 1, "without whole_word it matches inside a word")
    cw = post(S["bob"], "nothing here", spoiler_text="Cat content")
    t.eq(len(find(home(), cw["id"])["filtered"]), 1, "the spoiler text is searched too")
    api("DELETE", f"/api/v2/filters/{f['id']}")


@suite.case
def expired_filters_never_apply(t):
    f = create_filter("Brief", ["home"], [("ephemeral", True)], action="hide", expires_in=2)
    s = post(S["bob"], "an ephemeral thought")
    t.eq(find(home(), s["id"]), None, "hidden while the filter is in force")
    time.sleep(3)
    post(S["bob"], "time passes")  # a write: cached pages start over
    t.check(find(home(), s["id"]) is not None, "an expired filter no longer applies")
    t.check(any(x["id"] == f["id"] for x in api("GET", "/api/v2/filters")), "expired filters are still listed")
    api("DELETE", f"/api/v2/filters/{f['id']}")


@suite.case
def v1_filters_map_to_keywords(t):
    m = S["m"]
    created = m.filter_create("Politics", ["home", "public"], irreversible=True, whole_word=False)
    v1 = api("GET", f"/api/v1/filters/{created['id']}")
    t.entity(v1, V1_FILTER, "V1::Filter")
    t.eq((v1["phrase"], v1["irreversible"], v1["whole_word"], sorted(v1["context"])),
         ("Politics", True, False, ["home", "public"]), "Mastodon.py filter_create")
    v2 = api("GET", "/api/v2/filters")
    t.eq([(f["title"], f["filter_action"], [k["id"] for k in f["keywords"]]) for f in v2],
         [("Politics", "hide", [v1["id"]])], "a v1 filter is a v2 filter with one keyword (its id)")
    t.eq([str(f["id"]) for f in m.filters()], [v1["id"]], "Mastodon.py filters")
    changed = m.filter_update(created["id"], phrase="Elections", irreversible=False)
    t.eq((changed["phrase"], changed["irreversible"]), ("Elections", False), "Mastodon.py filter_update")
    fid = v2[0]["id"]
    api("POST", f"/api/v2/filters/{fid}/keywords", json_body={"keyword": "votes"})
    r = S["server"].http("PUT", f"/api/v1/filters/{v1['id']}", token=S["alice"].token,
                         json_body={"context": ["thread"]})
    t.json_error(r, 422, "v1 cannot change a filter that has several keywords")
    t.eq(len(m.filters()), 2, "each keyword is a v1 filter")
    m.filter_delete(created["id"])
    t.eq([f["phrase"] for f in m.filters()], ["votes"], "v1 delete removes the keyword")
    api("DELETE", f"/api/v2/filters/{fid}")
    t.eq(m.filters(), [], "no filters left")


@suite.case
def only_the_owner_and_bad_input(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    f = create_filter("Mine", ["home"], [("word", True)])
    s = post(bob, "a status")
    fs = api("POST", f"/api/v2/filters/{f['id']}/statuses", form={"status_id": s["id"]})
    kid = f["keywords"][0]["id"]
    for method, path in (("GET", f"/api/v2/filters/{f['id']}"), ("PUT", f"/api/v2/filters/{f['id']}"),
                         ("DELETE", f"/api/v2/filters/{f['id']}"), ("GET", f"/api/v2/filters/{f['id']}/keywords"),
                         ("POST", f"/api/v2/filters/{f['id']}/keywords"), ("GET", f"/api/v2/filters/keywords/{kid}"),
                         ("PUT", f"/api/v2/filters/keywords/{kid}"), ("DELETE", f"/api/v2/filters/keywords/{kid}"),
                         ("GET", f"/api/v2/filters/{f['id']}/statuses"), ("GET", f"/api/v2/filters/statuses/{fs['id']}"),
                         ("DELETE", f"/api/v2/filters/statuses/{fs['id']}"), ("GET", f"/api/v1/filters/{kid}"),
                         ("PUT", f"/api/v1/filters/{kid}"), ("DELETE", f"/api/v1/filters/{kid}")):
        r = server.http(method, path, token=bob.token,
                        json_body={"title": "x", "keyword": "y", "phrase": "z"} if method in ("PUT", "POST") else None)
        t.json_error(r, 404, f"{method} {path} by another account")
    try:
        mastodon_py(server, bob.token).filter(kid)
        t.check(False, "Mastodon.py sees another account's filter")
    except MastodonNotFoundError:
        pass
    t.eq(api("GET", "/api/v2/filters", bob), [], "bob has no filters")
    t.json_error(server.http("GET", "/api/v2/filters"), 401, "filters without a token")
    bad = (({"context": ["home"]}, "Title"), ({"title": "x"}, "Context"),
           ({"title": "x", "context": ["home", "everywhere"]}, "context"),
           ({"title": "x", "context": ["home"], "filter_action": "explode"}, "Action"),
           ({"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": " "}]}, "keyword"))
    for body, word in bad:
        r = server.http("POST", "/api/v2/filters", token=alice.token, json_body=body)
        t.json_error(r, 422, f"bad filter {body}")
        t.check(word in r.text, f"the message names {word}", r.text)
    r = server.http("PUT", f"/api/v2/filters/{f['id']}", token=alice.token, json_body={"context": []})
    t.json_error(r, 422, "an empty context on update")
    r = server.http("POST", f"/api/v2/filters/{f['id']}/keywords", token=alice.token, json_body={"keyword": ""})
    t.json_error(r, 422, "a blank keyword")
    r = server.http("POST", f"/api/v2/filters/{f['id']}/statuses", token=alice.token, json_body={"status_id": "1"})
    t.json_error(r, 422, "an unknown status")
    try:
        S["m"].filter_create("", ["home"])
        t.check(False, "an empty phrase must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "Mastodon.py filter_create with an empty phrase")
    read_only = password_token(server, alice.email, alice.password, scope="read")
    r = server.http("POST", "/api/v2/filters", token=read_only, json_body={"title": "x", "context": ["home"]})
    t.json_error(r, 403, "creating a filter needs write:filters")
    api("DELETE", f"/api/v2/filters/{f['id']}")


if __name__ == "__main__":
    main(suite)
