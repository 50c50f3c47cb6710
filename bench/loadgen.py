#!/usr/bin/python3
"""Load generator: a realistic mix of client requests replayed at a given rate against a seeded
instance (`herd admin seed`), with open streaming connections; optionally starts `herd serve`
itself inside a cgroup (memory and CPU limits).

Each simulated person is a seeded account (userN@seed.invalid, password "password"), signed in once
(tokens are kept in --tokens for the next run; on a SQLite --data they are written into the
database directly, sparing 1,000 argon2id checks). Requests are sent open-loop: they are scheduled at
--rate per second (Poisson arrivals) and the latency of each is counted from its scheduled time, so
a server that falls behind shows it in the percentiles (no coordinated omission). Kinds, weighted
by --mix: home, notifications, thread (a status's context), profile (an account and its
statuses), post, favourite, reblog, follow (and unfollow of the same account next time).
--streams N keeps N event streams open (/api/v1/streaming/user, one person each) and counts the
events they receive. --sample S (with --herd) records herd's RSS and open file descriptors every
S seconds: a soak run (--duration 600) shows whether they stay flat.

Prints one Markdown table: per kind the requests, errors, p50, p99 and max; then the throughput,
the events streamed, and herd's peak RSS (and, in a cgroup, its peak memory and OOM kills).

    bench/loadgen.py --base http://127.0.0.1:PORT --people 1000 --rate 200 --duration 60 --streams 1000
    bench/loadgen.py --herd build/herd --data DIR --people 1000 ... [--memory 256M] [--cpus 1]

--herd starts `herd serve` on DIR (seeded beforehand; DATABASE_URL from the environment for
PostgreSQL) on a free port; --memory/--cpus put it in a new cgroup (v2, or v1's memory and cpu
controllers, created under /sys/fs/cgroup; root only).
"""
import argparse
import bisect
import http.client
import json
import multiprocessing
import os
import random
import re
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--base", help="URL of a running instance")
p.add_argument("--herd", help="herd binary to start (instead of --base)")
p.add_argument("--data", help="HERD_DATA_DIR for --herd")
p.add_argument("--port", type=int, help="port for --herd (default: a free one); the seed's LOCAL_DOMAIN")
p.add_argument("--memory", help="cgroup memory limit for --herd, e.g. 256M")
p.add_argument("--cpus", type=float, help="cgroup CPU limit for --herd, in CPUs, e.g. 1")
p.add_argument("--people", type=int, default=100)
p.add_argument("--rate", type=float, default=100, help="requests per second, all kinds")
p.add_argument("--duration", type=float, default=30)
p.add_argument("--streams", type=int, default=0)
p.add_argument("--connections", type=int, default=64, help="concurrent requests at most")
p.add_argument("--processes", type=int, default=4,
               help="client processes sending the requests (one Python process cannot keep up)")
p.add_argument("--mix", default="home=30,notifications=15,thread=10,profile=10,post=10,"
               "favourite=12,reblog=5,follow=3", help="kind=weight,...")
p.add_argument("--tokens", default="/tmp/herd-loadgen-tokens.json")
p.add_argument("--sample", type=float, default=0,
               help="with --herd: every this many seconds, record herd's RSS and open file "
                    "descriptors (a soak run shows whether they stay flat)")
args = p.parse_args()

mix = [(k, float(w)) for k, w in (item.split("=") for item in args.mix.split(","))]


# ---- the server -------------------------------------------------------------------------------

def cgroup_for(pid_holder):
    """Creates a cgroup with the limits asked; returns (write pid fn, read stats fn, cleanup)."""
    name = f"herd-loadgen-{os.getpid()}"
    mem = None
    if args.memory:
        units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
        mem = int(args.memory[:-1]) * units[args.memory[-1].upper()] \
            if args.memory[-1].upper() in units else int(args.memory)
    dirs = []
    if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):  # v2
        d = f"/sys/fs/cgroup/{name}"
        os.mkdir(d)
        dirs.append(d)
        if mem:
            open(f"{d}/memory.max", "w").write(str(mem))
            open(f"{d}/memory.swap.max", "w").write("0")
        if args.cpus:
            open(f"{d}/cpu.max", "w").write(f"{int(args.cpus * 100000)} 100000")

        def stats():
            peak = None
            if os.path.exists(f"{d}/memory.peak"):
                peak = int(open(f"{d}/memory.peak").read())
            events = dict(line.split() for line in open(f"{d}/memory.events"))
            return peak, int(events.get("oom_kill", 0))
    else:  # v1
        if mem:
            d = f"/sys/fs/cgroup/memory/{name}"
            os.mkdir(d)
            dirs.append(d)
            open(f"{d}/memory.limit_in_bytes", "w").write(str(mem))
            try:
                open(f"{d}/memory.memsw.limit_in_bytes", "w").write(str(mem))
            except OSError:
                pass
        if args.cpus:
            d = f"/sys/fs/cgroup/cpu/{name}"
            os.mkdir(d)
            dirs.append(d)
            open(f"{d}/cpu.cfs_period_us", "w").write("100000")
            open(f"{d}/cpu.cfs_quota_us", "w").write(str(int(args.cpus * 100000)))

        def stats():
            d = f"/sys/fs/cgroup/memory/{name}"
            if not os.path.exists(d):
                return None, 0
            peak = int(open(f"{d}/memory.max_usage_in_bytes").read())
            oom = dict(line.split() for line in open(f"{d}/memory.oom_control"))
            return peak, int(oom.get("oom_kill", 0))

    def enter():  # in the child, before exec
        for d in dirs:
            with open(f"{d}/cgroup.procs", "w") as f:
                f.write(str(os.getpid()))

    def cleanup():
        for d in dirs:
            try:
                os.rmdir(d)
            except OSError:
                pass
    return enter, stats, cleanup


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


server = None
cgroup_stats = None
cgroup_cleanup = None


METRICS_TOKEN = "loadgen-" + os.urandom(8).hex()


def cache_lookups():
    """(hits, misses, full clears, precise invalidations) of herd's response cache so far, from
    /metrics (a server started by --herd)."""
    if not server:
        return None
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    c.request("GET", "/metrics", headers={"Authorization": "Bearer " + METRICS_TOKEN})
    text = c.getresponse().read().decode()
    found = dict(re.findall(r'herd_response_cache_lookups_total\{result="(hit|miss)"\} (\S+)', text))
    found.update(re.findall(r'herd_response_cache_invalidations_total\{kind="(everything|precise)"\} (\S+)',
                            text))
    return tuple(int(float(found.get(k, 0))) for k in ("hit", "miss", "everything", "precise"))


def start_server(limited):
    """Starts `herd serve` on --data (in the cgroup when limited); sets args.base."""
    global server, cgroup_stats, cgroup_cleanup
    port = args.port or free_port()
    env = dict(os.environ, HERD_DATA_DIR=os.path.abspath(args.data), LOCAL_DOMAIN=f"localhost:{port}",
               LOCAL_HTTPS="false", PORT=str(port), BIND="127.0.0.1", HERD_RATE_LIMITS="false",
               HERD_ADMIN_EMAIL="admin@example.com", HERD_ADMIN_PASSWORD="benchpassword",
               HERD_PASSWORD_GRANT="true", HERD_METRICS_TOKEN=METRICS_TOKEN)
    enter = None
    if limited and (args.memory or args.cpus):
        enter, cgroup_stats, cgroup_cleanup = cgroup_for(None)
    server = subprocess.Popen([args.herd, "serve"], env=env, preexec_fn=enter,
                              stdout=open(os.path.join(args.data, "loadgen-serve.log"), "a"),
                              stderr=subprocess.STDOUT)
    args.base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("loadgen: herd serve did not start")


def stop_server():
    server.terminate()
    server.wait()


if not args.base and not args.herd:
    sys.exit("loadgen: --base or --herd")
url = urllib.parse.urlparse(args.base or "http://127.0.0.1:0")


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def call(conn, method, path, token=None, form=None):
    body = urllib.parse.urlencode(form) if form is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


# ---- people -----------------------------------------------------------------------------------

tokens = {}
instance = os.path.abspath(args.data) if args.data else args.base  # whose tokens these are
if os.path.exists(args.tokens):
    saved = json.load(open(args.tokens))
    if saved.get("instance") == instance:
        tokens = saved["tokens"]
missing = [n for n in range(1, args.people + 1) if f"user{n}" not in tokens]


def sign_in(n, app):
    name = f"user{n}"
    c = connect()
    status, data = call(c, "POST", "/oauth/token", form={
        "grant_type": "password", "username": f"{name}@seed.invalid", "password": "password",
        "client_id": app["client_id"], "client_secret": app["client_secret"], "scope": "read write"})
    if status != 200:
        raise SystemExit(f"loadgen: cannot sign in as {name}: {status} {data[:200]}")
    tokens[name] = json.loads(data)["access_token"]


def mint_tokens(database):
    """Access tokens written straight into a seeded SQLite database (tokens are stored as they
    are sent): 1,000 password sign-ins would cost 1,000 argon2id checks. Needs an application row
    (any herd serve start registers the web client's). Returns whether it could."""
    import secrets
    import sqlite3
    db = sqlite3.connect(database, timeout=30)
    apps = db.execute("SELECT min(id) FROM oauth_applications").fetchone()
    if not apps or apps[0] is None:
        return False
    users = dict(db.execute("SELECT a.username, u.id FROM users u JOIN accounts a ON a.id = u.account_id"))
    now = int(time.time() * 1000)
    with db:
        for i, n in enumerate(missing):
            name = f"user{n}"
            if name not in users:
                raise SystemExit(f"loadgen: no seeded account {name}")
            token = secrets.token_urlsafe(32)
            db.execute("INSERT INTO oauth_access_tokens (id, token, application_id, user_id, scopes, "
                       "created_at) VALUES (?,?,?,?,?,?)",
                       ((now << 16) | (i & 0xFFFF), token, apps[0], users[name], "read write", now))
            tokens[name] = token
    return True


database = os.path.join(args.data, "herd.sqlite3") if args.data else None
if missing and database and os.path.exists(database) and not os.environ.get("DATABASE_URL"):
    if mint_tokens(database):
        json.dump({"instance": instance, "tokens": tokens}, open(args.tokens, "w"))
        print(f"loadgen: {len(missing)} tokens written into {database}", file=sys.stderr)
        missing = []
if missing:
    # Each sign-in checks a password with argon2id (64 MiB): done before the measured run, and
    # outside the cgroup, which would not hold several at once. Tokens are kept for next time.
    if args.herd:
        start_server(False)
    url = urllib.parse.urlparse(args.base)
    status, data = call(connect(), "POST", "/api/v1/apps", form={
        "client_name": "loadgen", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"})
    app = json.loads(data)
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: sign_in(n, app), missing))
    json.dump({"instance": instance, "tokens": tokens}, open(args.tokens, "w"))
    print(f"loadgen: {len(missing)} people signed in ({time.monotonic() - started:.0f} s)",
          file=sys.stderr)
    if args.herd:
        stop_server()
if args.herd:
    start_server(True)
url = urllib.parse.urlparse(args.base)
conn = connect()
people = [tokens[f"user{n}"] for n in range(1, args.people + 1)]

# Ids to act on: statuses and accounts from the public timeline, refreshed as posts arrive.
_, data = call(conn, "GET", "/api/v1/timelines/public?limit=40", people[0])
statuses = [s["id"] for s in json.loads(data)]
accounts = {(s["account"]["id"], s["account"]["username"]) for s in json.loads(data)}
# The newest statuses may all be one person's (an earlier benchmark's), and a person never acts on
# their own account: a few seeded people are looked up too.
for n in range(1, min(args.people, 20) + 1):
    status, data = call(conn, "GET", f"/api/v1/accounts/lookup?acct=user{n}", people[0])
    if status == 200:
        accounts.add((json.loads(data)["id"], f"user{n}"))
accounts = list(accounts)
ids_lock = threading.Lock()

# ---- streams ----------------------------------------------------------------------------------

stream_events = 0
stream_errors = 0
streams_open = 0
stop = threading.Event()


def run_streams():
    global stream_events, stream_errors, streams_open
    sel = selectors.DefaultSelector()
    for i in range(args.streams):
        token = people[i % len(people)]
        try:
            s = socket.create_connection((url.hostname, url.port))
            s.sendall((f"GET /api/v1/streaming/user HTTP/1.1\r\nHost: {url.netloc}\r\n"
                       f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, {"head": b"", "ok": None})
            streams_open += 1
        except OSError:
            stream_errors += 1
    while not stop.is_set():
        for key, _ in sel.select(0.2):
            try:
                chunk = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            state = key.data
            if not chunk:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                streams_open -= 1
                stream_errors += 1
                continue
            if state["ok"] is None:
                state["head"] += chunk
                if b"\r\n" in state["head"]:
                    state["ok"] = state["head"].split(b"\r\n")[0].split()[1] == b"200"
                    if not state["ok"]:
                        stream_errors += 1
            stream_events += chunk.count(b"\nevent:") + chunk.startswith(b"event:")
    for key in list(sel.get_map().values()):
        key.fileobj.close()


def streams_process(pipe):
    """Child process: opens the streams, reports how many opened, reads until told to stop, then
    reports (open, errors, events)."""
    threading.Thread(target=lambda: (pipe.recv(), stop.set()), daemon=True).start()
    opened = threading.Event()

    def report_opened():
        while streams_open + stream_errors < args.streams and not stop.is_set():
            time.sleep(0.05)
        pipe.send(("opened", streams_open))
        opened.set()
    threading.Thread(target=report_opened, daemon=True).start()
    run_streams()
    opened.wait()
    pipe.send(("done", streams_open, stream_errors, stream_events))


mp = multiprocessing.get_context("fork")
if args.streams:
    streams_pipe, child_end = mp.Pipe()
    streams_child = mp.Process(target=streams_process, args=(child_end,))
    streams_child.start()
    print(f"loadgen: {streams_pipe.recv()[1]} streams open", file=sys.stderr)

# ---- requests ---------------------------------------------------------------------------------

local = threading.local()
results = {k: [] for k, _ in mix}  # kind -> latencies (s)
errors = {k: 0 for k, _ in mix}
error_samples = []
follows = {}  # person -> account followed last time (unfollowed next time)
results_lock = threading.Lock()


def request(kind, person):
    token = people[person]
    with ids_lock:
        status_id = random.choice(statuses) if statuses else None
        others = [a for a in accounts if a[1] != f"user{person + 1}"]  # never oneself
        account_id = random.choice(others)[0] if others else None
    if kind == "home":
        return [("GET", "/api/v1/timelines/home", None)]
    if kind == "notifications":
        return [("GET", "/api/v1/notifications", None)]
    if kind == "thread":
        return [("GET", f"/api/v1/statuses/{status_id}", None),
                ("GET", f"/api/v1/statuses/{status_id}/context", None)]
    if kind == "profile":
        return [("GET", f"/api/v1/accounts/{account_id}", None),
                ("GET", f"/api/v1/accounts/{account_id}/statuses", None)]
    if kind == "post":
        return [("POST", "/api/v1/statuses",
                 {"status": f"load {random.random():.6f} #loadgen", "visibility": "public"})]
    if kind == "favourite":
        return [("POST", f"/api/v1/statuses/{status_id}/favourite", {})]
    if kind == "reblog":
        return [("POST", f"/api/v1/statuses/{status_id}/reblog", {})]
    if kind == "follow":
        previous = follows.pop(person, None)
        if previous:
            return [("POST", f"/api/v1/accounts/{previous}/unfollow", {})]
        follows[person] = account_id
        return [("POST", f"/api/v1/accounts/{account_id}/follow", {})]
    raise ValueError(kind)


def run(kind, person, scheduled):
    if not hasattr(local, "conn"):
        local.conn = connect()
    ok = True
    for method, path, form in request(kind, person):
        try:
            status, data = call(local.conn, method, path, people[person], form)
        except (OSError, http.client.HTTPException) as error:
            local.conn.close()
            local.conn = connect()
            status, data = 0, str(error).encode()
        if status != 200:
            ok = False
            if len(error_samples) < 10:
                error_samples.append(f"{kind} {method} {path}: {status} {data[:120]!r}")
            break
        if kind == "post":
            new_id = json.loads(data)["id"]
            with ids_lock:
                statuses.append(new_id)
                if len(statuses) > 200:
                    del statuses[0]
    latency = time.monotonic() - scheduled
    with results_lock:
        if ok:
            results[kind].append(latency)
        else:
            errors[kind] += 1


weights = [w for _, w in mix]
cumulative = [sum(weights[:i + 1]) for i in range(len(weights))]
rss_peak = 0
cpu_before = None


def herd_stats():
    if not server:
        return None
    with open(f"/proc/{server.pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    with open(f"/proc/{server.pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    cpu = (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024, cpu


def generate(worker, pipe):
    """Child process: sends its share of the requests (rate / processes, people whose index is
    worker modulo processes) and reports results, errors, samples, sent and late counts."""
    share = [i for i in range(len(people)) if i % args.processes == worker]
    pool = ThreadPoolExecutor(max(1, args.connections // args.processes))
    random.seed(worker * 7919 + int(time.time()))
    start = time.monotonic()
    next_at = start
    sent = late = 0
    while next_at < start + args.duration:
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1:
            late += 1  # the generator itself fell behind by more than a second
        kind = mix[bisect.bisect(cumulative, random.random() * cumulative[-1])][0]
        pool.submit(run, kind, random.choice(share), next_at)
        sent += 1
        next_at += random.expovariate(args.rate / args.processes)
    pool.shutdown(wait=True)
    pipe.send((results, errors, error_samples, sent, late))


def open_fds():
    return len(os.listdir(f"/proc/{server.pid}/fd"))


samples = []  # (seconds since start, RSS MiB, open file descriptors)
sampling_done = threading.Event()


def sampler():
    while not sampling_done.wait(args.sample):
        try:
            samples.append((time.monotonic() - start, herd_stats()[0], open_fds()))
        except OSError:  # herd exited: reported below
            return


before = herd_stats()
lookups_before = cache_lookups()
log_path = os.path.join(args.data, "loadgen-serve.log") if server else None
log_offset = os.path.getsize(log_path) if log_path else 0
start = time.monotonic()
children = []
for worker in range(args.processes):
    parent_end, child_end = mp.Pipe()
    child = mp.Process(target=generate, args=(worker, child_end))
    child.start()
    children.append((child, parent_end))
if server and args.sample:
    samples.append((0.0, before[0], open_fds()))
    threading.Thread(target=sampler, daemon=True).start()
sent = late = 0
for child, pipe in children:
    part_results, part_errors, part_samples, part_sent, part_late = pipe.recv()
    child.join()
    for kind in results:
        results[kind] += part_results[kind]
        errors[kind] += part_errors[kind]
    error_samples.extend(part_samples)
    del error_samples[10:]
    sent += part_sent
    late += part_late
elapsed = time.monotonic() - start
sampling_done.set()
after = herd_stats()
lookups_after = cache_lookups()
if args.streams:
    streams_pipe.send("stop")
    _, streams_open, stream_errors, stream_events = streams_pipe.recv()
    streams_child.join()


def pct(values, q):
    if not values:
        return "-"
    values = sorted(values)
    return f"{values[min(len(values) - 1, int(q * len(values)))] * 1000:.1f} ms"


print(f"rate asked {args.rate}/s for {args.duration:.0f} s, {len(people)} people, "
      f"{args.streams} streams; base {args.base}")
print()
print("| kind | requests | errors | p50 | p99 | max |")
print("|---|---|---|---|---|---|")
total_ok = total_err = 0
everything = []
for kind, _ in mix:
    values = results[kind]
    total_ok += len(values)
    total_err += errors[kind]
    everything += values
    print(f"| {kind} | {len(values) + errors[kind]} | {errors[kind]} | {pct(values, 0.5)} | "
          f"{pct(values, 0.99)} | {pct(values, 1.0)} |")
print(f"| **all** | {total_ok + total_err} | {total_err} | {pct(everything, 0.5)} | "
      f"{pct(everything, 0.99)} | {pct(everything, 1.0)} |")
print()
print(f"throughput: {total_ok / elapsed:.1f} answered/s of {sent / elapsed:.1f} sent/s"
      f"{f' (generator late {late} times)' if late else ''}")
if args.streams:
    print(f"streams: {streams_open} of {args.streams} open at the end, {stream_errors} errors, "
          f"{stream_events} events received")
if after:
    print(f"herd: RSS {after[0]} MiB at the end, peak {after[1]} MiB; CPU {after[2] - before[2]:.1f} s "
          f"during the run")
if samples:
    print()
    print("| seconds | RSS MiB | open fds |")
    print("|---|---|---|")
    for at, rss, fds in samples:
        print(f"| {at:.0f} | {rss} | {fds} |")
    tail = samples[len(samples) // 2:]
    print(f"second half of the run: RSS {min(s[1] for s in tail)}-{max(s[1] for s in tail)} MiB, "
          f"open fds {min(s[2] for s in tail)}-{max(s[2] for s in tail)}")
if lookups_before and lookups_after:
    hits, misses, clears, precise = (lookups_after[i] - lookups_before[i] for i in range(4))
    print(f"response cache during the run: {hits} hits, {misses} misses "
          f"(hit ratio {hits / max(1, hits + misses):.2f}); invalidations: {clears} of everything, "
          f"{precise} precise")
if log_path:  # herd's own timing of the same requests (its log line per request)
    with open(log_path, "rb") as f:
        f.seek(log_offset)
        served = sorted(float(m.group(1)) / 1000 for m in re.finditer(
            rb" (?:GET|POST) (?!/api/v1/streaming)\S+ \d{3} ([\d.]+)ms", f.read()))
    print(f"herd's own request times (its log): {len(served)} requests, p50 {pct(served, 0.5)}, "
          f"p99 {pct(served, 0.99)}, max {pct(served, 1.0)}")
if cgroup_stats:
    peak, oom = cgroup_stats()
    print(f"cgroup: memory {args.memory or '-'}, cpus {args.cpus or '-'}; peak "
          f"{peak // (1 << 20) if peak else '?'} MiB, OOM kills {oom}")
for sample in error_samples:
    print("error:", sample, file=sys.stderr)
if server:
    if server.poll() is not None:
        print(f"herd serve exited with {server.returncode} during the run", file=sys.stderr)
    stop_server()
if cgroup_cleanup:
    cgroup_cleanup()
sys.exit(1 if total_err or stream_errors else 0)
