#!/usr/bin/python3
"""Scale-out: three `herd serve` processes on one PostgreSQL behind nginx, configured with the
documented docs/scale-out/nginx-site.conf (upstream, WebSocket upgrade), and one of them killed
with SIGKILL under load:

- statuses posted through nginx by several clients, each retrying a failed request with the same
  Idempotency-Key: every acknowledged status is there afterwards, none twice, no client gives up;
- WebSocket clients on the two other processes (and through nginx) receive every status;
- scheduled statuses, poll endings, mail and federation deliveries that fall due around the kill are
  each done exactly once (by the survivors; work the killed process had claimed waits for its lock
  to expire, then runs once);
- caches stay coherent: a write through one process is read through another within the
  documented bound (the write generation, polled every 2 ms);
- the three processes' PostgreSQL connections (their pools at their bound, timeline pages read
  under load in fibers) stay well under PostgreSQL's default max_connections (100).

PostgreSQL only (one SQLite file has one process): the sqlite variant reports itself skipped.
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (SKIP, Server, Suite, create_app, eventually, free_port, main,  # noqa: E402
                     parse_args, password_token, register, run_herd_once)
from smtp_sink import SmtpSink  # noqa: E402
from websocket_client import WebSocket  # noqa: E402

suite = Suite("scale_out", parse_args(__doc__))
S = suite.state
HERE = os.path.dirname(os.path.abspath(__file__))
SITE = os.path.join(HERE, "..", "..", "docs", "scale-out", "nginx-site.conf")
FEDERATION = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}
PASSWORD = "scale-out-password-1"
METRICS_TOKEN = "metrics-" + os.urandom(8).hex()
WRITERS = 4
LOAD_SECONDS_BEFORE_KILL = 1.5
LOAD_SECONDS_AFTER_KILL = 3.0
RETRY_SECONDS = 20
DELIVERY_BATCH = 32  # jobs one process may hold claimed: 4 per delivery thread, 8 threads (federation/delivery.cpp)
# The longest job lock (mail: 5 min) bounds how long work claimed by the killed process waits.
CLAIMED_WORK_TIMEOUT = 330


class Front(Server):
    """nginx in front of the processes: the address clients use (same helpers as a Server)."""

    def __init__(self, port):  # noqa: super().__init__ would make a data folder and database
        self.port = port
        self.name = "nginx"
        self.log_paths = []


def sql(statement, database_url=None):
    r = subprocess.run(["psql", database_url or S["database_url"], "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", statement],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def start_nginx(folder, listen_port, upstream_ports):
    site = open(SITE).read()
    ports = iter(upstream_ports)
    site = re.sub(r"server 127\.0\.0\.1:300\d", lambda m: f"server 127.0.0.1:{next(ports)}", site)
    site = site.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{listen_port};")
    os.makedirs(f"{folder}/temp", exist_ok=True)
    with open(f"{folder}/site.conf", "w") as f:
        f.write(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    with open(f"{folder}/nginx.conf", "w") as f:
        f.write(f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/temp; proxy_temp_path {folder}/temp;
  fastcgi_temp_path {folder}/temp; uwsgi_temp_path {folder}/temp; scgi_temp_path {folder}/temp;
  include {folder}/site.conf;
}}
""")
    check = subprocess.run(["nginx", "-p", folder, "-c", f"{folder}/nginx.conf", "-t"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(["nginx", "-p", folder, "-c", f"{folder}/nginx.conf"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return proc


def stream_on(target, token):
    ws = WebSocket(target, "/api/v1/streaming?stream=public:local", protocol=token)
    assert ws.status == 101, f"WebSocket on {target.name}: {ws.status} {ws.body!r}"
    ws.statuses = set()
    ws.closed = False

    def read():
        while True:
            try:
                opcode, data = ws.recv_frame(timeout=600)
            except Exception:  # noqa: BLE001 - closed
                ws.closed = True
                return
            if opcode == 0x8:
                ws.closed = True
                return
            if opcode == 0x1:
                message = json.loads(data)
                if message.get("event") == "update":
                    ws.statuses.add(json.loads(message["payload"])["id"])
    threading.Thread(target=read, daemon=True).start()
    return ws


@suite.setup
def three_processes_behind_nginx(t):
    sink = S["sink"] = SmtpSink(free_port()).start()
    front = S["front"] = Front(free_port())
    env = {"LOCAL_DOMAIN": front.domain, "SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(sink.port),
           "SMTP_TLS": "none", "SMTP_AUTH_METHOD": "none",
           "SMTP_FROM_ADDRESS": "Herd <notifications@herd.test>", "HERD_METRICS_TOKEN": METRICS_TOKEN,
           **FEDERATION}
    first = suite.server(name="herd-a", env=env)
    S["database_url"] = first.database_url
    processes = [first]
    for name in ("herd-b", "herd-c"):
        other = suite.server(name=name, env={**env, "HERD_DATA_DIR": first.data_dir}, start=False)
        other.database_url = first.database_url
        other.start()
        processes.append(other)
    S["processes"] = processes
    folder = os.path.join(first.tmp, "nginx")
    S["nginx"] = start_nginx(folder, front.port, [p.port for p in processes])
    t.require(eventually(lambda: front.try_http("GET", "/health/ready").status == 200, timeout=20),
              "nginx answers /health/ready from the processes")
    admin_env = first.environment()
    for username in ("writer", "pollster"):
        rc, out, err = run_herd_once(first.herd, admin_env, ("admin", "accounts", "create", username,
                                                           "--email", f"{username}@herd.test",
                                                           "--password", PASSWORD))
        t.require(rc == 0, f"herd admin accounts create {username}", out + err)
    app = create_app(front)
    S["writer"] = password_token(front, "writer@herd.test", PASSWORD, app=app)
    S["pollster"] = password_token(front, "pollster@herd.test", PASSWORD, app=app)
    S["writer_id"] = front.api("GET", "/api/v1/accounts/verify_credentials", token=S["writer"])["id"]
    # A follower on another instance: each of writer's statuses is one delivery job there.
    other = S["remote"] = suite.server(name="remote", env=FEDERATION)
    carol = S["carol"] = register(other, "carol")
    found = other.api("GET", "/api/v2/search", token=carol.token,
                      query={"q": f"writer@{front.domain}", "resolve": "true", "type": "accounts"})
    t.require(found["accounts"], "carol finds writer through nginx", found)
    remote_writer = found["accounts"][0]["id"]
    other.api("POST", f"/api/v1/accounts/{remote_writer}/follow", token=carol.token)
    t.require(eventually(lambda: other.api("GET", "/api/v1/accounts/relationships", token=carol.token,
                                           query={"id[]": remote_writer})[0]["following"], timeout=30),
              "carol's follow is accepted")
    S["remote_writer"] = remote_writer


def inbox_posts(server):
    return len(re.findall(r"POST /inbox 202", server.stderr_text()))


@suite.case
def requests_spread_and_websocket_passes_nginx(t):
    front, processes = S["front"], S["processes"]
    ws = stream_on(front, S["writer"])
    for _ in range(9):
        front.api("GET", "/api/v1/instance")
    posted = front.api("POST", "/api/v1/statuses", token=S["writer"], json_body={"status": "through nginx"})
    t.check(eventually(lambda: posted["id"] in ws.statuses, timeout=15),
            "a WebSocket through nginx (upgrade) receives the update")
    ws.close()
    for p in processes:  # (request lines are written within 5 ms: core/log_buffer.hpp)
        t.check(eventually(lambda: "GET /api/v1/instance" in p.stderr_text(), timeout=5),
                f"{p.name} served some of the requests")


@suite.case
def postgres_connections_stay_under_its_default_limit(t):
    front, processes = S["front"], S["processes"]
    stop = threading.Event()
    failures = []

    def reader():  # uncached pages: each max_id is a new key for the response cache
        while not stop.is_set():
            r = front.try_http("GET", "/api/v1/timelines/public", token=S["writer"],
                               query={"max_id": str(random.randrange(1 << 40, 1 << 62))}, timeout=15)
            if r.status != 200:
                failures.append(r.status)
    readers = [threading.Thread(target=reader) for _ in range(24)]
    for thread in readers:
        thread.start()
    peak, deadline = 0, time.monotonic() + 2.0
    while time.monotonic() < deadline:
        peak = max(peak, int(sql("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()")))
        time.sleep(0.1)
    stop.set()
    for thread in readers:
        thread.join(30)
    t.check(not failures, "every timeline page under load is answered", failures[:5])
    bounds = []
    for p in processes:
        r = p.http("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}", "Accept": "text/plain"})
        found = re.search(r'^herd_database_connections\{state="max"\} (\d+)', r.text, re.M)
        t.require(found, f"{p.name}'s /metrics gives its pool's bound", r.text[:300])
        bounds.append(int(found.group(1)))
    # Each process also holds one connection outside its pool: LISTEN for live events.
    most = sum(bounds) + len(processes)
    print(f"    pools at most {bounds}, {most} connections with LISTEN; {peak} open at the peak of the load",
          flush=True)
    # (the peak counts psql's own connection too)
    t.check(peak - 1 <= most, "the load opened no connection beyond the pools' bounds", (peak, most))
    if (os.cpu_count() or 1) <= 2:  # the pools grow with the cores (workers, I/O threads)
        t.check(most <= 90, "three processes on 2 cores need at most 90 PostgreSQL connections, well "
                "under its default max_connections (100)", bounds)


def writer_thread(index, stop, results):
    front, token = S["front"], S["writer"]
    n = 0
    while not stop.is_set():
        n += 1
        text = f"load {index}-{n}"
        key = f"scale-{index}-{n}"
        deadline = time.monotonic() + RETRY_SECONDS
        attempts = 0
        while True:
            attempts += 1
            r = front.try_http("POST", "/api/v1/statuses", token=token, json_body={"status": text},
                               headers={"Idempotency-Key": key}, timeout=15)
            if r.status == 200:
                results["acked"][text] = r.json()["id"]
                if attempts > 1:
                    results["retried"] += 1
                break
            if time.monotonic() > deadline:
                results["gave_up"].append((text, r.status, r.text[:200]))
                break
            time.sleep(0.05)


@suite.case
def sigkill_under_load_loses_nothing_and_does_everything_once(t):
    front, processes, sink = S["front"], S["processes"], S["sink"]
    victim, survivors = processes[0], processes[1:]
    streams = [stream_on(p, S["writer"]) for p in survivors] + [stream_on(front, S["writer"])]
    streams[-1].through_nginx = True
    # Background work that falls due around the kill.
    pollster = S["pollster"]
    scheduled_texts = [f"scheduled {i}" for i in range(6)]
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    for text in scheduled_texts:
        front.api("POST", "/api/v1/statuses", token=pollster,
                  json_body={"status": text, "scheduled_at": later})
    polls = [front.api("POST", "/api/v1/statuses", token=pollster,
                       json_body={"status": f"poll {i}", "poll": {"options": ["yes", "no"], "expires_in": 300}})
             for i in range(6)]
    due = int(time.time() * 1000) + int(LOAD_SECONDS_BEFORE_KILL * 1000)
    pollster_id = front.api("GET", "/api/v1/accounts/verify_credentials", token=pollster)["id"]
    sql(f"UPDATE scheduled_statuses SET scheduled_at = {due} WHERE account_id = {pollster_id}")
    sql(f"UPDATE polls SET expires_at = {due} WHERE account_id = {pollster_id}")
    sql(f"UPDATE jobs SET run_at = {due} WHERE queue = 'polls'")
    mail_before = len(sink.received())
    t.require(eventually(lambda: sql("SELECT COUNT(*) FROM jobs WHERE queue = 'deliveries'") == "0",
                         timeout=30), "earlier deliveries are done")
    deliveries_before = inbox_posts(S["remote"])

    results = {"acked": {}, "gave_up": [], "retried": 0}
    stop = threading.Event()
    threads = [threading.Thread(target=writer_thread, args=(i, stop, results)) for i in range(WRITERS)]
    mail = {"acked": 0, "failed": 0}

    def mailer():  # sign-ups: each queues one confirmation mail in its transaction
        n = 0
        while not stop.is_set():
            n += 1
            r = front.try_http("POST", "/api/v1/accounts", token=S["app_token"], form={
                "username": f"mailer{n}", "email": f"mailer{n}@herd.test", "password": PASSWORD,
                "agreement": "true", "locale": "en"})
            mail["acked" if r.status == 200 else "failed"] += 1
            time.sleep(0.1)
    app = create_app(front, name="scale-out-signups")
    S["app_token"] = front.api("POST", "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"})["access_token"]
    threads.append(threading.Thread(target=mailer))
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS_BEFORE_KILL)
    acked_at_kill = len(results["acked"])
    os.killpg(victim.proc.pid, signal.SIGKILL)
    victim.proc.wait()
    victim.should_run = False
    time.sleep(LOAD_SECONDS_AFTER_KILL)
    stop.set()
    for thread in threads:
        thread.join(RETRY_SECONDS + 20)
    acked = results["acked"]
    print(f"    {len(acked)} statuses acknowledged ({acked_at_kill} before the kill), "
          f"{results['retried']} after a retry, {mail['acked']} sign-ups", flush=True)
    t.check(not results["gave_up"], "no client gave up retrying", results["gave_up"][:5])
    t.check(len(acked) > acked_at_kill, "statuses are still posted after the kill")

    # Every acknowledged status is there, once.
    for text, status_id in acked.items():
        r = front.http("GET", f"/api/v1/statuses/{status_id}", token=S["writer"])
        if not t.check(r.status == 200 and text in r.json()["content"], f"status {text} is readable",
                       r.describe()):
            break
    stored = sql(f"SELECT text FROM statuses WHERE account_id = {S['writer_id']} AND text LIKE 'load %'")
    texts = stored.splitlines()
    t.eq(len(texts), len(set(texts)), "no status was stored twice (the retries reused their key)")
    t.eq(set(texts), set(acked), "the stored statuses are exactly the acknowledged ones")

    # Streaming clients on the surviving processes (and the one through nginx, if it was not on
    # the killed process) received every status.
    wanted = set(acked.values())
    for ws in streams:
        if getattr(ws, "through_nginx", False) and ws.closed:
            continue  # it was on the killed process: its connection ended, as it must
        got = eventually(lambda ws=ws: wanted <= ws.statuses, timeout=30)
        t.check(got, f"a stream received every status ({len(wanted - ws.statuses)} missing)")
        t.check(not ws.closed, "the stream stayed open")
        ws.close()

    # Scheduled statuses: each posted once.
    def scheduled_done():
        rows = sql(f"SELECT text FROM statuses WHERE account_id = {pollster_id} AND text LIKE 'scheduled %'")
        return rows.splitlines() if len(rows.splitlines()) >= 6 and \
            sql(f"SELECT COUNT(*) FROM scheduled_statuses WHERE account_id = {pollster_id}") == "0" else None
    rows = eventually(scheduled_done, timeout=CLAIMED_WORK_TIMEOUT, interval=0.5)
    t.check(rows and sorted(rows) == sorted(scheduled_texts), "each scheduled status posted exactly once", rows)

    # Poll endings: each poll closed, its owner notified once.
    poll_status_ids = [p["id"] for p in polls]
    id_list = ",".join(poll_status_ids)

    def polls_done():
        closed = sql(f"SELECT COUNT(*) FROM polls WHERE account_id = {pollster_id} AND closed_at IS NOT NULL")
        return closed == "6" and sql("SELECT COUNT(*) FROM jobs WHERE queue = 'polls'") == "0"
    t.check(eventually(polls_done, timeout=CLAIMED_WORK_TIMEOUT, interval=0.5), "every poll ended")
    counts = sql(f"SELECT status_id, COUNT(*) FROM notifications WHERE type = 'poll' AND account_id = "
                 f"{pollster_id} AND status_id IN ({id_list}) GROUP BY status_id")
    t.eq(sorted(line.split("|")[1] for line in counts.splitlines()), ["1"] * 6,
         "the owner of each poll is notified once")

    # Mail: each sign-up's confirmation arrives once (none twice, none lost).
    def mail_done():
        got = [m for m in sink.received()[mail_before:] if m.rcpt_tos[0].startswith("mailer")]
        return got if len(got) >= mail["acked"] and \
            sql("SELECT COUNT(*) FROM jobs WHERE queue = 'mail'") == "0" else None
    got = eventually(mail_done, timeout=CLAIMED_WORK_TIMEOUT, interval=0.5) or []
    recipients = [m.rcpt_tos[0] for m in got]
    t.eq(len(recipients), len(set(recipients)), "no confirmation mail was sent twice")
    t.check(mail["acked"] <= len(recipients) <= mail["acked"] + mail["failed"],
            "every acknowledged sign-up got its mail", (mail, len(recipients)))

    # Deliveries: one POST to the follower's inbox per status, and each status there once.
    expected = len(acked)

    def delivered():
        return inbox_posts(S["remote"]) - deliveries_before >= expected and \
            sql("SELECT COUNT(*) FROM jobs WHERE queue = 'deliveries'") == "0"
    t.check(eventually(delivered, timeout=CLAIMED_WORK_TIMEOUT, interval=0.5),
            "every status was delivered to the follower's instance")
    stored = sql(f"SELECT COUNT(*), COUNT(DISTINCT uri) FROM statuses WHERE account_id = "
                 f"{S['remote_writer']} AND content LIKE '%load %'", S["remote"].database_url)
    t.eq(stored, f"{expected}|{expected}", "the follower's instance has each status once")
    # Deliveries are at least once on the wire: the killed process may have sent some of the
    # batch it had claimed without recording it; they go again when its lock expires, and the
    # receiver ignores an activity it already has. Never more than one batch.
    sent = inbox_posts(S["remote"]) - deliveries_before
    t.check(expected <= sent <= expected + DELIVERY_BATCH, "deliveries beyond one POST per status "
            "are at most the killed process's claimed batch", (expected, sent))
    S["victim"] = victim


@suite.case
def a_write_through_one_process_is_read_through_another(t):
    b, c = S["processes"][1], S["processes"][2]
    token = S["writer"]
    for i in range(10):
        source, reader = (b, c) if i % 2 == 0 else (c, b)
        for _ in range(2):  # the reader's response cache holds the page now
            reader.api("GET", "/api/v1/timelines/public", token=token, query={"local": "true"})
        posted = source.api("POST", "/api/v1/statuses", token=token, json_body={"status": f"coherent {i}"})
        time.sleep(0.02)  # the documented bound (2 ms) with a margin for a loaded machine
        page = reader.api("GET", "/api/v1/timelines/public", token=token, query={"local": "true"})
        t.check(page and page[0]["id"] == posted["id"],
                f"a status posted through {source.name} is on the timeline read through {reader.name}")
        source.api("POST", f"/api/v1/statuses/{posted['id']}/favourite", token=token)
        time.sleep(0.02)
        seen = reader.api("GET", f"/api/v1/statuses/{posted['id']}", token=token)
        t.eq(seen["favourites_count"], 1, f"a favourite through {source.name} is read through {reader.name}")


@suite.case
def the_killed_process_rejoins(t):
    victim, front = S["victim"], S["front"]
    victim.start()
    t.check(victim.api("GET", "/health/ready") is not None, "the restarted process is ready")
    posted = victim.api("POST", "/api/v1/statuses", token=S["writer"], json_body={"status": "back again"})
    t.check(front.api("GET", f"/api/v1/statuses/{posted['id']}", token=S["writer"]),
            "its writes are read through nginx")


def stop_nginx():
    proc = S.get("nginx")
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if "sink" in S:
        S["sink"].stop()


if __name__ == "__main__":
    if suite.args.backend != "postgres":
        print("SKIPPED: scale-out needs PostgreSQL (one SQLite file has one process)")
        sys.exit(SKIP)
    try:
        main(suite)
    finally:
        stop_nginx()
