#!/usr/bin/python3
"""The instance's own privacy policy, terms of service and extended description, against a real
`herd serve` and `herd admin documents` run beside it (the way an admin sets them): herd's
templates (naming the instance and its admin email) until the admin sets a text; the text set is
what the web pages and the client API show (HTML escaped, paragraphs kept), at once, even though
another process wrote it; reset brings the template back.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ADMIN_EMAIL, Suite, eventually, main, parse_args, run_herd_once  # noqa: E402

suite = Suite("instance documents", parse_args(__doc__))
S = suite.state


def admin(*args):
    server = S["server"]
    return run_herd_once(server.herd, server.environment(), ("admin", "documents", *args))




@suite.setup
def start_server(t):
    S["server"] = suite.server()
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-documents-")


@suite.case
def templates_until_the_admin_writes_one(t):
    server = S["server"]
    policy = server.api("GET", "/api/v1/instance/privacy_policy")
    t.eq(policy["updated_at"], None, "the template has no updated_at")
    t.check(ADMIN_EMAIL in policy["content"] and server.domain in policy["content"],
            "the template names the admin email and the domain", policy["content"][:300])
    terms = server.api("GET", "/api/v1/instance/terms_of_service")
    t.check("server rules" in terms["content"] and terms["effective"] is True, "terms template", terms)
    t.eq(server.api("GET", "/api/v1/instance/extended_description")["content"], "",
         "no extended description until one is written")
    page = server.http("GET", "/privacy-policy")
    t.check(page.status == 200 and ADMIN_EMAIL.encode() in page.body, "the web page shows the template")


@suite.case
def the_admin_sets_and_resets_them(t):
    server = S["server"]
    path = os.path.join(S["tmp"], "privacy.txt")
    with open(path, "w") as f:
        f.write("We keep nothing we do not need.\nNot even <script>logs</script>.\n\nAsk us anything.\n")
    rc, out, err = admin("set", "privacy_policy", path)
    t.eq(rc, 0, f"herd admin documents set privacy_policy ({err.strip()})")
    expected = "<p>We keep nothing we do not need.<br>Not even &lt;script&gt;logs&lt;/script&gt;.</p><p>Ask us anything.</p>"
    policy = eventually(lambda: (lambda p: p if p["content"] == expected else None)(
        server.api("GET", "/api/v1/instance/privacy_policy")))
    t.require(policy, "the API shows the admin's text, escaped, in paragraphs",
              server.api("GET", "/api/v1/instance/privacy_policy"))
    t.check(policy["updated_at"], "with updated_at", policy)
    page = server.http("GET", "/privacy-policy")
    t.check(expected.encode() in page.body, "the web page shows it too")

    about = os.path.join(S["tmp"], "about.txt")
    with open(about, "w") as f:
        f.write("A small server for friends of herds.")
    t.eq(admin("set", "extended_description", about)[0], 0, "set extended_description")
    t.check(eventually(lambda: "friends of herds" in server.api("GET", "/api/v1/instance/extended_description")["content"]),
            "the extended description in the API")
    t.check(b"friends of herds" in server.http("GET", "/about").body, "and on the about page")

    t.eq(admin("reset", "privacy_policy")[0], 0, "reset")
    t.check(eventually(lambda: ADMIN_EMAIL in server.api("GET", "/api/v1/instance/privacy_policy")["content"]),
            "the template is back")
    rc, _, _ = admin("set", "cookie_policy", path)
    t.eq(rc, 2, "an unknown document is refused")


if __name__ == "__main__":
    main(suite)
