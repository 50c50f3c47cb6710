#!/usr/bin/python3
"""Steady writes against a seeded instance (herd admin seed), for benchmarks of reads under writes.

Signs in as the accounts that USER follows and, at RATE writes per second spread evenly, cycles
through: a public post (lands in USER's home timeline), a favourite and a reblog of a recent
status of USER's home timeline, and an unfavourite. Runs until SIGTERM/SIGINT, then prints one JSON
line: writes done, per kind, errors (and what each failed kind answered: a 404 is a seeded followers-only status
of an author that writer does not follow, which it may not see), and the achieved rate.

--kinds picks the cycle (e.g. "favourite,unfavourite"); --targets elsewhere favourites and reblogs
statuses of the public timeline that are not on the first page of USER's home (what a busy
instance's likes mostly are: of statuses other people read). --authors any makes the local
writers WRITERS seeded accounts other than USER and those it follows (userN), so that most writes
do not concern USER's home, as on a busy instance.

--inbound SHARE (0..1) sends that share of the writes as activities from another server: a fake
remote instance (its actors with real RSA keys, WebFinger, inboxes) on 127.0.0.1, followed by
--inbound-follower (default user2, not USER), POSTs signed (draft-cavage rsa-sha256) Create(Note)
activities (public, #bench), Announce of statuses of the public timeline and Delete of its earlier
notes to the shared inbox. herd serve needs ALLOWED_PRIVATE_ADDRESSES=127.0.0.1 and
HERD_ALLOW_HTTP_FEDERATION=true for it (bench/timelines.sh sets them). Needs python3-cryptography.

    bench/writer.py --base http://127.0.0.1:PORT --client-id ID --client-secret SECRET \
                    [--user user1] [--rate 50] [--writers 10] [--ready FILE] \
                    [--kinds post,favourite,reblog,unfavourite] [--targets home|elsewhere]
                    [--authors followed|any] [--inbound 0.5] [--inbound-follower user2]
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
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
p.add_argument("--authors", choices=("followed", "any"), default="followed")
p.add_argument("--inbound", type=float, default=0.0, help="share of writes sent as inbound activities")
p.add_argument("--inbound-follower", default="user2")
p.add_argument("--inbound-actors", type=int, default=5)
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
if args.authors == "followed":
    writers = [Client(sign_in(a["username"])) for a in following[:args.writers]]
else:
    skip = {a["username"] for a in following} | {args.user, args.inbound_follower}
    names = [f"user{i}" for i in range(2, 2000) if f"user{i}" not in skip][:args.writers]
    writers = [Client(sign_in(name)) for name in names]
if not writers:
    sys.exit(f"writer: {args.user} follows nobody")


class Inbound:
    """A fake remote instance whose actors a local account follows; sends signed activities."""

    def __init__(self):
        here = os.path.dirname(os.path.abspath(__file__))
        for folder in ("../tests/integration", "../tests/federation"):
            sys.path.insert(0, os.path.join(here, folder))
        import fedlib  # noqa: PLC0415 - only with --inbound
        self.fedlib = fedlib
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.fake = fedlib.FakeServer(f"127.0.0.1:{port}", address="127.0.0.1", port=port).start()
        self.actors = [self.fake.actor(f"far{i}") for i in range(args.inbound_actors)]
        self.inbox = args.base + "/inbox"
        self.notes = []  # (actor index, note id) not deleted yet
        self.n = 0
        follower = Client(sign_in(args.inbound_follower))
        for i, actor in enumerate(self.actors):
            _, found = follower.call("GET", "/api/v2/search?resolve=true&type=accounts&q=" +
                                     urllib.parse.quote(f"far{i}@{self.fake.host}"))
            if not found or not found.get("accounts"):
                sys.exit(f"writer: {args.inbound_follower} cannot find far{i}@{self.fake.host}: {found}")
            follower.call("POST", f"/api/v1/accounts/{found['accounts'][0]['id']}/follow", {})
        deadline = time.monotonic() + 30
        while len(self.fake.inbox_posts("Follow")) < len(self.actors):
            if time.monotonic() > deadline:
                sys.exit("writer: the follows of the fake remote actors never arrived")
            time.sleep(0.1)
        for follow in self.fake.inbox_posts("Follow"):
            name = follow["object"].rsplit("/", 1)[1]
            self.send(name, {"type": "Accept", "id": f"{self.fake.base()}/accepts/{name}",
                             "actor": follow["object"], "object": follow})

    def send(self, name, activity):
        activity = {"@context": "https://www.w3.org/ns/activitystreams", **activity}
        r = self.fedlib.post_signed(self.inbox, activity, self.fake.actors[name]["key"],
                                    self.fake.key_id(name))
        return r.status

    def write(self, targets):
        """One activity: mostly Create(Note), else an Announce or a Delete; returns its kind, status."""
        self.n += 1
        i = self.n % len(self.actors)
        name, actor = f"far{i}", self.actors[i]
        public = ["https://www.w3.org/ns/activitystreams#Public"]
        roll = random.random()
        if roll < 0.15 and targets:
            return "inbound_announce", self.send(name, {
                "type": "Announce", "id": f"{actor}/announces/{self.n}", "actor": actor,
                "to": public, "cc": [actor + "/followers"], "published": now(),
                "object": random.choice(targets)})
        if roll < 0.3 and self.notes:
            owner, note = self.notes.pop(random.randrange(len(self.notes)))
            return "inbound_delete", self.send(f"far{owner}", {
                "type": "Delete", "id": f"{note}#delete", "actor": self.actors[owner],
                "to": public, "object": {"type": "Tombstone", "id": note}})
        note = f"{actor}/notes/{self.n}"
        self.notes.append((i, note))
        return "inbound_create", self.send(name, {
            "type": "Create", "id": note + "/activity", "actor": actor, "to": public,
            "cc": [actor + "/followers"],
            "object": {"type": "Note", "id": note, "attributedTo": actor, "to": public,
                       "cc": [actor + "/followers"], "published": now(),
                       "content": f"<p>inbound {self.n} #bench</p>",
                       "tag": [{"type": "Hashtag", "name": "#bench"}]}})


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


inbound = Inbound() if args.inbound > 0 else None

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
kinds = args.kinds.split(",")
counts = {kind: 0 for kind in kinds}
if inbound:
    counts.update(inbound_create=0, inbound_announce=0, inbound_delete=0)
errors = 0
error_statuses = {}  # what each failed write answered (kind:status -> count)
recent = []  # ids from USER's home timeline
recent_uris = []  # and the URIs of its statuses (what inbound Announces boost)
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
        recent_uris = [s["uri"] for s in page or [] if not s.get("reblog")]
        if args.targets == "elsewhere":
            home = set(recent[:20])
            _, public = reader.call("GET", "/api/v1/timelines/public?limit=40&max_id=" +
                                    (min(recent) if recent else ""))
            recent = [s["id"] for s in public or [] if s["id"] not in home]
            recent_uris = [s["uri"] for s in public or [] if s["id"] not in home and not s.get("reblog")]
    client = writers[n % len(writers)]
    kind = kinds[n % len(kinds)]
    if inbound and random.random() < args.inbound:
        kind, status = inbound.write(recent_uris)
        if status == 202:
            counts[kind] += 1
        else:
            errors += 1
            error_statuses[f"{kind}:{status}"] = error_statuses.get(f"{kind}:{status}", 0) + 1
        n += 1
        continue
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
        error_statuses[f"{kind}:{status}"] = error_statuses.get(f"{kind}:{status}", 0) + 1
    n += 1
elapsed = time.monotonic() - started
done = sum(counts.values())
print(json.dumps({"writes": done, "per_kind": counts, "errors": errors, **({"error_statuses": error_statuses} if errors else {}),
                  "seconds": round(elapsed, 1), "rate": round(done / elapsed, 1)}))
