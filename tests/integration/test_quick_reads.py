#!/usr/bin/python3
"""Quick reads (http::Cost::quick_read: the routes that may run on the I/O thread that read the
request, on SQLite; docs/ARCHITECTURE.md "Quick reads") never wait for a write: while another
process holds the database's write lock (SQLite: an open BEGIN IMMEDIATE; PostgreSQL: every table
locked IN SHARE MODE) and a post waits for it, every quick-read route (`herd admin routes --json`
lists them; each needs a request here) answers at once, to the owner of the data and to a
viewer, many at the same time, also an account's first request of the day (whose use of the API
the dashboard counts: recorded later, not by the request), and so does another request beside
them; the post is made once the lock is let go. A handler that wrote (or waited on anything else) there would hold its I/O
thread, and the requests on it, for as long as the lock is held.
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, Suite, main, parse_args, password_token, png,  # noqa: E402
                     register, run_herd_once, upload_raw)

suite = Suite("quick_reads", parse_args(__doc__))
S = suite.state
PROMPT = 3.0  # seconds: a read that waited for the lock (held longer) takes more


@suite.setup
def a_server_with_a_thread_a_list_and_notifications(t):
    # No response cache: every request runs its handler.
    server = suite.server(name="herd-quick-reads", env={"HERD_RESPONSE_CACHE_MB": "0"})
    alice, bob = register(server, "alice"), register(server, "bob")
    S.update(server=server, alice=alice, bob=bob)
    # A token of an account that has not used the API today (the admin, signed in only now).
    S["newcomer"] = password_token(server, ADMIN_EMAIL, server.admin_password)
    server.api("POST", f"/api/v1/accounts/{bob.id}/follow", token=alice.token)
    server.api("POST", f"/api/v1/accounts/{alice.id}/follow", token=bob.token)
    media = upload_raw(server, bob.token, [("file", png(8, 6, 1), {"filename": "x.png",
                                                                    "type": "image/png"})]).json()
    status = server.api("POST", "/api/v1/statuses", token=bob.token, form={
        "status": "@alice a picture #quickreads", "visibility": "public", "media_ids[]": [media["id"]]})
    server.api("POST", "/api/v1/statuses", token=alice.token, form={
        "status": "an answer #quickreads", "in_reply_to_id": status["id"]})
    listed = server.api("POST", "/api/v1/lists", token=alice.token, form={"title": "friends"})
    server.api("POST", f"/api/v1/lists/{listed['id']}/accounts", token=alice.token,
               form={"account_ids[]": [bob.id]})
    S["requests"] = {  # a request of each quick-read route: (path, whose token)
        "/api/v1/timelines/home": ("/api/v1/timelines/home", alice),
        "/api/v1/timelines/public": ("/api/v1/timelines/public?local=true", None),
        "/api/v1/timelines/tag/:hashtag": ("/api/v1/timelines/tag/quickreads", alice),
        "/api/v1/timelines/list/:list_id": (f"/api/v1/timelines/list/{listed['id']}", alice),
        "/api/v1/statuses/:id": (f"/api/v1/statuses/{status['id']}", alice),
        "/api/v1/accounts/:id": (f"/api/v1/accounts/{bob.id}", alice),
        "/api/v1/accounts/:id/statuses": (f"/api/v1/accounts/{bob.id}/statuses", None),
        "/api/v1/accounts/verify_credentials": ("/api/v1/accounts/verify_credentials", bob),
        "/api/v1/notifications": ("/api/v1/notifications", alice),
    }
    out = run_herd_once(server.herd, server.environment(), ("admin", "routes", "--json"), timeout=90)
    t.require(out[0] == 0, "herd admin routes --json", out[2])
    S["quick"] = sorted(r["path"] for r in json.loads(out[1]) if r.get("quick_read"))


@suite.case
def every_quick_read_route_has_a_request_here(t):
    t.check(len(S["quick"]) >= len(S["requests"]), "herd admin routes marks the quick reads",
            S["quick"])
    t.eq(sorted(set(S["quick"]) - set(S["requests"])), [],
         "quick-read routes without a request in this test")
    for route, (path, who) in S["requests"].items():
        r = S["server"].http("GET", path, token=who and who.token)
        t.check(r.status == 200 and r.body not in (b"[]", b"{}"), f"GET {path} ({route}) answers",
                r.describe())


class WriteLock:
    """The database's write lock, held by another process's open transaction (reads go on)."""

    def __init__(self, server):
        self.server = server
        if server.database_url:  # every table IN SHARE MODE: no row may be written, all be read
            self.psql = subprocess.Popen(["psql", server.database_url, "-qAtX", "-v", "ON_ERROR_STOP=1"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.psql.stdin.write(
                "BEGIN;\nSELECT 'LOCK TABLE ' || string_agg(quote_ident(tablename), ', ') || "
                "' IN SHARE MODE' FROM pg_tables WHERE schemaname = current_schema() \\gexec\n"
                "SELECT 'held';\n")
            self.psql.stdin.flush()
            line = self.psql.stdout.readline().strip()
            if line != "held":
                raise AssertionError(f"psql did not lock the tables: {line!r}")
        else:
            self.db = sqlite3.connect(os.path.join(server.data_dir, "herd.sqlite3"), timeout=10,
                                      isolation_level=None)
            self.db.execute("BEGIN IMMEDIATE")

    def release(self):
        if self.server.database_url:
            self.psql.stdin.write("ROLLBACK;\n")
            self.psql.stdin.close()
            self.psql.wait(timeout=30)
        else:
            self.db.execute("ROLLBACK")
            self.db.close()


def timed(path, token):
    started = time.monotonic()
    r = S["server"].try_http("GET", path, token=token, timeout=30)
    return r, time.monotonic() - started


@suite.case
def quick_reads_answer_while_a_write_waits_for_the_database(t):
    server, alice = S["server"], S["alice"]
    requests = list(S["requests"].values())
    for path, who in requests:  # each viewer's first request of the day is noted before the lock
        timed(path, who and who.token)
    active = server.api("GET", "/api/v2/instance")["usage"]["users"]["active_month"]
    lock = WriteLock(server)
    try:
        posted = {}
        writer = threading.Thread(target=lambda: posted.update(r=server.try_http(
            "POST", "/api/v1/statuses", token=alice.token, form={"status": "after the lock"},
            timeout=60)))
        writer.start()
        time.sleep(0.5)
        t.check(writer.is_alive(), "a post waits while another process holds the write lock",
                posted.get("r") and posted["r"].describe())
        # Each route three times at once (twice as above, once as the other account): more
        # requests than I/O threads, beside one of another kind (answered by a worker).
        asks = [(path, who and who.token) for path, who in requests for _ in range(2)]
        asks += [(path, S["bob"].token) for path, who in requests
                 if who is S["alice"] and "/list/" not in path]  # alice's list is hers alone
        asks += [(path, S["alice"].token) for path, who in requests if who is not S["alice"]]
        asks += [("/api/v1/timelines/home", S["newcomer"]), ("/api/v1/instance", None)]
        with ThreadPoolExecutor(max_workers=len(asks)) as pool:
            answers = list(pool.map(lambda ask: timed(*ask), asks))
        for (path, token), (r, seconds) in zip(asks, answers):
            t.check(r.status == 200 and seconds < PROMPT,
                    f"GET {path} answers within {PROMPT} s while the write lock is held",
                    f"{r.status} after {seconds:.2f} s")
        # The newcomer's first request of the day, noted while nothing can be written, counts at once
        # in the usage, which does not wait for the writer either.
        r, seconds = timed("/api/v2/instance", None)
        t.check(r.status == 200 and seconds < PROMPT,
                f"GET /api/v2/instance answers within {PROMPT} s while the write lock is held",
                f"{r.status} after {seconds:.2f} s")
        t.eq(r.status == 200 and r.json()["usage"]["users"]["active_month"], active + 1,
             "the newcomer's request while the lock is held counts as active at once")
        # Every second the server takes what was noted to write it, and that write waits for the
        # lock: what it holds still counts meanwhile.
        time.sleep(1.5)
        r, seconds = timed("/api/v2/instance", None)
        t.eq(r.status == 200 and r.json()["usage"]["users"]["active_month"], active + 1,
             "the newcomer still counts while the write that records it waits for the lock")
        t.check(writer.is_alive(), "the post still waits for the lock", "it did not wait")
    finally:
        lock.release()
    writer.join(timeout=60)
    t.check(posted.get("r") is not None and posted["r"].status == 200,
            "the post is made once the lock is let go", posted.get("r") and posted["r"].describe())


if __name__ == "__main__":
    main(suite)
