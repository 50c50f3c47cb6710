#!/usr/bin/python3
"""Streaming fan-out: N event streams (/api/v1/streaming/public/local, signed-in as seeded people)
open on one `herd serve`, then P public posts, one every INTERVAL seconds; for each post, the time
from the moment its POST was sent to its `update` event arriving on each stream (so it includes
posting itself). Reports the
streams opened, events received and missed, the delivery p50/p99/max over all (stream, post)
pairs, and herd's RSS with the streams open.

    bench/streams.py --base http://127.0.0.1:PORT --tokens FILE [--streams 10000] [--posts 10]
                     [--interval 1] [--pid HERD_PID] [--readers 4]

--tokens: the JSON file bench/loadgen.py keeps ({"tokens": {"user1": ...}}): each stream signs in
as one of them in turn, user1 posts. Needs `ulimit -n` above N (and herd's own). The streams are
read by --readers processes (forked; each reads its share with one selector), so that reading
10,000 streams in Python is not what the figures measure; they run on the same cores as herd.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import selectors
import socket
import sys
import time
import urllib.parse

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--base", required=True)
p.add_argument("--tokens", required=True)
p.add_argument("--streams", type=int, default=10000)
p.add_argument("--posts", type=int, default=10)
p.add_argument("--interval", type=float, default=1.0)
p.add_argument("--pid", type=int, help="herd's pid, for its RSS")
p.add_argument("--readers", type=int, default=4,
               help="reader processes sharing the streams (one Python process is slower than herd)")
args = p.parse_args()
url = urllib.parse.urlparse(args.base)
tokens = list(json.load(open(args.tokens))["tokens"].values())
poster = json.load(open(args.tokens))["tokens"]["user1"]


def rss():
    if not args.pid:
        return None
    with open(f"/proc/{args.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024


status_re = re.compile(rb'"id":"(\d+)"')


def reader(first, count, ready, stop, results):
    """Opens streams first..first+count-1 and records when each `update` arrives (status id ->
    arrival times, time.monotonic(): one clock for every process of the machine)."""
    sel = selectors.DefaultSelector()
    opened = failed = 0
    error = None
    for i in range(first, first + count):
        try:
            s = socket.create_connection((url.hostname, url.port))
            s.sendall((f"GET /api/v1/streaming/public/local HTTP/1.1\r\nHost: {url.netloc}\r\n"
                       f"Authorization: Bearer {tokens[i % len(tokens)]}\r\n"
                       f"Accept: text/event-stream\r\n\r\n").encode())
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, {"buffer": b""})
            opened += 1
        except OSError as e:
            failed += 1
            error = error or str(e)
    ready.put((opened, failed, error))
    arrivals = {}
    while not stop.is_set():
        for key, _ in sel.select(0.05):
            try:
                chunk = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                continue
            now = time.monotonic()
            state = key.data
            state["buffer"] += chunk
            while b"\n\n" in state["buffer"]:
                message, state["buffer"] = state["buffer"].split(b"\n\n", 1)
                if b"event: update" in message:
                    m = status_re.search(message)
                    if m:
                        arrivals.setdefault(m.group(1).decode(), []).append(now)
    results.put((len(sel.get_map()), arrivals))


ready, results, stop = multiprocessing.Queue(), multiprocessing.Queue(), multiprocessing.Event()
share = [args.streams // args.readers + (1 if r < args.streams % args.readers else 0)
         for r in range(args.readers)]
readers = [multiprocessing.Process(target=reader, args=(sum(share[:r]), share[r], ready, stop, results))
           for r in range(args.readers)]
for process in readers:
    process.start()
opened = failed = 0
for _ in readers:
    o, f, error = ready.get()
    opened, failed = opened + o, failed + f
    if error:
        print(f"streams: cannot open a stream: {error}", file=sys.stderr)
print(f"streams: {opened} opened, {failed} failed by {args.readers} reader processes; "
      f"herd RSS {rss()} MiB", file=sys.stderr)

time.sleep(3)  # heads and heartbeats
rss_open = rss()
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
posted = {}
for n in range(args.posts):
    body = urllib.parse.urlencode({"status": f"fan-out {n} {time.time()}", "visibility": "public"})
    sent = time.monotonic()
    conn.request("POST", "/api/v1/statuses", body=body, headers={
        "Authorization": f"Bearer {poster}", "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    data = response.read()
    returned = time.monotonic()
    if response.status != 200:
        sys.exit(f"streams: post failed: {response.status} {data[:200]}")
    posted[json.loads(data)["id"]] = sent
    time.sleep(max(0.0, returned + args.interval - time.monotonic()))
time.sleep(5)  # stragglers
rss_after = rss()
stop.set()
still_open = 0
arrivals = {}
for _ in readers:
    n, got = results.get()
    still_open += n
    for status_id, times in got.items():
        arrivals.setdefault(status_id, []).extend(times)
for process in readers:
    process.join()

delays = []
missed = 0
for status_id, returned in posted.items():
    got = arrivals.get(status_id, [])
    missed += max(0, still_open - len(got))
    delays += [max(0.0, t - returned) for t in got]
delays.sort()


def pct(q):
    return f"{delays[min(len(delays) - 1, int(q * len(delays)))] * 1000:.0f} ms" if delays else "-"


print(f"| streams open | posts | events received | missed | delivery p50 | p99 | max | herd RSS with the streams open |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {still_open} of {args.streams} | {len(posted)} | {len(delays)} | {missed} | {pct(0.5)} | "
      f"{pct(0.99)} | {pct(1.0)} | {rss_open} MiB (after the posts: {rss_after} MiB) |")
