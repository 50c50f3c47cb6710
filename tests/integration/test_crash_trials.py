#!/usr/bin/python3
"""Crash trials (issue 14): kill -9 at a random moment under mixed write load, many times over
(HERD_CRASH_TRIALS, 20 by default), restarting the same data each time. After every restart:

- every acknowledged post (200 to POST /api/v1/statuses) is there with its text, and a retried
  Idempotency-Key still names it;
- every acknowledged follow, unfollow and favourite is in place;
- every acknowledged media upload (200/202 to POST /api/v2/media) exists and its file is served
  once processed;
- every scheduled status that came due while the server was being killed is published exactly
  once (the scheduler's job is not done twice, nor lost).

The kill lands while requests are on the wire and background jobs run: between the writers, the
scheduler and the media worker, some trial hits each of them mid-transaction."""
import os
import random
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, eventually, main, parse_args, png, register  # noqa: E402

suite = Suite("crash trials under kill -9", parse_args(__doc__))
S = {}
TRIALS = int(os.environ.get("HERD_CRASH_TRIALS", "20"))
SCHEDULED_PER_TRIAL = 3



class Acknowledged:
    """What the server said yes to, across all trials."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = {}  # idempotency key -> status id
        self.follows = {}  # (follower index, target account id) -> following
        self.unsure = set()  # pairs whose last request got no answer
        self.follow_changes = 0
        self.favourites = set()  # status id
        self.media = set()  # media id
        self.scheduled = {}  # marker text -> scheduled status id


def writers(server, users, follow_pairs, acked, stop, rng):
    alice, bob = users
    image = png(16, 12, seed=rng.randrange(256))

    def poster(n):
        i = 0
        while not stop.is_set():
            key = f"crash-{n}-{i}-{uuid.uuid4()}"
            i += 1
            r = server.try_http("POST", "/api/v1/statuses", token=alice.token,
                                json_body={"status": f"crash post {key}"}, headers={"Idempotency-Key": key})
            if r.status == 200:
                with acked.lock:
                    acked.posts[key] = r.json()["id"]

    def follower():
        # Follows and unfollows the same pairs over and over: the state a pair must have after a
        # kill is the last one acknowledged, unless a later request for it was cut off (then
        # either state is right, and the next verification reads it back).
        while not stop.is_set():
            pair = rng.choice(follow_pairs)
            who, target = pair
            with acked.lock:
                if pair in acked.unsure:
                    continue
                want = not acked.follows.get(pair, False)
                acked.unsure.add(pair)
            verb = "follow" if want else "unfollow"
            r = server.try_http("POST", f"/api/v1/accounts/{target}/{verb}", token=users[who].token)
            if r.status == 200 and r.json().get("following") == want:
                with acked.lock:
                    acked.follows[pair] = want
                    acked.unsure.discard(pair)
                    acked.follow_changes += 1
            elif r.status == 0:
                return  # the server is gone: this pair stays unsure

    def favouriter():
        while not stop.is_set():
            with acked.lock:
                candidates = [s for s in S["verified_posts"] if s not in acked.favourites]
            if not candidates:
                time.sleep(0.05)
                continue
            status_id = rng.choice(candidates)
            r = server.try_http("POST", f"/api/v1/statuses/{status_id}/favourite", token=bob.token)
            if r.status == 200 and r.json().get("favourited"):
                with acked.lock:
                    acked.favourites.add(status_id)

    def uploader():
        boundary = "herdcrash0boundary"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.png"\r\n'
                f'Content-Type: image/png\r\n\r\n').encode() + image + f"\r\n--{boundary}--\r\n".encode()
        while not stop.is_set():
            r = server.try_http("POST", "/api/v2/media", token=alice.token, body=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
            if r.status in (200, 202):
                with acked.lock:
                    acked.media.add(r.json()["id"])

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(2)]
    threads += [threading.Thread(target=f) for f in (follower, favouriter, uploader)]
    for th in threads:
        th.start()
    return threads


def schedule(server, user, trial, acked):
    """Statuses scheduled an hour ahead, then made due at once (as the passing of time would)."""
    when = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    ids = []
    for k in range(SCHEDULED_PER_TRIAL):
        marker = f"scheduled-{trial}-{k}-{uuid.uuid4().hex[:8]}"
        r = server.api("POST", "/api/v1/statuses", token=user.token,
                       form={"status": marker, "scheduled_at": when})
        acked.scheduled[marker] = r["id"]
        ids.append(int(r["id"]))
    return ids


def all_statuses(server, user):
    texts, max_id = [], None
    while True:
        query = {"limit": 40}
        if max_id:
            query["max_id"] = max_id
        page = server.api("GET", f"/api/v1/accounts/{user.id}/statuses", token=user.token, query=query)
        if not page:
            return texts
        texts += [s["content"] for s in page]
        max_id = page[-1]["id"]


@suite.setup
def start_server_and_accounts(t):
    server = S["server"] = suite.server("crash")
    S["users"] = [register(server, "alice"), register(server, "bob")]
    S["planner"] = register(server, "planner")
    S["targets"] = [register(server, f"target{i}").id for i in range(6)]
    S["verified_posts"] = []
    S["verified_set"] = set()
    S["verified_favourites"] = set()
    S["verified_media"] = set()
    seed = int(os.environ.get("HERD_CRASH_SEED", str(int(time.time()))))
    print(f"    random seed {seed} (HERD_CRASH_SEED to replay)", flush=True)
    S["rng"] = random.Random(seed)


@suite.case
def nothing_acknowledged_is_lost_and_no_job_runs_twice(t):
    server, users, rng = S["server"], S["users"], S["rng"]
    alice, bob = users
    planner = S["planner"]
    acked = Acknowledged()
    follow_pairs = [(who, target) for who in (0, 1) for target in S["targets"]]
    kills = []
    for trial in range(TRIALS):
        due = schedule(server, planner, trial, acked)
        stop = threading.Event()
        threads = writers(server, users, follow_pairs, acked, stop, rng)
        time.sleep(rng.uniform(0.1, 0.6))
        server.sql(f"UPDATE scheduled_statuses SET scheduled_at = 0 WHERE id IN ({','.join(map(str, due))})")
        moment = rng.uniform(0.05, 1.5)
        time.sleep(moment)
        server.kill()
        kills.append(round(moment, 2))
        stop.set()
        for th in threads:
            th.join()
        server.start()

        # Posts: every acknowledged one is there, by id, with its text.
        missing = []
        for key, status_id in acked.posts.items():
            if status_id in S["verified_set"]:
                continue
            r = server.try_http("GET", f"/api/v1/statuses/{status_id}", token=alice.token)
            if r.status != 200 or key not in r.json().get("content", ""):
                missing.append(status_id)
        t.require(not missing, f"trial {trial}: every acknowledged post survives the kill",
                  f"{len(missing)} missing of {len(acked.posts)}: {missing[:5]}")
        S["verified_set"] = set(acked.posts.values())
        S["verified_posts"] = list(S["verified_set"])

        # Follows and favourites.
        for who, user in enumerate(users):
            pairs = [p for p in follow_pairs if p[0] == who]
            rel = {r["id"]: r["following"] for r in server.api(
                "GET", "/api/v1/accounts/relationships", token=user.token,
                query=[("id[]", target) for (_, target) in pairs])}
            lost = [target for (w, target) in pairs if (w, target) not in acked.unsure
                    and acked.follows.get((w, target), False) != rel[target]]
            t.require(not lost, f"trial {trial}: every acknowledged follow and unfollow by {user.username} holds",
                      lost)
            for pair in pairs:
                if pair in acked.unsure:
                    acked.follows[pair] = rel[pair[1]]
                    acked.unsure.discard(pair)
        for status_id in acked.favourites - S["verified_favourites"]:
            r = server.api("GET", f"/api/v1/statuses/{status_id}", token=bob.token)
            t.require(r["favourited"], f"trial {trial}: acknowledged favourite of {status_id} holds")
        S["verified_favourites"] = set(acked.favourites)

        # Media: every acknowledged upload exists (processing may resume after the restart).
        for media_id in acked.media - S["verified_media"]:
            r = server.try_http("GET", f"/api/v1/media/{media_id}", token=alice.token)
            t.require(r.status in (200, 206), f"trial {trial}: acknowledged media {media_id} exists",
                      r.describe())
        S["verified_media"] = set(acked.media)

        # Scheduled statuses: each published exactly once once the scheduler has run.
        gone = eventually(lambda: not server.api("GET", "/api/v1/scheduled_statuses", token=planner.token),
                          timeout=30, interval=0.2)
        t.require(gone, f"trial {trial}: the due scheduled statuses are published after the restart")
    texts = all_statuses(server, planner)
    for marker in acked.scheduled:
        count = sum(1 for text in texts if marker in text)
        t.check(count == 1, f"scheduled status {marker} published exactly once", f"{count} times")
    t.eq(len(texts), len(acked.scheduled), "the planner has exactly the statuses it scheduled")

    # Media processed after all the kills: each file is served.
    for media_id in sorted(acked.media)[:40]:
        def processed():
            r = server.try_http("GET", f"/api/v1/media/{media_id}", token=alice.token)
            return r if r.status == 200 else None
        r = eventually(processed, timeout=30, interval=0.2)
        t.require(r, f"media {media_id} is processed after the restarts")
        url = r.json()["url"]
        path = url.split("//", 1)[1].split("/", 1)[1]
        t.status(server.http("GET", "/" + path), 200, f"media {media_id}'s file is served")

    # A retried Idempotency-Key after all the kills still names the stored status.
    key, status_id = next(iter(acked.posts.items()))
    again = server.api("POST", "/api/v1/statuses", token=alice.token,
                       json_body={"status": f"crash post {key}"}, headers={"Idempotency-Key": key})
    t.eq(again["id"], status_id, "a retried Idempotency-Key returns the stored status")
    print(f"    {TRIALS} kills at {kills} s; acknowledged {len(acked.posts)} posts, {acked.follow_changes} "
          f"follows and unfollows, {len(acked.favourites)} favourites, {len(acked.media)} uploads, "
          f"{len(acked.scheduled)} scheduled statuses", flush=True)


if __name__ == "__main__":
    main(suite)
