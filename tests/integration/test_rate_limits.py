#!/usr/bin/python3
"""Rate limits (Mastodon's rack-attack rules) against a real `herd serve` with small limits, with
Mastodon.py 1.8 (its ratelimit_* attributes and MastodonRatelimitError), the sign-in form as a
browser submits it, and raw HTTP: X-RateLimit-* headers, 429 with Retry-After and a JSON error,
per account and per IP (X-Forwarded-For from a trusted proxy), media uploads, deletions, sign-ups;
brute force on the web sign-in and the password grant gets 429 and never a successful guess,
with a growing delay; streaming and health stay open; a second process on the same database
shares the counts.
"""
import http.client as httpclient
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonIllegalArgumentError, MastodonRatelimitError  # noqa: E402

from harness import (DEFAULT_PASSWORD, Suite, create_app, main, mastodon_py,  # noqa: E402
                     parse_args, png, register)
from oauth_browser import Browser  # noqa: E402

suite = Suite("rate limits", parse_args(__doc__))
S = suite.state

YEAR = 365 * 86400  # windows start at multiples of their period: none starts during the test
LIMITS = {
    "HERD_RATE_LIMITS": "true",
    "HERD_RATE_LIMIT_API_ACCOUNT": f"25/{YEAR}",
    "HERD_RATE_LIMIT_API_IP": f"30/{YEAR}",
    "HERD_RATE_LIMIT_MEDIA": f"2/{YEAR}",
    "HERD_RATE_LIMIT_DELETES": f"2/{YEAR}",
    "HERD_RATE_LIMIT_SIGN_UP": f"6/{YEAR}",
    "HERD_RATE_LIMIT_SIGN_IN_IP": f"12/{YEAR}",
    "HERD_RATE_LIMIT_SIGN_IN_ACCOUNT": f"1000/{YEAR}",
    "HERD_RATE_LIMIT_SIGN_IN_DELAY": "3/2",  # after 3 failures in a row: wait 1 s, 2 s, 2 s...
}
USERS = ("alice", "bob", "carol", "dave", "erin", "frank")  # six sign-ups: the limit from one IP


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server(env=LIMITS)
    for name in USERS:
        S[name] = register(S["server"], name)


def check_429(t, r, what):
    t.status(r, 429, what)
    t.check(r.is_json and r.json().get("error") == "Too many requests", f"{what}: JSON error",
            r.text[:200])
    retry = r.header("Retry-After") or ""
    t.check(retry.isdigit() and int(retry) >= 1, f"{what}: Retry-After in seconds", retry)
    t.eq(r.header("X-RateLimit-Remaining"), "0", f"{what}: X-RateLimit-Remaining")
    t.check(r.header("X-RateLimit-Reset", "").endswith("Z"), f"{what}: X-RateLimit-Reset is a time",
            r.header("X-RateLimit-Reset"))


@suite.case
def api_limit_per_account(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    m.account_verify_credentials()
    t.eq(m.ratelimit_limit, 25, "Mastodon.py reads X-RateLimit-Limit")
    first = m.ratelimit_remaining
    t.check(0 < first < 25, "some requests remain", first)
    t.check(m.ratelimit_reset > time.time(), "X-RateLimit-Reset lies ahead", m.ratelimit_reset)
    m.timeline_home()
    t.eq(m.ratelimit_remaining, first - 1, "each request takes one")
    refused = None
    for i in range(30):
        try:
            m.timeline_home()
        except MastodonRatelimitError as e:
            refused = (i, e)
            break
    t.require(refused, "Mastodon.py gets MastodonRatelimitError within the limit")
    r = server.http("GET", "/api/v1/timelines/home", token=alice.token)
    check_429(t, r, "over the limit")
    # Someone else on the same IP is not affected; nor are health and streaming.
    t.status(server.http("GET", "/api/v1/timelines/home", token=S["bob"].token), 200,
             "another account from the same IP")
    t.status(server.http("GET", "/health"), 200, "/health")
    t.status(server.http("GET", "/api/v1/streaming/health"), 200, "/api/v1/streaming/health")
    conn = httpclient.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/api/v1/streaming/user",
                     headers={"Authorization": f"Bearer {alice.token}", "Accept": "text/event-stream"})
        t.eq(conn.getresponse().status, 200, "alice's event stream opens while her API is limited")
    finally:
        conn.close()


@suite.case
def api_limit_per_ip_without_token(t):
    server = S["server"]
    seen = []
    for _ in range(31):
        r = server.http("GET", "/api/v1/instance", headers={"X-Forwarded-For": "198.51.100.7"})
        seen.append(r.status)
    t.eq(seen[:30], [200] * 30, "30 anonymous requests from one IP pass")
    t.eq(r.header("X-RateLimit-Limit"), "30", "the per-IP limit is reported")
    check_429(t, r, "the 31st from that IP")
    t.status(server.http("GET", "/api/v1/instance", headers={"X-Forwarded-For": "198.51.100.8"}),
             200, "another IP")
    # A client cannot pick its IP unless it comes through a trusted proxy: the header names the
    # client only when the peer is trusted; here the nearest untrusted hop counts.
    r = server.http("GET", "/api/v1/instance",
                    headers={"X-Forwarded-For": "198.51.100.9, 198.51.100.7"})
    t.status(r, 429, "the nearest untrusted address in X-Forwarded-For is the client")


@suite.case
def media_uploads_and_deletions_per_account(t):
    server, carol = S["server"], S["carol"]
    m = mastodon_py(server, carol.token)
    picture = png(8, 6)
    for i in range(2):
        m.media_post(picture, mime_type="image/png", description=f"picture {i}")
    try:
        m.media_post(picture, mime_type="image/png")
        t.check(False, "the third upload within 30 minutes is refused")
    except MastodonRatelimitError:
        pass
    statuses = [m.status_post(f"to delete {i}") for i in range(3)]
    m.status_delete(statuses[0]["id"])
    m.status_delete(statuses[1]["id"])
    try:
        m.status_delete(statuses[2]["id"])
        t.check(False, "the third deletion within 30 minutes is refused")
    except MastodonRatelimitError:
        pass
    check_429(t, server.http("POST", f"/api/v1/statuses/{statuses[2]['id']}/unreblog",
                             token=carol.token), "an unreblog over the same limit")
    t.status(server.http("GET", f"/api/v1/statuses/{statuses[2]['id']}", token=carol.token), 200,
             "the refused deletion deleted nothing")
    # Posting is not a deletion: still allowed.
    m.status_post("still posting")


@suite.case
def web_sign_in_brute_force(t):
    server, dave = S["server"], S["dave"]
    browser = Browser(server)
    browser.headers["X-Forwarded-For"] = "203.0.113.5"
    statuses = [browser.sign_in(dave.email, f"guess-{i}").status for i in range(3)]
    t.eq(statuses, [422] * 3, "three wrong passwords are refused as wrong")
    # The attacker waits as told each time and guesses again; right after each wrong guess even
    # the right password is refused, and the wait grows.
    waits, successes = [], 0
    for i in range(3):
        r = browser.sign_in(dave.email, dave.password)
        successes += r.status == 303
        t.status(r, 429, f"right after failure {3 + i} the right password is refused")
        if i == 0:
            t.check("Too many sign-in attempts" in r.text, "the page says why", r.text[:300])
        waits.append(int(r.header("Retry-After")))
        time.sleep(waits[-1] + 0.05)
        if i < 2:
            t.status(browser.sign_in(dave.email, f"guess-{i + 10}"), 422, "a wrong guess after the wait")
    t.eq(waits[:3], [1, 2, 2], "the delay grows: 1 s, then 2 s (the maximum set here)")
    t.eq(successes, 0, "no attempt got through while throttled")
    # From another IP the account's delay holds too.
    browser.sign_in(dave.email, "guess-last")
    other = Browser(server)
    other.headers["X-Forwarded-For"] = "203.0.113.6"
    r = other.sign_in(dave.email, dave.password)
    t.status(r, 429, "the delay follows the account to another IP")
    time.sleep(int(r.header("Retry-After")) + 0.05)
    r = other.sign_in(dave.email, dave.password)
    t.status(r, 303, "after the delay the owner signs in")


@suite.case
def web_sign_in_limit_per_ip(t):
    server, frank = S["server"], S["frank"]
    browser = Browser(server)
    browser.headers["X-Forwarded-For"] = "203.0.113.77"
    statuses = [browser.sign_in(f"nobody{i}", "whatever").status for i in range(12)]
    t.eq(statuses, [422] * 12, "twelve attempts from one IP are checked")
    t.status(browser.sign_in(frank.email, frank.password), 429,
             "the 13th from that IP is refused even with the right password")


@suite.case
def password_grant_brute_force(t):
    server, erin = S["server"], S["erin"]
    app = create_app(server, name="brute force")
    m = mastodon_py(server, client_id=app["client_id"], client_secret=app["client_secret"])
    wrong = 0
    for i in range(3):
        try:
            m.log_in(erin.email, f"guess-{i}")
        except MastodonIllegalArgumentError:
            wrong += 1
    t.eq(wrong, 3, "three wrong passwords: invalid_grant")
    for password in ("guess-9", erin.password):
        try:
            m.log_in(erin.email, password)
            t.check(False, f"{password}: no token while throttled")
        except MastodonIllegalArgumentError as e:  # log_in wraps every error
            t.check("rate limit" in str(e), "refused as rate limited (429)", str(e))
    r = server.http("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "username": erin.email, "password": erin.password,
        "scope": "read"})
    check_429(t, r, "the password grant while throttled")
    time.sleep(int(r.header("Retry-After")) + 0.1)
    token = m.log_in(erin.email, erin.password)
    t.check(token, "after Retry-After the right password gives a token")


@suite.case
def sign_ups_per_ip(t):
    server = S["server"]
    app = create_app(server, name="sign ups")
    tok = server.api("POST", "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"})["access_token"]
    form = {"username": "grace", "email": "grace@herd.test", "password": DEFAULT_PASSWORD,
            "agreement": "true", "locale": "en"}
    r = server.http("POST", "/api/v1/accounts", token=tok, form=form)
    check_429(t, r, "a seventh sign-up from one IP within 30 minutes")
    page = server.http("POST", "/auth/sign_up", form=form, headers={"Accept": "text/html"})
    t.status(page, 429, "the web sign-up form too")
    t.check("text/html" in page.content_type, "as a page", page.content_type)
    r = server.http("POST", "/api/v1/accounts", token=tok, form=form,
                    headers={"X-Forwarded-For": "192.0.2.44"})
    t.status(r, 200, "a sign-up from another IP")


@suite.case
def counts_shared_by_two_processes(t):
    first, bob = S["server"], S["bob"]
    second = suite.server(name="herd-second", env={**LIMITS, "LOCAL_DOMAIN": first.domain},
                          start=False)
    if first.database_url:
        second.database_url = first.database_url
    else:
        second.extra_env["DATABASE_URL"] = f"sqlite://{first.data_dir}/herd.sqlite3"
    second.start()
    try:
        # Sign-in delays are exact across processes: the third failure through the first process
        # (recorded after `started`) delays the next attempt until a second after it, through the
        # second process too. An attempt answered within that second must have been refused; one
        # answered later (a machine too busy to tell) is made again after three more failures.
        for attempt in range(3):
            browser = Browser(first)
            browser.headers["X-Forwarded-For"] = "203.0.113.90"
            for i in range(3):
                started = time.monotonic()
                browser.sign_in(bob.email, f"guess-{i}")
            other = Browser(second)
            other.headers["X-Forwarded-For"] = "203.0.113.91"
            r = other.sign_in(bob.email, bob.password)
            if r.status == 429 or time.monotonic() - started < 1.0:
                break
            print(f"the sign-in through the second process was answered "
                  f"{time.monotonic() - started:.1f} s after the third failure; once more", flush=True)
        t.status(r, 429, "failures through one process delay sign-ins through the other")
        # API counts meet in the shared table within about a second (each process flushes its
        # counts and reads everyone's once a second). Each look costs a request of bob's (25 in
        # all, 2 spent before this case): one a second, ten at most.
        used = 0
        for server in (first, second) * 6:
            server.http("GET", "/api/v1/accounts/verify_credentials", token=bob.token)
            used += 1
        for _ in range(10):
            r = second.http("GET", "/api/v1/accounts/verify_credentials", token=bob.token)
            used += 1
            remaining = int(r.header("X-RateLimit-Remaining"))
            if remaining <= 25 - used:
                break
            time.sleep(1.0)
        t.check(remaining <= 25 - used, "the second process counts the first's requests",
                f"remaining {remaining} after {used} requests over two processes")
    finally:
        second.stop()


if __name__ == "__main__":
    main(suite)
