#!/usr/bin/python3
"""Data export in Mastodon's CSV formats against a real `herd serve`: alice follows (with and
without boosts, with notifications), lists, blocks, mutes, blocks a domain and bookmarks through
Mastodon.py; the files downloaded from /settings/exports/*.csv by a signed-in browser are exactly
what Mastodon writes for the same data (app/models/export.rb: headers, column order, true/false,
user@domain, status URIs), parse with Python's csv module, and need a signed-in session.
"""
import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, mastodon_py, parse_args, register  # noqa: E402
from oauth_browser import Browser  # noqa: E402

suite = Suite("exports", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server_and_act(t):
    server = S["server"] = suite.server()
    alice = S["alice"] = register(server, "alice")
    users = {name: register(server, name) for name in ("bob", "carol", "dave", "erin")}
    m = mastodon_py(server, alice.token)
    ids = {name: u.account["id"] for name, u in users.items()}
    m.account_follow(ids["bob"], reblogs=False, notify=True)
    m.account_follow(ids["carol"])
    m.account_block(ids["dave"])
    m.account_mute(ids["erin"], notifications=False)
    m.domain_block("spam.example")
    friends = m.list_create("Close, \"dear\" friends")
    m.list_accounts_add(friends["id"], [ids["bob"], ids["carol"]])
    post = mastodon_py(server, users["bob"].token).status_post("worth keeping")
    m.status_bookmark(post["id"])
    S["bookmarked"] = post["uri"]


def download(t, browser, kind):
    r = browser.request("GET", f"/settings/exports/{kind}.csv")
    t.status(r, 200, f"{kind}.csv")
    t.check(r.content_type.startswith("text/csv"), f"{kind}.csv is CSV", r.content_type)
    t.check(f'filename="{kind}.csv"' in (r.header("Content-Disposition") or ""),
            f"{kind}.csv downloads as a file", r.header("Content-Disposition"))
    return r.text


@suite.case
def files_in_mastodons_formats(t):
    server, alice = S["server"], S["alice"]
    domain = server.domain
    browser = Browser(server)
    t.status(browser.request("GET", "/settings/exports/follows.csv"), 303,
             "signed out: sent to sign in")
    browser.sign_in(alice.email, alice.password)
    t.check("follows.csv" in browser.request("GET", "/settings/export").text,
            "the export page links the files")
    t.eq(download(t, browser, "follows"),
         "Account address,Show boosts,Notify on new posts,Languages\n"
         f"carol@{domain},true,false,\n"
         f"bob@{domain},false,true,\n", "follows.csv (newest first)")
    t.eq(download(t, browser, "blocks"), f"dave@{domain}\n", "blocks.csv")
    t.eq(download(t, browser, "mutes"),
         f"Account address,Hide notifications\nerin@{domain},false\n", "mutes.csv")
    t.eq(download(t, browser, "domain_blocks"), "spam.example\n", "domain_blocks.csv")
    t.eq(download(t, browser, "bookmarks"), S["bookmarked"] + "\n", "bookmarks.csv")
    lists = download(t, browser, "lists")
    rows = list(csv.reader(io.StringIO(lists)))
    t.eq(sorted(rows), [['Close, "dear" friends', f"bob@{domain}"],
                        ['Close, "dear" friends', f"carol@{domain}"]],
         "lists.csv: title and member, quoted as CSV")
    t.status(browser.request("GET", "/settings/exports/passwords.csv"), 404, "an unknown export")


if __name__ == "__main__":
    main(suite)
