#!/usr/bin/python3
"""Mail against a real SMTP server (Debian's python3-aiosmtpd, started by this test): the SMTP
settings of `herd serve`, `herd admin mail test`, sign-up confirmation (API 403 until confirmed,
resend, the link confirms and signs in), password reset from "Forgot your password?" and signing
in with the new password, password and email change in the web settings, notification emails
with List-Unsubscribe and one-click unsubscribing, a new browser's sign-in, moderation warnings,
a 5xx recorded for the admin, and an SMTP outage with two `herd serve` processes on one database:
every message arrives exactly once. One server talks plain SMTP with AUTH, one STARTTLS (a
throwaway certificate, trusted through SMTP_CA_FILE) with AUTH.
"""
import html
import os
import re
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (DEFAULT_PASSWORD, ADMIN_EMAIL, Suite, User, client_credentials_token,  # noqa: E402
                     create_app, eventually, free_port, main, parse_args, password_token, register,
                     run_herd_once)
from oauth_browser import Browser, parse_page  # noqa: E402
from smtp_sink import SmtpSink, throwaway_certificate  # noqa: E402

suite = Suite("mail", parse_args(__doc__))
S = suite.state
LOGIN, SECRET = "herd-mailer", "smtp-secret-1"
UNCONFIRMED = "Your login is missing a confirmed e-mail address"


def smtp_env(port, tls="none", **extra):
    env = {"SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_LOGIN": LOGIN,
           "SMTP_PASSWORD": SECRET, "SMTP_TLS": tls, "SMTP_FROM_ADDRESS": "Herd <notifications@herd.test>",
           "HERD_INSTANCE_TITLE": "Mailtest"}
    env.update(extra)
    return env


def herd_admin(server, *args):
    return run_herd_once(server.herd, server.environment(), ("admin", *args), timeout=90)


def links(message, server):
    """Absolute links to the server in the text part (each also in the HTML part)."""
    found = re.findall(r"https?://[^\s<>\"]+", message.text)
    return [u for u in found if u.startswith(server.url)]


def link_with(message, server, fragment):
    for url in links(message, server):
        if fragment in url:
            return url
    return None


def register_unconfirmed(server, username, email, locale="en"):
    app = create_app(server, name="mail-tests")
    app_token = client_credentials_token(server, app)
    tok = server.api("POST", "/api/v1/accounts", token=app_token, form={
        "username": username, "email": email, "password": DEFAULT_PASSWORD,
        "agreement": "true", "locale": locale})
    return tok["access_token"]


def register_confirmed(server, username):
    """A user who signed up through the API and followed the link in the confirmation mail."""
    email = f"{username}@herd.test"
    token = register_unconfirmed(server, username, email)
    mails = S["sink"].wait_for(lambda m: email in m.rcpt_tos and "Confirmation" in m.subject)
    if not mails:
        raise AssertionError(f"no confirmation mail for {email}")
    r = Browser(server).request("GET", link_with(mails[-1], server, "confirmation_token="))
    if r.status != 303:
        raise AssertionError(f"confirming {email}: {r.describe()}")
    account = server.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    return User(username, email, DEFAULT_PASSWORD, token, account)


def form_with(page, action_part):
    for form in parse_page(page.body).forms:
        if action_part in form["action"]:
            return form
    return None


def web_sign_in(server, login, password, browser=None):
    browser = browser or Browser(server)
    page = browser.request("GET", "/auth/sign_in")
    form = form_with(page, "/auth/sign_in")
    _, r = browser.submit(server.url + "/auth/sign_in", form, {"email": login, "password": password})
    return browser, r


@suite.setup
def start(t):
    S["sink"] = SmtpSink(free_port(), auth=(LOGIN, SECRET), reject={"bounce@herd.test"}).start()
    S["server"] = suite.server(env=smtp_env(S["sink"].port))


@suite.case
def admin_mail_test_prints_the_smtp_outcome(t):
    server, sink = S["server"], S["sink"]
    rc, out, err = herd_admin(server, "mail", "test", "postmaster@herd.test")
    t.eq(rc, 0, "herd admin mail test exit code")
    t.check("OK: the server accepted the message" in out, "the outcome is printed", out + err)
    t.check(re.search(r"S: 250", out), "the SMTP conversation is printed", out)
    t.check("credentials hidden" in out and SECRET not in out, "AUTH is shown without the password", out)
    got = sink.wait_for(lambda m: "postmaster@herd.test" in m.rcpt_tos)
    t.require(len(got) == 1, "the test message arrived", sink.received())
    m = got[0]
    t.eq(m.subject, "Mailtest: Test message", "subject from the catalog")
    t.check(m.authenticated, "the message was sent after AUTH")
    t.eq(m.mail_from, "notifications@herd.test", "envelope sender is SMTP_FROM_ADDRESS")
    t.check(m.header("Date") and m.header("Message-ID", ) and m.header("Message-ID").endswith("@127.0.0.1>"),
            "Date and Message-ID headers", m.raw[:600])
    t.check(m.text and "<html" not in m.text and "<a href" in m.html, "text and HTML parts")
    rc, out, _ = herd_admin(server, "mail", "test", "bounce@herd.test")
    t.eq(rc, 1, "a refused recipient fails the test command")
    t.check("550" in out and "permanent" in out, "the 550 is printed", out)


@suite.case
def sign_up_needs_a_confirmed_address(t):
    server, sink = S["server"], S["sink"]
    token = register_unconfirmed(server, "carla", "carla@herd.test")
    r = server.http("GET", "/api/v1/accounts/verify_credentials", token=token)
    t.json_error(r, 403, "unconfirmed account")
    t.eq(r.json().get("error"), UNCONFIRMED, "Mastodon's message")
    first = sink.wait_for(lambda m: "carla@herd.test" in m.rcpt_tos)
    t.require(len(first) == 1, "one confirmation message", sink.received())
    t.eq(first[0].subject, "Mailtest: Confirmation instructions", "confirmation subject")
    t.check(first[0].header("List-Unsubscribe") is None, "no List-Unsubscribe on account mail")
    # the web sign-in refuses, and says why
    _, page = web_sign_in(server, "carla", DEFAULT_PASSWORD)
    t.check(page.status == 422 and "confirm your email address" in page.text, "web sign-in refused", page.text[:800])
    t.eq(server.api("GET", "/api/v1/emails/check_confirmation", token=token), False, "check_confirmation")
    # resending gives a new link; the old one stops working
    r = server.http("POST", "/api/v1/emails/confirmations", token=token)
    t.status(r, 200, "resend")
    second = sink.wait_for(lambda m: "carla@herd.test" in m.rcpt_tos, count=2)
    t.require(len(second) == 2, "a second confirmation message")
    old_link = link_with(first[0], server, "/auth/confirmation?confirmation_token=")
    new_link = link_with(second[1], server, "/auth/confirmation?confirmation_token=")
    t.require(old_link and new_link and old_link != new_link, "absolute confirmation links", second[1].text)
    t.check(new_link in second[1].html.replace("&amp;", "&"), "the HTML part has the link too")
    browser = Browser(server)
    r = browser.request("GET", old_link)
    t.status(r, 404, "a replaced link is not valid")
    r = browser.request("GET", new_link)
    t.status(r, 303, "the link confirms and redirects")
    home = browser.request("GET", "/auth/edit")
    t.check(home.status == 200 and "carla@herd.test" in home.text, "the browser is signed in", home.describe())
    t.status(browser.request("GET", new_link), 404, "the link works once")
    t.status(server.http("GET", "/api/v1/accounts/verify_credentials", token=token), 200, "API works once confirmed")
    t.eq(server.api("GET", "/api/v1/emails/check_confirmation", token=token), True, "check_confirmation")
    r = server.http("POST", "/api/v1/emails/confirmations", token=token)
    t.json_error(r, 403, "resend after confirmation")
    S["carla"] = token


@suite.case
def messages_in_the_users_language(t):
    server, sink = S["server"], S["sink"]
    for name, locale, subject, body, button in (
            ("greta", "de", "Bestätigung deiner E-Mail-Adresse", "Registrierung abzuschließen",
             "E-Mail-Adresse bestätigen"),
            ("lucie", "fr", "Instructions de confirmation", "terminer l'inscription", "Confirmer l'adresse")):
        register_unconfirmed(server, name, f"{name}@herd.test", locale=locale)
        mails = sink.wait_for(lambda m: f"{name}@herd.test" in m.rcpt_tos)
        t.require(mails, f"a confirmation mail for the {locale} user")
        m = mails[0]
        t.check(subject in m.subject, f"{locale} subject", m.subject)
        t.check(body in m.text and button in m.text, f"{locale} text body", m.text[:400])
        t.check(button in html.unescape(m.html), f"{locale} HTML body")
        t.check("finish signing up" not in m.text, f"no English left in the {locale} body")


@suite.case
def forgotten_password_reset_by_mail(t):
    server, sink = S["server"], S["sink"]
    S["dora"] = register_confirmed(server, "dora")
    browser = Browser(server)
    page = browser.request("GET", "/auth/sign_in")
    t.require('href="/auth/password/new"' in page.text and "Forgot your password?" in page.text,
              "the sign-in page links to 'Forgot your password?'")
    page = browser.request("GET", "/auth/password/new")
    _, r = browser.submit(server.url + "/auth/password/new", form_with(page, "/auth/password"),
                          {"email": "dora@herd.test"})
    t.status(r, 200, "reset asked")
    _, r2 = browser.submit(server.url + "/auth/password/new", form_with(page, "/auth/password"),
                           {"email": "nobody@herd.test"})
    t.check(r2.status == 200 and r2.text == r.text.replace("", ""), "an unknown address gets the same answer")
    mails = sink.wait_for(lambda m: "dora@herd.test" in m.rcpt_tos and "Reset" in m.subject)
    t.require(mails, "reset message arrived", sink.received())
    t.check(not sink.to("nobody@herd.test"), "nothing sent to an unknown address")
    link = link_with(mails[0], server, "/auth/password/edit?reset_password_token=")
    t.require(link, "reset link", mails[0].text)
    page = browser.request("GET", link)
    form = form_with(page, "/auth/password/edit")
    new_password = "brand-new-password-77"
    _, r = browser.submit(link, form, {"password": new_password, "password_confirmation": "different"})
    t.status(r, 422, "confirmation must match")
    _, r = browser.submit(link, form, {"password": new_password, "password_confirmation": new_password})
    t.check(r.status == 200 and "Password changed" in r.text, "password changed", r.describe())
    _, r = browser.submit(link, form, {"password": "another-password-88", "password_confirmation": "another-password-88"})
    t.status(r, 404, "the reset link works once")
    app = create_app(server)
    old = server.http("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": "dora@herd.test", "password": DEFAULT_PASSWORD, "scope": "read"})
    t.status(old, 400, "the old password no longer works")
    token = password_token(server, "dora@herd.test", new_password)
    t.eq(server.api("GET", "/api/v1/accounts/verify_credentials", token=token)["username"], "dora", "signed in with the new password")
    _, r = web_sign_in(server, "dora", new_password)
    t.status(r, 303, "web sign-in with the new password")
    changed = sink.wait_for(lambda m: "dora@herd.test" in m.rcpt_tos and "password was changed" in m.subject)
    t.check(changed, "a 'password changed' notice", [m.subject for m in sink.to("dora@herd.test")])
    dora = S["dora"]
    dora.password = new_password


@suite.case
def settings_change_password_and_email(t):
    server, sink = S["server"], S["sink"]
    user = register_confirmed(server, "emil")
    browser, r = web_sign_in(server, "emil", DEFAULT_PASSWORD)
    t.require(r.status == 303, "signed in", r.describe())
    page = browser.request("GET", "/auth/edit")
    _, r = browser.submit(server.url + "/auth/edit", form_with(page, "/auth/edit/password"),
                          {"current_password": "wrong-password-1", "password": "emil-second-pass",
                           "password_confirmation": "emil-second-pass"})
    t.check(r.status == 422 and "Current password is invalid" in r.text, "the current password is required")
    _, r = browser.submit(server.url + "/auth/edit", form_with(page, "/auth/edit/password"),
                          {"current_password": DEFAULT_PASSWORD, "password": "emil-second-pass",
                           "password_confirmation": "emil-second-pass"})
    t.check(r.status == 200 and "Your password was changed" in r.text, "password changed", r.describe())
    password_token(server, "emil@herd.test", "emil-second-pass")
    t.check(sink.wait_for(lambda m: "emil@herd.test" in m.rcpt_tos and "password was changed" in m.subject),
            "notice of the password change")
    page = browser.request("GET", "/auth/edit")
    _, r = browser.submit(server.url + "/auth/edit", form_with(page, "/auth/edit/email"),
                          {"current_password": "emil-second-pass", "email": "emil.new@herd.test"})
    t.check(r.status == 200 and "emil.new@herd.test" in r.text, "a confirmation link goes to the new address")
    mails = sink.wait_for(lambda m: "emil.new@herd.test" in m.rcpt_tos)
    t.require(mails, "confirmation to the new address")
    t.eq(mails[0].subject, "Mailtest: Confirm your new email address", "subject")
    password_token(server, "emil@herd.test", "emil-second-pass")  # unchanged until confirmed
    link = link_with(mails[0], server, "confirmation_token=")
    t.status(Browser(server).request("GET", link), 303, "the link confirms")
    token = password_token(server, "emil.new@herd.test", "emil-second-pass")
    t.eq(server.api("GET", "/api/v1/accounts/verify_credentials", token=token)["username"], "emil", "new address signs in")
    t.check(sink.wait_for(lambda m: "emil@herd.test" in m.rcpt_tos and "email address was changed" in m.subject),
            "the old address is told")
    S["emil"] = user


@suite.case
def new_browser_sign_in_is_reported(t):
    server, sink = S["server"], S["sink"]
    register_confirmed(server, "fritz")
    first, r = web_sign_in(server, "fritz", DEFAULT_PASSWORD)
    t.require(r.status == 303, "first sign-in")
    same = Browser(server)  # the same browser later: only its long-lived cookie is left
    same.cookies["_herd_browser"] = first.cookies["_herd_browser"]
    _, r = web_sign_in(server, "fritz", DEFAULT_PASSWORD, browser=same)
    t.require(r.status == 303, "second sign-in from the same browser")
    elsewhere, r = web_sign_in(server, "fritz", DEFAULT_PASSWORD)
    t.require(r.status == 303, "sign-in from another browser")
    mails = sink.wait_for(lambda m: "fritz@herd.test" in m.rcpt_tos and "New sign-in" in m.subject)
    t.eq(len(mails), 1, "one notice, for the browser never seen before")
    if mails:
        t.check("herd-integration-tests" in mails[0].text, "the notice names the browser", mails[0].text)


def totp(secret, at=None):
    """RFC 6238 (SHA-1, 30 s, 6 digits) for a base32 secret."""
    import base64, hashlib, hmac, struct, time
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7fffffff) % 1000000)


@suite.case
def two_factor_sign_in_from_a_new_browser_is_reported(t):
    server, sink = S["server"], S["sink"]
    register_confirmed(server, "fiona")
    first, r = web_sign_in(server, "fiona", DEFAULT_PASSWORD)
    t.require(r.status == 303, "first sign-in")
    page = first.request("GET", "/settings/two_factor")
    first.submit(server.url + "/settings/two_factor", form_with(page, "/two_factor/setup"),
                 {"password": DEFAULT_PASSWORD})
    page = first.request("GET", "/settings/two_factor")
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page.text)
    t.require(secret, "the setup page shows the secret")
    _, codes = first.submit(server.url + "/settings/two_factor", form_with(page, "/two_factor/confirm"),
                            {"code": totp(secret.group(1))})
    recovery = re.findall(r"<li><code>([^<]+)</code></li>", codes.text)
    t.require(recovery, "two-factor is on (recovery codes shown)", codes.text[-500:])
    elsewhere, r = web_sign_in(server, "fiona", DEFAULT_PASSWORD)
    page = elsewhere.request("GET", r.header("Location")) if r.status in (302, 303) else r
    form = form_with(page, "/auth/sign_in/two_factor")
    t.require(form, "the password is followed by the code form")
    _, r = elsewhere.submit(server.url + "/auth/sign_in/two_factor", form, {"code": recovery[0]})
    t.eq(r.status, 303, "signed in with a recovery code")
    mails = sink.wait_for(lambda m: "fiona@herd.test" in m.rcpt_tos and "New sign-in" in m.subject)
    t.eq(len(mails), 1, "a two-factor sign-in from a new browser is reported too")


@suite.case
def notification_emails_and_one_click_unsubscribe(t):
    server, sink = S["server"], S["sink"]
    gina = register_confirmed(server, "gina")
    hugo = register_confirmed(server, "hugo")
    server.api("POST", f"/api/v1/accounts/{gina.id}/follow", token=hugo.token)
    follow = sink.wait_for(lambda m: "gina@herd.test" in m.rcpt_tos and "following you" in m.subject)
    t.require(follow, "a follow email", [m.subject for m in sink.received()[-5:]])
    m = follow[0]
    t.eq(m.subject, "@hugo is now following you", "follow subject")
    unsubscribe = (m.header("List-Unsubscribe") or "").strip("<>")
    t.check(unsubscribe.startswith(server.url + "/unsubscribe?"), "List-Unsubscribe is absolute", unsubscribe)
    t.eq(m.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click", "RFC 8058 header")
    server.api("POST", "/api/v1/statuses", token=hugo.token, form={"status": "hello @gina, lunch?"})
    # private mentions from people one does not follow are filtered (Mastodon's policy): follow back
    server.api("POST", f"/api/v1/accounts/{hugo.id}/follow", token=gina.token)
    server.api("POST", "/api/v1/statuses", token=hugo.token, form={"status": "@gina psst", "visibility": "direct"})
    mention = sink.wait_for(lambda m: "gina@herd.test" in m.rcpt_tos and "mentioned by" in m.subject)
    direct = sink.wait_for(lambda m: "gina@herd.test" in m.rcpt_tos and "private mention" in m.subject)
    t.check(mention and "lunch?" in mention[0].text, "mention email quotes the post")
    t.check(direct and "psst" in direct[0].text, "direct message email")
    # one click (what a mail client POSTs), then a new follower sends nothing while a mention does
    r = server.http("POST", unsubscribe, body="List-Unsubscribe=One-Click",
                    content_type="application/x-www-form-urlencoded")
    t.status(r, 200, "one-click unsubscribe")
    forged = unsubscribe.replace("type=follow", "type=mention")
    t.status(server.http("POST", forged), 404, "a token for another kind is refused")
    ivan = register_confirmed(server, "ivan")
    server.api("POST", f"/api/v1/accounts/{gina.id}/follow", token=ivan.token)
    server.api("POST", "/api/v1/statuses", token=ivan.token, form={"status": "@gina welcome"})
    sink.wait_for(lambda m: "gina@herd.test" in m.rcpt_tos and "mentioned by @ivan" in m.subject)
    follows = [m for m in sink.to("gina@herd.test") if "following you" in m.subject]
    t.eq(len(follows), 1, "no follow email after unsubscribing")
    # the settings page shows it off, and turns it back on
    browser, _ = web_sign_in(server, "gina", DEFAULT_PASSWORD)
    page = browser.request("GET", "/auth/edit/notifications")
    form = form_with(page, "/auth/edit/notifications")
    follow_box = [i for i in form["inputs"] if i["name"] == "follow"]
    t.check(follow_box and not follow_box[0]["checked"], "the follow box is unchecked")
    t.check(not [i for i in form["inputs"] if i["name"] == "report"], "no staff preferences for users")


@suite.case
def moderation_warning_and_staff_mail(t):
    server, sink = S["server"], S["sink"]
    admin_token = password_token(server, ADMIN_EMAIL, server.admin_password, scope="read write admin:read admin:write")
    jane = register_confirmed(server, "jane")
    server.api("POST", f"/api/v1/admin/accounts/{jane.id}/action", token=admin_token, form={"type": "silence"})
    mails = sink.wait_for(lambda m: "jane@herd.test" in m.rcpt_tos and "took action" in m.subject)
    t.check(mails and "limited" in mails[0].text, "the user is told what the moderators did")
    # Mastodon's send_email_notification=false: the action is taken, no mail; mail goes out in
    # order, so once the next (default) warning arrived the silent one would have been before it.
    server.api("POST", f"/api/v1/admin/accounts/{jane.id}/action", token=admin_token,
               form={"type": "sensitive", "send_email_notification": "false"})
    server.api("POST", f"/api/v1/admin/accounts/{jane.id}/action", token=admin_token, form={"type": "none"})
    mails = sink.wait_for(lambda m: "jane@herd.test" in m.rcpt_tos and "took action" in m.subject, count=2)
    t.check(any("warning about your conduct" in m.text for m in mails), "the default warning is mailed")
    t.check(not any("sensitive" in m.text for m in mails), "send_email_notification=false sends no mail",
            [m.text[:200] for m in mails])
    kurt = register_confirmed(server, "kurt")
    server.api("POST", "/api/v1/reports", token=kurt.token, form={"account_id": jane.id, "comment": "spam"})
    reports = sink.wait_for(lambda m: ADMIN_EMAIL in m.rcpt_tos and "New report" in m.subject)
    t.check(reports, "staff get a report email", [m.subject for m in sink.to(ADMIN_EMAIL)])


@suite.case
def archive_export_by_job_with_a_mail_and_a_download_link(t):
    import io
    import json
    import zipfile
    from harness import png, processed_media
    server, sink = S["server"], S["sink"]
    olga = register_confirmed(server, "olga")
    pia = register_confirmed(server, "pia")
    image = png(8, 6, seed=3)
    boundary = "herdtest0archive"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            f'Content-Type: image/png\r\n\r\n').encode() + image + f"\r\n--{boundary}--\r\n".encode()
    media = server.api("POST", "/api/v2/media", token=olga.token, body=body,
                       content_type=f"multipart/form-data; boundary={boundary}", expect=(200, 202))
    mine = server.api("POST", "/api/v1/statuses", token=olga.token,
                      form={"status": "my archived words", "media_ids[]": media["id"]})
    private = server.api("POST", "/api/v1/statuses", token=olga.token,
                         form={"status": "followers only words", "visibility": "private"})
    theirs = server.api("POST", "/api/v1/statuses", token=pia.token, form={"status": "liked and kept"})
    server.api("POST", f"/api/v1/statuses/{theirs['id']}/favourite", token=olga.token)
    server.api("POST", f"/api/v1/statuses/{theirs['id']}/bookmark", token=olga.token)

    browser, _ = web_sign_in(server, "olga", DEFAULT_PASSWORD)
    page = browser.request("GET", "/settings/export")
    form = form_with(page, "/settings/export/archive")
    t.require(form, "the export page offers the archive")
    _, r = browser.submit(server.url + "/settings/export", form)
    t.check(r.status in (200, 303), "the archive is requested", r.describe())
    mails = sink.wait_for(lambda m: "olga@herd.test" in m.rcpt_tos and "archive" in m.subject.lower(),
                          timeout=60)
    t.require(mails, "a mail says the archive is ready")
    link = link_with(mails[0], server, "/download")
    t.check(link.startswith(server.url + "/settings/archives/"), "with an absolute download link", link)
    t.status(Browser(server).request("GET", link), 303, "signed out: sent to sign in")
    other, _ = web_sign_in(server, "pia", DEFAULT_PASSWORD)
    t.status(other.request("GET", link), 404, "someone else cannot download it")
    r = browser.request("GET", link)
    t.status(r, 200, "the owner downloads it")
    t.eq(r.content_type, "application/zip", "a zip file")
    archive = zipfile.ZipFile(io.BytesIO(r.body))
    names = archive.namelist()
    for name in ("actor.json", "outbox.json", "likes.json", "bookmarks.json"):
        t.check(name in names, f"it holds {name}", names)
    actor = json.loads(archive.read("actor.json"))
    t.eq((actor.get("type"), actor.get("preferredUsername")), ("Person", "olga"), "actor.json is olga")
    outbox = json.loads(archive.read("outbox.json"))
    notes = [a["object"] for a in outbox.get("orderedItems", []) if a.get("type") == "Create"]
    t.eq(outbox.get("totalItems"), 2, "outbox.json holds both posts (the private one too)")
    t.check(any("my archived words" in n.get("content", "") for n in notes), "with their content")
    t.check(any(n.get("id") == private["uri"] for n in notes), "the followers-only post is there")
    t.eq(json.loads(archive.read("likes.json")).get("orderedItems"), [theirs["uri"]], "likes.json")
    t.eq(json.loads(archive.read("bookmarks.json")).get("orderedItems"), [theirs["uri"]], "bookmarks.json")
    files = [n for n in names if n.startswith("media_attachments/files/") and "original" in n]
    t.eq(len(files), 1, "the media file is in the archive")
    if files:
        # The stored original is the upload re-encoded without its metadata (media processing):
        # the archive holds the file the instance serves, byte for byte.
        served = processed_media(server, olga.token, media)["url"]
        stored = server.http("GET", "/" + served.split("//", 1)[1].split("/", 1)[1]).body
        t.eq(archive.read(files[0]), stored, "byte for byte the file the instance serves")
        attachment = [n for n in notes if n.get("attachment")]
        t.check(attachment and attachment[0]["attachment"][0]["url"].endswith(files[0]),
                "at the path of its URL", attachment[:1])
    page = browser.request("GET", "/settings/export")
    again = form_with(page, "/settings/export/archive")
    _, r = browser.submit(server.url + "/settings/export", again)
    t.status(r, 422, "a second archive within 6 days is refused")
    t.check("6 days" in r.text, "and says when", r.text[-300:])


@suite.case
def refused_recipient_is_recorded_for_the_admin(t):
    server = S["server"]
    register_unconfirmed(server, "bounce", "bounce@herd.test")
    def recorded():
        rc, out, _ = herd_admin(server, "mail", "status")
        # "1 undeliverable" and " 550 " rather than "550" alone: a queued message's id can contain
        # the digits 550 (117741467855094017 did, and the check passed before the delivery ran).
        return out if "bounce@herd.test" in out and "1 undeliverable" in out and re.search(r"\b550\b", out) else None
    out = eventually(recorded, timeout=30, interval=1)
    t.check(out and "1 undeliverable" in out, "herd admin mail status lists the 550", out)
    t.check("ERROR" in server.stderr_text() and "bounce@herd.test" in server.stderr_text(),
            "the failure is logged as an error")


@suite.case
def outage_with_two_processes_delivers_every_message_once(t):
    server, sink = S["server"], S["sink"]
    second = suite.server(name="herd-b", env=smtp_env(sink.port, DATABASE_URL=server.database_url
                                                      or "sqlite://" + server.data_dir + "/herd.sqlite3",
                                                      HERD_DATA_DIR=server.data_dir), start=False)
    second.start()
    tokens = [register_unconfirmed(server, f"out{i}", f"out{i}@herd.test") for i in range(2)]
    sink.wait_for(lambda m: m.rcpt_tos[0].startswith("out"), count=2)
    sink.outage()
    before = len(sink.received())
    for round_ in range(5):
        for i, token in enumerate(tokens):
            target = server if (round_ + i) % 2 == 0 else second
            target.api("POST", "/api/v1/emails/confirmations", token=token)
    last = {}
    def retried():
        rc, out, _ = herd_admin(server, "mail", "status")
        last["status"] = out
        return out if "10 queued" in out and "attempts 1" in out else None
    t.check(eventually(retried, timeout=30, interval=1), "messages wait in the queue with their error",
            last.get("status"))
    sink.start()
    got = sink.wait_for(lambda m: m.rcpt_tos[0].startswith("out"), count=12, timeout=90)
    logs = "\n".join(line for process in (server, second) for line in process.stderr_text().splitlines()
                     if " mail " in line or "mail job" in line)
    t.check(len(got) == 12, f"every message arrived after the outage: got {len(got)} of 12", logs[-4000:])
    eventually(lambda: "0 queued" in herd_admin(server, "mail", "status")[1], timeout=30, interval=1)
    ids = [m.header("Message-ID") for m in sink.received()[before:]]
    t.eq(len(ids), len(set(ids)), "no message arrived twice")
    t.eq(len([m for m in sink.received() if m.rcpt_tos[0].startswith("out")]), 12, "exactly once")
    second.stop()


@suite.case
def starttls_with_authentication(t):
    folder = tempfile.mkdtemp(prefix="herd-smtp-tls-")
    cert, key = throwaway_certificate(folder)
    sink = SmtpSink(free_port(), tls=(cert, key), auth=(LOGIN, SECRET)).start()
    try:
        server = suite.server(name="herd-tls", env=smtp_env(sink.port, "starttls", SMTP_CA_FILE=cert))
        rc, out, _ = herd_admin(server, "mail", "test", "tls@herd.test")
        t.eq(rc, 0, "mail test over STARTTLS")
        t.check("STARTTLS" in out, "the conversation shows STARTTLS", out)
        token = register_unconfirmed(server, "lena", "lena@herd.test")
        mails = sink.wait_for(lambda m: "lena@herd.test" in m.rcpt_tos)
        t.require(mails, "confirmation over STARTTLS")
        t.check(mails[0].tls and mails[0].authenticated, "sent encrypted and authenticated")
        link = link_with(mails[0], server, "confirmation_token=")
        t.status(Browser(server).request("GET", link), 303, "confirmed")
        t.status(server.http("GET", "/api/v1/accounts/verify_credentials", token=token), 200, "signed in")
        wrong = run_herd_once(server.herd, server.environment({"SMTP_CA_FILE": ""}),
                              ("admin", "mail", "test", "tls@herd.test"), timeout=90)
        t.check(wrong[0] == 1 and "temporary" in wrong[1], "an untrusted certificate is refused", wrong[1])
        server.stop()
    finally:
        sink.stop()


@suite.case
def without_smtp_messages_are_logged_and_confirmation_skipped(t):
    server = suite.server(name="herd-nomail")
    user = register(server, "mona", "mona@herd.test")  # verify_credentials works at once
    t.eq(user.username, "mona", "signed up without confirmation")
    browser = Browser(server)
    page = browser.request("GET", "/auth/password/new")
    browser.submit(server.url + "/auth/password/new", form_with(page, "/auth/password"), {"email": "mona@herd.test"})
    logged = eventually(lambda: "mail not sent (no SMTP_SERVER): to mona@herd.test" in server.stderr_text(), timeout=10)
    t.check(logged, "the message is logged", server.stderr_text()[-2000:])
    server.stop()


if __name__ == "__main__":
    try:
        main(suite)
    finally:
        if "sink" in S:
            S["sink"].stop()
