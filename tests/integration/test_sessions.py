#!/usr/bin/python3
"""Sessions and authorized apps (/settings/sessions) against a real `herd serve`: two browsers
(the form browser of oauth_browser.py, with their own User-Agent and address) signed in to one
account are listed with where they came from; one signs the other out; an app holding a token
(Mastodon.py's) is listed and revoked, after which Mastodon.py gets 401; forged forms and other
people's sessions change nothing.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonUnauthorizedError  # noqa: E402

from harness import Suite, main, mastodon_py, parse_args, register  # noqa: E402
from oauth_browser import Browser, parse_page  # noqa: E402

suite = Suite("sessions and authorized apps", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")


def signed_in_browser(server, user, agent, address):
    browser = Browser(server)
    browser.headers.update({"User-Agent": agent, "X-Forwarded-For": address})
    r = browser.sign_in(user.email, user.password)
    assert r.status == 303, r.describe()
    return browser


def items(html, kind):
    """(id, text) of the <li class="kind" data-id=...> items of the page."""
    return [(m.group(1), re.sub(r"<[^>]+>", " ", m.group(2)))
            for m in re.finditer(rf'<li class="{kind}" data-id="(\d+)">(.*?)</li>', html, re.S)]


def form_for(browser, page, action):
    return next(f for f in parse_page(page.body).forms if f["action"] == action)


@suite.case
def sessions_listed_and_signed_out(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    first = signed_in_browser(server, alice, "Firefox/128.0 on the desk", "198.51.100.10")
    second = signed_in_browser(server, alice, "Chromium/120 on the phone", "198.51.100.20")
    bobs = signed_in_browser(server, bob, "Bob's browser", "198.51.100.30")
    page = first.request("GET", "/settings/sessions")
    t.status(page, 200, "the page")
    sessions = items(page.text, "session")
    t.eq(len(sessions), 2, "alice's two signed-in browsers are listed, not bob's")
    text = " ".join(s for _, s in sessions)
    for expected in ("Firefox/128.0 on the desk", "Chromium/120 on the phone", "198.51.100.10",
                     "198.51.100.20", "this browser"):
        t.check(expected in text, f"shows {expected!r}", text)
    other_id = next(i for i, s in sessions if "Chromium" in s)
    action = f"/settings/sessions/{other_id}/revoke"
    # A forged form (no CSRF token) changes nothing.
    r = first.request("POST", action, form={})
    t.status(r, 422, "a form without the CSRF token is refused")
    t.status(second.request("GET", "/settings/sessions"), 200, "the other browser is still signed in")
    # Bob cannot sign alice's browser out.
    settings = bobs.request("GET", "/settings/two_factor")  # a page with bob's CSRF token
    token = next(i["value"] for i in form_for(bobs, settings, "/settings/two_factor/setup")["inputs"]
                 if i["name"] == "authenticity_token")
    r = bobs.request("POST", action, form={"authenticity_token": token})
    t.status(r, 404, "someone else's session is not found")
    t.status(second.request("GET", "/settings/sessions"), 200, "still signed in")
    _, r = first.submit("/settings/sessions", form_for(first, page, action))
    t.status(r, 303, "signing the other browser out")
    r = second.request("GET", "/settings/sessions")
    t.status(r, 303, "the other browser is signed out")
    t.check("/auth/sign_in" in (r.header("Location") or ""), "and sent to sign in", r.header("Location"))
    t.eq(len(items(first.request("GET", "/settings/sessions").text, "session")), 1,
         "one session left")


@suite.case
def authorized_apps_revoked(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    t.eq(m.account_verify_credentials()["username"], "alice", "Mastodon.py works with its token")
    browser = signed_in_browser(server, alice, "Firefox", "198.51.100.40")
    page = browser.request("GET", "/settings/sessions")
    apps = items(page.text, "app")
    t.require(any("herd-tests-registration" in text for _, text in apps),
              "the app that holds alice's token is listed", apps)
    app_id = next(i for i, text in apps if "herd-tests-registration" in text)
    t.check("read write follow push" in dict(apps)[app_id], "with its scopes", apps)
    _, r = browser.submit("/settings/sessions",
                          form_for(browser, page, f"/settings/applications/{app_id}/revoke"))
    t.status(r, 303, "revoking it")
    try:
        m.account_verify_credentials()
        t.check(False, "the revoked token no longer works")
    except MastodonUnauthorizedError:
        pass
    page = browser.request("GET", "/settings/sessions")
    t.check(not any("herd-tests-registration" in text for _, text in items(page.text, "app")),
            "the app is gone from the list")


if __name__ == "__main__":
    main(suite)
