#!/usr/bin/python3
"""Starting `herd serve`: required settings, bad values, and the admin account created at
first start (its generated password printed once, reused by later starts)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, Suite, main, parse_args, password_token,  # noqa: E402
                     run_herd_once)

suite = Suite("herd serve start-up", parse_args(__doc__))
PASSWORD_LINE = re.compile(r"Admin password:\s*(\S+)")


def port_is_listening(port):
    import socket
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def expect_refusal(t, env, setting, what):
    """herd serve must exit nonzero, naming `setting` on stderr, and never listen."""
    rc, out, err = run_herd_once(suite.args.herd, env, timeout=30)
    t.check(rc is not None, f"{what}: herd serve exits by itself (it kept running for 30 s)")
    t.check(rc not in (None, 0), f"{what}: nonzero exit code (got {rc})", err[-800:])
    t.check(setting in err, f"{what}: stderr names {setting}", f"stderr: {err[-800:]!r}\nstdout: {out[-300:]!r}")
    port = env.get("PORT") or ""
    if port.isdigit() and 0 < int(port) < 65536:
        t.check(not port_is_listening(int(port)), f"{what}: nothing listens on the port afterwards")
    return rc, out, err


@suite.case
def refuses_to_start_without_admin_email(t):
    s = suite.server("no-email", start=False)
    env = s.environment(drop=("HERD_ADMIN_EMAIL",))
    rc, out, err = expect_refusal(t, env, "HERD_ADMIN_EMAIL", "no HERD_ADMIN_EMAIL")
    t.eq(rc, 2, "exit code without HERD_ADMIN_EMAIL (the documented contract)")
    env = s.environment({"HERD_ADMIN_EMAIL": ""})
    expect_refusal(t, env, "HERD_ADMIN_EMAIL", "empty HERD_ADMIN_EMAIL")


@suite.case
def bad_values_name_the_setting(t):
    s = suite.server("bad-values", start=False)
    for setting, value in (("PORT", "not-a-port"), ("PORT", "70000"), ("PORT", "-1"),
                           ("HERD_REGISTRATIONS", "sometimes"), ("LOCAL_HTTPS", "perhaps"),
                           ("HERD_PASSWORD_GRANT", "maybe"), ("DATABASE_URL", "mysql://localhost/herd"),
                           # the tuning settings (README's second table): a typo is not 0
                           ("HERD_INLINE_READS", "abc"), ("HERD_IO_THREADS", "two"),
                           ("HERD_SLOW_QUERY_MS", "fast"), ("HERD_PG_FIBERS", "off"),
                           ("HERD_PRECISE_INVALIDATION", "some"), ("HERD_GROUP_COMMIT", "no"),
                           ("HERD_ACTOR_STALE_MS", "0"), ("HERD_PG_SHARED_COMMIT", "off")):
        env = s.environment({setting: value})
        expect_refusal(t, env, setting, f"{setting}={value}")


@suite.case
def serve_help_lists_the_settings(t):
    rc, out, err = run_herd_once(suite.args.herd, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                                 args=("serve", "--help"), timeout=20)
    t.eq(rc, 0, "herd serve --help exits 0")
    text = out + err
    for name in ("HERD_ADMIN_EMAIL", "HERD_DATA_DIR", "DATABASE_URL", "LOCAL_DOMAIN", "LOCAL_HTTPS", "PORT",
                 "BIND", "HERD_REGISTRATIONS", "HERD_PASSWORD_GRANT", "HERD_ADMIN_PASSWORD"):
        t.check(name in text, f"herd serve --help mentions {name}")


@suite.case
def first_start_prints_admin_password_once(t):
    s = suite.server("first-start", admin_password=None, start=False)
    s.start()
    first = s.stdout_text() + s.stderr_text()
    found = PASSWORD_LINE.findall(first)
    t.require(len(found) == 1, "first start prints exactly one 'Admin password: ...' line",
              f"found {len(found)}: {first[-1500:]}")
    password = found[0]
    t.check(len(password) >= 12, "the generated password is at least 12 characters", password)
    token = password_token(s, ADMIN_EMAIL, password, scope="read")
    me = s.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    t.eq(me.get("username"), "admin", "the admin logs in with HERD_ADMIN_EMAIL and the printed password")
    t.check(str((me.get("role") or {}).get("name", "")).lower() == "owner", "the admin has the Owner role",
            me.get("role"))
    r = s.http("POST", "/oauth/token", form={"grant_type": "password", "username": ADMIN_EMAIL,
                                              "password": password + "x", "scope": "read",
                                              **_app(s)})
    t.check(r.status in (400, 401), "a wrong admin password is refused", r.describe())
    t.eq(s.stop() in (0, -15, 143), True, "herd serve stops cleanly on SIGTERM")

    # Second start on the same data: no password printed, the same password still works.
    s.start()
    second = s.stdout_text() + s.stderr_text()
    t.check(not PASSWORD_LINE.search(second), "second start does not print an admin password",
            second[-1500:])
    t.check(password not in second, "second start does not show the password anywhere")
    token = password_token(s, ADMIN_EMAIL, password, scope="read")
    me2 = s.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    t.eq(me2.get("id"), me.get("id"), "second start: the same admin account, same password")
    users = s.api("GET", "/api/v1/instance").get("stats", {}).get("user_count")
    t.eq(users, 1, "second start did not create a second admin")
    s.stop()


def _app(s):
    app = s.api("POST", "/api/v1/apps", form={"client_name": "startup", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                               "scopes": "read"})
    return {"client_id": app["client_id"], "client_secret": app["client_secret"]}


@suite.case
def configured_admin_password_and_username(t):
    s = suite.server("configured-admin", admin_password="configured-admin-password-1", start=False,
                     env={"HERD_ADMIN_USERNAME": "boss"})
    s.start()
    text = s.stdout_text() + s.stderr_text()
    t.check(not PASSWORD_LINE.search(text), "no password printed when HERD_ADMIN_PASSWORD is given")
    t.check("configured-admin-password-1" not in text, "the configured password is never logged")
    token = password_token(s, ADMIN_EMAIL, "configured-admin-password-1", scope="read")
    me = s.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    t.eq(me.get("username"), "boss", "HERD_ADMIN_USERNAME names the admin account")
    r = s.http("GET", "/health")
    t.eq((r.status, r.text.strip()), (200, "OK"), "GET /health")
    lookup = s.http("GET", "/api/v1/accounts/lookup", query={"acct": "boss"})
    t.status(lookup, 200, "the admin account is public (lookup)")
    s.stop()


@suite.case
def port_in_use_is_reported(t):
    import socket
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        s = suite.server("port-in-use", start=False)
        env = s.environment({"PORT": str(port), "LOCAL_DOMAIN": f"127.0.0.1:{port}"})
        rc, out, err = run_herd_once(suite.args.herd, env, timeout=30)
        t.check(rc not in (None, 0), f"a port already in use stops start-up (exit {rc})", err[-600:])
        t.check(str(port) in err or "PORT" in err or "in use" in err.lower(),
                "the message says which port/setting is the problem", err[-600:])
    finally:
        blocker.close()


if __name__ == "__main__":
    main(suite)
