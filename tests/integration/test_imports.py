#!/usr/bin/python3
"""CSV imports at /settings/import against a real `herd serve`, with files shaped as Mastodon exports
them (tests/data/mastodon_exports: headers or none, a UTF-8 BOM and CRLF, quoted fields, the
older one-column following list): following with "Show boosts" and "Notify", mutes with "Hide
notifications", blocks, domain blocks, bookmarks by URI and lists (created by name); each import is
a job whose progress and failed rows (with reasons) the page shows; an overwrite import of domain
blocks removes the ones the file does not name; a file of the wrong shape or too empty is refused
with a message and nothing is imported.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, mastodon_py, parse_args, register  # noqa: E402
from imports_client import import_and_wait, upload_import  # noqa: E402
from oauth_browser import Browser  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mastodon_exports")
suite = Suite("imports", parse_args(__doc__))
S = suite.state


def fixture(name, **values):
    with open(os.path.join(FIXTURES, name), encoding="utf-8", newline="") as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


@suite.setup
def start_server(t):
    server = S["server"] = suite.server()
    S["alice"] = register(server, "alice")
    S["users"] = {n: register(server, n) for n in ("bob", "carol", "dave", "erin", "frank")}
    S["post"] = mastodon_py(server, S["users"]["bob"].token).status_post("worth keeping")
    S["browser"] = Browser(server)
    S["browser"].sign_in(S["alice"].email, S["alice"].password)


@suite.case
def mastodon_files_imported(t):
    server, alice, users, browser = S["server"], S["alice"], S["users"], S["browser"]
    domain = server.domain
    ids = {n: u.account["id"] for n, u in users.items()}
    state = import_and_wait(t, browser, "following", "merge", fixture("following_accounts.csv", domain=domain))
    t.eq(state[1:4], (2, 2, 2), "two follows imported from the file with a BOM and CRLF")
    state = import_and_wait(t, browser, "following", "merge",
                            fixture("following_accounts_headerless.csv", domain=domain))
    t.eq(state[3], 1, "the one-column list without a header")
    m = mastodon_py(server, alice.token)
    rel = {str(r["id"]): r for r in m.account_relationships(list(ids.values()))}
    t.eq((rel[ids["bob"]]["following"], rel[ids["bob"]]["showing_reblogs"], rel[ids["bob"]]["notifying"]),
         (True, False, True), "bob: followed without boosts, with notifications")
    t.eq((rel[ids["carol"]]["following"], rel[ids["carol"]]["showing_reblogs"]), (True, True), "carol")
    t.check(rel[ids["dave"]]["following"], "dave followed from the old format")

    import_and_wait(t, browser, "muting", "merge", fixture("muted_accounts.csv", domain=domain))
    import_and_wait(t, browser, "blocking", "merge", fixture("blocked_accounts.csv", domain=domain))
    import_and_wait(t, browser, "domain_blocking", "merge", fixture("blocked_domains.csv"))
    state = import_and_wait(t, browser, "bookmarks", "merge",
                            fixture("bookmarks.csv", domain=domain, status_id=S["post"]["id"]))
    t.eq(state[1:4], (2, 2, 1), "bookmarks: 2 rows, 1 imported")
    t.check("Row 2" in state[4] and "Post not found" in state[4], "the unknown post is reported",
            state[4][-300:])
    state = import_and_wait(t, browser, "lists", "merge", fixture("lists.csv", domain=domain))
    t.eq(state[3], 3, "three list rows imported")

    rel = {str(r["id"]): r for r in m.account_relationships(list(ids.values()))}
    t.eq((rel[ids["erin"]]["muting"], rel[ids["erin"]]["muting_notifications"]), (True, True), "erin muted")
    t.check(rel[ids["frank"]]["blocking"], "frank blocked")
    t.eq(sorted(m.domain_blocks()), ["ads.example", "spam.example"], "both domains blocked")
    t.eq([str(s["id"]) for s in m.bookmarks()], [str(S["post"]["id"])], "bob's post bookmarked")
    lists = {l["title"]: l["id"] for l in m.lists()}
    t.eq(sorted(lists), ["Friends, close", "Work"], "lists created by name (a comma inside quotes)")
    if "Friends, close" in lists:
        t.eq(sorted(a["username"] for a in m.list_accounts(lists["Friends, close"])), ["bob", "carol"],
             "with their members")


@suite.case
def overwrite_and_bad_files(t):
    browser, alice, server = S["browser"], S["alice"], S["server"]
    state = import_and_wait(t, browser, "domain_blocking", "overwrite", "ads.example\n")
    t.eq(state[3], 1, "the overwrite file's one row")
    t.eq(mastodon_py(server, alice.token).domain_blocks(), ["ads.example"],
         "overwrite removed the domain the file does not name")
    def count():
        return browser.request("GET", "/settings/import").text.count('<li class="import"')
    before = count()
    r = upload_import(browser, "bookmarks", "merge", fixture("following_accounts.csv", domain="x"))
    t.status(r, 422, "a following file given as bookmarks")
    t.check("not in the format" in r.text, "is refused with a reason")
    r = upload_import(browser, "muting", "merge", "\n\n")
    t.status(r, 422, "an empty file")
    t.check("empty" in r.text, "is refused as empty")
    r = upload_import(browser, "following", "sometimes", "a@b\n")
    t.status(r, 422, "an unknown mode")
    t.eq(count(), before, "the refused files added no import")
    t.status(Browser(server).request("GET", "/settings/import"), 303, "signed out: sent to sign in")


if __name__ == "__main__":
    main(suite)
