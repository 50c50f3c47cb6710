#!/usr/bin/python3
"""Streaming fan-out: N event streams (/api/v1/streaming/public/local, signed-in as seeded people)
open on one `herd serve`, then P public posts, one every INTERVAL seconds; for each post, the time
from the moment its POST was sent to its `update` event arriving on each stream (so it includes
posting itself). Reports the
streams opened, events received and missed, the delivery p50/p99/max over all (stream, post)
pairs, and herd's RSS with the streams open.

    bench/streams.py --base http://127.0.0.1:PORT --tokens FILE [--streams 10000] [--posts 10]
                     [--interval 1] [--pid HERD_PID]

--tokens: the JSON file bench/loadgen.py keeps ({"tokens": {"user1": ...}}): each stream signs in
as one of them in turn, user1 posts. Needs `ulimit -n` above N (and herd's own).
"""
import argparse
import http.client
import json
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
args = p.parse_args()
url = urllib.parse.urlparse(args.base)
tokens = list(json.load(open(args.tokens))["tokens"].values())
poster = json.load(open(args.tokens))["tokens"]["user1"]


def rss():
    if not args.pid:
        return None
    with open(f"/proc/{args.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024


sel = selectors.DefaultSelector()
opened = failed = 0
for i in range(args.streams):
    try:
        s = socket.create_connection((url.hostname, url.port))
        s.sendall((f"GET /api/v1/streaming/public/local HTTP/1.1\r\nHost: {url.netloc}\r\n"
                   f"Authorization: Bearer {tokens[i % len(tokens)]}\r\n"
                   f"Accept: text/event-stream\r\n\r\n").encode())
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, {"buffer": b"", "head": False})
        opened += 1
    except OSError as error:
        failed += 1
        if failed == 1:
            print(f"streams: cannot open stream {i}: {error}", file=sys.stderr)
print(f"streams: {opened} opened, {failed} failed; herd RSS {rss()} MiB", file=sys.stderr)

arrivals = {}  # status id -> list of arrival times
status_re = re.compile(rb'"id":"(\d+)"')


def pump(until):
    while time.monotonic() < until:
        for key, _ in sel.select(max(0.0, min(0.05, until - time.monotonic()))):
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


pump(time.monotonic() + 3)  # heads and heartbeats
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
    pump(returned + args.interval)
pump(time.monotonic() + 5)  # stragglers

delays = []
missed = 0
for status_id, returned in posted.items():
    got = arrivals.get(status_id, [])
    missed += max(0, len(sel.get_map()) - len(got))
    delays += [max(0.0, t - returned) for t in got]
delays.sort()


def pct(q):
    return f"{delays[min(len(delays) - 1, int(q * len(delays)))] * 1000:.0f} ms" if delays else "-"


print(f"| streams open | posts | events received | missed | delivery p50 | p99 | max | herd RSS with the streams open |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {len(sel.get_map())} of {args.streams} | {len(posted)} | {len(delays)} | {missed} | {pct(0.5)} | "
      f"{pct(0.99)} | {pct(1.0)} | {rss_open} MiB (after the posts: {rss()} MiB) |")
