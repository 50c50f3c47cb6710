#!/usr/bin/python3
"""Full-text search of statuses (GET /api/v2/search?type=statuses) as Mastodon 4.x answers it,
without a search server: SQLite FTS5 or PostgreSQL tsvector, kept current by the writes
(posting, editing, deleting), Mastodon's operators (from:, has:, is:, language:, before:,
after:, during:, in:library/public/all, "phrases", -exclusion; has:link with a real preview card),
its scope (the viewer's own
posts and those they interacted with, plus public posts of accounts that are `indexable`),
blocks and mutes, account_id, offset and max_id/min_id paging, and `herd admin search deploy`.
Accounts (type=accounts) by name, and by bio as Mastodon's full-text account search has it: every
word in the bio's text (not its markup), discoverable accounts only, after name matches; the v1
account search matches names only, as Mastodon's does.
Mastodon.py's search_v2 for the plain case; raw requests shaped as Mastodon's documentation for
the rest.
"""
import datetime
import os
import sys
import zlib
import struct

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Suite, eventually, main, mastodon_py, parse_args, register, run_herd_once,  # noqa: E402
                     serve_web_page)

suite = Suite("full-text search", parse_args(__doc__))
S = suite.state


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@suite.setup
def start_server_and_register(t):
    # a web page on 127.0.0.1 for a preview card (links_and_in_all)
    server = suite.server(env={"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"})
    S["server"] = server
    for name in ("alice", "bob", "carol", "dave"):
        S[name] = register(server, name)
    # carol opts out of search (Mastodon 4.2's indexable); dave stays in.
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=S["carol"].token,
               form={"indexable": "false"})


def post(user, text, **form):
    return S["server"].api("POST", "/api/v1/statuses", token=user.token, form={"status": text, **form})


def search(user, q, **query):
    found = S["server"].api("GET", "/api/v2/search", token=user.token if user else None,
                            query={"q": q, "type": "statuses", **query})
    return [s["id"] for s in found["statuses"]]


@suite.case
def scope_and_visibility(t):
    server, alice, bob, carol, dave = S["server"], S["alice"], S["bob"], S["carol"], S["dave"]
    mine = post(alice, "The quokka smiles at dawn")
    bobs = post(bob, "A quokka on Rottnest island")
    carols = post(carol, "My quokka photo, not for search")
    daves_private = post(dave, "private quokka thoughts", visibility="private")
    daves_unlisted = post(dave, "unlisted quokka", visibility="unlisted")
    found = search(alice, "quokka")
    t.eq(found, [bobs["id"], mine["id"]],
         "alice finds her own post and bob's public one, newest first; not carol's (not indexable), "
         "nor dave's private or unlisted ones")
    t.check(daves_private["id"] not in found and daves_unlisted["id"] not in found, "dave's stay hidden")
    py = mastodon_py(server, alice.token)
    t.eq([str(s["id"]) for s in py.search_v2("quokka", result_type="statuses")["statuses"]],
         [bobs["id"], mine["id"]], "Mastodon.py's search_v2 gets the same")
    t.eq(search(None, "quokka"), [], "anonymous: no full-text search (as Mastodon)")

    server.api("POST", f"/api/v1/statuses/{carols['id']}/favourite", token=alice.token)
    t.eq(search(alice, "quokka"), [carols["id"], bobs["id"], mine["id"]],
         "a favourited post is in alice's library, even from a non-indexable account")
    t.eq(search(bob, "quokka"), [bobs["id"], mine["id"]], "bob does not see carol's: he did not interact")
    t.eq(search(alice, "quokka in:library"), [carols["id"], mine["id"]],
         "in:library: only what alice wrote or interacted with")
    t.eq(search(alice, "quokka in:public"), [bobs["id"], mine["id"]],
         "in:public: only public posts of indexable accounts")
    mention = post(dave, "@alice a quokka for you", visibility="direct")
    t.eq(search(alice, "quokka in:library")[0], mention["id"], "a direct mention is in her library")
    t.check(mention["id"] not in search(bob, "quokka"), "but nobody else's")
    server.api("POST", f"/api/v1/statuses/{daves_unlisted['id']}/bookmark", token=alice.token)
    t.check(daves_unlisted["id"] in search(alice, "quokka"), "a bookmarked unlisted post is found")
    server.api("POST", f"/api/v1/statuses/{daves_unlisted['id']}/reblog", token=bob.token)
    t.check(daves_unlisted["id"] in search(bob, "quokka in:library"), "so is a reblogged one (once)")
    t.eq(len([i for i in search(bob, "quokka") if i == daves_unlisted["id"]]), 1, "no reblog duplicates")


@suite.case
def operators(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    plain = post(alice, "wombat burrows are cubic")
    reply = post(bob, "wombat facts are great", in_reply_to_id=plain["id"])
    warned = post(bob, "wombat behind a warning", spoiler_text="spoilers")
    french = post(bob, "le wombat dort", language="fr")
    poll = post(alice, "favourite wombat?", **{"poll[options][]": ["common wombat", "hairy-nosed"],
                                                "poll[expires_in]": "3600"})
    boundary = "herdsearchboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"w.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + png_bytes() + \
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n" \
        f"a sleepy marsupial\r\n--{boundary}--\r\n".encode()
    media = server.api("POST", "/api/v2/media", token=bob.token, body=body, expect=(200, 202),
                       content_type=f"multipart/form-data; boundary={boundary}")
    pictured = post(bob, "wombat picture", **{"media_ids[]": media["id"]})

    everything = search(alice, "wombat")
    t.eq(sorted(everything), sorted([plain["id"], reply["id"], warned["id"], french["id"], poll["id"],
                                     pictured["id"]]), "every wombat post")
    t.eq(search(alice, "wombat from:bob"), [pictured["id"], french["id"], warned["id"], reply["id"]],
         "from:bob")
    t.eq(search(alice, "wombat from:@bob@" + server.domain), search(alice, "wombat from:bob"),
         "from:@bob@domain is the same account")
    t.eq(search(alice, "wombat from:me"), [poll["id"], plain["id"]], "from:me")
    t.eq(search(alice, "wombat -from:bob"), [poll["id"], plain["id"]], "-from:bob")
    t.eq(search(alice, "wombat from:nobody"), [], "from: an unknown account finds nothing")
    t.eq(search(alice, "wombat has:media"), [pictured["id"]], "has:media")
    t.eq(search(alice, "wombat has:image"), [pictured["id"]], "has:image")
    t.eq(search(alice, "wombat has:poll"), [poll["id"]], "has:poll")
    t.eq(search(alice, "wombat is:reply"), [reply["id"]], "is:reply")
    t.eq(search(alice, "wombat is:sensitive"), [warned["id"]], "is:sensitive (a content warning)")
    t.check(warned["id"] not in search(alice, "wombat -is:sensitive"), "-is:sensitive", None)
    t.eq(search(alice, "wombat language:fr"), [french["id"]], "language:fr")
    t.eq(search(alice, "wombat language:FR-fr"), [french["id"]], "language:FR-fr is fr")
    t.eq(search(alice, "marsupial"), [pictured["id"]], "a media description is searched")
    t.eq(search(alice, "hairy"), [poll["id"]], "a poll option is searched")
    t.eq(search(alice, "spoilers"), [warned["id"]], "the content warning is searched")
    t.eq(search(alice, '"burrows are cubic"'), [plain["id"]], "a phrase")
    t.eq(search(alice, '"cubic are burrows"'), [], "a phrase in another order does not match")
    t.eq(search(alice, "wombat -facts -picture"),
         [poll["id"], french["id"], warned["id"], plain["id"]], "-word excludes")
    t.eq(search(alice, 'wombat -"facts are"'), sorted([p for p in everything if p != reply["id"]], key=int,
                                                     reverse=True), '-"phrase" excludes')
    t.eq(search(alice, "WOMBAT Cubic"), [plain["id"]], "words are matched without case, all of them")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    t.eq(sorted(search(alice, f"wombat during:{today}")), sorted(everything), "during:today")
    t.eq(search(alice, f"wombat before:{today}"), [], "before:today finds nothing")
    t.eq(sorted(search(alice, f"wombat before:{tomorrow}")), sorted(everything), "before:tomorrow")
    t.eq(sorted(search(alice, f"wombat after:{yesterday}")), sorted(everything), "after:yesterday")
    t.eq(search(alice, f"wombat after:{today}"), [], "after:today (the day is over by then)")
    t.eq(search(alice, f"wombat -during:{today}"), [], "-during:today")
    t.json_error(server.http("GET", "/api/v2/search", token=alice.token,
                             query={"q": "wombat before:2024-13-45", "type": "statuses"}), 422,
                 "an impossible date is a 422")
    t.eq(search(alice, "has:poll from:me"), [poll["id"]], "operators alone, without words")
    t.eq(search(alice, "!!! ---"), [], "punctuation alone finds nothing")
    t.eq(search(alice, "wombat", account_id=bob.id), search(alice, "wombat from:bob"),
         "account_id= limits to one author")


@suite.case
def links_and_in_all(t):
    """has:link finds posts with a preview card; has:embed (a video card, which needs oEmbed: herd
    makes link cards only) finds none; in:all is the default scope."""
    server, alice, bob = S["server"], S["alice"], S["bob"]
    base, web = serve_web_page("<html><head><title>Kangaroo facts</title></head><body></body></html>")
    linked = post(bob, f"kangaroo reading {base}/kangaroos")
    plain = post(bob, "kangaroo without a link")
    card = eventually(lambda: server.api("GET", f"/api/v1/statuses/{linked['id']}", token=alice.token)["card"],
                      timeout=20)
    t.require(card, "the linked post gets a preview card (precondition)")
    t.eq(search(alice, "kangaroo has:link"), [linked["id"]], "has:link")
    t.eq(search(alice, "kangaroo -has:link"), [plain["id"]], "-has:link")
    t.eq(search(alice, "kangaroo has:embed"), [], "has:embed: no video cards here")
    t.eq(search(alice, "kangaroo in:all"), search(alice, "kangaroo"), "in:all is the default")
    t.eq(search(alice, "kangaroo in:all"), [plain["id"], linked["id"]], "both, newest first")
    web.shutdown()


@suite.case
def kept_current_by_writes(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    status = post(bob, "the platypus lays eggs")
    t.eq(search(alice, "platypus"), [status["id"]], "found right after posting")
    server.api("PUT", f"/api/v1/statuses/{status['id']}", token=bob.token,
               form={"status": "the echidna lays eggs too"})
    t.eq(search(alice, "platypus"), [], "an edit removes the old words")
    t.eq(search(alice, "echidna"), [status["id"]], "and adds the new ones")
    server.api("DELETE", f"/api/v1/statuses/{status['id']}", token=bob.token)
    t.eq(search(alice, "echidna"), [], "a deleted post is gone from search")


@suite.case
def blocks_and_mutes(t):
    server, alice, dave = S["server"], S["alice"], S["dave"]
    status = post(dave, "a numbat eats termites")
    t.eq(search(alice, "numbat"), [status["id"]], "found")
    server.api("POST", f"/api/v1/accounts/{dave.id}/mute", token=alice.token)
    t.eq(search(alice, "numbat"), [], "not from a muted account")
    server.api("POST", f"/api/v1/accounts/{dave.id}/unmute", token=alice.token)
    server.api("POST", f"/api/v1/accounts/{alice.id}/block", token=dave.token)
    t.eq(search(alice, "numbat"), [], "not from an account that blocks alice")
    server.api("POST", f"/api/v1/accounts/{alice.id}/unblock", token=dave.token)
    t.eq(search(alice, "numbat"), [status["id"]], "found again")


@suite.case
def pagination(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    ids = [post(bob, f"bilby number {i}")["id"] for i in range(25)]
    newest_first = list(reversed(ids))
    t.eq(search(alice, "bilby", limit=10), newest_first[:10], "limit=10: the newest ten")
    t.eq(search(alice, "bilby", limit=10, offset=10), newest_first[10:20], "offset=10: the next ten")
    t.eq(search(alice, "bilby", limit=40, offset=20), newest_first[20:], "the last five")
    t.eq(search(alice, "bilby", limit=10, max_id=newest_first[9]), newest_first[10:20], "max_id pages down")
    t.eq(search(alice, "bilby", limit=40, min_id=newest_first[5]), newest_first[:5], "min_id: newer ones")
    t.eq(len(search(alice, "bilby", limit=100)), 25, "limit is capped at 40, 25 found")


@suite.case
def accounts_by_bio(t):
    server = S["server"]
    gardener, hermit, basil = register(server, "gardener"), register(server, "hermit"), register(server, "basil")
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=gardener.token,
               form={"note": "I grow Tomatoes and basil, see https://example.com/garden", "discoverable": "true",
                     "display_name": "Green Thumb"})
    server.api("PATCH", "/api/v1/accounts/update_credentials", token=hermit.token,
               form={"note": "Tomatoes and basil here too", "discoverable": "false"})
    note = server.api("GET", f"/api/v1/accounts/{gardener.account['id']}")["note"]
    t.require("nofollow" in note, "the bio's HTML carries link markup (precondition)", note)

    def accounts(q, path="/api/v2/search", **query):
        found = server.api("GET", path, token=S["alice"].token, query={"q": q, **query})
        return [a["username"] for a in (found["accounts"] if isinstance(found, dict) else found)]

    t.eq(accounts("tomatoes", type="accounts"), ["gardener"],
         "a word of a discoverable account's bio finds it (case-insensitive); not the undiscoverable one")
    t.eq(accounts("basil tomatoes", type="accounts"), ["gardener"], "every word is in the bio, in any order")
    t.eq(accounts("basil", type="accounts"), ["basil", "gardener"], "a name match comes before bio matches")
    t.eq(accounts("tomatoes potatoes", type="accounts"), [], "a word missing from the bio: no match")
    t.eq(accounts("nofollow", type="accounts"), [], "the bio's markup is not searched, only its text")
    t.eq(accounts("garden", type="accounts"), ["gardener"], "a name match is not listed twice")
    t.eq(accounts("green thumb", type="accounts"), ["gardener"], "the display name is searched")
    t.eq(accounts("thumb", path="/api/v1/accounts/search"), ["gardener"], "v1 too")
    t.eq(accounts("tomatoes", path="/api/v1/accounts/search"), [],
         "GET /api/v1/accounts/search matches names only, as Mastodon's")


@suite.case
def admin_search_deploy(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    # On PostgreSQL the deploy's ANALYZE changes the plans: before it, with no statistics, every
    # word counts as rare and the matches come from the GIN index first; after it, the words in
    # its most common elements are matched walking the statuses newest first. Same answers.
    queries = [("quokka", {}), ("wombat from:bob", {}), ('"burrows are cubic"', {}),
               ("wombat -facts -picture", {}), ("bilby", {"limit": 10, "offset": 10}),
               ("bilby", {"limit": 5, "max_id": search(alice, "bilby", limit=1)[0]}),
               ("bilby aardvark", {}), ("aardvark", {})]
    before = [search(alice, q, **query) for q, query in queries]
    before_bob = search(bob, "quokka in:library")
    rc, out, err = run_herd_once(server.herd, server.environment(), ("admin", "search", "deploy",
                                                                     "--batch-size", "7"), timeout=120)
    t.eq(rc, 0, "herd admin search deploy succeeds")
    t.check("search index rebuilt:" in out, "it says how many statuses it indexed", out + err)
    t.eq([search(alice, q, **query) for q, query in queries], before,
         "the rebuilt index answers as before: " + ", ".join(q for q, _ in queries))
    t.eq(search(bob, "quokka in:library"), before_bob, "in:library too")
    t.eq(before[-1], [], "a word nobody wrote matches nothing")
    rc, out, err = run_herd_once(server.herd, server.environment(), ("admin", "search", "deploy",
                                                                     "--batch-size", "0"))
    t.check(rc != 0 and "batch-size" in (out + err), "a batch size of 0 is refused", out + err)


if __name__ == "__main__":
    main(suite)
