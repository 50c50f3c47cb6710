#!/usr/bin/python3
"""A kill -9 in the middle of writes loses nothing that was acknowledged: every status the
server answered 200 for is there after a restart, counters agree, and a retried
Idempotency-Key still maps to the same status."""
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, register  # noqa: E402

suite = Suite("durability under kill -9", parse_args(__doc__))


@suite.case
def acknowledged_statuses_survive_kill(t):
    s = suite.server("durability")
    alice = register(s, "alice")
    acknowledged = {}  # idempotency key -> status id
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set():
            key = f"{n}-{i}-{uuid.uuid4()}"
            i += 1
            r = s.try_http("POST", "/api/v1/statuses", token=alice.token,
                           json_body={"status": f"durable post {key}"},
                           headers={"Idempotency-Key": key})
            if r is not None and r.status == 200:
                with lock:
                    acknowledged[key] = r.json()["id"]

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    time.sleep(2.0)
    s.kill()  # SIGKILL while the writers are mid-request
    stop.set()
    for th in threads:
        th.join()
    t.require(len(acknowledged) >= 10, "the server acknowledged some posts before the kill",
              f"only {len(acknowledged)}")
    s.start()
    missing = []
    for key, status_id in acknowledged.items():
        r = s.try_http("GET", f"/api/v1/statuses/{status_id}", token=alice.token)
        if r is None or r.status != 200 or key not in r.json().get("content", ""):
            missing.append(status_id)
    t.check(not missing, f"all {len(acknowledged)} acknowledged statuses are there after the restart",
            f"missing: {missing[:10]}")
    me = s.api("GET", "/api/v1/accounts/verify_credentials", token=alice.token)
    t.check(me["statuses_count"] >= len(acknowledged),
            "statuses_count counts every acknowledged status",
            f"{me['statuses_count']} < {len(acknowledged)}")
    # The home timeline (fanned out in the same transaction) has them too.
    home_ids = set()
    max_id = None
    while True:
        query = {"limit": 40}
        if max_id:
            query["max_id"] = max_id
        page = s.api("GET", "/api/v1/timelines/home", token=alice.token, query=query)
        if not page:
            break
        home_ids.update(x["id"] for x in page)
        max_id = page[-1]["id"]
    t.check(set(acknowledged.values()) <= home_ids, "every acknowledged status is in the author's home timeline",
            f"{len(set(acknowledged.values()) - home_ids)} missing")
    # Retrying a request whose answer was lost must not duplicate it.
    key, status_id = next(iter(acknowledged.items()))
    again = s.api("POST", "/api/v1/statuses", token=alice.token,
                  json_body={"status": f"durable post {key}"}, headers={"Idempotency-Key": key})
    t.eq(again["id"], status_id, "a retried Idempotency-Key returns the stored status")


if __name__ == "__main__":
    main(suite)
