"""A minimal browser for herd's server-rendered OAuth pages: cookies, forms, no JavaScript.

authorize_in_browser() does what a person does at /oauth/authorize: sign in, approve,
then read the authorization code from the redirect Location or the out-of-band page.
"""
from __future__ import annotations

import html.parser
import re
import secrets
import urllib.parse

from harness import _clip, http


class _FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.button = None
        self.codes = []      # candidate OOB codes: <code>, <pre>, readonly inputs, *code* elements
        self._capture = []   # stack of tags whose text is a code candidate
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                         "inputs": [], "buttons": []}
            self.forms.append(self.form)
        elif tag == "input":
            typ = a.get("type", "text").lower()
            if self.form is not None:
                if typ in ("submit", "image"):
                    self.form["buttons"].append({"name": a.get("name"), "value": a.get("value", ""),
                                                 "text": a.get("value", "")})
                else:
                    self.form["inputs"].append({"name": a.get("name"), "value": a.get("value", ""),
                                                "type": typ, "checked": "checked" in a})
            if ("readonly" in a or "code" in (a.get("class", "") + a.get("id", "") + a.get("name", "")).lower()) \
                    and a.get("value"):
                self.codes.append(a["value"])
        elif tag == "button":
            self.button = {"name": a.get("name"), "value": a.get("value", ""), "text": "",
                           "type": a.get("type", "submit").lower()}
        elif tag == "textarea" and self.form is not None:
            self.form["inputs"].append({"name": a.get("name"), "value": "", "type": "textarea", "checked": False})
        if tag in ("code", "pre", "kbd", "samp") or "code" in (a.get("class", "") + " " + a.get("id", "")).lower():
            self._capture.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "button" and self.button is not None:
            if self.form is not None and self.button["type"] == "submit":
                self.form["buttons"].append(self.button)
            self.button = None
        if self._capture and self._capture[-1][0] == tag:
            t, text = self._capture.pop()
            if text.strip():
                self.codes.append(text.strip())

    def handle_data(self, data):
        self.text.append(data)
        if self.button is not None:
            self.button["text"] += data
        for c in self._capture:
            c[1] += data


def parse_page(body):
    p = _FormParser()
    p.feed(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)
    p.close()
    return p


APPROVE_WORDS = re.compile(r"authori[sz]e|approve|allow|accept|grant|confirm|continue|yes", re.I)
DENY_WORDS = re.compile(r"deny|reject|cancel|decline|refuse|\bno\b", re.I)
CSRF_NAMES = re.compile(r"csrf|authenticity|xsrf|_token$|^token$", re.I)


class Browser:
    def __init__(self, server):
        self.server = server
        self.cookies = {}
        self.history = []
        self.headers = {}  # sent with every request (e.g. X-Forwarded-For)

    def _store_cookies(self, resp):
        for value in resp.headers_all("Set-Cookie"):
            first = value.split(";", 1)[0]
            if "=" in first:
                k, v = first.split("=", 1)
                self.cookies[k.strip()] = v.strip()

    def request(self, method, url, form=None):
        headers = {"Accept": "text/html,application/xhtml+xml", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        r = http(self.server.url, method, url, form=form, headers=headers)
        self._store_cookies(r)
        self.history.append(r)
        return r

    def sign_in(self, login, password):
        """Fills and submits the sign-in form; returns the response to its POST."""
        page = self.request("GET", "/auth/sign_in")
        form = next(f for f in parse_page(page.body).forms if f["action"] == "/auth/sign_in")
        return self.submit("/auth/sign_in", form, {"email": login, "password": password})[1]

    def absolute(self, base, ref):
        return urllib.parse.urljoin(base, ref)

    @staticmethod
    def is_same_server(url, server):
        p = urllib.parse.urlsplit(url)
        return p.netloc in (server.domain, f"localhost:{server.port}") and p.scheme in ("http", "https")

    def submit(self, page_url, form, overrides=None, button=None):
        data = []
        for inp in form["inputs"]:
            if not inp["name"]:
                continue
            if inp["type"] in ("checkbox", "radio") and not inp["checked"]:
                continue
            data.append((inp["name"], inp["value"]))
        if overrides:
            data = [(k, overrides.get(k, v)) for k, v in data]
            for k, v in overrides.items():
                if k not in dict(data):
                    data.append((k, v))
        if button and button.get("name"):
            data.append((button["name"], button.get("value", "")))
        action = self.absolute(page_url, form["action"] or page_url)
        method = form["method"].upper() if form["method"] in ("get", "post") else "POST"
        if method == "GET":
            sep = "&" if "?" in action else "?"
            return action, self.request("GET", action + sep + urllib.parse.urlencode(data))
        return action, self.request("POST", action, form=data)


class AuthorizeResult:
    def __init__(self):
        self.code = None
        self.redirect = None        # final Location to the client's redirect_uri, if any
        self.params = {}            # its query parameters
        self.csrf_field = None
        self.csrf_rejected = None   # True/False when probed, None when not probed
        self.login_form_seen = False
        self.consent_form_seen = False
        self.steps = []
        self.error = None


def _login_form(forms):
    for f in forms:
        if any(i["type"] == "password" for i in f["inputs"]):
            return f
    return None


def _approve_choice(forms):
    """(form, button) that approves, or (None, None)."""
    best = None
    for f in forms:
        if _login_form([f]):
            continue
        hidden_method = next((i["value"] for i in f["inputs"] if i["name"] == "_method"), "")
        form_is_delete = hidden_method.lower() == "delete"
        buttons = f["buttons"] or [{"name": None, "value": "", "text": ""}]
        for b in buttons:
            label = " ".join(str(b.get(k) or "") for k in ("text", "value", "name"))
            score = 0
            if APPROVE_WORDS.search(label):
                score += 2
            if DENY_WORDS.search(label) or form_is_delete:
                score -= 5
            if f["method"] == "post":
                score += 1
            if best is None or score > best[0]:
                best = (score, f, b)
    if best and best[0] > 0:
        return best[1], best[2]
    return None, None


def _code_from_url(url):
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return (q.get("code") or [None])[0], {k: v[0] for k, v in q.items()}


def authorize_in_browser(server, authorize_url, email, password, redirect_uri, probe_csrf=False):
    """Drives /oauth/authorize like a person in a browser: sign in, approve, read the code
    (from the redirect Location, or from the out-of-band page)."""
    res = AuthorizeResult()
    b = Browser(server)
    url = authorize_url
    resp = b.request("GET", url)
    for _ in range(12):
        res.steps.append(f"{resp.method} {resp.url} -> {resp.status}")
        if resp.status in (301, 302, 303, 307, 308):
            loc = resp.header("Location") or ""
            target = b.absolute(url, loc)
            code, params = _code_from_url(target)
            if not Browser.is_same_server(target, server) or (
                    redirect_uri != "urn:ietf:wg:oauth:2.0:oob" and target.startswith(redirect_uri)):
                res.redirect, res.params, res.code = target, params, code
                return res
            url = target
            resp = b.request("GET", url)
            continue
        if resp.status != 200:
            res.error = f"unexpected {resp.describe()}"
            return res
        page = parse_page(resp.body)
        login = _login_form(page.forms)
        if login:
            res.login_form_seen = True
            fill = {}
            for i in login["inputs"]:
                n = (i["name"] or "")
                if i["type"] == "password":
                    fill[n] = password
                elif i["type"] in ("email",) or re.search(r"email|user|login|acct", n, re.I) and i["type"] in (
                        "text", "email"):
                    fill[n] = email
            button = login["buttons"][0] if login["buttons"] else None
            url, resp = b.submit(url, login, fill, button)
            continue
        form, button = _approve_choice(page.forms)
        if form:
            res.consent_form_seen = True
            csrf = [i for i in form["inputs"] if i["name"] and CSRF_NAMES.search(i["name"])
                    and i["type"] == "hidden"]
            res.csrf_field = csrf[0]["name"] if csrf else None
            if probe_csrf and res.csrf_rejected is None:
                if csrf:
                    forged = {c["name"]: "forged" + secrets.token_hex(8) for c in csrf}
                    _, bad = b.submit(url, form, forged, button)
                    loc = bad.header("Location") or ""
                    leaked = False
                    if bad.status in (301, 302, 303, 307, 308):
                        leaked = bool(_code_from_url(b.absolute(url, loc))[0])
                    elif bad.status == 200:
                        bad_page = parse_page(bad.body)
                        leaked = not _approve_choice(bad_page.forms)[0] and not _login_form(bad_page.forms) and any(
                            re.fullmatch(r"[A-Za-z0-9._~\-]{10,}", c) for c in bad_page.codes)
                    res.csrf_rejected = not leaked
                    res.steps.append(f"forged-CSRF POST -> {bad.status} {loc}")
                else:
                    res.csrf_rejected = False
            url, resp = b.submit(url, form, None, button)
            continue
        # Out-of-band page: the code is shown.
        code, params = _code_from_url(resp.url)
        if not code:
            for cand in page.codes:
                if re.fullmatch(r"[A-Za-z0-9._~\-]{10,}", cand):
                    code = cand
                    break
        if code:
            res.code = code
            res.params = params
            return res
        res.error = ("no sign-in form, consent form or code on page " + resp.url + ": " +
                     _clip(" ".join("".join(page.text).split()), 500))
        return res
    res.error = "too many steps: " + " | ".join(res.steps)
    return res
