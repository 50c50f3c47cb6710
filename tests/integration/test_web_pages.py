#!/usr/bin/python3
"""The server-rendered pages signed-out visitors and crawlers get, against a real `herd serve`,
fetched as a browser does and parsed (html_dom) to check what a reader sees: hashtag pages at
/tags/<tag> (where status hashtag links go), post pages with media and alt text, polls with their
results and the thread around them, profiles paged to older posts, /@user/followers and
/@user/following, RSS feeds of profiles and hashtags (parsed as XML), oEmbed and the embed page (framed by a page
of another origin in chromium, while the post page refuses to be framed), an HTML 404 page for unknown paths (JSON for the API, OAuth and JSON clients),
everything user-written escaped. Then Debian's chromium (playwright-core, tests/e2e/web_pages.mjs)
loads a post page under its Content-Security-Policy and plays nothing blocked.
"""
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, png, processed_media, register  # noqa: E402
from html_dom import parse  # noqa: E402

suite = Suite("web pages", parse_args(__doc__))
S = suite.state
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) herd-tests"}
E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e")


def wav(samples=800):
    data = bytes((i * 16) % 256 for i in range(samples))
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def upload(server, token, name, data, content_type, description):
    boundary = "herdwebpagesboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + \
        (f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n"
         f"{description}\r\n--{boundary}--\r\n").encode()
    media = server.api("POST", "/api/v2/media", token=token, body=body, expect=(200, 202),
                       content_type=f"multipart/form-data; boundary={boundary}")
    return processed_media(server, token, media)


def post(server, user, text, **fields):
    return server.api("POST", "/api/v1/statuses", token=user.token, json_body={"status": text, **fields})


def page(t, path, status=200):
    """GET path as a browser; checks the status and that it is an HTML page; returns the DOM."""
    r = S["server"].http("GET", path, headers=BROWSER)
    t.status(r, status, f"GET {path}")
    t.check((r.header("Content-Type") or "").startswith("text/html"), f"GET {path} is an HTML page",
            r.header("Content-Type"))
    return parse(r.body)


def articles(dom):
    return dom.find_all("article", cls="status")


def crawl(t, path, limit=10):
    """Follows the rel=next links from path; returns the article texts of every page, in order."""
    texts, seen = [], set()
    while path and len(seen) < limit:
        seen.add(path)
        dom = page(t, path)
        texts.extend(a.find("div", cls="content").text() for a in articles(dom))
        link = dom.find("a", rel="next")
        path = link.attrs["href"] if link else None
        t.check(path not in seen, "the next page is a new page", path)
    return texts


@suite.setup
def start_server_and_post(t):
    server = S["server"] = suite.server()
    alice = S["alice"] = register(server, "alice")
    S["bob"], S["carol"] = register(server, "bob"), register(server, "carol")
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=alice.token,
               form={"display_name": "Alice <script>alert(1)</script> & co"})
    S["paged"] = [post(server, alice, f"Paged post number {i} #WebPaging")["id"] for i in range(25)]


@suite.case
def hashtag_pages_list_public_posts_newest_first_paged(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    private = post(server, bob, "Private #WebPaging post", visibility="private")
    unlisted = post(server, bob, "Unlisted #WebPaging post", visibility="unlisted")
    status = server.api("GET", f"/api/v1/statuses/{S['paged'][-1]}")
    tag_link = parse(status["content"]).find("a", cls="hashtag")
    t.require(tag_link is not None, "the status links its hashtag", status["content"])
    href = tag_link.attrs["href"]
    t.eq(href, server.url + "/tags/WebPaging", "the hashtag link goes to /tags/<tag>")
    dom = page(t, href)
    t.eq(dom.find("h1").text(), "#webpaging", "the hashtag page is titled with the tag")
    texts = crawl(t, href)
    t.eq(texts, [f"Paged post number {i} #WebPaging" for i in reversed(range(25))],
         "every public post with the tag, newest first, over the 'Older posts' pages")
    t.check(not any("Private" in x or "Unlisted" in x for x in texts),
            "private and unlisted posts stay off the hashtag page", texts)
    dom = page(t, "/tags/nosuchtagyet")
    t.check(not articles(dom) and "No public posts" in dom.text(), "an unused tag: an empty page", dom.text())
    page(t, "/tags/a%20b", 404)
    for s in (private, unlisted):
        server.api("DELETE", f"/api/v1/statuses/{s['id']}", token=bob.token)


@suite.case
def unknown_paths_answer_an_html_page_to_browsers_and_json_to_clients(t):
    server = S["server"]
    for path in ("/no-such-page", "/explore/nothing/here", "/@nobody", "/@nobody/123", "/@alice/999",
                 "/users/nobody", "/@alice/not-a-status"):
        dom = page(t, path, 404)
        t.eq(dom.find("h1").text() if dom.find("h1") else None, "Page not found", f"{path}: the 404 page")
        t.check(dom.find("a", href="/") is not None, f"{path}: links back home")
    for path, headers in (("/api/v1/nothing", BROWSER), ("/oauth/nothing", BROWSER),
                          ("/no-such-page", {"Accept": "application/json"}),
                          ("/no-such-page", {"Accept": "application/activity+json"})):
        r = server.http("GET", path, headers=headers)
        t.json_error(r, 404, f"GET {path} with Accept {headers['Accept']}")


@suite.case
def post_pages_show_media_with_alt_text_polls_and_the_thread(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    image_bytes = png(24, 16)
    alt = 'A striped "test" <img src=x onerror=alert(1)> card'
    image = upload(server, alice.token, "card.png", image_bytes, "image/png", alt)
    sound = upload(server, alice.token, "beep.wav", wav(), "audio/wav", "A short beep")
    root = post(server, alice, "Look at <b>this</b> card", media_ids=[image["id"], sound["id"]],
                spoiler_text="Card <i>spoiler</i>")
    poll = post(server, alice, "Tea or coffee?", poll={"options": ["Tea", "Coffee"], "expires_in": 3600})
    server.api("POST", f"/api/v1/polls/{poll['poll']['id']}/votes", token=bob.token, json_body={"choices": [1]})
    server.api("POST", f"/api/v1/polls/{poll['poll']['id']}/votes", token=carol.token, json_body={"choices": [1]})
    reply = post(server, bob, "@alice what a card", in_reply_to_id=root["id"])
    deeper = post(server, carol, "@bob agreed", in_reply_to_id=reply["id"])
    hidden = post(server, carol, "@alice private aside", in_reply_to_id=root["id"], visibility="private")

    dom = page(t, f"/@alice/{root['id']}")
    focused = dom.find("article", cls="focused")
    t.require(focused is not None, "the post itself is marked in its thread")
    summary = focused.find("summary")
    t.eq(summary.text() if summary else None, "Card <i>spoiler</i>", "the content warning, as text")
    t.eq(focused.find("div", cls="content").text(), "Look at <b>this</b> card", "the text, escaped")
    img = focused.find("img", alt=alt)
    t.require(img is not None, "the image is shown with its alt text", [i.attrs for i in focused.find_all("img")])
    t.eq(img.attrs["src"], image["preview_url"], "the image shown is the upload's preview")
    shown = server.http("GET", img.attrs["src"]).body
    t.eq((shown[:8], struct.unpack(">II", shown[16:24])), (image_bytes[:8], (24, 16)),
         "the preview served is a PNG of the uploaded size")
    audio = focused.find("audio")
    t.require(audio is not None, "the audio has a player")
    t.eq(audio.attrs.get("aria-label"), "A short beep", "labelled with its description")
    t.eq(audio.ancestor("figure").find("figcaption").text(), "A short beep", "and captioned with it")
    t.eq(server.http("GET", audio.attrs["src"]).status, 200, "the audio file is served")
    t.eq(dom.find_all("script"), [], "no script element comes from user text")
    t.check("Alice <script>alert(1)</script> & co" in focused.text(), "the display name shown as written")
    replies = dom.find("section", cls="replies")
    t.require(replies is not None, "the replies are shown below")
    texts = [a.find("div", cls="content").text() for a in articles(replies)]
    t.eq(texts, ["@alice what a card", "@bob agreed"], "public replies in thread order, private ones left out")

    dom = page(t, f"/@bob/{reply['id']}")
    above = dom.find("section", cls="ancestors")
    t.check(above is not None and "Look at <b>this</b> card" in above.text(),
            "a reply's page shows what it replies to above it")
    t.check(dom.find("article", cls="focused").find("div", cls="content").text() == "@alice what a card",
            "and the reply itself as the focus")

    dom = page(t, f"/@alice/{poll['id']}")
    options = dom.find("section", cls="poll").find_all("li")
    t.eq([o.find("span", cls="option").text() for o in options], ["Tea", "Coffee"], "the poll's options")
    t.eq([o.find("span", cls="result").text() for o in options], ["0% (0 votes)", "100% (2 votes)"],
         "with their results")
    t.check("2 votes" in dom.find("section", cls="poll").find("p").text(), "and the total")
    page(t, f"/@alice/{hidden['id']}", 404)
    S["media_page"] = f"/@alice/{root['id']}"
    S["thread"] = (root, reply, deeper)


@suite.case
def profiles_page_to_older_posts(t):
    server, alice = S["server"], S["alice"]
    dom = page(t, "/@alice")
    t.check("Alice <script>alert(1)</script> & co" in dom.find("h1").text(), "the profile's name, escaped")
    t.eq(dom.find_all("script"), [], "no script element")
    texts = crawl(t, "/@alice")
    paged = [x for x in texts if x.startswith("Paged post number")]
    t.eq(paged, [f"Paged post number {i} #WebPaging" for i in reversed(range(25))],
         "every public post is reachable through the 'Older posts' links, newest first")
    t.eq(len(texts), len(set(texts)), "no post is shown twice")
    first = page(t, "/@alice")
    older = first.find("a", rel="next")
    t.require(older is not None and "max_id=" in older.attrs["href"], "the first page links older posts")
    t.eq(older.text(), "Older posts", "labelled for readers")


@suite.case
def followers_and_following_pages(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    for user in (bob, carol):
        server.api("POST", f"/api/v1/accounts/{alice.account['id']}/follow", token=user.token)
    dom = page(t, "/@alice")
    links = {a.attrs["href"] for a in dom.find("nav", cls="stats").find_all("a")}
    t.check(server.url + "/@alice/followers" in links and server.url + "/@alice/following" in links,
            "the profile links its followers and following pages", links)
    dom = page(t, "/@alice/followers")
    names = [li.find("a").attrs["href"] for li in dom.find("ul", cls="accounts").find_all("li")]
    t.eq(names, [server.url + "/@carol", server.url + "/@bob"], "followers, newest first, linked to their profiles")
    dom = page(t, "/@bob/following")
    names = [li.find("a").attrs["href"] for li in dom.find("ul", cls="accounts").find_all("li")]
    t.eq(names, [server.url + "/@alice"], "following")
    dom = page(t, "/@alice/following")
    t.check(dom.find("ul", cls="accounts") is None and "No accounts yet" in dom.text(), "nobody followed yet")
    page(t, "/@nobody/followers", 404)


def rss(t, path):
    """GET path as a feed reader does; checks it is RSS 2.0 and parses it (xml.etree)."""
    import xml.etree.ElementTree as ET
    r = S["server"].http("GET", path, headers={"Accept": "application/rss+xml, */*"})
    t.status(r, 200, f"GET {path}")
    t.check((r.header("Content-Type") or "").startswith("application/rss+xml"), f"GET {path} is RSS",
            r.header("Content-Type"))
    root = ET.fromstring(r.body)
    t.eq((root.tag, root.attrib.get("version")), ("rss", "2.0"), "an RSS 2.0 document")
    return root.find("channel")


@suite.case
def rss_feeds_of_profiles_and_hashtags(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    media = upload(server, alice.token, "feed.png", png(16, 16), "image/png", "A feed picture")
    pictured = post(server, alice, "Feed with a picture #FeedTag", media_ids=[media["id"]], spoiler_text="mind")
    hidden = post(server, alice, "Followers only #FeedTag", visibility="private")
    reply = post(server, alice, "A reply to bob", in_reply_to_id=post(server, bob, "bob asks")["id"])
    boosted = post(server, bob, "bob's #FeedTag post")
    server.api("POST", f"/api/v1/statuses/{boosted['id']}/reblog", token=alice.token)
    MRSS = "{http://search.yahoo.com/mrss/}"

    dom = page(t, "/@alice")
    link = dom.find("link", rel="alternate")
    t.check(link is not None and link.attrs.get("href") == server.url + "/@alice.rss",
            "the profile page announces its feed", link and link.attrs)
    channel = rss(t, "/@alice.rss")
    t.eq(channel.findtext("title"), "Alice <script>alert(1)</script> & co", "the channel is titled with the name")
    t.eq(channel.findtext("link"), server.url + "/@alice", "and links the profile")
    items = channel.findall("item")
    t.eq(len(items), 20, "the 20 newest posts")
    links = [i.findtext("link") for i in items]
    t.eq(links[0], pictured["url"], "newest first")
    for status, what in ((hidden, "a followers-only post"), (reply, "a reply to someone else"),
                         (boosted, "a boosted post")):
        t.check(status["url"] not in links, f"not {what}", links)
    first = items[0]
    t.eq(first.findtext("guid"), pictured["url"], "guid: the post's URL")
    description = first.findtext("description")
    t.check(description.startswith("<p>mind</p><hr />") and "Feed with a picture" in description,
            "description: the content warning, then the post's HTML", description)
    content = first.find(MRSS + "content")
    t.require(content is not None, "the picture as media:content")
    t.eq(content.attrib.get("url"), server.api("GET", f"/api/v1/media/{media['id']}", token=alice.token)["url"],
         "its URL")
    t.eq(content.findtext(MRSS + "description"), "A feed picture", "with its alt text")
    t.eq([c.text for c in first.findall("category")], ["feedtag"], "hashtags as categories")
    t.check(first.findtext("pubDate", "").endswith("GMT"), "an RFC 822 date", first.findtext("pubDate"))

    channel = rss(t, "/tags/FeedTag.rss")
    links = [i.findtext("link") for i in channel.findall("item")]
    t.eq(links, [boosted["url"], pictured["url"]], "the hashtag feed: public posts with it, newest first")
    dom = page(t, "/tags/feedtag")
    link = dom.find("link", rel="alternate")
    t.check(link is not None and link.attrs.get("href") == server.url + "/tags/feedtag.rss",
            "the hashtag page announces its feed", link and link.attrs)
    t.eq(server.http("GET", "/@nobody.rss").status, 404, "no feed for an unknown account")


@suite.case
def posts_embedded_through_oembed(t):
    """GET /api/oembed?url= (what WordPress and other sites ask): a "rich" document whose html
    frames /@user/:id/embed, a page other origins may frame; the post page announces it. Chromium
    then loads a page of another origin with that html (a_post_page_in_chromium)."""
    import http.server
    import threading
    server, alice = S["server"], S["alice"]
    status = post(server, alice, "Embed me, please")
    private = post(server, alice, "Not for embedding", visibility="private")
    dom = page(t, f"/@alice/{status['id']}")
    link = dom.find("link", type="application/json+oembed")
    t.require(link is not None, "the post page announces its oEmbed document")
    r = server.http("GET", link.attrs["href"].replace(server.url, ""))
    t.status(r, 200, "the announced oEmbed URL answers")
    doc = r.json()
    t.eq((doc["type"], doc["version"], doc["author_url"], doc["provider_url"]),
         ("rich", "1.0", server.url + "/@alice", server.url + "/"), "a rich oEmbed document")
    frame = parse(doc["html"]).find("iframe")
    t.require(frame is not None, "its html is an iframe", doc["html"])
    t.eq(frame.attrs["src"], status["url"] + "/embed", "framing the post's embed page")
    t.eq((doc["width"], doc["height"]), (400, 300), "with its size")
    small = server.api("GET", "/api/oembed", query={"url": status["url"], "maxwidth": "250"})
    t.eq(small["width"], 250, "maxwidth")
    for url, what in ((private["url"], "a followers-only post"), ("https://elsewhere.example/@x/1", "another server's URL"),
                      (server.url + "/@alice/12345", "an unknown post")):
        t.eq(server.http("GET", "/api/oembed", query={"url": url}).status, 404, f"404 for {what}")
    r = server.http("GET", f"/@alice/{status['id']}/embed", headers=BROWSER)
    t.status(r, 200, "the embed page")
    csp = r.header("Content-Security-Policy") or ""
    t.check("frame-ancestors *" in csp and r.header("X-Frame-Options") is None, "other sites may frame it", csp)
    embed = parse(r.body)
    t.eq(len(articles(embed)), 1, "the post alone")
    t.check(embed.find("header", cls="site") is None, "without the site's header")
    t.eq(server.http("GET", f"/@alice/{private['id']}/embed", headers=BROWSER).status, 404,
         "no embed page for a followers-only post")
    plain = server.http("GET", f"/@alice/{status['id']}", headers=BROWSER)
    t.check("frame-ancestors 'none'" in (plain.header("Content-Security-Policy") or ""), "the post page itself may not be framed")
    host = ("<!doctype html><html><body><h1>A blog</h1>" + doc["html"] +
            f'<iframe id="not-embeddable" src="{status["url"]}"></iframe></body></html>').encode()

    class Blog(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(host)))
            self.end_headers()
            self.wfile.write(host)

        def log_message(self, *args):
            pass

    blog = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Blog)
    threading.Thread(target=blog.serve_forever, daemon=True).start()
    S["embed_host"] = f"http://127.0.0.1:{blog.server_address[1]}/post.html"


@suite.case
def a_post_page_in_chromium(t):
    node = shutil.which(os.environ.get("HERD_TEST_NODE", "node"))
    if not node or not os.path.exists("/usr/bin/chromium"):
        t.check(False, "node and /usr/bin/chromium are needed for the browser check (scripts/deps)")
        return
    subprocess.run([os.path.join(E2E, "install")], check=True)
    env = dict(os.environ, WEB_PAGE_URL=S["server"].url + S["media_page"],
               WEB_NOT_FOUND_URL=S["server"].url + "/no-such-page")
    if S.get("embed_host"):
        env["WEB_EMBED_HOST_URL"] = S["embed_host"]
    run = subprocess.run([node, os.path.join(E2E, "web_pages.mjs")], env=env, cwd=E2E,
                         capture_output=True, text=True, timeout=300)
    print(run.stdout, run.stderr)
    t.check(run.returncode == 0 and " 0 failed" in run.stdout, "the browser check passes", run.stdout[-2000:])


if __name__ == "__main__":
    main(suite)
