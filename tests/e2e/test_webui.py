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
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "federation"))

import fedlib  # noqa: E402
from harness import (ADMIN_EMAIL, Suite, eventually, free_port, parse_args, password_token,  # noqa: E402
                     png, register, run_herd_once)

ADMIN_SCOPES = "read write follow push admin:read admin:write"
BLURHASH_RGB = (40, 110, 200)


def solid_blurhash(r, g, b):
    """The blurhash of a one-colour image: one component, that colour (what the client paints)."""
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

    def base83(value, length):
        return "".join(chars[(value // 83 ** (length - 1 - i)) % 83] for i in range(length))
    return base83(0, 1) + base83(0, 1) + base83((r << 16) + (g << 8) + b, 4)


def remote_sensitive_photo(server, t):
    """sam on a scripted ActivityPub server posts a sensitive photo whose attachment carries a
    blurhash (as Mastodon sends it), mentioning dora here: herd stores it with the blurhash."""
    port = free_port()
    fake = fedlib.FakeServer(f"127.0.0.1:{port}", address="127.0.0.1", port=port).start()
    S["fake"] = fake
    sam = fake.actor("sam")
    register(server, "dora")
    note = {"type": "Note", "id": f"{fake.base()}/notes/1", "attributedTo": sam,
            "content": "<p>A sensitive photo from sam</p>", "sensitive": True,
            "to": "https://www.w3.org/ns/activitystreams#Public",
            "tag": [{"type": "Mention", "href": f"{server.url}/users/dora", "name": f"@dora@{server.domain}"}],
            "attachment": [{"type": "Document", "mediaType": "image/png", "url": f"{fake.base()}/m/1.png",
                            "name": "a blue square", "blurhash": solid_blurhash(*BLURHASH_RGB),
                            "width": 64, "height": 64}]}
    r = fake.post("sam", f"{server.url}/inbox", {"@context": "https://www.w3.org/ns/activitystreams",
                                                 "type": "Create", "id": note["id"] + "/activity",
                                                 "actor": sam, "object": note})
    t.require(r.status in (200, 202), f"the inbox takes sam's Create: {r}")

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
    with tempfile.NamedTemporaryFile(suffix=".png") as emoji:
        emoji.write(png(32, 32))
        emoji.flush()
        rc, _, err = run_herd_once(server.herd, server.environment(), ("admin", "emoji", "add", "blobcat", emoji.name))
    t.require(rc == 0, f"herd admin emoji add: {err}")
    remote_sensitive_photo(server, t)
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    t.require(os.path.exists(chromium), f"{chromium} is missing: scripts/deps installs Debian's chromium")
    node = shutil.which(os.environ.get("HERD_TEST_NODE", "node")) or "node"
    subprocess.run([os.path.join(HERE, "install")], check=True)
    shots = os.environ.get("WEBUI_SCREENSHOTS") or os.path.join(
        os.path.dirname(os.path.abspath(args.herd)), "webui-screenshots", args.backend)
    os.makedirs(shots, exist_ok=True)
    env = dict(os.environ, HERD_URL=server.url, HERD_ADMIN_EMAIL=ADMIN_EMAIL,
               HERD_ADMIN_PASSWORD=server.admin_password, CHROMIUM=chromium, WEBUI_SCREENSHOTS=shots,
               REMOTE_HANDLE=f"carol@{remote.domain}", BLURHASH_RGB=",".join(map(str, BLURHASH_RGB)))
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
    focus = photo[0]["media_attachments"][0]["meta"].get("focus") or {}
    t.check(abs(focus.get("x", 9) - 0.5) <= 0.03 and abs(focus.get("y", 9) - 0.5) <= 0.03,
            "the focal point clicked on the preview was saved", focus)
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
    t.eq(server.api("GET", f"/api/v1/admin/accounts/{bob['id']}", token=token)["sensitized"], True,
         "bob's media were marked sensitive by the admin")
    instance = server.api("GET", "/api/v2/instance")
    t.eq(instance["registrations"], {**instance["registrations"], "enabled": True, "approval_required": True},
         "registrations need approval, as the admin chose")
    t.check(any(r["text"].startswith("Be kind to each other") for r in instance["rules"]), "the admin's rule is public",
            instance["rules"])
    t.eq([a["content"] for a in server.api("GET", "/api/v1/announcements", token=token)
          if "Maintenance tonight" in a["content"]], [], "the deleted announcement is gone")
    # Rules, announcements and the registration mode are for admins only.
    alice_token = password_token(server, "alice@webui.test", "webui-password-for-tests-1", scope=ADMIN_SCOPES)
    for method, path in (("GET", "/api/v1/admin/rules"), ("PUT", "/api/v1/admin/site"),
                         ("POST", "/api/v1/admin/announcements")):
        r = server.http(method, path, token=alice_token, json_body={"registrations_mode": "open", "text": "x"})
        t.status(r, 403, f"{method} {path} as a user")


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
