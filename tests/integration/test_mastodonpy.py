#!/usr/bin/python3
"""Mastodon.py (Debian python3-mastodon 1.8.0) against a real `herd serve`.

Password login, authorization code (+ PKCE S256) through the server-rendered pages,
posting, replies, visibility, Link-header pagination through 150 statuses, every field of
the client entities, and notifications. Run: test_mastodonpy.py --herd build/herd --backend sqlite
"""
import os
import re
import secrets
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import (MastodonAPIError, MastodonIllegalArgumentError,  # noqa: E402
                      MastodonNotFoundError)

import entities as E  # noqa: E402
from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, Suite, create_app, http, password_token,  # noqa: E402
                     mastodon_py, parse_args, parse_link_header, pkce_pair, register, main)
from oauth_browser import authorize_in_browser  # noqa: E402

SCOPES = ["read", "write", "follow", "push"]
OOB = "urn:ietf:wg:oauth:2.0:oob"

suite = Suite("Mastodon.py client", parse_args(__doc__))
S = suite.state


def sid(x):
    """Mastodon.py turns ID strings into ints; compare IDs as strings."""
    return str(x)


def ids(items):
    return [sid(i["id"]) for i in items]


@suite.setup
def start_server_and_register_users(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol"):
        S[name] = register(server, name)
    # One more account registered through Mastodon.py's own create_account().
    client_id, client_secret = mastodon_py_app(server, "herd-mastodonpy-register")
    m = mastodon_py(server, client_id=client_id, client_secret=client_secret)
    token = m.create_account("dave", "dave-password-123456", "dave@herd.test", agreement=True, scopes=SCOPES)
    t.require(isinstance(token, str) and token, "create_account returns an access token", token)
    dave = mastodon_py(server, token).account_verify_credentials()
    t.eq(dave["username"], "dave", "account registered through Mastodon.py create_account")
    S["dave_token"] = token
    S["dave_id"] = sid(dave["id"])


def mastodon_py_app(server, name, redirect_uris=None, scopes=SCOPES):
    from mastodon import Mastodon
    return Mastodon.create_app(name, scopes=scopes, redirect_uris=redirect_uris, api_base_url=server.url,
                               website="https://example.org/herd-tests")


def client(user_or_token=None):
    token = getattr(user_or_token, "token", user_or_token)
    return mastodon_py(S["server"], token)


@suite.case
def password_login(t):
    server, alice = S["server"], S["alice"]
    client_id, client_secret = mastodon_py_app(server, "herd-mastodonpy")
    m = mastodon_py(server, client_id=client_id, client_secret=client_secret)
    t.eq((m.mastodon_major, m.mastodon_minor, m.mastodon_patch), (4, 5, 0),
         "Mastodon.py reads the server version from /api/v1/instance")
    token = m.log_in(alice.email, alice.password, scopes=SCOPES)
    t.require(isinstance(token, str) and len(token) >= 20, "log_in returns a token", token)
    me = m.account_verify_credentials()
    t.eq(me["username"], "alice", "verify_credentials with the password-grant token")
    app = m.app_verify_credentials()
    t.eq(app["name"], "herd-mastodonpy", "app_verify_credentials names the app that logged in")

    # Wrong password: refused, and Mastodon.py reports it as bad credentials.
    m2 = mastodon_py(server, client_id=client_id, client_secret=client_secret)
    try:
        m2.log_in(alice.email, "not-the-password", scopes=SCOPES)
        t.check(False, "log_in with a wrong password must fail")
    except MastodonIllegalArgumentError:
        pass
    r = server.http("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": client_id, "client_secret": client_secret,
        "username": alice.email, "password": "not-the-password", "scope": "read"})
    t.json_error(r, (400, 401), "password grant with a wrong password")

    # The admin created at first start can log in with HERD_ADMIN_EMAIL.
    ma = mastodon_py(server, client_id=client_id, client_secret=client_secret)
    ma.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, scopes=["read"])
    t.eq(ma.account_verify_credentials()["username"], "admin", "admin logs in with HERD_ADMIN_EMAIL")

    # Revoke: the token stops working.
    m.revoke_access_token()
    r = server.http("GET", "/api/v1/accounts/verify_credentials", token=token)
    t.json_error(r, 401, "a revoked token is refused")


def token_exchange(server, app_id, app_secret, code, redirect_uri, verifier=None, basic=False):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    headers = None
    if basic:
        import base64
        cred = base64.b64encode(f"{app_id}:{app_secret}".encode()).decode()
        headers = {"Authorization": f"Basic {cred}"}
    else:
        form.update({"client_id": app_id, "client_secret": app_secret})
    if verifier is not None:
        form["code_verifier"] = verifier
    return server.http("POST", "/oauth/token", form=form, headers=headers)


@suite.case
def authorization_code_with_pkce(t):
    server, alice = S["server"], S["alice"]
    client_id, client_secret = mastodon_py_app(server, "herd-pkce", redirect_uris=OOB)
    m = mastodon_py(server, client_id=client_id, client_secret=client_secret)

    meta = server.http("GET", "/.well-known/oauth-authorization-server")
    if t.status(meta, 200, "GET /.well-known/oauth-authorization-server"):
        doc = meta.json()
        t.check("S256" in (doc.get("code_challenge_methods_supported") or []),
                "authorization server metadata lists PKCE S256", doc)
        t.check(str(doc.get("authorization_endpoint", "")).endswith("/oauth/authorize"),
                "metadata names /oauth/authorize", doc.get("authorization_endpoint"))

    verifier, challenge = pkce_pair()
    state = secrets.token_hex(8)
    url = m.auth_request_url(redirect_uris=OOB, scopes=["read", "write"], state=state)
    url += "&" + urllib.parse.urlencode({"code_challenge": challenge, "code_challenge_method": "S256"})
    res = authorize_in_browser(server, url, alice.email, alice.password, OOB, probe_csrf=True)
    t.require(res.code, f"an authorization code from the sign-in and consent pages ({res.error})",
              " | ".join(res.steps))
    t.check(res.login_form_seen, "/oauth/authorize shows a sign-in form to a browser without a session")
    t.check(res.consent_form_seen, "/oauth/authorize shows a consent (authorize) form")
    t.check(res.csrf_field, "the consent form carries a CSRF token field")
    t.check(res.csrf_rejected, "approving with a forged CSRF token gives no code", " | ".join(res.steps))

    r = token_exchange(server, client_id, client_secret, res.code, OOB, verifier=verifier)
    t.require(r.status == 200, "POST /oauth/token authorization_code + code_verifier", r.describe())
    tok = r.json()
    t.entity(tok, E.TOKEN, "Token")
    t.eq(set(str(tok.get("scope", "")).split()), {"read", "write"}, "token scope echoes the approved scopes")
    t.check(abs(int(tok.get("created_at") or 0) - time.time()) < 600, "Token.created_at is the unix time now",
            tok.get("created_at"))
    me = client(tok["access_token"]).account_verify_credentials()
    t.eq(me["username"], "alice", "the PKCE token belongs to the user who signed in")
    # OpenID Connect's UserInfo (Mastodon 4.4), found through the metadata.
    endpoint = meta.json().get("userinfo_endpoint", "")
    t.check(endpoint.endswith("/oauth/userinfo"), "metadata names /oauth/userinfo", endpoint)
    info = server.api("GET", "/oauth/userinfo", token=tok["access_token"])
    t.eq((info.get("preferred_username"), info.get("sub"), info.get("profile")),
         ("alice", me["uri"], me["url"]),
         f"userinfo names alice: username, actor URI and profile page ({info})")
    t.eq((info.get("picture"), info.get("iss")), (me["avatar"], server.url + "/"),
         f"userinfo's picture is her avatar, its issuer this server ({info})")
    narrow = password_token(server, alice.email, alice.password, scope="profile")
    t.eq(server.api("POST", "/oauth/userinfo", token=narrow).get("preferred_username"), "alice",
         "a token with only the profile scope reads userinfo (POST too)")
    t.eq(server.http("GET", "/api/v1/timelines/home", token=narrow).status, 403,
         "and nothing else: the home timeline is outside its scope")
    t.eq(server.http("GET", "/oauth/userinfo").status, 401, "userinfo without a token is 401")
    r = token_exchange(server, client_id, client_secret, res.code, OOB, verifier=verifier)
    t.json_error(r, (400, 401), "an authorization code can be used only once")

    # A second authorization: without the verifier, or with a wrong one, its code is refused.
    verifier, challenge = pkce_pair()
    url = m.auth_request_url(redirect_uris=OOB, scopes=["read"]) + "&" + urllib.parse.urlencode(
        {"code_challenge": challenge, "code_challenge_method": "S256"})
    res = authorize_in_browser(server, url, alice.email, alice.password, OOB)
    t.require(res.code, f"second authorization code ({res.error})", " | ".join(res.steps))
    r = token_exchange(server, client_id, client_secret, res.code, OOB)
    t.json_error(r, (400, 401), "code issued with a PKCE challenge, exchanged without code_verifier")
    r = token_exchange(server, client_id, client_secret, res.code, OOB, verifier=pkce_pair()[0])
    t.json_error(r, (400, 401), "code exchanged with a wrong code_verifier")


@suite.case
def authorization_code_redirect_and_mastodonpy_log_in(t):
    server, bob = S["server"], S["bob"]
    redirect = "http://127.0.0.1:9/herd-test-callback"
    client_id, client_secret = mastodon_py_app(server, "herd-redirect", redirect_uris=[redirect, OOB])
    m = mastodon_py(server, client_id=client_id, client_secret=client_secret)
    state = "st-" + secrets.token_hex(6)
    url = m.auth_request_url(redirect_uris=redirect, scopes=["read", "write", "follow"], state=state)
    # toot 0.34 uses the trailing-slash form /oauth/authorize/?...
    r = server.http("GET", url.replace("/oauth/authorize?", "/oauth/authorize/?"),
                    headers={"Accept": "text/html"})
    t.check(r.status in (200, 302, 303), "GET /oauth/authorize/ (trailing slash) works", r.describe())
    res = authorize_in_browser(server, url, bob.email, bob.password, redirect)
    t.require(res.code, f"code from the redirect ({res.error})", " | ".join(res.steps))
    t.check(res.redirect and res.redirect.startswith(redirect + "?"), "redirected to the app's redirect_uri",
            res.redirect)
    t.eq(res.params.get("state"), state, "the redirect carries the state parameter back")
    token = m.log_in(code=res.code, redirect_uri=redirect, scopes=["read", "write", "follow"])
    t.eq(m.account_verify_credentials()["username"], "bob", "Mastodon.py log_in(code=...) gives bob's token")

    # A redirect_uri the app did not register is refused (no code is handed out).
    bad = m.auth_request_url(redirect_uris="http://evil.example/cb", scopes=["read"])
    r = server.http("GET", bad, headers={"Accept": "text/html"})
    loc = r.header("Location") or ""
    t.check(not loc.startswith("http://evil.example"), "no redirect to an unregistered redirect_uri",
            r.describe())
    t.check(r.status >= 400, "unregistered redirect_uri: an error page", r.describe())

    # Client authentication with HTTP Basic works as well as in the body.
    import base64
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    r = server.http("POST", "/oauth/token", form={"grant_type": "client_credentials", "scope": "read"},
                    headers={"Authorization": f"Basic {basic}"})
    if t.status(r, 200, "client_credentials with HTTP Basic client authentication"):
        t.entity(r.json(), E.TOKEN, "Token(client_credentials)")
    del token


@suite.case
def post_reply_context_delete(t):
    alice, bob = S["alice"], S["bob"]
    ma, mb = client(alice), client(bob)
    st = ma.status_post("Hello @bob, welcome to #HerdTest <script>alert(1)</script> & see https://example.org/x",
                        spoiler_text="cw here", sensitive=True, language="en", visibility="public")
    html = st["content"]
    t.check("<script" not in html.lower(), "status HTML escapes markup from the text", html)
    t.check("&lt;script&gt;" in html, "the escaped text is still shown", html)
    t.check(re.search(r'<a [^>]*href="http://[^"]+/@bob"[^>]*class="[^"]*mention', html)
            or re.search(r'<a [^>]*class="[^"]*mention[^"]*"[^>]*href="http://[^"]+/@bob"', html),
            "@bob is rendered as a mention link to bob's profile", html)
    t.check(re.search(r'<a [^>]*(href="[^"]*/tags/herdtest"[^>]*class="[^"]*hashtag|'
                      r'class="[^"]*hashtag[^"]*"[^>]*href="[^"]*/tags/herdtest")', html, re.I),
            "#HerdTest is rendered as a hashtag link", html)
    t.check('href="https://example.org/x"' in html, "URLs are linkified", html)
    t.eq([sid(m["id"]) for m in st["mentions"]], [bob.id], "Status.mentions lists bob")
    t.eq([tg["name"].lower() for tg in st["tags"]], ["herdtest"], "Status.tags lists the hashtag")
    t.eq(st["spoiler_text"], "cw here", "spoiler_text kept")
    t.eq(st["sensitive"], True, "sensitive kept")
    t.eq(st["language"], "en", "language kept")
    t.eq(st["visibility"], "public", "visibility kept")

    reply = mb.status_reply(st, "Thanks alice!")
    t.eq(sid(reply["in_reply_to_id"]), sid(st["id"]), "reply.in_reply_to_id")
    t.eq(sid(reply["in_reply_to_account_id"]), alice.id, "reply.in_reply_to_account_id")
    t.eq([sid(m["id"]) for m in reply["mentions"]], [alice.id], "status_reply mentions the author")
    ctx = ma.status_context(st["id"])
    t.eq(ids(ctx["descendants"]), [sid(reply["id"])], "context(original).descendants is the reply")
    t.eq(ids(ctx["ancestors"]), [], "context(original).ancestors is empty")
    ctx = mb.status_context(reply["id"])
    t.eq(ids(ctx["ancestors"]), [sid(st["id"])], "context(reply).ancestors is the original")
    t.eq(ma.status(st["id"])["replies_count"], 1, "replies_count counts the reply")

    # Delete returns the source text (delete & redraft); afterwards the status is gone.
    gone = ma.status_post("to be deleted, with #tag")
    deleted = ma.status_delete(gone["id"])
    t.eq(deleted.get("text"), "to be deleted, with #tag", "DELETE returns the status with its source text")
    try:
        ma.status(gone["id"])
        t.check(False, "a deleted status answers 404")
    except MastodonNotFoundError:
        pass
    try:
        mb.status_delete(st["id"])
        t.check(False, "bob cannot delete alice's status")
    except MastodonAPIError as e:
        t.check(e.args[1] in (403, 404), "deleting someone else's status: 403/404", e.args)
    t.check(ma.status(st["id"])["id"], "alice's status survives bob's delete attempt")
    S["alice_public"] = sid(st["id"])


def visible(m, status_id):
    """True if the viewer can GET the status; False on 404 (Mastodon hides, never 403s)."""
    try:
        m.status(status_id)
        return True
    except MastodonNotFoundError:
        return False
    except MastodonAPIError as e:
        suite.check(False, f"GET /api/v1/statuses/{status_id} of a hidden status should be 404", e.args)
        return False


@suite.case
def visibility_rules(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    ma, mb, mc = client(alice), client(bob), client(carol)
    rel = mb.account_follow(alice.id)
    t.check(rel["following"] is True, "bob follows alice", rel)

    private = ma.status_post("followers only", visibility="private")
    direct = ma.status_post("psst @carol", visibility="direct")
    unlisted = ma.status_post("quiet public", visibility="unlisted")
    public = ma.status_post("loud public", visibility="public")
    pid, did, uid, pub = (sid(s["id"]) for s in (private, direct, unlisted, public))

    t.check(visible(mb, pid), "private status: visible to a follower")
    t.check(not visible(mc, pid), "private status: 404 for a non-follower")
    r = server.http("GET", f"/api/v1/statuses/{pid}")
    t.json_error(r, 404, "private status: 404 without a token")
    t.check(visible(mc, did), "direct status: visible to the mentioned account")
    t.check(not visible(mb, did), "direct status: 404 for a follower who is not mentioned")
    t.check(visible(mc, uid) and visible(mb, uid), "unlisted status: visible to anyone with the link")

    home_b = ids(mb.timeline_home(limit=40))
    t.check(pid in home_b, "private status in the follower's home timeline", home_b)
    t.check(did not in home_b, "direct status not in a non-mentioned follower's home", home_b)
    t.check(pub in home_b and uid in home_b, "public and unlisted statuses in the follower's home")

    public_tl = ids(mc.timeline_public(local=True, limit=40))
    t.check(pub in public_tl, "public status on the local public timeline", public_tl)
    t.check(uid not in public_tl, "unlisted status never on the public timeline", public_tl)
    t.check(pid not in public_tl and did not in public_tl, "private/direct never on the public timeline")
    anon = server.api("GET", "/api/v1/timelines/public", query={"local": "true", "limit": 40})
    t.check(pub in ids(anon) and pid not in ids(anon), "anonymous public timeline: only public statuses")

    seen_by_carol = ids(mc.account_statuses(alice.id, limit=40))
    t.check(pid not in seen_by_carol, "a non-follower does not see private statuses in the account's list")
    t.check(pub in seen_by_carol, "a non-follower sees public statuses in the account's list")
    seen_by_bob = ids(mb.account_statuses(alice.id, limit=40))
    t.check(pid in seen_by_bob, "a follower sees private statuses in the account's list", seen_by_bob)
    t.check(did not in seen_by_bob, "direct statuses are not in a non-mentioned account's list")

    # No reblogs of private or direct statuses, not even by a follower or the mentioned account.
    for who, m, status_id in (("follower", mb, pid), ("mentioned account", mc, did)):
        try:
            m.status_reblog(status_id)
            t.check(False, f"reblog of a {'private' if status_id == pid else 'direct'} status by the {who} "
                           "must be refused")
        except MastodonAPIError as e:
            t.check(e.args[1] in (403, 404, 422), f"reblog refused with 403/404/422 ({who})", e.args)
    t.eq(ma.status(pid)["reblogs_count"], 0, "the private status was not reblogged")
    t.eq(ma.status(did)["reblogs_count"], 0, "the direct status was not reblogged")
    # Favourites of statuses one cannot see are refused as not found.
    try:
        mc.status_favourite(pid)
        t.check(False, "a non-follower cannot favourite a private status")
    except MastodonAPIError as e:
        t.eq(e.args[1], 404, "favourite of a private status by a non-follower: 404")
    t.eq(ma.status(pid)["favourites_count"], 0, "no favourite was recorded")
    # An author who blocks the viewer: her public status leaves the viewer's public timeline, not
    # anyone else's, and comes back when she unblocks.
    ma.account_block(carol.id)
    t.check(pub not in ids(mc.timeline_public(local=True, limit=40)),
            "blocked by the author: her public status is not on the viewer's public timeline")
    t.check(pub in ids(mb.timeline_public(local=True, limit=40)), "other viewers still see it")
    ma.account_unblock(carol.id)
    t.check(pub in ids(mc.timeline_public(local=True, limit=40)), "unblocked: on the timeline again")
    S["visibility_ids"] = (pid, did, uid, pub)


@suite.case
def pagination_150_statuses_with_link_headers(t):
    server = S["server"]
    dave_token = S["dave_token"]
    md = client(dave_token)
    created = []
    for i in range(150):
        st = md.status_post(f"paginated status number {i}")
        created.append(sid(st["id"]))
    t.eq(len(set(created)), 150, "150 distinct status IDs")
    t.check(all(int(a) < int(b) for a, b in zip(created, created[1:])),
            "IDs grow with time (sortable snowflakes)", created[:5])

    # Mastodon.py: first page + fetch_next through the Link headers.
    got = []
    page = md.account_statuses(S["dave_id"], limit=20)
    pages = 0
    while page:
        pages += 1
        got.extend(ids(page))
        t.require(pages <= 20, "pagination terminates (no repeating next link)")
        page = md.fetch_next(page)
    t.eq(len(got), 150, "fetch_next walks exactly 150 statuses")
    t.eq(len(set(got)), len(got), "no status repeated across pages")
    t.eq(set(got), set(created), "no status missing across pages")
    t.eq(got, sorted(got, key=int, reverse=True), "pages are newest first")
    t.eq(pages, 8, "150 statuses at limit=20: 7 full pages + 1 partial (no extra empty page)")

    # The raw Link header: absolute URLs, next first, original parameters kept.
    r = server.http("GET", f"/api/v1/accounts/{S['dave_id']}/statuses",
                    query={"limit": 20, "exclude_replies": "true"}, token=dave_token)
    t.require(r.status == 200, "GET account statuses", r.describe())
    links = parse_link_header(r.header("Link"))
    t.check(links and links[0][1] == "next", "Link header lists rel=\"next\" first", r.header("Link"))
    t.check(re.match(r'<[^>]+>; rel="next"', r.header("Link") or ""),
            "Link header has exactly <url>; rel=\"next\" (toot's parser)", r.header("Link"))
    rels = dict((rel, u) for u, rel in links)
    nxt = rels.get("next", "")
    t.check(nxt.startswith(server.url + "/api/v1/accounts/"), "next link is an absolute URL", nxt)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)
    t.eq(q.get("max_id"), [r.json()[-1]["id"]], "next link: max_id = last ID of the page")
    t.eq(q.get("exclude_replies"), ["true"], "next link keeps exclude_replies")
    t.eq(q.get("limit"), ["20"], "next link keeps limit")
    prev = rels.get("prev", "")
    t.eq(urllib.parse.parse_qs(urllib.parse.urlsplit(prev).query).get("min_id"), [r.json()[0]["id"]],
         "prev link: min_id = first ID of the page")
    cors = server.http("GET", f"/api/v1/accounts/{S['dave_id']}/statuses", query={"limit": 2},
                       headers={"Origin": "https://client.example"})
    t.check(cors.header("Access-Control-Allow-Origin") in ("*", "https://client.example"),
            "CORS: Access-Control-Allow-Origin on API responses", cors.header_list)
    t.check("link" in (cors.header("Access-Control-Expose-Headers") or "").lower(),
            "CORS exposes the Link header (browser clients paginate with it)", cors.header_list)
    pre = server.http("OPTIONS", "/api/v1/statuses", headers={
        "Origin": "https://client.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,idempotency-key"})
    t.check(pre.status in (200, 204), "CORS preflight answered", pre.describe())
    allowed = (pre.header("Access-Control-Allow-Headers") or "").lower()
    t.check(all(h in allowed for h in ("authorization", "content-type", "idempotency-key")) or allowed == "*",
            "preflight allows Authorization, Content-Type, Idempotency-Key", pre.header_list)

    # Cursor semantics as Mastodon: max_id (older than), since_id (newest above), min_id (just above).
    newest_first = list(reversed(created))
    mid = created[74]
    older = ids(md.account_statuses(S["dave_id"], max_id=mid, limit=5))
    t.eq(older, list(reversed(created[69:74])), "max_id: the 5 statuses just older than the cursor")
    since = ids(md.account_statuses(S["dave_id"], since_id=mid, limit=5))
    t.eq(since, newest_first[:5], "since_id: the 5 newest statuses above the cursor")
    above = ids(md.account_statuses(S["dave_id"], min_id=mid, limit=5))
    t.eq(above, list(reversed(created[75:80])), "min_id: the 5 statuses just above the cursor, newest first")

    # fetch_previous from an older page walks back to the newest without a gap.
    page = md.account_statuses(S["dave_id"], max_id=created[40], limit=20)
    back = []
    for _ in range(20):
        prev_page = md.fetch_previous(page)
        if not prev_page:
            break
        back = ids(prev_page) + back
        page = prev_page
    t.eq(back, newest_first[:len(back)], "fetch_previous pages join without gap or repeat")
    t.eq(len(back), 150 - 40, "fetch_previous reaches the newest status")

    # The last page has no next link (or a next that yields an empty page), never the same cursor.
    last = server.http("GET", f"/api/v1/accounts/{S['dave_id']}/statuses",
                       query={"limit": 20, "max_id": created[10]}, token=dave_token)
    last_links = dict((rel, u) for u, rel in parse_link_header(last.header("Link")))
    if "next" in last_links:
        follow = server.http("GET", last_links["next"], token=dave_token)
        t.eq(follow.json(), [], "a next link after the last page leads to an empty page")
        nn = dict((rel, u) for u, rel in parse_link_header(follow.header("Link"))).get("next")
        t.check(nn is None, "an empty page has no next link", follow.header("Link"))

    # A follower's home timeline pages the same statuses.
    mb = client(S["bob"])
    mb.account_follow(S["dave_id"])
    later = [sid(md.status_post(f"after follow {i}")["id"]) for i in range(3)]
    home = []
    page = mb.timeline_home(limit=40)
    while page and len(home) < 400:
        home.extend(ids(page))
        page = mb.fetch_next(page)
    t.eq(len(home), len(set(home)), "home timeline pages repeat nothing")
    t.check(set(later) <= set(home), "statuses posted after the follow reach the follower's home timeline")
    S["dave_statuses"] = created


@suite.case
def entity_fields(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    a = alice.token
    # Account and CredentialAccount
    acc = server.api("GET", f"/api/v1/accounts/{alice.id}", token=bob.token)
    t.entity(acc, E.ACCOUNT, "Account")
    t.eq(acc.get("acct"), "alice", "Account.acct is the bare username for local accounts")
    t.check(str(acc.get("url", "")).startswith(server.url + "/"), "Account.url is on this server", acc.get("url"))
    # alice has 5 statuses; as in Mastodon, the direct one is not counted.
    t.eq(acc.get("statuses_count"), 4, "Account.statuses_count (public, unlisted, private; not direct)")
    t.check(acc.get("followers_count", 0) >= 1, "Account.followers_count counts bob", acc.get("followers_count"))
    anon = server.api("GET", f"/api/v1/accounts/{alice.id}")
    t.entity(anon, E.ACCOUNT, "Account(anonymous)")
    lookup = server.api("GET", "/api/v1/accounts/lookup", query={"acct": "alice"})
    t.eq(lookup.get("id"), alice.id, "accounts/lookup?acct=alice")
    me = server.api("GET", "/api/v1/accounts/verify_credentials", token=a)
    t.entity(me, E.CREDENTIAL_ACCOUNT, "CredentialAccount")
    admin = server.api("GET", "/api/v1/accounts/verify_credentials",
                       token=register_token_admin(server))
    t.check(str((admin.get("role") or {}).get("name", "")).lower() == "owner",
            "the admin created at first start has the Owner role", admin.get("role"))

    # Status (own, someone else's, anonymous, reblog wrapper)
    sid_ = S["alice_public"]
    t.entity(server.api("GET", f"/api/v1/statuses/{sid_}", token=a), E.status_spec(own=True), "Status(own)")
    t.entity(server.api("GET", f"/api/v1/statuses/{sid_}", token=bob.token), E.status_spec(), "Status")
    t.entity(server.api("GET", f"/api/v1/statuses/{sid_}"), E.status_spec(authenticated=False),
             "Status(anonymous)")
    rb = server.api("POST", f"/api/v1/statuses/{sid_}/reblog", token=bob.token)
    t.entity(rb, E.status_spec(reblog=E.status_spec()), "Status(reblog)")  # a reblog is never pinnable
    t.eq((rb.get("reblog") or {}).get("id"), sid_, "reblog wrapper's reblog is the original status")
    t.eq((rb.get("reblog") or {}).get("reblogged"), True, "the reblogged status shows reblogged=true")
    server.api("POST", f"/api/v1/statuses/{sid_}/unreblog", token=bob.token)
    ctx = server.api("GET", f"/api/v1/statuses/{sid_}/context", token=a)
    t.entity(ctx, E.CONTEXT, "Context")
    for i, d in enumerate(ctx.get("descendants", [])):
        t.entity(d, E.status_spec(), f"Context.descendants[{i}]")
    # Relationship
    rels = server.api("GET", "/api/v1/accounts/relationships", query=[("id[]", alice.id)], token=bob.token)
    t.require(isinstance(rels, list) and len(rels) == 1, "relationships returns one Relationship", rels)
    t.entity(rels[0], E.RELATIONSHIP, "Relationship")
    t.eq((rels[0].get("id"), rels[0].get("following"), rels[0].get("followed_by")), (alice.id, True, False),
         "Relationship(bob→alice): following, not followed_by")
    # Application + Token
    app = http(server.url, "POST", "/api/v1/apps", form={
        "client_name": "entity-check", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write",
        "website": "https://example.org"})
    t.require(app.status == 200, "POST /api/v1/apps", app.describe())
    app = app.json()
    t.entity(app, E.APPLICATION, "Application")
    t.eq(app.get("scopes"), ["read", "write"], "Application.scopes")
    t.eq(app.get("redirect_uris"), ["urn:ietf:wg:oauth:2.0:oob"], "Application.redirect_uris")
    tok = server.api("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": alice.email, "password": alice.password, "scope": "read write"})
    t.entity(tok, E.TOKEN, "Token")
    ver = server.api("GET", "/api/v1/apps/verify_credentials", token=tok["access_token"])
    t.entity(ver, E.APPLICATION_VERIFIED, "Application(verify_credentials)")
    t.eq(ver.get("name"), "entity-check", "apps/verify_credentials names the app")
    t.check("client_secret" not in ver, "apps/verify_credentials never shows the client secret", ver)
    # redirect_uris as an array (JSON) and as a newline-separated string
    arr = server.api("POST", "/api/v1/apps", json_body={
        "client_name": "array-uris", "redirect_uris": ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
        "scopes": "read"})
    t.eq(arr.get("redirect_uris"), ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
         "redirect_uris given as a JSON array")
    nl = server.api("POST", "/api/v1/apps", form={
        "client_name": "newline-uris", "redirect_uris": "http://127.0.0.1:9/a\nhttp://127.0.0.1:9/b",
        "scopes": "read"})
    t.eq(nl.get("redirect_uris"), ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
         "redirect_uris given as a newline-separated string")
    # Instance v1 and v2
    v1 = server.api("GET", "/api/v1/instance")
    t.entity(v1, E.INSTANCE_V1, "Instance(v1)")
    t.check(str(v1.get("version", "")).startswith("4.5.0 (compatible; herd "), "v1 version string",
            v1.get("version"))
    t.eq(v1.get("uri"), server.domain, "Instance.uri is LOCAL_DOMAIN")
    t.check(str((v1.get("urls") or {}).get("streaming_api", "")).startswith("ws://"),
            "urls.streaming_api is ws:// when LOCAL_HTTPS=false", v1.get("urls"))
    t.eq(v1.get("registrations"), True, "registrations open (HERD_REGISTRATIONS=open)")
    stats = v1.get("stats") or {}
    t.check(stats.get("user_count", 0) >= 5, "stats.user_count counts admin + 4 users", stats)
    t.check(stats.get("status_count", 0) >= 150, "stats.status_count counts local statuses", stats)
    v2 = server.api("GET", "/api/v2/instance")
    t.entity(v2, E.INSTANCE_V2, "Instance(v2)")
    t.eq(v2.get("domain"), server.domain, "v2 domain is LOCAL_DOMAIN")
    t.eq((v2.get("api_versions") or {}).get("mastodon"), 7, "api_versions.mastodon")
    t.eq((v2.get("registrations") or {}).get("enabled"), True, "v2 registrations.enabled")
    t.check(str(v2.get("version", "")).startswith("4.5.0 (compatible; herd "), "v2 version string")


def register_token_admin(server):
    from harness import password_token
    return password_token(server, ADMIN_EMAIL, ADMIN_PASSWORD, scope="read")


@suite.case
def notifications(t):
    server, carol = S["server"], S["carol"]
    # A fresh account so that earlier cases do not add to its notifications.
    erin = register(server, "erin")
    me, mc = client(erin), client(carol)
    post = me.status_post("erin's post")
    own_fav = me.status_favourite(post["id"])  # own actions never notify
    t.eq(own_fav["favourited"], True, "favourite own status")
    mc.account_follow(erin.id)
    mention = mc.status_post("hi @erin")
    mc.status_favourite(post["id"])
    mc.status_reblog(post["id"])
    deadline = time.monotonic() + 10  # notifications may be created by a background job
    notes = me.notifications(limit=40)
    while len(notes) < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
        notes = me.notifications(limit=40)
    kinds = sorted(n["type"] for n in notes)
    t.eq(kinds, ["favourite", "follow", "mention", "reblog"], "one notification per action, none for own")
    for n in notes:
        t.eq(sid(n["account"]["id"]), carol.id, f"{n['type']} notification: account is carol")
    by_type = {n["type"]: n for n in notes}
    if "mention" in by_type:
        t.eq(sid(by_type["mention"]["status"]["id"]), sid(mention["id"]), "mention notification status")
    for k in ("favourite", "reblog"):
        if k in by_type:
            t.eq(sid((by_type[k].get("status") or {}).get("id")), sid(post["id"]),
                 f"{k} notification carries erin's status (not the reblog wrapper)")
    t.eq(ids(notes), sorted(ids(notes), key=int, reverse=True), "notifications newest first")

    raw = server.api("GET", "/api/v1/notifications", token=erin.token)
    for n in raw:
        t.entity(n, E.notification_spec(n.get("type")), f"Notification({n.get('type')})")

    only = me.notifications(types=["mention"])
    t.eq([n["type"] for n in only], ["mention"], "types[]=mention")
    two = me.notifications(types=["favourite", "reblog"])
    t.eq(sorted(n["type"] for n in two), ["favourite", "reblog"], "types[]=favourite&types[]=reblog")
    excl = me.notifications(exclude_types=["follow", "favourite"])
    t.eq(sorted(n["type"] for n in excl), ["mention", "reblog"], "exclude_types[]=follow&exclude_types[]=favourite")
    raw = server.http("GET", "/api/v1/notifications", token=erin.token,
                      query=[("exclude_types[]", "mention"), ("limit", "1")])
    nxt = dict((rel, u) for u, rel in parse_link_header(raw.header("Link"))).get("next", "")
    t.check("exclude_types" in urllib.parse.unquote(nxt), "notification next link keeps exclude_types[]", nxt)

    one_id = by_type.get("follow", notes[0])["id"]
    one = me.notifications(id=one_id)
    t.eq(sid(one["id"]), sid(one_id), "GET /api/v1/notifications/:id")
    me.notifications_dismiss(one_id)
    after = ids(me.notifications())
    t.check(sid(one_id) not in after and len(after) == 3, "dismiss removes exactly that notification", after)
    r = server.http("GET", f"/api/v1/notifications/{one_id}", token=erin.token)
    t.json_error(r, 404, "a dismissed notification answers 404")
    r = server.http("GET", f"/api/v1/notifications/{sid(notes[0]['id'])}", token=carol.token)
    t.json_error(r, 404, "someone else's notification answers 404")
    me.notifications_clear()
    t.eq(list(me.notifications()), [], "clear removes all notifications")
    t.check(server.api("GET", "/api/v1/notifications", token=carol.token) is not None,
            "clearing erin's notifications leaves carol's endpoint working")


@suite.case
def reblogs_reach_followers_home(t):
    server, alice = S["server"], S["alice"]
    frank, gina = register(server, "frank"), register(server, "gina")
    mf, mg = client(frank), client(gina)
    mg.account_follow(frank.id)                      # gina follows frank, not alice
    original = client(alice).status_post("worth boosting")
    wrapper = mf.status_reblog(original["id"])
    t.eq(sid(wrapper["reblog"]["id"]), sid(original["id"]), "reblog returns the wrapper status")
    home = mg.timeline_home(limit=40)
    boosts = [s for s in home if s["reblog"] and sid(s["reblog"]["id"]) == sid(original["id"])]
    t.eq(len(boosts), 1, "the boost is in the home timeline of the booster's follower")
    if boosts:
        t.eq(sid(boosts[0]["account"]["id"]), frank.id, "the home entry is frank's reblog")
        t.eq(sid(boosts[0]["id"]), sid(wrapper["id"]), "the home entry is the reblog wrapper")
    t.check(sid(original["id"]) not in ids(home), "the original itself is not in the home timeline")
    again = mf.status_reblog(original["id"])
    t.eq(sid(again["id"]), sid(wrapper["id"]), "reblogging twice returns the same reblog")
    t.eq(client(alice).status(original["id"])["reblogs_count"], 1, "reblogs_count 1 after a double reblog")
    mf.status_unreblog(original["id"])
    home = mg.timeline_home(limit=40)
    t.check(not any(s["reblog"] and sid(s["reblog"]["id"]) == sid(original["id"]) for s in home),
            "after unreblog the boost leaves the follower's home timeline")
    t.eq(client(alice).status(original["id"])["reblogs_count"], 0, "reblogs_count back to 0")


@suite.case
def familiar_followers(t):
    server = S["server"]
    me, known, stranger, target, other = (register(server, n) for n in ("hana", "ivan", "jun", "kira", "lev"))
    client(me).account_follow(known.id)              # hana follows ivan, not jun
    client(known).account_follow(target.id)          # ivan and jun follow kira
    client(stranger).account_follow(target.id)
    result = client(me).account_familiar_followers([target.id, other.id, target.id])
    t.eq([sid(r["id"]) for r in result], [target.id, other.id], "one entry per requested account, in order, once")
    if len(result) == 2:
        t.eq(ids(result[0]["accounts"]), [known.id], "kira's familiar followers: ivan (followed by hana), not jun")
        t.eq(result[0]["accounts"][0]["username"], "ivan", "entries carry full Account entities")
        t.eq(result[1]["accounts"], [], "an account nobody hana follows follows: an empty list")
    client(me).account_follow(stranger.id)
    again = client(me).account_familiar_followers(target.id)
    t.eq(sorted(ids(again[0]["accounts"])), sorted([known.id, stranger.id]), "following jun adds jun")
    t.eq(server.api("GET", "/api/v1/accounts/familiar_followers", query=[("id[]", "999999999")], token=me.token), [],
         "an unknown account id is left out")


if __name__ == "__main__":
    main(suite)
