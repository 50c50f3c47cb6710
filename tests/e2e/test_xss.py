#!/usr/bin/python3
"""Cross-site scripting, tried for real: a corpus of payloads (script tags, event handlers,
`javascript:` and `data:` URLs, SVG and MathML, CSS, broken markup, entity tricks) is put in every
field a person or a remote server controls -- post text, content warning, display name, bio,
profile fields, poll options, media descriptions, custom emoji shortcodes, link card titles and
the HTML of a federated Note, its actor's name, summary and fields (a fake peer on mallory.test
delivers signed activities), report comments (local and a remote Flag), announcements, rules and
the instance's documents. Then:

  - the API's `content`, `note`, field values and `display_name` hold only Mastodon's allowed
    tags and attributes, no `javascript:`/`data:` href, and every link has rel/target set;
  - Debian's chromium (tests/e2e/xss.mjs) opens the server-rendered pages (profile, post, tag)
    and the web client (home, notifications, profile, post, search results, posts arriving over
    the streaming API) signed in, the staff views (reports, accounts, rules, announcements) as the
    admin, and the HTML part of every mail the instance sent (mention, follow, report, sign-in):
    no script runs (hooked dialogs and a global marker the payloads try to set), no element
    carries an event handler or a script URL, and no Content-Security-Policy violation is
    reported.

Runs in the federation tests' private mount namespace (needs root and unshare(1), else skipped).

    /usr/bin/python3 tests/e2e/test_xss.py --herd build/herd [--backend sqlite|postgres]
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "federation"))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("xss", args)
S = suite.state
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

# Each payload tries to set window.__xss (or to open a dialog, which the browser hooks).
PAYLOADS = [
    '<script>window.__xss="script"</script>',
    '<img src=x onerror="window.__xss=\'img\'">',
    '<svg onload="window.__xss=\'svg\'"><script>window.__xss="svg2"</script></svg>',
    '<a href="javascript:window.__xss=\'href\'">js link</a>',
    '<a href=" JaVaScRiPt:alert(1)">spaced</a>',
    '<a href="&#106;avascript&colon;alert(1)">entity link</a>',
    '<a href="java&#x09;script:alert(1)">tab link</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
    '<a href="https://example.com/" onclick="alert(1)" onmouseover="alert(1)" style="position:fixed;inset:0">hover</a>',
    '<iframe src="javascript:alert(1)"></iframe><object data="data:text/html,x"></object>',
    '<style>*{background:url("javascript:alert(1)")}</style><p style="color:red">styled</p>',
    '"><img src=x onerror=alert(1)>\'><svg/onload=alert(1)>',
    '<img/src=x onerror=alert(1)//',
    '&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;img src=x onerror=alert(1)&amp;gt;',
    '<details open ontoggle="window.__xss=\'toggle\'">x</details>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src=x onerror=alert(1)>--><![CDATA[<img src=x onerror=alert(1)>]]>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>',
    '<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<span class="mention" data-x="1" onfocus="alert(1)" tabindex="1" autofocus>span</span>',
    '<p><b><i>unclosed <a href="https://example.com/ok">ok</a>',
]
CORPUS = "\n".join(PAYLOADS)
SHORT = ['<img src=x onerror=alert(1)>', '<svg onload=alert(1)>', '"><script>alert(1)</script>',
         '<a href="javascript:alert(1)">x</a>']
TAG = "xsscorpus"

# Mastodon's allow-list (sanitize_config.rb, MASTODON_STRICT) as the API must honour it.
ALLOWED = {"p": set(), "br": set(), "span": {"class", "translate"}, "a": {"href", "rel", "class", "target", "translate"},
           "abbr": {"title"}, "del": set(), "s": set(), "pre": set(), "blockquote": {"cite"}, "code": set(),
           "b": set(), "strong": set(), "u": set(), "sub": set(), "sup": set(), "i": set(), "em": set(),
           "h1": set(), "h2": set(), "h3": set(), "h4": set(), "h5": set(), "h6": set(), "ul": set(),
           "ol": {"start", "reversed"}, "li": {"value"}, "ruby": set(), "rt": set(), "rp": set()}
LOCAL = "http://alpha.test/"
SCHEMES = ("http:", "https:", "dat:", "dweb:", "ipfs:", "ipns:", "ssb:", "gopher:", "xmpp:", "magnet:", "gemini:")


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"<{tag}> is not allowed")
            return
        names = {k: v for k, v in attrs}
        for k in names:
            if k not in ALLOWED[tag]:
                self.problems.append(f"<{tag} {k}> is not allowed")
        if tag == "a" and "href" in names:
            href = (names["href"] or "").strip().lower()
            if not href.startswith(SCHEMES):
                self.problems.append(f"<a href={names['href']!r}> has a forbidden scheme")
            rel, classes = (names.get("rel") or "").split(), (names.get("class") or "").split()
            if {"mention", "hashtag"} & set(classes) and href.startswith(LOCAL):
                pass  # Mastodon's own mention and hashtag links stay in the app (rel="tag" or none)
            elif "noopener" not in rel or "nofollow" not in rel or names.get("target") != "_blank":
                self.problems.append(f"<a href={names['href']!r}> lacks rel=nofollow noopener / target=_blank")

    handle_startendtag = handle_starttag


def html_problems(value):
    c = Checker()
    c.feed(value or "")
    c.close()
    return c.problems


def check_html(t, where, value):
    problems = html_problems(value)
    t.check(not problems, f"{where} is sanitized", {"problems": problems, "value": value})


def check_plain(t, where, value):
    """A plain-text field (display_name, spoiler_text, poll option, description) is text: the
    browser escapes it; the API keeps it as the person wrote it, which is fine, but it must not be
    turned into markup anywhere else (xss.mjs checks the pages)."""
    t.check(isinstance(value, str), f"{where} is a string", value)


def multipart(fields, file_name, file_type, data):
    boundary = "xss" + uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: {file_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


@suite.setup
def payloads_everywhere(t):
    alpha = fedlib.fed_server(suite, "alpha.test")
    S["alpha"] = alpha
    alice = harness.register(alpha, "alice")
    S["alice"] = alice
    bob = S["bob"] = harness.register(alpha, "bob")
    tok = alice.token
    # Mail from here on (accounts made before it need no confirmation): every mail's HTML part is
    # opened in the browser too.
    sink = S["sink"] = SmtpSink(harness.free_port()).start()
    alpha.stop()
    alpha.start(overrides={"SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_TLS": "none",
                           "SMTP_FROM_ADDRESS": "notifications@alpha.test"})
    alpha.api("PATCH", "/api/v1/accounts/update_credentials", token=bob.token,
              form={"display_name": SHORT[1][:30], "note": CORPUS[:450]})
    alpha.api("POST", f"/api/v1/accounts/{alice.id}/follow", token=bob.token)
    alpha.api("POST", f"/api/v1/accounts/{bob.id}/follow", token=tok)
    # Profile: display name, bio, fields.
    form = {"display_name": SHORT[0][:30], "note": CORPUS[:450]}
    for i, p in enumerate(SHORT):
        form[f"fields_attributes[{i}][name]"] = p
        form[f"fields_attributes[{i}][value]"] = p + " https://example.com/" + p
    alpha.api("PATCH", "/api/v1/accounts/update_credentials", token=tok, form=form)
    # A custom emoji (its shortcode must be refused if it is not [a-zA-Z0-9_]).
    png_path = os.path.join(alpha.tmp, "emoji.png")
    with open(png_path, "wb") as f:
        f.write(harness.png(16, 16))
    try:
        S["emoji_ok"] = harness.run_herd_once(alpha.herd, alpha.environment(),
                                              ("admin", "emoji", "add", "xss_ok", png_path))
        S["emoji_bad"] = harness.run_herd_once(alpha.herd, alpha.environment(),
                                               ("admin", "emoji", "add", '"><img src=x onerror=alert(1)>', png_path))
    finally:
        os.unlink(png_path)
    # Posts: text with the corpus, a content warning, a poll, a media description.
    statuses = []
    for i, chunk in enumerate(PAYLOADS[k:k + 5] for k in range(0, len(PAYLOADS), 5)):
        text = f"#{TAG} :xss_ok: " + "\n".join(chunk)
        statuses.append(alpha.api("POST", "/api/v1/statuses", token=tok,
                                  json_body={"status": text[:440], "spoiler_text": SHORT[i % len(SHORT)] if i else ""}))
    statuses.append(alpha.api("POST", "/api/v1/statuses", token=tok, json_body={
        "status": f"#{TAG} a poll", "poll": {"options": SHORT, "expires_in": 86400}}))
    body, ctype = multipart({"description": CORPUS[:1400]}, "p.png", "image/png", harness.png(24, 24))
    media = alpha.http("POST", "/api/v2/media", token=tok, body=body, content_type=ctype).json()
    statuses.append(alpha.api("POST", "/api/v1/statuses", token=tok, json_body={
        "status": f"#{TAG} a picture", "media_ids": [media["id"]]}))
    S["statuses"] = statuses

    # A remote peer whose every field is hostile, and a link page with a hostile card.
    mallory = fedlib.FakeServer("mallory.test").start()
    S["mallory"] = mallory
    m = mallory.actor("mallory")
    doc = mallory.actors["mallory"]["doc"]
    doc["name"] = '<img src=x onerror="window.__xss=\'name\'"> :evil:'
    doc["summary"] = CORPUS
    doc["url"] = "javascript:window.__xss='url'"
    doc["attachment"] = [{"type": "PropertyValue", "name": p, "value": p} for p in SHORT]
    doc["icon"] = {"type": "Image", "url": "javascript:alert(1)"}
    doc["tag"] = [{"type": "Emoji", "name": ':"><img src=x onerror=alert(1)>:',
                   "icon": {"type": "Image", "url": "javascript:alert(1)"}}]
    mallory.pages["/card"] = (
        '<html><head><title><script>alert(1)</script></title>'
        '<meta property="og:title" content="&lt;img src=x onerror=alert(1)&gt;card">'
        '<meta property="og:description" content="<script>window.__xss=\'card\'</script>">'
        '<meta property="og:url" content="javascript:window.__xss=\'cardurl\'">'
        '<meta property="og:site_name" content="<svg onload=alert(1)>">'
        '<meta property="og:image" content="javascript:alert(1)"></head><body>x</body></html>')
    statuses.append(alpha.api("POST", "/api/v1/statuses", token=tok,
                              json_body={"status": f"#{TAG} a card http://mallory.test/card"}))
    account = alpha.api("GET", "/api/v2/search", token=tok,
                        query={"q": "@mallory@mallory.test", "resolve": "true", "type": "accounts"})["accounts"]
    t.require(account, "alice finds mallory@mallory.test")
    S["mallory_account"] = account[0]
    alpha.api("POST", f"/api/v1/accounts/{account[0]['id']}/follow", token=tok)
    follow = wait_for(lambda: [p for p in mallory.inbox_posts("Follow") if p.get("object") == m])
    t.require(follow, "the Follow reaches mallory.test")
    mallory.post("mallory", "http://alpha.test/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams", "type": "Accept", "id": m + "#accept",
        "actor": m, "object": follow[0]})
    mention = {"type": "Mention", "href": alice.account["url"].replace("/@alice", "/users/alice"),
               "name": "@alice@alpha.test"}
    note = {"type": "Note", "id": "http://mallory.test/notes/1", "attributedTo": m, "to": [PUBLIC],
            "cc": [m + "/followers"], "content": CORPUS + " @alice", "summary": SHORT[1],
            "url": "javascript:window.__xss='noteurl'",
            "tag": [mention, {"type": "Hashtag", "name": "#" + TAG, "href": "http://mallory.test/tags/x"},
                    {"type": "Emoji", "name": ":evil:", "icon": {"type": "Image", "url": "javascript:alert(1)"}}],
            "attachment": [{"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)",
                            "name": CORPUS[:300]},
                           {"type": "Document", "mediaType": "image/png", "url": "http://mallory.test/m.png",
                            "name": CORPUS[:1000]}]}
    question = {"type": "Question", "id": "http://mallory.test/notes/2", "attributedTo": m, "to": [PUBLIC],
                "content": "<p>vote " + SHORT[0] + "</p>", "endTime": "2099-01-01T00:00:00Z",
                "oneOf": [{"type": "Note", "name": p, "replies": {"type": "Collection", "totalItems": 0}}
                          for p in SHORT]}
    for obj in (note, question):
        r = mallory.post("mallory", "http://alpha.test/inbox", {
            "@context": "https://www.w3.org/ns/activitystreams", "type": "Create", "id": obj["id"] + "/activity",
            "actor": m, "to": [PUBLIC], "object": obj})
        t.require(r.status in (200, 202), f"the Create of {obj['type']} is accepted: {r.status}")
    remote = wait_for(lambda: [s for s in alpha.api("GET", "/api/v1/timelines/home", token=tok, query={"limit": 40})
                               if s["account"]["id"] == account[0]["id"]], timeout=20)
    t.require(len(remote) == 2, f"both remote posts reach alice's home: {remote}")
    S["remote"] = remote
    wait_for(lambda: alpha.api("GET", f"/api/v1/statuses/{statuses[-1]['id']}", token=tok).get("card"), timeout=15)

    # Staff: reports (alice's, and mallory's server's Flag), an announcement, a rule, documents.
    admin = S["admin"] = harness.admin_user(alpha)
    admin.token = harness.password_token(alpha, admin.email, admin.password,
                                         scope="read write admin:read admin:write")
    alpha.api("POST", "/api/v1/reports", token=tok, json_body={
        "account_id": account[0]["id"], "status_ids": [remote[0]["id"]], "comment": CORPUS[:1000],
        "category": "other"})
    r = mallory.post("mallory", "http://alpha.test/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams", "type": "Flag", "id": m + "#flag-1",
        "actor": m, "content": CORPUS, "object": [alice.account["url"].replace("/@alice", "/users/alice")]})
    t.require(r.status in (200, 202), f"mallory's Flag is accepted: {r.status}")
    t.require(wait_for(lambda: len(alpha.api("GET", "/api/v1/admin/reports", token=admin.token)) >= 2),
              "both reports reach the admin")
    alpha.api("POST", "/api/v1/admin/announcements", token=admin.token, form={"text": CORPUS[:900]})
    alpha.api("POST", "/api/v1/admin/rules", token=admin.token, form={"text": SHORT[0], "hint": SHORT[3]})
    for name in ("extended_description", "privacy_policy", "terms_of_service"):
        alpha.api("PUT", f"/api/v1/admin/instance_documents/{name}", token=admin.token, form={"text": CORPUS})
    # The mails: a mention and a follow for alice (from hostile names), the reports for staff.
    S["mails"] = sink.wait_for(lambda m: m.part("text/html") is not None, count=4, timeout=30)


@suite.case
def the_api_returns_sanitized_html(t):
    alpha, tok = S["alpha"], S["alice"].token
    me = alpha.api("GET", "/api/v1/accounts/verify_credentials", token=tok)
    check_html(t, "alice's note", me["note"])
    for f in me["fields"]:
        check_html(t, "alice's field value", f["value"])
        t.check("<" not in f["name"] or "&lt;" in f["name"] or f["name"] in SHORT, "field name is text", f)
    mallory = alpha.api("GET", f"/api/v1/accounts/{S['mallory_account']['id']}", token=tok)
    check_html(t, "mallory's note", mallory["note"])
    for f in mallory["fields"]:
        check_html(t, "mallory's field value", f["value"])
    t.check(mallory["url"].startswith(("http:", "https:")), "a javascript: actor url is not kept", mallory["url"])
    for e in mallory["emojis"]:
        t.check(":" not in e["shortcode"] and "<" not in e["shortcode"], "remote emoji shortcodes are words", e)
    ids = [s["id"] for s in S["statuses"]] + [s["id"] for s in S["remote"]]
    for sid in ids:
        s = alpha.api("GET", f"/api/v1/statuses/{sid}", token=tok)
        check_html(t, f"status {sid} content", s["content"])
        t.check((s.get("url") or "http:").startswith(("http:", "https:")), "a status url is http(s)", s.get("url"))
        for a in s["media_attachments"]:
            for k in ("url", "remote_url", "preview_url"):
                t.check(not a.get(k) or a[k].startswith(("http:", "https:")), f"media {k} is http(s)", a)
        for e in s["emojis"]:
            t.check("<" not in e["shortcode"] and ":" not in e["shortcode"], "status emoji shortcodes are words", e)
        if s.get("card"):
            card = s["card"]
            t.check(card["url"].startswith(("http:", "https:")), "the card url is http(s)", card)
            t.check(not card.get("image") or card["image"].startswith(("http:", "https:")), "card image", card)
            S["card"] = card
    t.check("card" in S, "the link card was fetched")
    t.check(S["emoji_ok"][0] == 0, "a custom emoji with a plain shortcode is created", S["emoji_ok"])
    t.check(S["emoji_bad"][0] != 0 and "shortcode" in S["emoji_bad"][2].lower(), "a shortcode with markup is refused",
            S["emoji_bad"])


@suite.case
def no_script_runs_in_the_browser(t):
    alpha, alice = S["alpha"], S["alice"]
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    t.require(os.path.exists(chromium), f"{chromium} is missing: scripts/deps installs Debian's chromium")
    node = shutil.which(os.environ.get("HERD_TEST_NODE", "node")) or "node"
    subprocess.run([os.path.join(HERE, "install")], check=True)
    local = [s for s in S["statuses"]]
    remote = S["remote"]
    server_pages = ["/@alice", f"/tags/{TAG}", "/@mallory@mallory.test", "/@bob", "/about", "/privacy-policy",
                    "/terms-of-service"] + [f"/@alice/{s['id']}" for s in local]
    client_pages = ["/home", "/notifications", "/@alice", f"/tags/{TAG}", f"/search?q={TAG}",
                    "/search?q=mallory", f"/@mallory@mallory.test"] + [f"/@alice/{s['id']}" for s in local] + \
                   [f"/@mallory@mallory.test/{s['id']}" for s in remote]
    reports = alpha.api("GET", "/api/v1/admin/reports", token=S["admin"].token)
    # The accounts view opens on pending sign-ups: its second tab lists the active accounts.
    admin_pages = ["/admin/reports", {"path": "/admin/accounts", "tab": 1}, "/admin/rules", "/admin/announcements"] + \
                  [f"/admin/reports/{r['id']}" for r in reports]
    t.check(len(S["mails"]) >= 4, "the instance sent mails with an HTML part",
            [m.subject for m in S["sink"].received()])
    mail_files = []
    for i, mail in enumerate(S["mails"]):
        path = os.path.join(alpha.tmp, f"mail-{i}.html")
        with open(path, "w") as f:
            f.write(mail.part("text/html"))
        mail_files.append({"subject": mail.subject, "path": path})
    # Posts that arrive over the streaming API while alice's home is open: bob (whom alice
    # follows, with a hostile display name) posts the corpus.
    streamed = [f"streamedxss{i} " + "\n".join(PAYLOADS[k:k + 6])[:450] for i, k in enumerate(range(0, len(PAYLOADS), 6))]
    env = dict(os.environ, HERD_URL=alpha.url, CHROMIUM=chromium, XSS_EMAIL=alice.email,
               XSS_PASSWORD=alice.password, XSS_SERVER_PAGES=json.dumps(server_pages),
               XSS_CLIENT_PAGES=json.dumps(client_pages), XSS_RESOLVE=f"alpha.test {alpha.address}",
               XSS_ADMIN_EMAIL=S["admin"].email, XSS_ADMIN_PASSWORD=S["admin"].password,
               XSS_ADMIN_PAGES=json.dumps(admin_pages), XSS_MAIL_FILES=json.dumps(mail_files),
               XSS_STREAM_TOKEN=S["bob"].token, XSS_STREAM_TEXTS=json.dumps(streamed))
    run = subprocess.run([node, os.path.join(HERE, "xss.mjs")], env=env, cwd=HERE, timeout=600)
    t.check(run.returncode == 0, f"xss.mjs exited {run.returncode} (its FAIL lines say where)")


if __name__ == "__main__":
    try:
        sys.exit(suite.run())
    finally:
        if "sink" in S:
            S["sink"].stop()
