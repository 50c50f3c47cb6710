#!/usr/bin/python3
"""Moderating accounts against a real `herd serve` with registrations by approval: the admin
accounts API (v1 and v2 lists, show, approve, reject, action none/sensitive/disable/silence/suspend
and their undos), checked the way users meet it: a pending sign-up cannot use its token until
approved, a rejected one is gone, a disabled or suspended login is refused, a limited account's
posts leave the public timeline, a sensitized account's media show as sensitive, a report is
resolved by the action taken on it; only staff may do any of it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, T, Suite, client_credentials_token, create_app, main,  # noqa: E402
                     parse_args, password_token, register)

suite = Suite("admin accounts", parse_args(__doc__))
S = suite.state
ADMIN_SCOPES = "read write follow push admin:read admin:write"
ADMIN_ACCOUNT = {"id": T.ID, "username": T.STR, "domain": (T.STR, T.NULL), "created_at": T.TIME,
                 "email": (T.STR, T.NULL), "ip": (T.STR, T.NULL), "ips": [T.OBJ], "locale": (T.STR, T.NULL),
                 "invite_request": (T.STR, T.NULL), "role": (T.OBJ, T.NULL), "confirmed": T.BOOL,
                 "approved": T.BOOL, "disabled": T.BOOL, "silenced": T.BOOL, "suspended": T.BOOL,
                 "sensitized": T.BOOL, "account": T.OBJ}


def sign_up(username):
    """POST /api/v1/accounts; returns (account id, token) without using the token."""
    server = S["server"]
    app = create_app(server, name="sign-up")
    app_token = client_credentials_token(server, app)
    tok = server.api("POST", "/api/v1/accounts", token=app_token, form={
        "username": username, "email": f"{username}@herd.test", "password": "correct horse battery",
        "agreement": "true", "locale": "en", "reason": f"{username} wants in"})
    pending = admin("GET", "/api/v2/admin/accounts", query={"status": "pending", "username": username})
    return (pending[0]["id"] if pending else None), tok["access_token"]


def admin(method, path, expect=(200,), **kw):
    return S["server"].api(method, path, token=S["admin_token"], expect=expect, **kw)


def me_status(token):
    return S["server"].http("GET", "/api/v1/accounts/verify_credentials", token=token).status


@suite.setup
def start_server_with_approval(t):
    S["server"] = suite.server(env={"HERD_REGISTRATIONS": "approval"})
    S["admin_token"] = password_token(S["server"], ADMIN_EMAIL, S["server"].admin_password, scope=ADMIN_SCOPES)


@suite.case
def pending_sign_ups_are_approved_or_rejected(t):
    alice_id, alice_token = sign_up("alice")
    t.require(alice_id, "alice's sign-up is listed as pending (v2 status=pending)")
    shown = admin("GET", f"/api/v1/admin/accounts/{alice_id}")
    t.entity(shown, ADMIN_ACCOUNT, "Admin::Account")
    t.eq((shown["approved"], shown["email"], shown["invite_request"]), (False, "alice@herd.test", "alice wants in"),
         "pending, with email and reason")
    t.eq(me_status(alice_token), 403, "a pending account cannot use its token")
    v1 = admin("GET", "/api/v1/admin/accounts", query={"pending": "true", "local": "true"})
    t.eq([a["username"] for a in v1], ["alice"], "v1 pending=true&local=true")
    approved = admin("POST", f"/api/v1/admin/accounts/{alice_id}/approve")
    t.eq(approved["approved"], True, "approve")
    t.eq(me_status(alice_token), 200, "the approved account signs in")
    t.json_error(S["server"].http("POST", f"/api/v1/admin/accounts/{alice_id}/approve", token=S["admin_token"]),
                 403, "approving twice")

    zed_id, zed_token = sign_up("zed")
    admin("POST", f"/api/v1/admin/accounts/{zed_id}/reject")
    t.json_error(S["server"].http("GET", f"/api/v1/admin/accounts/{zed_id}", token=S["admin_token"]), 404,
                 "a rejected sign-up is gone")
    t.check(me_status(zed_token) in (401, 403), "and its token is useless", me_status(zed_token))
    S["alice_id"], S["alice_token"] = alice_id, alice_token


@suite.case
def actions_and_their_undos(t):
    server, alice_id, alice_token = S["server"], S["alice_id"], S["alice_token"]
    post = server.api("POST", "/api/v1/statuses", token=alice_token, form={"status": "alice in public"})

    def public_ids():
        return [s["id"] for s in server.api("GET", "/api/v1/timelines/public")]

    t.check(post["id"] in public_ids(), "alice's post is on the public timeline")
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/action", form={"type": "silence"})
    t.eq(admin("GET", f"/api/v1/admin/accounts/{alice_id}")["silenced"], True, "silenced")
    t.eq(server.api("GET", f"/api/v1/accounts/{alice_id}").get("limited"), True, "the Account is limited")
    t.check(post["id"] not in public_ids(), "a limited account's post leaves the public timeline")
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/unsilence")
    t.check(post["id"] in public_ids(), "unsilenced: back")

    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00"
           b"\x00\x02\x02\x44\x01\x00;")
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.gif\"\r\n"
            "Content-Type: image/gif\r\n\r\n").encode() + gif + f"\r\n--{boundary}--\r\n".encode()
    media = server.http("POST", "/api/v2/media", token=alice_token, body=body,
                        content_type=f"multipart/form-data; boundary={boundary}").json()
    pic = server.api("POST", "/api/v1/statuses", token=alice_token,
                     json_body={"status": "a picture", "media_ids": [media["id"]]})
    t.eq(pic["sensitive"], False, "not sensitive as posted")
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/action", form={"type": "sensitive"})
    t.eq(server.api("GET", f"/api/v1/statuses/{pic['id']}")["sensitive"], True, "sensitized: media shown as sensitive")
    t.eq(admin("GET", f"/api/v1/admin/accounts/{alice_id}")["sensitized"], True, "Admin::Account.sensitized")
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/unsensitive")
    t.eq(server.api("GET", f"/api/v1/statuses/{pic['id']}")["sensitive"], False, "unsensitive")

    admin("POST", f"/api/v1/admin/accounts/{alice_id}/action", form={"type": "disable"})
    t.eq(me_status(alice_token), 403, "a disabled login is refused")
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/enable")
    t.eq(me_status(alice_token), 200, "enabled again")

    admin("POST", f"/api/v1/admin/accounts/{alice_id}/action", form={"type": "suspend"})
    t.eq(server.http("GET", f"/api/v1/accounts/{alice_id}").status, 404, "a suspended account is hidden")
    t.eq(me_status(alice_token), 403, "and cannot sign in")
    t.eq(admin("GET", "/api/v2/admin/accounts", query={"status": "suspended"})[0]["id"], alice_id,
         "listed with status=suspended")
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/unsuspend")
    t.eq(server.http("GET", f"/api/v1/accounts/{alice_id}").status, 200, "unsuspended")


@suite.case
def an_action_resolves_its_report(t):
    server, alice_id = S["server"], S["alice_id"]
    bob_id, bob_token = sign_up("bob")
    admin("POST", f"/api/v1/admin/accounts/{bob_id}/approve")
    report = server.api("POST", "/api/v1/reports", token=bob_token, form={"account_id": alice_id, "comment": "rude"})
    admin("POST", f"/api/v1/admin/accounts/{alice_id}/action", form={"type": "none", "report_id": report["id"]})
    t.eq(admin("GET", f"/api/v1/admin/reports/{report['id']}")["action_taken"], True, "the report is resolved")
    S["bob_token"], S["bob_id"] = bob_token, bob_id


@suite.case
def only_staff_and_bad_input(t):
    server, alice_id = S["server"], S["alice_id"]
    bob_admin_scoped = password_token(server, "bob@herd.test", "correct horse battery", scope=ADMIN_SCOPES)
    t.json_error(server.http("GET", "/api/v1/admin/accounts", token=bob_admin_scoped), 403,
                 "a user who is not staff, even with admin scopes")
    t.json_error(server.http("POST", f"/api/v1/admin/accounts/{alice_id}/action", token=S["bob_token"],
                             form={"type": "suspend"}), 403, "a user token without admin scopes")
    t.json_error(server.http("POST", f"/api/v1/admin/accounts/{alice_id}/action", token=S["admin_token"],
                             form={"type": "banish"}), 422, "an unknown action type")
    me = server.api("GET", "/api/v1/accounts/verify_credentials", token=S["admin_token"])
    t.json_error(server.http("POST", f"/api/v1/admin/accounts/{me['id']}/action", token=S["admin_token"],
                             form={"type": "suspend"}), 403, "suspending oneself")
    t.json_error(server.http("GET", "/api/v1/admin/accounts/99999999999", token=S["admin_token"]), 404,
                 "an unknown account")
    t.json_error(server.http("GET", "/api/v1/admin/accounts"), 401, "without a token")


if __name__ == "__main__":
    main(suite)
