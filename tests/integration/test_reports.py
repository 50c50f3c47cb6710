#!/usr/bin/python3
"""Reports through Mastodon.py (Debian python3-mastodon) against a real `herd serve`:

POST /api/v1/reports (the Report entity; 404 for an unknown account or someone else's status,
422 for a long comment, an unknown category or rule), the admin.report notification staff get,
the admin reports API (list, show, assign/unassign, resolve/reopen, the resolved filter), and 403
for a user who is not staff or a token without the admin scopes.

    /usr/bin/python3 tests/integration/test_reports.py --herd build/herd [--backend sqlite]
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError, MastodonNotFoundError  # noqa: E402

from harness import (ADMIN_EMAIL, Suite, mastodon_py, parse_args, password_token,  # noqa: E402
                     register)

ADMIN_SCOPES = "read write follow push admin:read admin:write"

suite = Suite("reports", parse_args(__doc__))
S = suite.state


def sid(x):
    return str(x)


def api_error_status(fn):
    try:
        fn()
    except MastodonNotFoundError:
        return 404
    except MastodonAPIError as e:
        return e.args[1] if len(e.args) > 1 else -1
    return 0


@suite.setup
def start_server_and_users(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol"):
        S[name] = register(server, name)
    r = subprocess.run([suite.args.herd, "admin", "rules", "add", "No spam"],
                       env=server.environment(), capture_output=True, text=True, timeout=60)
    t.require(r.returncode == 0, "herd admin rules add", r.stderr)
    rules = server.api("GET", "/api/v1/instance/rules")
    t.require(rules, "the instance has a rule", rules)
    S["rule_id"] = rules[0]["id"]
    S["admin_token"] = password_token(server, ADMIN_EMAIL, server.admin_password, scope=ADMIN_SCOPES)
    S["admin"] = mastodon_py(server, S["admin_token"])
    S["bob_post"] = server.api("POST", "/api/v1/statuses", token=S["bob"].token,
                               form={"status": "buy cheap watches"})


@suite.case
def report_an_account_and_a_status(t):
    alice = mastodon_py(S["server"], S["alice"].token)
    bob_id, post = S["bob"].account["id"], S["bob_post"]
    report = alice.report(bob_id, status_ids=[post["id"]], comment="spam bot", category="spam")
    t.eq(sid(report["target_account"]["id"]), bob_id, "target_account")
    t.eq([sid(s) for s in report["status_ids"]], [post["id"]], "status_ids")
    t.eq(report["comment"], "spam bot", "comment")
    t.eq(report["category"], "spam", "category")
    t.eq(report["action_taken"], False, "action_taken")
    t.eq(report["forwarded"], False, "forwarded (a local account)")
    t.check(report["rule_ids"] is None, "rule_ids null without rules", report)
    S["report_id"] = sid(report["id"])
    with_rule = alice.report(bob_id, rule_ids=[S["rule_id"]], category="other")
    t.eq(with_rule["category"], "violation", "rules make the report a violation")
    t.eq([sid(r) for r in with_rule["rule_ids"]], [S["rule_id"]], "rule_ids")
    S["rule_report_id"] = sid(with_rule["id"])


@suite.case
def bad_reports_are_refused(t):
    server, alice = S["server"], S["alice"]
    carol_post = server.api("POST", "/api/v1/statuses", token=S["carol"].token, form={"status": "hi"})
    bob_id = S["bob"].account["id"]
    r = server.http("POST", "/api/v1/reports", token=alice.token, form={"account_id": "999999"})
    t.json_error(r, 404, "an unknown account")
    r = server.http("POST", "/api/v1/reports", token=alice.token, form={})
    t.json_error(r, 404, "no account_id")
    r = server.http("POST", "/api/v1/reports", token=alice.token,
                    form={"account_id": bob_id, "status_ids[]": carol_post["id"]})
    t.json_error(r, 404, "a status that is not the reported account's")
    r = server.http("POST", "/api/v1/reports", token=alice.token,
                    form={"account_id": bob_id, "comment": "x" * 1001})
    t.json_error(r, 422, "a comment over 1000 characters")
    r = server.http("POST", "/api/v1/reports", token=alice.token,
                    form={"account_id": bob_id, "category": "nonsense"})
    t.json_error(r, 422, "an unknown category")
    r = server.http("POST", "/api/v1/reports", token=alice.token,
                    form={"account_id": bob_id, "rule_ids[]": "12345"})
    t.json_error(r, 422, "a rule that does not exist")
    r = server.http("POST", "/api/v1/reports", form={"account_id": bob_id})
    t.json_error(r, 401, "without a token")


@suite.case
def staff_get_an_admin_report_notification(t):
    notes = S["admin"].notifications(types=["admin.report"])
    mine = [n for n in notes if n.get("report") and sid(n["report"]["id"]) == S["report_id"]]
    t.require(mine, "the admin has an admin.report notification for the report", notes)
    t.eq(sid(mine[0]["account"]["id"]), S["alice"].account["id"], "from the reporter")
    bob_notes = mastodon_py(S["server"], S["bob"].token).notifications()
    t.check(not [n for n in bob_notes if n["type"] == "admin.report"],
            "users who are not staff get none", bob_notes)


@suite.case
def admin_lists_and_handles_reports(t):
    admin = S["admin"]
    open_reports = admin.admin_reports()
    ids = [sid(r["id"]) for r in open_reports]
    t.check(S["report_id"] in ids and S["rule_report_id"] in ids, "both reports are listed", ids)
    t.eq(ids, sorted(ids, key=int, reverse=True), "newest first")
    report = admin.admin_report(S["report_id"])
    t.eq(sid(report["account"]["id"]), S["alice"].account["id"], "Admin::Report.account")
    t.eq(report["account"]["email"], S["alice"].email, "Admin::Account.email")
    t.eq(sid(report["target_account"]["account"]["id"]), S["bob"].account["id"],
         "Admin::Report.target_account.account")
    t.eq([sid(s["id"]) for s in report["statuses"]], [S["bob_post"]["id"]], "statuses")
    t.check(report["assigned_account"] is None and report["action_taken_by_account"] is None,
            "nobody assigned yet", report)
    for key in ("id", "action_taken", "action_taken_at", "category", "comment", "forwarded",
                "created_at", "updated_at", "account", "target_account", "assigned_account",
                "action_taken_by_account", "statuses", "rules"):
        t.check(key in report, f"Admin::Report has {key}", list(report))
    rules = admin.admin_report(S["rule_report_id"])["rules"]
    t.eq([sid(r["id"]) for r in rules], [S["rule_id"]], "Admin::Report.rules")

    assigned = admin.admin_report_assign(S["report_id"])
    t.eq(assigned["assigned_account"]["username"], "admin", "assign_to_self")
    t.eq(admin.admin_report_unassign(S["report_id"])["assigned_account"], None, "unassign")
    resolved = admin.admin_report_resolve(S["report_id"])
    t.eq(resolved["action_taken"], True, "resolve")
    t.eq(resolved["action_taken_by_account"]["username"], "admin", "action_taken_by_account")
    t.check(resolved["action_taken_at"] is not None, "action_taken_at set", resolved)
    t.check(S["report_id"] not in [sid(r["id"]) for r in admin.admin_reports()],
            "a resolved report leaves the open list")
    t.check(S["report_id"] in [sid(r["id"]) for r in admin.admin_reports(resolved=True)],
            "and is in the resolved list")
    t.check(S["report_id"] in [sid(r["id"]) for r in
                               admin.admin_reports(target_account_id=S["bob"].account["id"],
                                                   resolved=True)],
            "target_account_id filter")
    reopened = admin.admin_report_reopen(S["report_id"])
    t.eq(reopened["action_taken"], False, "reopen")
    t.check(reopened["action_taken_by_account"] is None, "reopen clears action_taken_by", reopened)
    t.eq(api_error_status(lambda: admin.admin_report("123456789")), 404, "an unknown report")


@suite.case
def only_staff_with_admin_scopes(t):
    server = S["server"]
    carol = S["carol"]
    scoped = password_token(server, carol.email, carol.password, scope=ADMIN_SCOPES)
    r = server.http("GET", "/api/v1/admin/reports", token=scoped)
    t.json_error(r, 403, "a user who is not staff, with admin scopes")
    r = server.http("POST", f"/api/v1/admin/reports/{S['report_id']}/resolve", token=scoped)
    t.json_error(r, 403, "a user who is not staff cannot resolve")
    admin_plain = password_token(server, ADMIN_EMAIL, server.admin_password)
    r = server.http("GET", "/api/v1/admin/reports", token=admin_plain)
    t.json_error(r, 403, "the admin with a token without admin scopes")
    r = server.http("GET", "/api/v1/admin/reports")
    t.json_error(r, 401, "without a token")
    narrow = password_token(server, ADMIN_EMAIL, server.admin_password,
                            scope="read admin:read:reports")
    t.status(server.http("GET", "/api/v1/admin/reports", token=narrow), 200,
             "admin:read:reports is enough to list")
    r = server.http("POST", f"/api/v1/admin/reports/{S['report_id']}/resolve", token=narrow)
    t.json_error(r, 403, "but not to resolve")


if __name__ == "__main__":
    sys.exit(suite.run())
