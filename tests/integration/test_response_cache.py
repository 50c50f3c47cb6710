#!/usr/bin/python3
"""The response cache never changes an answer: two `herd serve` processes share one database (and
LOCAL_DOMAIN), A with the response cache (the default), B without it (HERD_RESPONSE_CACHE_MB=0).
After each of a series of random writes (posts of every visibility, replies, favourites, reblogs,
bookmarks, edits, deletions, follows, mutes, blocks) made through A, every cacheable read (home,
public, local, hashtag timelines, statuses, threads, account statuses; as three people and signed
out) answers byte for byte the same on A, read twice (a miss, then a hit), as on B; so do eight
concurrent reads of one key on A (one computes, the others wait for it). Writes made through B
reach A's cached answers within a second (the cache is invalidated across processes). A
favourite or a bookmark drops only the cached answers that show its status: the others are still
served from the cache (its hit counter in /metrics), and equal the uncached ones.
"""
import os
import random
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, eventually, main, parse_args, register  # noqa: E402

suite = Suite("response_cache", parse_args(__doc__))
S = suite.state
NAMES = ("alice", "bob", "carol")
METRICS_TOKEN = "metrics-" + os.urandom(8).hex()


@suite.setup
def start_two_processes_on_one_database(t):
    a = suite.server(name="herd-cached", env={"HERD_METRICS_TOKEN": METRICS_TOKEN})
    b = suite.server(name="herd-uncached", start=False, env={
        "DATABASE_URL": a.database_url or "sqlite://" + a.data_dir + "/herd.sqlite3",
        "HERD_DATA_DIR": a.data_dir, "LOCAL_DOMAIN": a.domain, "HERD_RESPONSE_CACHE_MB": "0"})
    b.start()
    S.update(a=a, b=b)
    for name in NAMES:
        S[name] = register(a, name)
    S["statuses"] = []
    for name in NAMES:
        status = a.api("POST", "/api/v1/statuses", token=S[name].token,
                       form={"status": f"hello from {name} #cachetest", "visibility": "public"})
        S["statuses"].append(status["id"])


AP = {"Accept": "application/activity+json"}


def read_paths():
    paths = ["/api/v1/timelines/home", "/api/v1/timelines/public",
             "/api/v1/timelines/public?local=true", "/api/v1/timelines/tag/cachetest",
             "/api/v1/timelines/home?limit=2"]
    for status_id in S["statuses"][-4:]:
        paths += [f"/api/v1/statuses/{status_id}", f"/api/v1/statuses/{status_id}/context"]
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


def cache_hits():
    r = S["a"].http("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}",
                                                "Accept": "text/plain"})
    for line in r.text.splitlines():
        if line.startswith('herd_response_cache_lookups_total{result="hit"}'):
            return int(float(line.split()[-1]))
    raise AssertionError("no cache hit counter in /metrics: " + r.text[:300])


@suite.case
def a_favourite_drops_only_the_answers_that_show_its_status(t):
    a, b = S["a"], S["b"]
    carol = S["carol"].token
    other = a.api("POST", "/api/v1/statuses", token=S["alice"].token,
                  form={"status": "not liked", "visibility": "public"})["id"]
    liked = a.api("POST", "/api/v1/statuses", token=S["bob"].token,
                  form={"status": "to be liked", "visibility": "public"})["id"]
    shown = [f"/api/v1/statuses/{liked}", "/api/v1/timelines/public",
             f"/api/v1/accounts/{S['bob'].account['id']}/statuses"]
    unrelated = [f"/api/v1/statuses/{other}",
                 f"/api/v1/accounts/{S['alice'].account['id']}/statuses",
                 "/api/v1/timelines/home?max_id=" + liked]  # carol's home before it
    for path in shown + unrelated:
        answer(a, path, carol)  # cached now
    for kind in ("favourite", "bookmark", "unfavourite", "unbookmark"):
        a.api("POST", f"/api/v1/statuses/{liked}/{kind}", token=S["alice"].token)
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
