#!/usr/bin/python3
"""herd's web client (webui/) in a real browser: starts one `herd serve`, runs tests/e2e/webui.mjs
(playwright-core driving Debian's chromium) against it, then checks through the client API that
what the browser did really happened. Screenshots of the main views at 390 and 1440 px are kept in
<build>/webui-screenshots/<backend>/ (or --screenshots DIR).

    /usr/bin/python3 tests/e2e/test_webui.py --herd build/herd [--backend sqlite|postgres]
"""
import gzip
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

from harness import (ADMIN_EMAIL, Suite, eventually, parse_args, password_token, register,  # noqa: E402
                     run_herd_once)

ADMIN_SCOPES = "read write follow push admin:read admin:write"

args = parse_args(__doc__)
suite = Suite("webui", args)
S = suite.state


@suite.setup
def browser_session(t):
    federation = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}
    server = t.server(env=federation)
    S["server"] = server
    # A second instance with a person the browser finds by handle and follows.
    remote = t.server(name="remote", env=federation)
    S["remote"] = remote
    S["carol"] = register(remote, "carol")
    rc, _, err = run_herd_once(server.herd, server.environment(),
                               ("admin", "announcements", "add", "Welcome to the web app!"))
    t.require(rc == 0, f"herd admin announcements add: {err}")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    t.require(os.path.exists(chromium), f"{chromium} is missing: scripts/deps installs Debian's chromium")
    node = shutil.which(os.environ.get("HERD_TEST_NODE", "node")) or "node"
    subprocess.run([os.path.join(HERE, "install")], check=True)
    shots = os.environ.get("WEBUI_SCREENSHOTS") or os.path.join(
        os.path.dirname(os.path.abspath(args.herd)), "webui-screenshots", args.backend)
    os.makedirs(shots, exist_ok=True)
    env = dict(os.environ, HERD_URL=server.url, HERD_ADMIN_EMAIL=ADMIN_EMAIL,
               HERD_ADMIN_PASSWORD=server.admin_password, CHROMIUM=chromium, WEBUI_SCREENSHOTS=shots,
               REMOTE_HANDLE=f"carol@{remote.domain}")
    run = subprocess.run([node, os.path.join(HERE, "webui.mjs")], env=env, cwd=HERE, timeout=600)
    print(f"    screenshots: {shots}", flush=True)
    t.require(run.returncode == 0, f"webui.mjs exited {run.returncode} (its FAIL lines say which step)")


@suite.case
def the_api_agrees(t):
    server = S["server"]
    token = password_token(server, ADMIN_EMAIL, server.admin_password, scope=ADMIN_SCOPES)
    bob = server.api("GET", "/api/v1/accounts/lookup", token=token, query={"acct": "bob"})
    t.eq(bob["locked"], True, "bob's account is locked")
    t.eq(bob["display_name"], "Bob Builder", "bob's display name")
    t.check("missing.png" not in bob["avatar"], f"bob's avatar was uploaded: {bob['avatar']}")
    alice = server.api("GET", "/api/v1/accounts/lookup", token=token, query={"acct": "alice"})
    statuses = server.api("GET", f"/api/v1/accounts/{alice['id']}/statuses", token=token)
    photo = [s for s in statuses if s["media_attachments"]]
    t.require(len(photo) == 1, f"alice has one post with media: {statuses}")
    t.check(photo[0]["media_attachments"][0]["description"].startswith("Blue sea under a clear sky"),
            "the alt text was saved", photo[0]["media_attachments"])
    t.check(photo[0]["edited_at"] is not None and "(at noon)" in photo[0]["content"], "the edit was saved")
    t.check(photo[0]["favourites_count"] == 1 and photo[0]["reblogs_count"] == 1 and photo[0]["replies_count"] == 1,
            "bob's favourite, boost and reply were counted", photo[0])
    polls = [s for s in statuses if s["poll"]]
    t.require(len(polls) == 1, "alice has one poll")
    t.eq([o["votes_count"] for o in polls[0]["poll"]["options"]], [0, 1], "bob's vote for Coffee")
    rel = server.api("GET", "/api/v1/accounts/relationships", token=token, query={"id[]": bob["id"]})
    t.check(rel is not None, "relationships answer")
    reports = server.api("GET", "/api/v1/admin/reports", token=token, query={"resolved": "true"})
    on_alice = [r for r in reports if r["target_account"]["id"] == alice["id"]]
    t.require(len(on_alice) == 1, f"one resolved report on alice: {reports}")
    account = server.api("GET", f"/api/v1/admin/accounts/{alice['id']}", token=token)
    t.eq(account["silenced"], True, "alice was limited by the admin")


@suite.case
def the_remote_instance_has_the_follower(t):
    remote, carol = S["remote"], S["carol"]

    def followed():
        followers = remote.api("GET", f"/api/v1/accounts/{carol.account['id']}/followers", token=carol.token)
        return [f for f in followers if f["username"] == "alice"]
    t.check(eventually(followed, timeout=15), "alice (on the first instance) follows carol on the second")


@suite.case
def signed_out_visitors_keep_the_server_pages(t):
    server = S["server"]
    page = server.http("GET", "/@alice", headers={"Accept": "text/html"})
    t.status(page, 200, "a profile without a session")
    t.check("<script" not in page.text, "the server-rendered profile has no script")
    home = server.http("GET", "/home", headers={"Accept": "text/html"})
    t.status(home, 302, "/home without a session")
    t.check("/auth/sign_in" in (home.header("Location") or ""), "…redirects to the sign-in form")
    missing = server.http("GET", "/assets/app-NOPE.js")
    t.status(missing, 404, "an unknown asset")


@suite.case
def assets_follow_accept_encoding(t):
    server = S["server"]
    manifest_path = os.path.join(os.path.dirname(os.path.abspath(args.herd)), "webui", "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    script = manifest["entryScript"]
    plain = server.http("GET", f"/assets/{script}", headers={"Accept-Encoding": "identity"})
    t.status(plain, 200, "the script without compression")
    t.eq(plain.header("Content-Encoding"), None, "no Content-Encoding when none is accepted")
    t.check(plain.header("Content-Type", "").startswith("text/javascript"), "served as JavaScript")
    t.eq(plain.header("Cache-Control"), "public, max-age=31536000, immutable", "immutable caching")
    t.eq(plain.header("Vary"), "Accept-Encoding", "caches keep the variants apart")
    for accepted, expected in (("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("gzip, br", "br")):
        r = server.http("GET", f"/assets/{script}", headers={"Accept-Encoding": accepted})
        t.eq(r.header("Content-Encoding"), expected, f"Accept-Encoding {accepted!r}")
        body = gzip.decompress(r.body) if expected == "gzip" else None
        if body is not None:
            t.check(body == plain.body, "the gzip variant is the same file")



if __name__ == "__main__":
    sys.exit(suite.run())
