#!/usr/bin/python3
"""Steady writes against a seeded instance (herd admin seed), for benchmarks of reads under writes.

Signs in as the accounts that USER follows and, at RATE writes per second spread evenly, cycles
through: a public post (lands in USER's home timeline), a favourite and a reblog of a recent
status of USER's home timeline, and an unfavourite. Runs until SIGTERM/SIGINT, then prints one JSON
line: writes done, per kind, errors, and the achieved rate.

--kinds picks the cycle (e.g. "favourite,unfavourite"); --targets elsewhere favourites and reblogs
statuses of the public timeline that are not on the first page of USER's home (what a busy
instance's likes mostly are: of statuses other people read).

    bench/writer.py --base http://127.0.0.1:PORT --client-id ID --client-secret SECRET \
                    [--user user1] [--rate 50] [--writers 10] [--ready FILE] \
                    [--kinds post,favourite,reblog,unfavourite] [--targets home|elsewhere]
"""
import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
import urllib.parse

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--base", required=True)
p.add_argument("--client-id", required=True)
p.add_argument("--client-secret", required=True)
p.add_argument("--user", default="user1")
p.add_argument("--rate", type=float, default=50)
p.add_argument("--writers", type=int, default=10, help="accounts writing (of those USER follows)")
p.add_argument("--ready", help="file created once signed in, when the writes start")
p.add_argument("--kinds", default="post,favourite,reblog,unfavourite")
p.add_argument("--targets", choices=("home", "elsewhere"), default="home")
args = p.parse_args()
url = urllib.parse.urlparse(args.base)


class Client:
    def __init__(self, token=None):
        self.token = token
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(self, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            return 0, None
        return response.status, (json.loads(data) if data else None)


def sign_in(username):
    status, token = Client().call("POST", "/oauth/token", {
        "grant_type": "password", "username": f"{username}@seed.invalid", "password": "password",
        "client_id": args.client_id, "client_secret": args.client_secret,
        "scope": "read write"})
    if status != 200:
        sys.exit(f"writer: cannot sign in as {username}: {status} {token}")
    return token["access_token"]


reader = Client(sign_in(args.user))
_, me = reader.call("GET", "/api/v1/accounts/verify_credentials")
_, following = reader.call("GET", f"/api/v1/accounts/{me['id']}/following?limit=80")
writers = [Client(sign_in(a["username"])) for a in following[:args.writers]]
if not writers:
    sys.exit(f"writer: {args.user} follows nobody")

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
kinds = args.kinds.split(",")
counts = {kind: 0 for kind in kinds}
errors = 0
recent = []  # ids from USER's home timeline
if args.ready:
    open(args.ready, "w").close()
started = time.monotonic()
n = 0
while not stop.is_set():
    due = started + n / args.rate
    delay = due - time.monotonic()
    if delay > 0 and stop.wait(delay):
        break
    if n % 20 == 0 or not recent:
        _, page = reader.call("GET", "/api/v1/timelines/home?limit=40")
        recent = [s["id"] for s in page or []]
        if args.targets == "elsewhere":
            home = set(recent[:20])
            _, public = reader.call("GET", "/api/v1/timelines/public?limit=40&max_id=" +
                                    (min(recent) if recent else ""))
            recent = [s["id"] for s in public or [] if s["id"] not in home]
    client = writers[n % len(writers)]
    kind = kinds[n % len(kinds)]
    if kind == "post":
        status, _ = client.call("POST", "/api/v1/statuses",
                                {"status": f"bench write {n} #bench", "visibility": "public"})
    else:
        target = random.choice(recent) if recent else None
        if target is None:
            continue
        status, _ = client.call("POST", f"/api/v1/statuses/{target}/{kind}", {})
    if status == 200:
        counts[kind] += 1
    else:
        errors += 1
    n += 1
elapsed = time.monotonic() - started
done = sum(counts.values())
print(json.dumps({"writes": done, "per_kind": counts, "errors": errors,
                  "seconds": round(elapsed, 1), "rate": round(done / elapsed, 1)}))
