#!/usr/bin/python3
"""Link preview cards against a real `herd serve` and a real web page on 127.0.0.1 (the server is
allowed to fetch from loopback for the test: ALLOWED_PRIVATE_ADDRESSES, plain http).

The first plain link of a post becomes its `card` (OpenGraph title, description, image resolved
against the page, site name, language; <title> and meta description as fallbacks); mentions and
hashtags are not links; a post with media gets no card; a page that is not HTML, or is missing,
gives none and leaves the post alone; every post linking the same URL shares one fetch.
"""
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, free_port, main, parse_args, register  # noqa: E402

suite = Suite("preview cards", parse_args(__doc__))
S = suite.state

PAGES = {
    "/article": ("text/html; charset=utf-8",
                 '<!doctype html><html lang="en-GB"><head><title>Fallback title</title>'
                 '<meta property="og:title" content="Herds &amp; flocks">'
                 '<meta property="og:description" content="Why animals move together.">'
                 '<meta property="og:image" content="/img/herd.png">'
                 '<meta property="og:image:width" content="1200"><meta property="og:image:height" content="630">'
                 '<meta property="og:site_name" content="Field Notes">'
                 '<meta name="author" content="A. Naturalist"></head><body><p>text</p></body></html>'),
    "/plain": ("text/html", "<html><head><title>Just a title</title>"
                            "<meta name=description content='Described plainly'></head><body></body></html>"),
    "/data.json": ("application/json", '{"not": "html"}'),
    "/trending": ("text/html", "<html><head><title>Everyone links this</title></head><body></body></html>"),
    "/quiet": ("text/html", "<html><head><title>Only shared privately</title></head><body></body></html>"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        S["hits"][self.path] = S["hits"].get(self.path, 0) + 1
        page = PAGES.get(self.path)
        if not page:
            self.send_response(404)
            self.end_headers()
            return
        body = page[1].encode()
        self.send_response(200)
        self.send_header("Content-Type", page[0])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def card_of(status_id, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        card = S["server"].api("GET", f"/api/v1/statuses/{status_id}", token=S["alice"].token)["card"]
        if card:
            return card
        time.sleep(0.2)
    return None


def post(text, **form):
    return S["server"].api("POST", "/api/v1/statuses", token=S["alice"].token, form=dict({"status": text}, **form))


@suite.setup
def start_server_and_web_page(t):
    S["hits"] = {}
    port = free_port()
    web = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    S["web"] = f"http://127.0.0.1:{port}"
    # HERD_TRENDABLE_BY_DEFAULT: trending links without an admin's review (test_admin_api reviews)
    S["server"] = suite.server(env={"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true",
                                    "HERD_TRENDABLE_BY_DEFAULT": "true"})
    S["alice"] = register(S["server"], "alice")
    register(S["server"], "bob")


@suite.case
def opengraph_card(t):
    status = post(f"@bob read this #nature {S['web']}/article")
    card = card_of(status["id"])
    t.require(card, "the post gets a card")
    t.eq(card["url"], f"{S['web']}/article", "card url: the link")
    t.eq(card["title"], "Herds & flocks", "og:title, entities decoded")
    t.eq(card["description"], "Why animals move together.", "og:description")
    t.eq(card["image"], f"{S['web']}/img/herd.png", "og:image resolved against the page")
    t.eq((card["width"], card["height"]), (1200, 630), "image size")
    t.eq((card["provider_name"], card["author_name"], card["type"]), ("Field Notes", "A. Naturalist", "link"),
         "site name, author, type")
    t.eq(card["language"], "en", "language from <html lang>")
    again = post(f"same page {S['web']}/article")
    t.eq(card_of(again["id"])["title"] if card_of(again["id"]) else None, "Herds & flocks", "a second post shares it")
    t.eq(S["hits"].get("/article"), 1, "the page was fetched once")


@suite.case
def fallbacks_and_no_card(t):
    card = card_of(post(f"{S['web']}/plain")["id"])
    t.eq((card or {}).get("title"), "Just a title", "<title> when there is no og:title")
    t.eq((card or {}).get("description"), "Described plainly", "meta description")
    for path in ("/data.json", "/missing"):
        status = post(f"nothing to see {S['web']}{path}")
        time.sleep(1.5)
        shown = S["server"].api("GET", f"/api/v1/statuses/{status['id']}", token=S["alice"].token)
        t.eq(shown["card"], None, f"no card for {path}")
        t.check("nothing to see" in shown["content"], "the post itself is unchanged", shown)
    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00"
           b"\x00\x02\x02\x44\x01\x00;")
    body = (b'--bnd\r\nContent-Disposition: form-data; name="file"; filename="d.gif"\r\n'
            b"Content-Type: image/gif\r\n\r\n" + gif + b"\r\n--bnd--\r\n")
    media = S["server"].http("POST", "/api/v2/media", token=S["alice"].token, body=body,
                             content_type="multipart/form-data; boundary=bnd").json()
    with_media = S["server"].api("POST", "/api/v1/statuses", token=S["alice"].token,
                                 json_body={"status": f"picture and {S['web']}/plain", "media_ids": [media["id"]]})
    time.sleep(1.5)
    t.eq(S["server"].api("GET", f"/api/v1/statuses/{with_media['id']}")["card"], None, "a post with media gets no card")
    text_only = post("no links here, just #words and @bob")
    time.sleep(1)
    t.eq(S["server"].api("GET", f"/api/v1/statuses/{text_only['id']}")["card"], None,
         "mentions and hashtags make no card")


@suite.case
def trending_links(t):
    """GET /api/v1/trends/links: the cards of public posts of the last days, the ones shared by the
    most distinct people first, each a PreviewCard with its daily history."""
    server = S["server"]
    people = [register(server, name) for name in ("tl_carol", "tl_dave", "tl_erin")]
    for user in people:
        server.api("POST", "/api/v1/statuses", token=user.token,
                   form={"status": f"have you seen {S['web']}/trending"})
    server.api("POST", "/api/v1/statuses", token=people[0].token,
               form={"status": f"again {S['web']}/trending"})
    server.api("POST", "/api/v1/statuses", token=S["alice"].token,
               form={"status": f"quietly {S['web']}/trending", "visibility": "private"})
    deadline = time.monotonic() + 10
    links = []
    while time.monotonic() < deadline:
        links = server.api("GET", "/api/v1/trends/links")
        if links and links[0]["url"].endswith("/trending") and links[0]["history"][0]["uses"] == "4":
            break
        time.sleep(0.2)
    t.require(links and links[0]["url"] == f"{S['web']}/trending",
              "the link three people shared trends first", links)
    top = links[0]
    t.eq(top["title"], "Everyone links this", "a PreviewCard")
    for key in ("description", "type", "image", "provider_name", "author_name", "width", "height", "blurhash"):
        t.check(key in top, f"with {key}", top)
    t.eq(len(top["history"]), 7, "seven days of history")
    t.eq(top["history"][0], {"day": top["history"][0]["day"], "accounts": "3", "uses": "4"},
         "today: three people, four public posts (the private one does not count)")
    t.check(all(h["accounts"] == "0" for h in top["history"][1:]), "nothing on earlier days", top["history"])
    t.check(int(top["history"][0]["day"]) % 86400 == 0, "days start at midnight (unix seconds)")
    urls = [link["url"] for link in links]
    t.check(f"{S['web']}/article" in urls, "links one person shared trend after it", urls)
    t.eq(len(server.api("GET", "/api/v1/trends/links", query={"limit": 1})), 1, "limit=1")
    t.eq(server.api("GET", "/api/v1/trends/links", query={"offset": 1})[0]["url"], urls[1], "offset=1")


@suite.case
def link_timeline(t):
    """GET /api/v1/timelines/link?url=: the public posts sharing a trending link, newest first, only
    from accounts that opted in to discovery; 404 for a link that is not trending."""
    server, web = S["server"], S["web"]
    fay, gus = register(server, "lt_fay"), register(server, "lt_gus")
    first = server.api("POST", "/api/v1/statuses", token=fay.token, form={"status": f"read {web}/trending"})
    hidden = server.api("POST", "/api/v1/statuses", token=gus.token, form={"status": f"me too {web}/trending"})
    unlisted = server.api("POST", "/api/v1/statuses", token=fay.token,
                          form={"status": f"quietly {web}/trending", "visibility": "unlisted"})
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=gus.token, form={"discoverable": "false"})
    deadline = time.monotonic() + 10
    feed = []
    while time.monotonic() < deadline:
        feed = server.api("GET", "/api/v1/timelines/link", query={"url": f"{web}/trending", "limit": 40})
        if feed and feed[0]["id"] == first["id"]:
            break
        time.sleep(0.2)
    got = [s["id"] for s in feed]
    t.check(first["id"] in got, "a public post sharing the trending link is in its timeline", got)
    t.eq(got, sorted(got, key=int, reverse=True), "newest first")
    t.check(hidden["id"] not in got, "not from an account that opted out of discovery", got)
    t.check(unlisted["id"] not in got, "not an unlisted post", got)
    t.check(all(s["card"] and s["card"]["url"] == f"{web}/trending" for s in feed), "every post shows the link's card")
    t.check(len(feed) >= 5, "the earlier public posts sharing it too (tl_carol, tl_dave, tl_erin)", len(feed))
    page = server.api("GET", "/api/v1/timelines/link", query={"url": f"{web}/trending", "limit": 2})
    t.eq([s["id"] for s in page], got[:2], "limit")
    older = server.api("GET", "/api/v1/timelines/link", query={"url": f"{web}/trending", "max_id": got[1]})
    t.eq([s["id"] for s in older], got[2:22], "max_id pages on")
    quiet = post(f"between us {web}/quiet", visibility="private")
    t.require(card_of(quiet["id"]), "the privately shared link has a card")
    for url in (f"{web}/quiet", f"{web}/never-posted"):
        response = server.http("GET", "/api/v1/timelines/link", query={"url": url})
        t.eq(response.status, 404, f"a link that is not trending: 404 ({url.rsplit('/', 1)[1]})")
    t.eq(server.http("GET", "/api/v1/timelines/link").status, 404, "no url: 404")


if __name__ == "__main__":
    main(suite)
