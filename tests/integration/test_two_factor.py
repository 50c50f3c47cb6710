#!/usr/bin/python3
"""Two-factor authentication (TOTP, RFC 6238) against a real `herd serve`: the whole web flow in
Debian's chromium (tests/e2e/two_factor.mjs: setup from the settings page with a code computed by
the test, sign-in with a code, a used code refused, the OAuth authorization flow with a code, a
recovery code that works once); then the authorization code from that flow gives a working token,
the password grant refuses the account as Mastodon does (Mastodon.py's log_in), and
`herd admin accounts disable-2fa` turns it off so that the password alone works again.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonIllegalArgumentError  # noqa: E402

from harness import (Suite, create_app, main, mastodon_py, parse_args, register,  # noqa: E402
                     run_herd_once)

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "e2e")
OOB = "urn:ietf:wg:oauth:2.0:oob"

suite = Suite("two-factor authentication", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["app"] = create_app(S["server"], name="two-factor test", scopes="read write", redirect_uris=OOB)


@suite.case
def web_flow_in_chromium(t):
    server, alice, app = S["server"], S["alice"], S["app"]
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    t.require(os.path.exists(chromium), f"{chromium} exists (scripts/deps installs chromium)")
    node = shutil.which(os.environ.get("HERD_TEST_NODE", "node")) or "node"
    subprocess.run([os.path.join(E2E, "install")], check=True)
    env = dict(os.environ, HERD_URL=server.url, USER_EMAIL=alice.email,
               USER_PASSWORD=alice.password, CLIENT_ID=app["client_id"], CHROMIUM=chromium)
    run = subprocess.run([node, os.path.join(E2E, "two_factor.mjs")], env=env, cwd=E2E,
                         capture_output=True, text=True, timeout=300)
    print(run.stdout + run.stderr)
    t.check(run.returncode == 0, "every browser step passed", run.stdout[-2000:] + run.stderr[-2000:])
    results = {}
    for line in run.stdout.splitlines():
        if line.startswith("RESULT "):
            results.update(json.loads(line[len("RESULT "):]))
    code = results.get("authorization_code")
    t.require(code, "the browser reached an authorization code")
    token = server.api("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "code": code, "client_id": app["client_id"],
        "client_secret": app["client_secret"], "redirect_uri": OOB})["access_token"]
    me = mastodon_py(server, token).account_verify_credentials()
    t.eq(me["username"], "alice", "the token from the two-factor authorization is alice's")
    S["enabled"] = True


@suite.case
def password_grant_refuses_two_factor_accounts(t):
    server, alice, app = S["server"], S["alice"], S["app"]
    t.require(S.get("enabled"), "two-factor was enabled by the browser case")
    m = mastodon_py(server, client_id=app["client_id"], client_secret=app["client_secret"])
    try:
        m.log_in(alice.email, alice.password, scopes=["read"])
        t.check(False, "the password grant gives no token to a two-factor account")
    except MastodonIllegalArgumentError as e:
        t.check("invalid_grant" in str(e), "refused as invalid_grant", str(e))
    # Tokens issued before stay valid, as in Mastodon.
    t.status(server.http("GET", "/api/v1/accounts/verify_credentials", token=alice.token), 200,
             "an older token still works")


@suite.case
def admin_disables_two_factor(t):
    server, alice, app = S["server"], S["alice"], S["app"]
    t.require(S.get("enabled"), "two-factor was enabled by the browser case")
    env = server.environment()
    rc, out, err = run_herd_once(server.herd, env, ("admin", "accounts", "disable-2fa", "alice"))
    t.eq(rc, 0, "herd admin accounts disable-2fa alice succeeds")
    t.check("disabled" in out, "it says so", out + err)
    rc, out, err = run_herd_once(server.herd, env, ("admin", "accounts", "disable-2fa", "nobody"))
    t.eq(rc, 1, "an unknown account is an error")
    t.check("nobody" in err, "naming it", err)
    m = mastodon_py(server, client_id=app["client_id"], client_secret=app["client_secret"])
    token = m.log_in(alice.email, alice.password, scopes=["read"])
    t.check(token, "the password grant works again")


if __name__ == "__main__":
    main(suite)
