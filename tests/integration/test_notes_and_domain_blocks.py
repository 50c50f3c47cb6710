#!/usr/bin/python3
"""Private notes on accounts and a user's domain blocks against a real `herd serve`, with
Mastodon.py 1.8 (account_note_set, domain_blocks, domain_block, domain_unblock). Their effects on
remote accounts (hidden posts, removed followers, refused follows) are checked between two
instances in tests/federation.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError  # noqa: E402

from harness import Suite, main, mastodon_py, parse_args, parse_link_header, register  # noqa: E402

suite = Suite("notes and domain blocks", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")


@suite.case
def private_notes(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    m = mastodon_py(server, alice.token)
    rel = m.account_note_set(bob.account["id"], "met at the meetup")
    t.eq(rel["note"], "met at the meetup", "the relationship carries the note")
    again = server.api("GET", "/api/v1/accounts/relationships", token=alice.token, query={"id[]": bob.account["id"]})
    t.eq(again[0]["note"], "met at the meetup", "and keeps it")
    other = server.api("GET", "/api/v1/accounts/relationships", token=bob.token, query={"id[]": alice.account["id"]})
    t.eq(other[0]["note"], "", "a note is private to its writer")
    m.account_note_set(bob.account["id"], "")
    t.eq(server.api("GET", "/api/v1/accounts/relationships", token=alice.token,
                    query={"id[]": bob.account["id"]})[0]["note"], "", "an empty comment removes it")
    r = server.http("POST", f"/api/v1/accounts/{bob.account['id']}/note", token=alice.token,
                    form={"comment": "x" * 2001})
    t.json_error(r, 422, "a note over 2000 characters")


@suite.case
def domain_blocks(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    t.eq(m.domain_blocks(), [], "none at first")
    m.domain_block("Spam.Example")
    m.domain_block("noise.example")
    m.domain_block("noise.example")
    t.eq(m.domain_blocks(), ["noise.example", "spam.example"], "newest first, lowercased, once each")
    page = server.http("GET", "/api/v1/domain_blocks", token=alice.token, query={"limit": "1"})
    t.eq(page.json(), ["noise.example"], "a page of one")
    links = {rel: url for url, rel in parse_link_header(page.header("Link", ""))}
    t.eq(server.api("GET", links["next"], token=alice.token) if links.get("next") else None, ["spam.example"],
         "the next page")
    m.domain_unblock("spam.example")
    t.eq(m.domain_blocks(), ["noise.example"], "unblocked")
    t.json_error(server.http("POST", "/api/v1/domain_blocks", token=alice.token, form={"domain": server.domain}),
                 422, "blocking one's own domain")
    t.json_error(server.http("POST", "/api/v1/domain_blocks", token=alice.token, form={"domain": " "}),
                 422, "a blank domain")
    t.json_error(server.http("GET", "/api/v1/domain_blocks"), 401, "without a token")
    try:
        m.domain_block("has space.example")
        t.check(False, "an invalid domain must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "Mastodon.py: an invalid domain")


if __name__ == "__main__":
    main(suite)
