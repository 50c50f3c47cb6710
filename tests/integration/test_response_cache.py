#!/usr/bin/python3
"""The response cache never changes an answer: two `herd serve` processes share one database (and
LOCAL_DOMAIN), A with the response cache (the default), B without it (HERD_RESPONSE_CACHE_MB=0) nor
the status cache (HERD_STATUS_CACHE_MB=0), and a third instance, R, on its own database, federates
with them (its deliveries reach A).
After each of a series of random writes (posts of every visibility, replies, favourites, reblogs,
bookmarks, edits, deletions, follows, mutes, blocks, profile changes) made through A or B by
three local people, and activities delivered by R (Create, Announce, Delete, Update of a note
and of the actor, Follow, Undo, Like, signed as R sends them), every cacheable read (home,
public, local, hashtag timelines, statuses, threads, account statuses; as three people and signed
out) answers byte for byte the same on A, read twice (a miss, then a hit), as on B; so do eight
concurrent reads of one key on A (one computes, the others wait for it). Writes made through B
reach A's cached answers within a second (the cache is invalidated across processes). A write
drops only the cached answers it can change: after a favourite, a bookmark, a post (local or
delivered by R) or a follow, the others are still served from the cache (its hit counter in
/metrics), equal the uncached ones, and /metrics counts the invalidations as precise ones.
"""
import os
import random
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Suite, eventually, main, parse_args, register  # noqa: E402

suite = Suite("response_cache", parse_args(__doc__))
S = suite.state
NAMES = ("alice", "bob", "carol")
METRICS_TOKEN = "metrics-" + os.urandom(8).hex()


FEDERATION = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}


@suite.setup
def start_two_processes_on_one_database_and_a_remote_instance(t):
    a = suite.server(name="herd-cached", env={"HERD_METRICS_TOKEN": METRICS_TOKEN, **FEDERATION})
    b = suite.server(name="herd-uncached", start=False, env={
        "DATABASE_URL": a.database_url or "sqlite://" + a.data_dir + "/herd.sqlite3",
        "HERD_DATA_DIR": a.data_dir, "LOCAL_DOMAIN": a.domain, "HERD_RESPONSE_CACHE_MB": "0",
        "HERD_STATUS_CACHE_MB": "0", **FEDERATION})
    b.start()
    S.update(a=a, b=b)
    for name in NAMES:
        S[name] = register(a, name)
    S["statuses"] = []
    for name in NAMES:
        status = a.api("POST", "/api/v1/statuses", token=S[name].token,
                       form={"status": f"hello from {name} #cachetest", "visibility": "public"})
        S["statuses"].append(status["id"])
    # R: dave on another instance; alice follows him (his posts are delivered here) and he
    # follows alice (he sees her statuses, to reblog, like and reply to).
    r = S["r"] = suite.server(name="remote", env=FEDERATION)
    dave = S["dave"] = register(r, "dave")
    S["dave_statuses"] = []  # ids on R
    S["dave_here"] = resolve_account(a, S["alice"].token, f"dave@{r.domain}")
    t.require(S["dave_here"], "alice finds dave on the remote instance")
    a.api("POST", f"/api/v1/accounts/{S['dave_here']}/follow", token=S["alice"].token)
    alice_there = resolve_account(r, dave.token, f"alice@{a.domain}")
    t.require(alice_there, "dave finds alice")
    r.api("POST", f"/api/v1/accounts/{alice_there}/follow", token=dave.token)
    t.require(eventually(lambda: r.api("GET", "/api/v1/accounts/relationships", token=dave.token,
                                       query={"id[]": alice_there})[0]["following"], timeout=30),
              "dave's follow of alice is accepted")
    t.require(eventually(lambda: a.api("GET", "/api/v1/accounts/relationships", token=S["alice"].token,
                                       query={"id[]": S["dave_here"]})[0]["following"], timeout=30),
              "alice's follow of dave is accepted")


def resolve_account(server, token, handle):
    found = server.api("GET", "/api/v2/search", token=token,
                       query={"q": handle, "resolve": "true", "type": "accounts"})["accounts"]
    return found[0]["id"] if found else None


def resolve_status_on_remote(local_id):
    """The id on R of a status of this instance (R fetches it), or None."""
    status = S["b"].http("GET", f"/api/v1/statuses/{local_id}")
    if status.status != 200:
        return None
    url = status.json()["uri"]
    r = S["r"].http("GET", "/api/v2/search", token=S["dave"].token,
                    query={"q": url, "resolve": "true", "type": "statuses"})
    found = r.json().get("statuses", []) if r.status == 200 else []
    return found[0]["id"] if found else None


def inbox_posts():
    return len(re.findall(r"POST /(?:users/\w+/)?inbox 202", S["a"].stderr_text()))


def delivered(before, timeout=20.0):
    """Waits until A accepted a delivery after `before` (inbox_posts()), and no more arrive."""
    if not eventually(lambda: inbox_posts() > before, timeout=timeout, interval=0.05):
        return False
    count = inbox_posts()
    while True:
        time.sleep(0.3)
        now = inbox_posts()
        if now == count:
            return True
        count = now


AP = {"Accept": "application/activity+json"}


def read_paths():
    paths = ["/api/v1/timelines/home", "/api/v1/timelines/public",
             "/api/v1/timelines/public?local=true", "/api/v1/timelines/tag/cachetest",
             "/api/v1/timelines/home?limit=2"]
    for status_id in S["statuses"][-4:]:
        paths += [f"/api/v1/statuses/{status_id}", f"/api/v1/statuses/{status_id}/context"]
    if S.get("dave_here"):
        paths.append(f"/api/v1/accounts/{S['dave_here']}/statuses")
    for name in NAMES:
        paths.append(f"/api/v1/accounts/{S[name].account['id']}/statuses")
        # Federation documents (cached too, keyed by Accept): WebFinger and the actor document.
        paths.append(f"/.well-known/webfinger?resource=acct:{name}@{S['a'].domain}")
        paths.append((f"/users/{name}", AP))
    return paths


def readers():
    return [None] + [S[name].token for name in NAMES]


def answer(server, path, token):
    path, headers = path if isinstance(path, tuple) else (path, None)
    r = server.http("GET", path, token=token, headers=headers)
    return r.status, r.header("Link", ""), r.header("Content-Type", ""), r.body


def compare_everything(t, when):
    a, b = S["a"], S["b"]
    differences = 0
    for token in readers():
        for path in read_paths():
            if isinstance(path, str) and path.startswith("/api/v1/timelines/home") and token is None:
                continue
            first, second, uncached = answer(a, path, token), answer(a, path, token), answer(b, path, token)
            same = first == uncached and second == uncached
            if not same and differences < 3:
                who = "signed out" if token is None else "signed in"
                t.check(False, f"{when}: GET {path} ({who}) on the cached process equals the uncached one",
                        f"cached (miss): {first}\ncached (hit): {second}\nuncached: {uncached}")
            differences += not same
    t.eq(differences, 0, f"{when}: answers that differ between the cached and the uncached process")


def remote_write(rng, t):
    """An action of dave on R, delivered to A; returns its kind (None when it sent nothing)."""
    r, dave = S["r"], S["dave"]
    kind = rng.choice(["remote_post", "remote_post", "remote_reply", "remote_reblog",
                       "remote_favourite", "remote_edit", "remote_delete", "remote_follow",
                       "remote_unfollow", "remote_profile"])
    target = rng.choice(S["statuses"]) if S["statuses"] else None
    mine = rng.choice(S["dave_statuses"]) if S["dave_statuses"] else None
    before = inbox_posts()
    if kind in ("remote_post", "remote_reply"):
        form = {"status": f"from afar {rng.random():.5f} #cachetest",
                "visibility": rng.choice(["public", "unlisted", "private"])}
        if kind == "remote_reply" and target:
            there = resolve_status_on_remote(target)
            if there:
                form["in_reply_to_id"] = there
        resp = r.http("POST", "/api/v1/statuses", token=dave.token, form=form)
        if resp.status == 200:
            S["dave_statuses"].append(resp.json()["id"])
    elif kind in ("remote_reblog", "remote_favourite"):
        there = resolve_status_on_remote(target) if target else None
        if not there:
            return None
        resp = r.http("POST", f"/api/v1/statuses/{there}/{kind[len('remote_'):]}", token=dave.token)
    elif kind == "remote_edit":
        if not mine:
            return None
        resp = r.http("PUT", f"/api/v1/statuses/{mine}", token=dave.token,
                      form={"status": f"edited afar {rng.random():.5f} #cachetest"})
    elif kind == "remote_delete":
        if not mine:
            return None
        S["dave_statuses"].remove(mine)
        resp = r.http("DELETE", f"/api/v1/statuses/{mine}", token=dave.token)
    elif kind == "remote_profile":
        resp = r.http("PATCH", "/api/v1/accounts/update_credentials", token=dave.token,
                      form={"display_name": f"Dave {rng.random():.4f}"})
    else:
        who = S[rng.choice(["bob", "carol"])]
        account = resolve_account(r, dave.token, f"{who.username}@{S['a'].domain}")
        resp = r.http("POST", f"/api/v1/accounts/{account}/{kind[len('remote_'):]}", token=dave.token)
    t.check(resp.status in (200, 404, 403, 422), f"{kind} answered on the remote instance",
            resp.describe())
    if resp.status != 200:
        return None
    if not delivered(before):
        return None  # nothing to deliver (an unfollow of someone not followed, a private post...)
    return kind


def random_write(rng, t):
    a = S["a"]
    who = S[rng.choice(NAMES)]
    other = S[rng.choice([n for n in NAMES if S[n] is not who])]
    target = rng.choice(S["statuses"]) if S["statuses"] else None
    kind = rng.choice(["post", "post", "reply", "favourite", "unfavourite", "reblog", "unreblog",
                       "bookmark", "edit", "delete", "follow", "unfollow", "mute", "unmute",
                       "block", "unblock", "profile"])
    ok = (200, 404, 403, 422)  # acting on a deleted status, or one the blocker cannot see
    if kind == "bookmark" and rng.random() < 0.5:
        kind = "unbookmark"
    if kind in ("post", "reply"):
        form = {"status": f"{kind} {rng.random():.5f} #cachetest",
                "visibility": rng.choice(["public", "unlisted", "private", "direct"])}
        if kind == "reply" and target:
            form["in_reply_to_id"] = target
            form["status"] = f"@{other.username} " + form["status"]
        r = a.http("POST", "/api/v1/statuses", token=who.token, form=form)
        if r.status == 200:
            S["statuses"].append(r.json()["id"])
    elif kind in ("favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark"):
        r = a.http("POST", f"/api/v1/statuses/{target}/{kind}", token=who.token)
    elif kind == "edit":
        r = a.http("PUT", f"/api/v1/statuses/{target}", token=who.token,
                   form={"status": f"edited {rng.random():.5f} #cachetest"})
    elif kind == "delete":
        r = a.http("DELETE", f"/api/v1/statuses/{target}", token=who.token)
    elif kind == "profile":  # changes the actor document
        r = a.http("PATCH", "/api/v1/accounts/update_credentials", token=who.token,
                   form={"display_name": f"{who.username} {rng.random():.4f}"})
    else:
        r = a.http("POST", f"/api/v1/accounts/{other.account['id']}/{kind}", token=who.token)
    t.check(r.status in ok, f"{kind} answered", r.describe())
    return kind


@suite.case
def cached_answers_equal_uncached_after_random_writes(t):
    rng = random.Random(12)
    compare_everything(t, "before any write")
    for round_ in range(25):
        kind = random_write(rng, t)
        compare_everything(t, f"after write {round_ + 1} ({kind})")


@suite.case
def cached_answers_equal_uncached_after_federated_activities(t):
    rng = random.Random(44)
    compare_everything(t, "before any delivery")
    sent = 0
    for round_ in range(16):
        kind = remote_write(rng, t) if rng.random() < 0.7 else random_write(rng, t)
        if kind:
            sent += kind.startswith("remote_")
            compare_everything(t, f"after write {round_ + 1} ({kind})")
    t.check(sent >= 6, "most of the rounds delivered an activity to the cached process", sent)


def metric(series):
    return int(harness.metric(S["a"], METRICS_TOKEN, series))


def cache_hits():
    return metric('herd_response_cache_lookups_total{result="hit"}')


def invalidations(kind):
    return metric('herd_response_cache_invalidations_total{kind="%s"}' % kind)


def kept_and_changed(t, write, kept, changed, what):
    """Caches every (path, token) of kept and changed, runs write(), then checks that the kept
    ones are still hits, the changed ones misses, all equal to the uncached process's answers,
    and that the write was a precise invalidation, not a clear of everything. A write by the
    other process (it runs delivery jobs too; on SQLite any commit of another connection counts)
    empties the cache, as it must: such a round is run again, three times at most."""
    a, b = S["a"], S["b"]
    for attempt in range(3):
        for path, token in kept + changed:
            answer(a, path, token)
        everything, precise = invalidations("everything"), invalidations("precise")
        write()
        hits = cache_hits()
        kept_answers = [(answer(a, path, token), answer(b, path, token)) for path, token in kept]
        kept_hits = cache_hits() - hits
        hits = cache_hits()
        changed_answers = [(answer(a, path, token), answer(b, path, token)) for path, token in changed]
        changed_hits = cache_hits() - hits
        answer(a, "/api/v1/timelines/public", None)  # stores an answer: a moved generation shows
        cleared = invalidations("everything") - everything
        if cleared == 0 or attempt == 2:
            break
        print(f"{what}: another process's write emptied the cache meanwhile; once more", flush=True)
    for (path, _), (cached, uncached) in zip(kept + changed, kept_answers + changed_answers):
        t.eq(cached, uncached, f"after {what}: GET {path}")
    t.eq(kept_hits, len(kept), f"after {what}, the answers it does not change are still served "
         "from the cache")
    t.eq(changed_hits, 0, f"after {what}, the answers it changes are computed again")
    t.eq(cleared, 0, f"{what} did not empty the whole cache")
    t.check(invalidations("precise") > precise, f"{what} counts as a precise invalidation")


@suite.case
def a_favourite_drops_only_the_answers_that_show_its_status(t):
    a, b = S["a"], S["b"]
    # People the random writes never touched: no block or mute hides one from the other.
    reader, author, liker, bystander = (register(a, name) for name in ("ivy", "jack", "kim", "lou"))
    carol = reader.token
    other = a.api("POST", "/api/v1/statuses", token=bystander.token,
                  form={"status": "not liked", "visibility": "public"})["id"]
    liked = a.api("POST", "/api/v1/statuses", token=author.token,
                  form={"status": "to be liked", "visibility": "public"})["id"]
    shown = [f"/api/v1/statuses/{liked}", "/api/v1/timelines/public",
             f"/api/v1/accounts/{author.account['id']}/statuses"]
    unrelated = [f"/api/v1/statuses/{other}",
                 f"/api/v1/accounts/{bystander.account['id']}/statuses",
                 "/api/v1/timelines/home?max_id=" + liked]  # the reader's home before it
    for path in shown + unrelated:
        answer(a, path, carol)  # cached now
    for kind in ("favourite", "bookmark", "unfavourite", "unbookmark"):
        a.api("POST", f"/api/v1/statuses/{liked}/{kind}", token=liker.token)
        hits = cache_hits()
        for path in unrelated:
            t.eq(answer(a, path, carol), answer(b, path, carol), f"after a {kind}: GET {path}")
        t.eq(cache_hits() - hits, len(unrelated), f"after a {kind} of another status, the "
             "answers that do not show it are still served from the cache")
        hits = cache_hits()
        for path in shown:
            t.eq(answer(a, path, carol), answer(b, path, carol), f"after a {kind}: GET {path}")
        t.eq(cache_hits() - hits, 0, f"after a {kind}, every answer showing the status is "
             "computed again")
    favourited = a.api("POST", f"/api/v1/statuses/{liked}/favourite", token=carol)
    t.eq(favourited["favourites_count"], 1, "the favourite counts")
    status = answer(a, f"/api/v1/statuses/{liked}", carol)
    t.check(b'"favourited":true' in status[-1], "carol's cached view of the status shows her "
            "favourite", status)


@suite.case
def a_post_a_delivered_post_or_a_follow_drops_only_the_answers_it_changes(t):
    a = S["a"]
    erin, frank = register(a, "erin"), register(a, "frank")  # nobody follows them yet
    carol, alice = S["carol"].token, S["alice"].token
    franks = a.api("POST", "/api/v1/statuses", token=frank.token,
                   form={"status": "frank's own #franktag", "visibility": "public"})["id"]
    alice_id, frank_id = S["alice"].account["id"], frank.account["id"]
    frank_pages = [(f"/api/v1/statuses/{franks}", carol), (f"/api/v1/statuses/{franks}/context", carol),
                   (f"/api/v1/accounts/{frank_id}/statuses", carol),
                   ("/api/v1/timelines/tag/franktag", carol), ("/api/v1/timelines/home", erin.token)]
    kept_and_changed(
        t, lambda: a.api("POST", "/api/v1/statuses", token=alice,
                         form={"status": "a post of alice's", "visibility": "public"}),
        kept=frank_pages,
        changed=[("/api/v1/timelines/public", carol), (f"/api/v1/accounts/{alice_id}/statuses", carol),
                 ("/api/v1/timelines/home", alice), ("/api/v1/timelines/public?local=true", None)],
        what="a local post")

    def delivered_post():
        before = inbox_posts()
        S["r"].api("POST", "/api/v1/statuses", token=S["dave"].token,
                   form={"status": "delivered from afar", "visibility": "public"})
        t.require(delivered(before), "dave's post is delivered to the cached process")
    kept_and_changed(
        t, delivered_post, kept=frank_pages + [(f"/api/v1/accounts/{alice_id}/statuses", carol)],
        changed=[("/api/v1/timelines/public", carol), ("/api/v1/timelines/home", alice),
                 (f"/api/v1/accounts/{S['dave_here']}/statuses", carol)],
        what="a post delivered by another instance")
    kept_and_changed(
        t, lambda: a.api("POST", f"/api/v1/accounts/{frank_id}/follow", token=erin.token),
        kept=[(f"/api/v1/accounts/{alice_id}/statuses", carol), ("/api/v1/timelines/home", alice)],
        changed=[(f"/api/v1/accounts/{frank_id}/statuses", carol), ("/api/v1/timelines/home", erin.token),
                 (f"/api/v1/statuses/{franks}", carol)],
        what="a follow")
    home = answer(a, "/api/v1/timelines/home", erin.token)
    t.check(b"frank&#39;s own" in home[-1], "erin's home shows frank's status once she follows him", home)


@suite.case
def concurrent_misses_get_the_same_answer(t):
    a, b = S["a"], S["b"]
    token = S["alice"].token
    for round_ in range(3):
        a.api("POST", "/api/v1/statuses", token=token,  # her own posts are in her home
              form={"status": f"concurrent {round_}", "visibility": "public"})
        results = [None] * 8

        def read(i):
            results[i] = answer(a, "/api/v1/timelines/home", token)
        threads = [threading.Thread(target=read, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = answer(b, "/api/v1/timelines/home", token)
        t.check(all(r == expected for r in results), f"round {round_}: eight concurrent reads of home "
                "after a post equal the uncached answer", results[0])
        t.check(f"concurrent {round_}".encode() in expected[-1], "the new post is in alice's home")


@suite.case
def writes_through_the_other_process_reach_the_cache(t):
    a, b = S["a"], S["b"]
    token = S["carol"].token
    paths = ["/api/v1/timelines/public", f"/api/v1/accounts/{S['bob'].account['id']}/statuses",
             ("/users/bob", AP)]
    for path in paths:
        answer(a, path, token)  # cached now
    status = b.api("POST", "/api/v1/statuses", token=S["bob"].token,
                   form={"status": "written through the uncached process", "visibility": "public"})
    b.api("PATCH", "/api/v1/accounts/update_credentials", token=S["bob"].token,
          form={"display_name": "Bob through the other process"})
    for path in paths:
        seen = eventually(lambda: answer(a, path, token) == answer(b, path, token), timeout=1.0,
                          interval=0.02)
        t.check(seen, f"GET {path} on the cached process shows a post and a profile change made "
                "through the other one within a second", answer(a, path, token))
    b.api("POST", f"/api/v1/statuses/{status['id']}/favourite", token=S["alice"].token)
    path = f"/api/v1/statuses/{status['id']}"
    seen = eventually(lambda: answer(a, path, token) == answer(b, path, token), timeout=1.0,
                      interval=0.02)
    t.check(seen, "a favourite made through the other process reaches the cached status", answer(a, path, token))


if __name__ == "__main__":
    main(suite)
