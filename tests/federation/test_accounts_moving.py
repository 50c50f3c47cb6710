#!/usr/bin/python3
"""Leaving and moving, between herd instances (alpha.test, beta.test) and a scriptable fake server
(sink.test):

  deleting one's own account (Mastodon's /settings/delete): the password is asked; the account is
  gone at once (signed out, its tokens dead, its actor 410, its username never free again) and
  Delete(Person) reaches its follower's server and every other server alpha knows (the fake one,
  which alpha only looked up); its data stays hidden for the grace period
  (HERD_ACCOUNT_DELETION_GRACE_SECONDS, shortened here) and is then removed by a job in the
  database, also when alpha was stopped in between (the email address is free again, the
  follower's counts fall).

  moving between two herd instances: mia's follows (with "Show boosts" and "Notify"), blocks,
  mutes (with "Hide notifications"), domain blocks, bookmarks and lists exported on alpha as
  Mastodon's CSV files and imported on beta (/settings/import, a job per file): beta's state
  matches, remote accounts found through WebFinger and a remote post fetched by its URI; a bad row
  is reported on the page with its reason while the others are imported; an overwrite import
  removes what the file does not name.

    /usr/bin/python3 tests/federation/test_accounts_moving.py --herd build/herd [--backend sqlite]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402
from imports_client import import_and_wait, upload_import  # noqa: E402
from oauth_browser import Browser, parse_page  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("accounts: deleting, exporting and importing across servers", args)
S = suite.state
GRACE = 12  # seconds a deleted account's data stays on alpha in this test


def search_account(server, user, handle):
    r = server.api("GET", "/api/v2/search", token=user.token,
                   query={"q": handle, "resolve": "true", "type": "accounts"})
    return r["accounts"][0] if r["accounts"] else None


def try_register(server, username, email):
    try:
        harness.register(server, username, email=email)
        return True
    except harness.HttpError:
        return False


def relationship(server, user, account_id):
    return server.api("GET", "/api/v1/accounts/relationships", token=user.token,
                      query={"id[]": account_id})[0]


@suite.setup
def start_instances(t):
    S["alpha"] = fedlib.fed_server(t, "alpha.test",
                                   env={"HERD_ACCOUNT_DELETION_GRACE_SECONDS": str(GRACE)})
    S["beta"] = fedlib.fed_server(t, "beta.test")
    S["sink"] = fedlib.FakeServer("sink.test").start()
    S["sink"].actor("sam")


@suite.case
def deleting_an_account(t):
    alpha, beta, sink = S["alpha"], S["beta"], S["sink"]
    dora = harness.register(alpha, "dora")
    erin = harness.register(alpha, "erin")
    bob = harness.register(beta, "bob")
    alpha.api("POST", f"/api/v1/accounts/{dora.account['id']}/follow", token=erin.token)
    remote_dora = search_account(beta, bob, "dora@alpha.test")
    t.require(remote_dora, "beta finds dora@alpha.test")
    beta.api("POST", f"/api/v1/accounts/{remote_dora['id']}/follow", token=bob.token)
    t.require(wait_for(lambda: alpha.api("GET", "/api/v1/accounts/verify_credentials",
                                         token=dora.token)["followers_count"] == 2),
              "dora has two followers (erin here, bob on beta)")
    t.require(search_account(alpha, dora, "sam@sink.test"), "alpha knows sam@sink.test")
    alpha.api("POST", "/api/v1/statuses", token=dora.token, form={"status": "goodbye, world"})
    t.require(wait_for(lambda: any("goodbye" in s["content"] for s in beta.api(
        "GET", "/api/v1/timelines/home", token=bob.token))), "bob on beta sees dora's post")

    browser = Browser(alpha)
    t.status(browser.request("GET", "/settings/delete"), 303, "signed out: sent to sign in")
    browser.sign_in(dora.email, dora.password)
    page = browser.request("GET", "/settings/delete")
    t.status(page, 200, "the delete page")
    form = next((f for f in parse_page(page.body).forms if f["action"] == "/settings/delete"), None)
    t.require(form, "it has a form asking for the password")
    _, r = browser.submit(alpha.url + "/settings/delete", form, {"password": "not my password"})
    t.status(r, 422, "a wrong password deletes nothing")
    t.check("Incorrect password" in r.text, "and says so", r.text[-400:])
    t.status(alpha.http("GET", "/api/v1/accounts/verify_credentials", token=dora.token), 200,
             "dora's token still works")
    _, r = browser.submit(alpha.url + "/settings/delete", form, {"password": dora.password})
    t.status(r, 200, "the right password deletes the account")
    t.check("deleted" in r.text, "the page says the account was deleted")

    t.status(alpha.http("GET", "/api/v1/accounts/verify_credentials", token=dora.token), 401,
             "dora's token is dead")
    r = alpha.http("GET", "/settings/delete", headers={"Accept": "text/html", "Cookie": "; ".join(
        f"{k}={v}" for k, v in browser.cookies.items())})
    t.status(r, 303, "the browser is signed out")
    t.check(Browser(alpha).sign_in(dora.email, dora.password).status != 303,
            "the web sign-in refuses her password")
    grant = alpha.http("POST", "/oauth/token", form={
        "grant_type": "password", "username": dora.email, "password": dora.password,
        **{k: v for k, v in harness.create_app(alpha).items() if k in ("client_id", "client_secret")}})
    t.check(grant.status in (400, 401, 403), "the password no longer gives a token", grant.describe())
    t.status(alpha.http("GET", "/users/dora", headers={"Accept": "application/activity+json"}), 410,
             "the actor is gone (410)")
    t.check(not try_register(alpha, "dora", "dora.again@herd.test"), "the username stays taken")
    t.check(not try_register(alpha, "dora2", dora.email), "the email stays taken during the grace period")

    deletes = wait_for(lambda: [a for a in sink.inbox_posts("Delete")
                                if a.get("object") == "http://alpha.test/users/dora"])
    t.check(deletes, "Delete(Person) reached sink.test, which alpha only looked up")
    if deletes:
        t.eq(deletes[0].get("actor"), "http://alpha.test/users/dora", "sent as dora")
    gone = wait_for(lambda: beta.http("GET", f"/api/v1/accounts/{remote_dora['id']}",
                                      token=bob.token).status == 404
                    or beta.api("GET", f"/api/v1/accounts/{remote_dora['id']}",
                                token=bob.token).get("suspended"))
    t.check(gone, "beta took the Delete: dora@alpha.test is gone there")
    t.check(wait_for(lambda: not any("goodbye" in s["content"] for s in beta.api(
        "GET", "/api/v1/timelines/home", token=bob.token))), "her post left bob's home on beta")

    # The data goes after the grace period, by a job that outlives a restart.
    t.eq(alpha.api("GET", "/api/v1/accounts/verify_credentials", token=erin.token)["following_count"], 1,
         "erin still counts dora as followed during the grace period")
    alpha.stop()
    time.sleep(GRACE)  # the grace period passes while alpha is down
    alpha.start()
    t.check(wait_for(lambda: try_register(alpha, "dora2", dora.email), timeout=30),
            "after the grace period and a restart the email address is free again")
    t.eq(alpha.api("GET", "/api/v1/accounts/verify_credentials", token=erin.token)["following_count"], 0,
         "erin's following count no longer counts dora")
    t.check(not try_register(alpha, "dora", "dora.third@herd.test"), "the username is still taken")
    t.status(alpha.http("GET", "/users/dora", headers={"Accept": "application/activity+json"}), 410,
             "the actor stays gone")


@suite.case
def export_on_alpha_import_on_beta(t):
    alpha, beta = S["alpha"], S["beta"]
    mia = harness.register(alpha, "mia")
    ned = harness.register(alpha, "ned")
    troll = harness.register(alpha, "troll")
    noisy = harness.register(alpha, "noisy")
    bea = harness.register(beta, "bea")
    mia2 = harness.register(beta, "mia")
    m = harness.mastodon_py(alpha, mia.token)
    bea_on_alpha = search_account(alpha, mia, "bea@beta.test")
    t.require(bea_on_alpha, "alpha finds bea@beta.test")
    m.account_follow(ned.account["id"], reblogs=False, notify=True)
    m.account_follow(bea_on_alpha["id"])
    m.account_block(troll.account["id"])
    m.account_mute(noisy.account["id"], notifications=True)
    m.domain_block("spam.example")
    t.require(wait_for(lambda: relationship(alpha, mia, bea_on_alpha["id"])["following"]),
              "mia follows bea across servers")
    friends = m.list_create("Close friends")
    m.list_accounts_add(friends["id"], [ned.account["id"], bea_on_alpha["id"]])
    post = harness.mastodon_py(alpha, ned.token).status_post("a post worth keeping")
    m.status_bookmark(post["id"])

    exporter = Browser(alpha)
    exporter.sign_in(mia.email, mia.password)
    files = {}
    for kind in ("follows", "blocks", "mutes", "domain_blocks", "bookmarks", "lists"):
        r = exporter.request("GET", f"/settings/exports/{kind}.csv")
        t.require(r.status == 200, f"{kind}.csv exported on alpha")
        files[kind] = r.text
    # A row that cannot be imported: reported, not fatal.
    files["follows"] += "nobody@nowhere.invalid,true,false,\n"

    importer = Browser(beta)
    importer.sign_in(mia2.email, mia2.password)
    t.status(Browser(beta).request("GET", "/settings/import"), 303, "signed out: sent to sign in")
    bad = upload_import(importer, "bookmarks", "merge", files["follows"])
    t.status(bad, 422, "a following file given as bookmarks is refused")
    state = import_and_wait(t, importer, "following", "merge", files["follows"])
    t.eq((state[1], state[2], state[3]), (3, 3, 2), "3 rows processed, 2 imported")
    t.check("nowhere.invalid" in state[4] and "not found" in state[4].lower(),
            "the bad row is shown with its reason", state[4][-400:])
    for kind, name in (("blocks", "blocking"), ("mutes", "muting"), ("domain_blocks", "domain_blocking"),
                       ("bookmarks", "bookmarks"), ("lists", "lists")):
        state = import_and_wait(t, importer, name, "merge", files[kind])
        t.eq(state[3], state[2], f"every {name} row imported")

    def lookup(acct):  # (search leaves out blocked accounts)
        return beta.api("GET", "/api/v1/accounts/lookup", token=mia2.token, query={"acct": acct})
    ned_b, troll_b, noisy_b = (lookup(f"{n}@alpha.test") for n in ("ned", "troll", "noisy"))
    t.require(ned_b and troll_b and noisy_b, "beta knows ned, troll and noisy")
    r = wait_for(lambda: (lambda r: r["following"] and r)(relationship(beta, mia2, ned_b["id"])))
    t.check(r, "mia follows ned@alpha.test from beta (accepted)")
    if r:
        t.eq((r["showing_reblogs"], r["notifying"]), (False, True), "without boosts, with notifications")
    t.check(relationship(beta, mia2, bea.account["id"])["following"], "mia follows bea on beta")
    t.check(relationship(beta, mia2, troll_b["id"])["blocking"], "troll@alpha.test is blocked")
    rel = relationship(beta, mia2, noisy_b["id"])
    t.eq((rel["muting"], rel["muting_notifications"]), (True, True), "noisy is muted with notifications")
    t.eq(beta.api("GET", "/api/v1/domain_blocks", token=mia2.token), ["spam.example"], "domain blocked")
    marks = beta.api("GET", "/api/v1/bookmarks", token=mia2.token)
    t.eq([s["uri"] for s in marks], [post["uri"]], "ned's post is bookmarked on beta (fetched by URI)")
    lists = beta.api("GET", "/api/v1/lists", token=mia2.token)
    t.eq([l["title"] for l in lists], ["Close friends"], "the list exists on beta")
    if lists:
        members = beta.api("GET", f"/api/v1/lists/{lists[0]['id']}/accounts", token=mia2.token)
        t.eq(sorted(a["acct"] for a in members), ["bea", "ned@alpha.test"], "with both members")

    # Overwrite: only bea stays followed.
    state = import_and_wait(t, importer, "following", "overwrite",
                            "Account address,Show boosts,Notify on new posts,Languages\n"
                            "bea@beta.test,true,false,\n")
    t.eq(state[3], 1, "the overwrite file's one row imported")
    t.check(wait_for(lambda: not relationship(beta, mia2, ned_b["id"])["following"]),
            "ned, not in the file, is no longer followed")
    t.check(relationship(beta, mia2, bea.account["id"])["following"], "bea still is")


if __name__ == "__main__":
    harness.main(suite)
