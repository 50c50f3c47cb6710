#!/usr/bin/python3
"""Federation benchmarks, in the same private-hosts namespace as tests/federation:

  inbox   signed Create(Note) activities per second accepted, verified and stored by one instance:
          a fake remote actor (sink.test) followed by a local account; N distinct notes are signed
          beforehand (draft-cavage rsa-sha256, 2048-bit key) and sent by wrk (2 threads, 32
          connections) to the shared inbox for D seconds; the rate counts statuses actually stored,
          over the time until the last of them was stored (accepted activities still queued when
          wrk stops are waited for). SQLite, or PostgreSQL with --backend postgres (a new
          database on the server named by HERD_TEST_POSTGRES_URL). --runs N repeats it.
  fanout  time from posting one public status to the last delivery, for 10,000 remote followers
          spread over 1,000 shared inboxes served by one local sink (the follow graph is seeded
          into the database directly).
Both report herd's CPU time and peak RSS during the measurement, and the load average before the
run. Prints Markdown.

    bench/federation.py [--herd build/herd] [--notes 30000] [--duration 10] [--followers 10000]
                        [--inboxes 1000] [--only inbox|fanout] [--backend sqlite|postgres]
                        [--runs 1]

--herd NAME=PATH given several times: the inbox runs alternate between the builds (before/after
in one run). With --backend postgres the CPU of the PostgreSQL server per activity is reported
too, when it runs on this machine with `-p <port>` on its command line (as bench/lib.sh starts it).
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "federation"))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--herd", action="append",
               help="the herd binary (default build/herd); given several times (NAME=PATH or PATH), "
               "the inbox runs alternate between them, one row each, for before/after in one run")
p.add_argument("--notes", type=int, default=30000)
p.add_argument("--duration", type=int, default=10)
p.add_argument("--followers", type=int, default=10000)
p.add_argument("--inboxes", type=int, default=1000)
p.add_argument("--only", choices=["inbox", "fanout"])
p.add_argument("--threads", type=int, default=0, help="HERD_THREADS for the instance (0: herd's default)")
p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite",
               help="inbox benchmark's store (fanout seeds SQLite directly: SQLite only)")
p.add_argument("--runs", type=int, default=1, help="inbox benchmark runs (one table row each)")
p.add_argument("--no-batch", action="store_true",
               help="HERD_INBOX_BATCH=0: each activity in its own transaction (for comparison)")
p.add_argument("--perf", help="record a profile of herd during the inbox run into this file "
               "(perf record with DWARF call graphs)")
args = p.parse_args()
builds = []  # (name, absolute path)
for given in args.herd or [os.path.join(HERE, "..", "build", "herd")]:
    name, _, path = given.rpartition("=")
    builds.append((name or os.path.basename(os.path.dirname(os.path.abspath(path))) or path,
                   os.path.abspath(path)))
backend = harness.Backend(args.backend)


def process_stats(pid):
    """(cpu seconds, peak RSS MiB) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    peak = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return cpu, peak


def postgres_cpu():
    """CPU seconds of the PostgreSQL server named by HERD_TEST_POSTGRES_URL so far (its postmaster,
    the children it reaped and the live ones), when it runs on this machine; else None."""
    url = os.environ.get("HERD_TEST_POSTGRES_URL", "")
    port = url.rsplit(":", 1)[-1].split("/")[0] if url.count(":") >= 2 else "5432"
    ticks = os.sysconf("SC_CLK_TCK")
    stats = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline") as f:
                cmdline = f.read().split("\0")
        except OSError:
            continue
        stats[pid] = (fields, cmdline)
    postmaster = next((pid for pid, (_, cmd) in stats.items()
                       if os.path.basename(cmd[0]) in ("postgres", "postmaster")
                       and "-p" in cmd and cmd[cmd.index("-p") + 1:cmd.index("-p") + 2] == [port]),
                      None)
    if postmaster is None:
        return None
    fields = stats[postmaster][0]
    total = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    for fields, _ in stats.values():
        if fields[1] == postmaster:  # ppid
            total += int(fields[11]) + int(fields[12])
    return total / ticks


WRK_SCRIPT = r"""
local requests = {}
local counter = 0
local thread_count = 0
local threads = {}
bad = 0
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end
function init(args)
  local f = io.open(args[1], "rb")
  local data = f:read("*a")
  f:close()
  for chunk in string.gmatch(data, "([^%z]+)") do table.insert(requests, chunk) end
  counter = id
  step = tonumber(args[2])
end
function request()
  local r = requests[(counter % #requests) + 1]
  counter = counter + step
  return r
end
function response(status, headers, body)
  if status ~= 202 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("NON202 %d\n", total))
end
"""


def inbox_benchmark(herd):
    work = tempfile.mkdtemp(prefix="herd-bench-inbox-")
    env = {"HERD_THREADS": str(args.threads)} if args.threads else {}
    if args.no_batch:
        env["HERD_INBOX_BATCH"] = "0"
    server = fedlib.FedServer(herd, backend, "alpha.test", env=env)
    server.start()
    harness._shared_apps.clear()  # a new server each run: no registration app from the last one
    reader = harness.register(server, "reader")
    fake = fedlib.FakeServer("sink.test").start()
    sender = fake.actor("sender")
    found = server.api("GET", "/api/v2/search", token=reader.token,
                       query={"q": "@sender@sink.test", "resolve": "true", "type": "accounts"})["accounts"]
    remote_id = found[0]["id"]
    server.api("POST", f"/api/v1/accounts/{remote_id}/follow", token=reader.token)
    follow = wait_for(lambda: fake.inbox_posts("Follow"))[0]
    fake.post("sender", "http://alpha.test/inbox",
              {"@context": "https://www.w3.org/ns/activitystreams", "type": "Accept",
               "id": "http://sink.test/accepts/1", "actor": sender, "object": follow})
    assert wait_for(lambda: server.api("GET", "/api/v1/accounts/relationships", token=reader.token,
                                       query={"id[]": remote_id})[0]["following"])

    print(f"signing {args.notes} Create(Note) activities...", file=sys.stderr, flush=True)
    key, key_id = fake.actors["sender"]["key"], fake.key_id("sender")
    chunks = []
    for i in range(args.notes):
        note_id = f"http://sink.test/notes/{i}"
        activity = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
                    "id": note_id + "/activity", "actor": sender,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [sender + "/followers"],
                    "object": {"type": "Note", "id": note_id, "attributedTo": sender,
                               "content": f"<p>benchmark note {i} #bench</p>",
                               "published": "2026-01-01T00:00:00Z",
                               "to": ["https://www.w3.org/ns/activitystreams#Public"],
                               "cc": [sender + "/followers"],
                               "tag": {"type": "Hashtag", "name": "#bench"}}}
        body = json.dumps(activity).encode()
        headers = fedlib.sign("POST", "http://alpha.test/inbox", key, key_id, body)
        head = "POST /inbox HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\n\r\n"
        chunks.append(head.encode() + body)
    data = os.path.join(work, "requests.bin")
    with open(data, "wb") as f:
        f.write(b"\0".join(chunks))
    script = os.path.join(work, "inbox.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)

    def count():
        return server.api("GET", f"/api/v1/accounts/{remote_id}")["statuses_count"]

    load = os.getloadavg()[0]
    before_count = count()
    # The count is sampled every 0.1 s: the run starts when the first activity is stored (wrk
    # spends a while loading the requests first) and ends when the last one is (activities still
    # being applied when wrk stops are part of the run).
    samples = []
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            samples.append((time.monotonic(), count()))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    cpu0, _ = process_stats(server.proc.pid)
    pg0 = postgres_cpu() if args.backend == "postgres" else None
    perf = None
    if args.perf:
        perf = subprocess.Popen(["perf", "record", "-F", "299", "--call-graph", "dwarf,16384",
                                 "-o", os.path.abspath(args.perf), "-p", str(server.proc.pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{args.duration}s", "-s", script,
                          "http://alpha.test/", "--", data, "2"],
                         capture_output=True, text=True, timeout=args.duration + 120).stdout
    t1 = time.monotonic()
    while len({n for _, n in samples[-6:]}) > 1:  # until the count stops growing
        time.sleep(0.1)
    sampling.set()
    sampler.join()
    cpu1, peak = process_stats(server.proc.pid)
    pg1 = postgres_cpu() if pg0 is not None else None
    last = samples[-1][1]
    started = next(t for t, n in samples if n > before_count)
    ended = next(t for t, n in samples if n == last)
    # the first sample above the start count is up to 0.1 s late: count the interval before it
    elapsed = ended - started + 0.1
    if os.environ.get("BENCH_DEBUG"):  # when the count moved, against wrk's run
        print(f"wrk ran {t0:.1f}..{t1:.1f}; samples {[(round(t, 1), n) for t, n in samples]}",
              file=sys.stderr)
    if perf:
        perf.send_signal(2)
        perf.wait(timeout=60)
    stored = last - before_count
    non202 = next((int(l.split()[1]) for l in out.splitlines() if l.startswith("NON202")), -1)
    sent = next((l.split()[0] for l in out.splitlines() if "requests in" in l), "?")
    latency = next((l.split()[1] for l in out.splitlines() if l.strip().startswith("Latency")), "?")
    fake.stop()
    server.stop()
    server.cleanup()
    return {"stored": stored, "elapsed": elapsed, "rate": stored / elapsed, "sent": sent,
            "non202": non202, "latency": latency, "cpu": cpu1 - cpu0, "rss": peak,
            "pg_cpu": None if pg1 is None else pg1 - pg0,
            "wrapped": stored >= args.notes, "load": load}


def fanout_benchmark():
    server = fedlib.FedServer(builds[0][1], backend, "beta.test")
    server.start()
    admin = harness.admin_user(server)
    server.stop()
    db = sqlite3.connect(os.path.join(server.data_dir, "herd.sqlite3"))
    now = int(time.time() * 1000)
    admin_id = int(admin.account["id"])
    base = 10 ** 15
    rows, follows = [], []
    for i in range(args.followers):
        d = i % args.inboxes
        uri = f"http://sink.test/d{d}/users/f{i}"
        rows.append((base + i, f"f{i}", f"d{d}.example", uri, uri, uri + "/inbox",
                     f"http://sink.test/d{d}/inbox", now, now))
        follows.append((base + i, base + i, admin_id, now))
    db.executemany("INSERT INTO accounts (id, username, domain, uri, url, inbox_url, shared_inbox_url, "
                   "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES (?,?,?,?)",
                   follows)
    db.execute("UPDATE accounts SET followers_count = ? WHERE id = ?", (args.followers, admin_id))
    db.commit()
    db.close()
    sink = fedlib.FakeServer("sink.test")
    sink.status = 202
    sink.start()
    server.start()
    time.sleep(1)
    cpu0, _ = process_stats(server.proc.pid)
    t0 = time.monotonic()
    server.api("POST", "/api/v1/statuses", token=admin.token, form={"status": "fan-out benchmark"})
    posted = time.monotonic() - t0
    ok = wait_for(lambda: len(sink.times) >= args.inboxes, timeout=300, interval=0.05)
    last = max(sink.times) - t0 if sink.times else float("nan")
    time.sleep(2)
    cpu1, peak = process_stats(server.proc.pid)
    creates = sink.inbox_posts("Create")
    distinct = len({path for path, _, body in sink.received if isinstance(body, dict)})
    sink.stop()
    server.stop()
    server.cleanup()
    return {"ok": bool(ok), "deliveries": len(creates), "inboxes": distinct, "last": last,
            "posted": posted, "cpu": cpu1 - cpu0, "rss": peak}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


lines = [f"## Federation (bench/federation.py, {time.strftime('%Y-%m-%d')})", "",
         f"Machine: {os.cpu_count()} cores ({cpu_model()}), herd and the load generators "
         "on the same cores.", ""]
if args.only in (None, "inbox"):
    lines += [f"Inbox throughput ({args.backend}): distinct signed Create(Note) activities "
              "(draft-cavage rsa-sha256, 2048-bit key) POSTed to the shared inbox by wrk (2 threads, "
              "32 connections); each is verified (Digest, Date, signature), parsed, sanitised and "
              "stored with its hashtag and one home-feed entry.", "",
              "| build | run | load avg before | stored | seconds | stored/s (target >= 2,000) | "
              "requests sent | non-202 | latency avg | herd CPU s | herd CPU ms per activity | "
              "PostgreSQL CPU ms per activity | herd peak RSS |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    wrapped = False
    for run in range(args.runs):
        for name, herd in builds:
            r = inbox_benchmark(herd)
            wrapped = wrapped or r["wrapped"]
            per = r["cpu"] * 1000 / r["stored"] if r["stored"] else float("nan")
            pg = ("-" if r["pg_cpu"] is None or not r["stored"]
                  else f"{r['pg_cpu'] * 1000 / r['stored']:.2f}")
            lines.append(f"| {name} | {run + 1} | {r['load']:.1f} | {r['stored']} | "
                         f"{r['elapsed']:.1f} | **{r['rate']:.0f}** | {r['sent']} | {r['non202']} | "
                         f"{r['latency']} | {r['cpu']:.1f} | {per:.2f} | {pg} | {r['rss']:.0f} MiB |")
            print(lines[-1], file=sys.stderr, flush=True)
    lines.append("")
    if wrapped:
        lines += ["(All pre-signed notes were stored: the rate is a lower bound; rerun with more "
                  "--notes.)", ""]
if args.only in (None, "fanout") and args.backend == "sqlite":
    r = fanout_benchmark()
    lines += [f"Fan-out: one public post by an account with {args.followers:,} remote followers on "
              f"{args.inboxes:,} shared inboxes (one local Python sink answering 202): one delivery "
              "job per shared inbox, 8 delivery threads, each POST signed.", "",
              "| deliveries | distinct inboxes | POST /api/v1/statuses | last delivery after (target < 10 s) | "
              "herd CPU s | herd peak RSS |",
              "|---|---|---|---|---|---|",
              f"| {r['deliveries']} | {r['inboxes']} | {r['posted'] * 1000:.0f} ms | **{r['last']:.2f} s** | "
              f"{r['cpu']:.1f} | {r['rss']:.0f} MiB |", ""]
backend.cleanup()
print("\n".join(lines))
