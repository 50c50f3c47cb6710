#!/usr/bin/python3
"""The `toot` CLI (Debian toot 0.34.1) against a real `herd serve`.

login_cli (password on stdin), post, reply, timeline, follow, boost, favourite, bookmark,
delete, notifications; each result checked through the API as well.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, register  # noqa: E402

suite = Suite("toot CLI", parse_args(__doc__))
S = suite.state
TOOT = shutil.which("toot") or "/usr/bin/toot"


def toot(t, *args, user=None, stdin="", expect_ok=True, timeout=90):
    """Runs toot with a private HOME/XDG_CONFIG_HOME; returns (rc, stdout, stderr)."""
    cmd = [TOOT, *args]
    if user:
        cmd += ["-u", f"{user}@{S['server'].domain}"]
    env = dict(os.environ)
    env.update({"HOME": S["home"], "XDG_CONFIG_HOME": os.path.join(S["home"], ".config"),
                "TERM": "dumb", "COLUMNS": "120", "LANG": "C.UTF-8", "TOOT_POST_VISIBILITY": "public"})
    env.pop("TOOT_DEBUG", None)
    try:
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = None, e.stdout or "", e.stderr or ""
        out = out.decode() if isinstance(out, bytes) else out
        err = err.decode() if isinstance(err, bytes) else err
    if expect_ok:
        t.check(rc == 0, f"`toot {' '.join(args)}` exits 0 (got {rc})",
                f"stdout: {out[-1200:]}\nstderr: {err[-1500:]}")
    return rc, out, err


def config():
    path = os.path.join(S["home"], ".config", "toot", "config.json")
    with open(path) as f:
        return json.load(f)


def write_config_user(user):
    """Fallback when login_cli fails: put a token into toot's config so the other cases still run."""
    path = os.path.join(S["home"], ".config", "toot", "config.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        cfg = config()
    except (OSError, ValueError):
        cfg = {"apps": {}, "users": {}, "active_user": None}
    domain = S["server"].domain
    cfg["apps"].setdefault(domain, {"instance": domain, "base_url": S["server"].url,
                                    "client_id": "unused", "client_secret": "unused"})
    key = f"{user.username}@{domain}"
    cfg["users"][key] = {"instance": domain, "username": user.username, "access_token": user.token}
    cfg["active_user"] = key
    with open(path, "w") as f:
        json.dump(cfg, f)


def status_id_from_output(out):
    """toot post prints 'Toot posted: <url>'; the status URL ends with the ID."""
    m = re.search(r"Toot posted:\s*(\S+)", out)
    if not m:
        return None
    tail = re.search(r"(\d+)/?$", m.group(1))
    return tail.group(1) if tail else None


def api(method, path, user, **kw):
    return S["server"].api(method, path, token=user.token, **kw)


def latest_status(user):
    items = api("GET", f"/api/v1/accounts/{user.id}/statuses", user, query={"limit": 1})
    return items[0] if items else None


@suite.setup
def start_server_and_register_users(t):
    S["home"] = tempfile.mkdtemp(prefix="herd-it-toot-home-")
    server = suite.server()
    S["server"] = server
    S["alice"] = register(server, "alice")
    S["bob"] = register(server, "bob")
    S["carol"] = register(server, "carol")
    t.require(os.access(TOOT, os.X_OK), f"toot is installed ({TOOT})")


@suite.case
def login_cli(t):
    server = S["server"]
    for user in (S["alice"], S["bob"], S["carol"]):
        rc, out, err = toot(t, "login_cli", "-i", server.domain, "--disable-https", "-e", user.email,
                            stdin=user.password + "\n")
        ok = t.check("Successfully logged in" in out, f"toot login_cli as {user.username}", out + err)
        try:
            cfg = config()
            key = f"{user.username}@{server.domain}"
            entry = cfg.get("users", {}).get(key)
            t.check(entry and entry.get("access_token"), f"toot saved a token for {key}", cfg.get("users"))
            if entry and entry.get("access_token"):
                me = server.api("GET", "/api/v1/accounts/verify_credentials", token=entry["access_token"])
                t.eq(me.get("username"), user.username, "the token toot saved works")
            app = cfg.get("apps", {}).get(server.domain, {})
            t.eq(app.get("base_url"), server.url, "toot's app entry points at the server")
        except (OSError, ValueError) as e:
            ok = t.check(False, f"toot config readable after login_cli: {e}")
        if not ok:
            write_config_user(user)  # so the remaining cases can still exercise the server
    rc, out, err = toot(t, "login_cli", "-i", server.domain, "--disable-https", "-e", S["alice"].email,
                        stdin="wrong-password\n", expect_ok=False)
    t.check(rc != 0 and "Login failed" in (out + err), "login_cli with a wrong password fails", out + err)
    rc, out, err = toot(t, "whoami", user="alice")
    t.check("@alice" in out, "toot whoami shows alice", out)
    rc, out, err = toot(t, "instance", "--disable-https", server.domain)
    t.check("running Mastodon 4.5.0 (compatible; herd" in out, "toot instance shows the version", out)
    t.check(server.domain in out, "toot instance shows the instance's uri", out)


@suite.case
def post_reply_thread(t):
    alice, bob = S["alice"], S["bob"]
    rc, out, err = toot(t, "post", "Hello from toot, #tootcli test", user="alice")
    sid = status_id_from_output(out)
    t.require(sid, "toot post prints the status URL ending in its ID", out)
    st = api("GET", f"/api/v1/statuses/{sid}", alice)
    t.check("Hello from toot" in st["content"], "the posted text is the status content", st["content"])
    t.eq(st["account"]["id"], alice.id, "posted as alice")
    t.eq(st["visibility"], "public", "default visibility public")
    t.eq([x["name"].lower() for x in st["tags"]], ["tootcli"], "hashtag recognised")
    t.check(str(st.get("url", "")).endswith(sid), "Status.url ends with the ID (toot prints it)", st.get("url"))
    S["alice_post"] = sid

    rc, out, err = toot(t, "post", "-r", sid, "@alice a reply from bob", user="bob")
    rid = status_id_from_output(out)
    t.require(rid, "toot post -r prints the reply URL", out)
    reply = api("GET", f"/api/v1/statuses/{rid}", bob)
    t.eq(reply["in_reply_to_id"], sid, "reply.in_reply_to_id")
    t.eq(reply["in_reply_to_account_id"], alice.id, "reply.in_reply_to_account_id")
    S["bob_reply"] = rid

    rc, out, err = toot(t, "thread", sid, user="alice")
    t.check(f"ID {sid}" in out and f"ID {rid}" in out, "toot thread shows the post and the reply", out)
    t.check(f"In reply to {sid}" in out, "toot thread marks the reply", out)

    rc, out, err = toot(t, "post", "-v", "private", "-p", "spoiler!", "followers only from toot", user="alice")
    pid = status_id_from_output(out)
    t.require(pid, "toot post -v private", out)
    priv = api("GET", f"/api/v1/statuses/{pid}", alice)
    t.eq((priv["visibility"], priv["spoiler_text"]), ("private", "spoiler!"), "visibility and spoiler from toot")
    S["alice_private"] = pid


@suite.case
def timelines(t):
    sid = S["alice_post"]
    rc, out, err = toot(t, "timeline", "-1", "-c", "20", user="alice")
    t.check(f"ID {sid}" in out, "home timeline (toot timeline) shows alice's own post", out[-2000:])
    rc, out, err = toot(t, "timeline", "-1", "-p", "-l", "-c", "20", user="alice")
    t.check(f"ID {sid}" in out, "local public timeline shows the public post", out[-2000:])
    t.check(f"ID {S['alice_private']}" not in out, "public timeline does not show the private post")
    rc, out, err = toot(t, "timeline", "-1", "-t", "tootcli", user="bob")
    t.check(f"ID {sid}" in out, "tag timeline (toot timeline -t tootcli) shows the tagged post", out[-2000:])


@suite.case
def follow_and_home_timeline(t):
    alice, bob = S["alice"], S["bob"]
    rc, out, err = toot(t, "follow", "alice", user="bob")
    t.check("You are now following alice" in out, "toot follow reports success", out + err)
    rels = api("GET", "/api/v1/accounts/relationships", bob, query=[("id[]", alice.id)])
    t.eq(rels[0]["following"] if rels else None, True, "bob follows alice (API)")
    followers = api("GET", f"/api/v1/accounts/{alice.id}/followers", alice)
    t.check(bob.id in [a["id"] for a in followers], "bob in alice's followers", followers)
    rc, out, err = toot(t, "followers", "alice", user="alice")
    t.check("@bob" in out, "toot followers lists bob", out)

    rc, out, err = toot(t, "post", "posted after bob followed", user="alice")
    new = status_id_from_output(out)
    rc, out, err = toot(t, "timeline", "-1", "-c", "20", user="bob")
    t.check(new and f"ID {new}" in out, "bob's home timeline shows alice's new post", out[-2000:])
    priv_visible = S["server"].http("GET", f"/api/v1/statuses/{S['alice_private']}", token=bob.token)
    t.eq(priv_visible.status, 200, "as a follower, bob can now read alice's private post")


@suite.case
def boost_favourite_bookmark(t):
    alice, bob = S["alice"], S["bob"]
    sid = S["alice_post"]
    toot(t, "reblog", sid, user="bob")
    st = api("GET", f"/api/v1/statuses/{sid}", bob)
    t.eq((st["reblogs_count"], st["reblogged"]), (1, True), "after toot reblog: reblogs_count 1, reblogged")
    rc, out, err = toot(t, "reblogged_by", sid)  # no -u option: the active account
    t.check("bob" in out, "toot reblogged_by lists bob", out)
    # carol follows bob, not alice: the boost brings alice's post into carol's home.
    api("POST", f"/api/v1/accounts/{bob.id}/follow", S["carol"])
    toot(t, "unreblog", sid, user="bob")
    toot(t, "reblog", sid, user="bob")
    rc, out, err = toot(t, "timeline", "-1", "-c", "20", user="carol")
    t.check("Hello from toot" in out and "Reblogged @alice" in out,
            "the home timeline of bob's follower shows his boost of alice's post", out[-2000:])

    toot(t, "favourite", sid, user="bob")
    st = api("GET", f"/api/v1/statuses/{sid}", bob)
    t.eq((st["favourites_count"], st["favourited"]), (1, True), "after toot favourite: favourites_count 1")
    favs = api("GET", "/api/v1/favourites", bob)
    t.check(sid in [s["id"] for s in favs], "the status is in bob's favourites", favs)

    toot(t, "bookmark", sid, user="bob")
    st = api("GET", f"/api/v1/statuses/{sid}", bob)
    t.eq(st["bookmarked"], True, "after toot bookmark: bookmarked")
    rc, out, err = toot(t, "bookmarks", "-1", user="bob")
    t.check(f"ID {sid}" in out, "toot bookmarks lists the status", out[-2000:])
    t.eq(api("GET", f"/api/v1/statuses/{sid}", alice)["bookmarked"], False, "bookmarks are private to bob")

    rc, out, err = toot(t, "notifications", user="alice")
    for line in ("@bob now follows you", "@bob reblogged your status", "@bob favourited your status",
                 "@bob mentioned you"):
        t.check(line in out, f"toot notifications: '{line}'", out[-2500:])

    toot(t, "unreblog", sid, user="bob")
    toot(t, "unfavourite", sid, user="bob")
    toot(t, "unbookmark", sid, user="bob")
    st = api("GET", f"/api/v1/statuses/{sid}", bob)
    t.eq((st["reblogs_count"], st["reblogged"], st["favourites_count"], st["favourited"], st["bookmarked"]),
         (0, False, 0, False, False), "unreblog/unfavourite/unbookmark undo everything")


@suite.case
def delete_and_unfollow(t):
    alice, bob = S["alice"], S["bob"]
    rid = S["bob_reply"]
    toot(t, "delete", rid, user="bob")
    r = S["server"].http("GET", f"/api/v1/statuses/{rid}", token=bob.token)
    t.eq(r.status, 404, "after toot delete the status answers 404")
    st = api("GET", f"/api/v1/statuses/{S['alice_post']}", alice)
    t.eq(st["replies_count"], 0, "the deleted reply no longer counts")
    rc, out, err = toot(t, "delete", S["alice_post"], user="bob", expect_ok=False)
    t.check(rc != 0, "bob cannot delete alice's post with toot", out + err)
    t.eq(S["server"].http("GET", f"/api/v1/statuses/{S['alice_post']}").status, 200,
         "alice's post is still there")
    toot(t, "unfollow", "alice", user="bob")
    rels = api("GET", "/api/v1/accounts/relationships", bob, query=[("id[]", alice.id)])
    t.eq(rels[0]["following"] if rels else None, False, "after toot unfollow bob no longer follows alice")


if __name__ == "__main__":
    try:
        main(suite)
    finally:
        if "home" in S and not suite.args.keep:
            shutil.rmtree(S["home"], ignore_errors=True)
