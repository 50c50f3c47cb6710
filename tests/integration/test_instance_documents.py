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

from harness import (ADMIN_EMAIL, Suite, eventually, main, parse_args, password_token, register,  # noqa: E402
                     run_herd_once)

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


@suite.case
def the_admin_api_edits_documents_rules_and_registrations(t):
    """herd's admin API extensions, as the web client's admin views use them."""
    server = S["server"]
    token = password_token(server, ADMIN_EMAIL, server.admin_password, scope="read write admin:read admin:write")
    about = server.api("PUT", "/api/v1/admin/instance_documents/extended_description", token=token,
                       json_body={"text": "Sailing & boats.\n\nSecond paragraph."})
    t.eq(about["text"], "Sailing & boats.\n\nSecond paragraph.", "the source text comes back for editing")
    public = server.api("GET", "/api/v1/instance/extended_description")
    t.eq(public["content"], about["content"], "the client API shows what the admin wrote")
    t.check("<p>Sailing &amp; boats.</p>" in public["content"], "escaped, in paragraphs", public["content"])
    t.json_error(server.http("GET", "/api/v1/admin/instance_documents/cookies", token=token), 404, "unknown document")

    rule = server.api("POST", "/api/v1/admin/rules", token=token, json_body={"text": "No spam", "hint": "Ads included"})
    t.eq((rule["text"], rule["hint"]), ("No spam", "Ads included"), "a rule is added")
    t.check(any(r["id"] == rule["id"] for r in server.api("GET", "/api/v1/instance/rules")), "it is public at once")
    edited = server.api("PUT", f"/api/v1/admin/rules/{rule['id']}", token=token, json_body={"text": "No spam at all"})
    t.eq((edited["text"], edited["hint"]), ("No spam at all", ""), "edited")
    t.json_error(server.http("POST", "/api/v1/admin/rules", token=token, json_body={"text": "  "}), 422, "a blank rule")
    t.status(server.http("DELETE", f"/api/v1/admin/rules/{rule['id']}", token=token), 200, "deleted")
    t.check(all(r["id"] != rule["id"] for r in server.api("GET", "/api/v1/admin/rules", token=token)), "gone")
    t.json_error(server.http("DELETE", f"/api/v1/admin/rules/{rule['id']}", token=token), 404, "deleting twice")

    t.eq(server.api("PUT", "/api/v1/admin/site", token=token, json_body={"registrations_mode": "closed"}),
         {"registrations_mode": "closed", "show_domain_blocks": "disabled", "show_domain_blocks_rationale": "disabled"},
         "registrations closed (the other site settings unchanged)")
    t.eq(server.api("GET", "/api/v2/instance")["registrations"]["enabled"], False, "the instance says so")
    r = server.http("POST", "/api/v1/accounts", token=token, json_body={
        "username": "late", "email": "late@example.org", "password": "a-long-password-1", "agreement": True})
    t.json_error(r, 403, "sign-up through the API is refused")
    t.json_error(server.http("PUT", "/api/v1/admin/site", token=token, json_body={"registrations_mode": "maybe"}),
                 422, "an unknown mode")
    server.api("PUT", "/api/v1/admin/site", token=token, json_body={"registrations_mode": "open"})
    t.eq(server.api("GET", "/api/v1/instance")["registrations"], True, "open again")
    user = register(server, "sailor")
    user_token = password_token(server, user.email, user.password, scope="read write admin:read admin:write")
    t.json_error(server.http("GET", "/api/v1/admin/site", token=user_token), 403, "not for users")
    t.json_error(server.http("GET", "/api/v1/admin/site", token=user.token), 403, "nor without admin scopes")


if __name__ == "__main__":
    main(suite)
