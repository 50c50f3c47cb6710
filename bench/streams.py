#!/usr/bin/python3
"""Streaming fan-out: N event streams (/api/v1/streaming/public/local, signed-in as seeded people;
with --websocket, WebSockets on /api/v1/streaming?stream=public:local) open on one `herd serve`,
then P public posts, one every INTERVAL seconds; for each post, the time from the moment its POST
was sent to its `update` event arriving on each stream (so it includes posting itself). Reports
the streams opened, events received and missed, the delivery p50/p99/max over all (stream, post)
pairs, each post's first and last arrival, herd's RSS with the streams open, and the CPU herd and
the readers spent per event delivered over the posting phase.

    bench/streams.py --base http://127.0.0.1:PORT --tokens FILE [--streams 10000] [--posts 10]
                     [--interval 1] [--pid HERD_PID] [--readers 4] [--websocket]
                     [--native build/herd_stream_reader]

--tokens: the JSON file bench/loadgen.py keeps ({"tokens": {"user1": ...}}): each stream signs in
as one of them in turn, user1 posts. Needs `ulimit -n` above N (and herd's own). The streams are
read by --readers processes (forked Python ones, each reading its share with one epoll set; with
--native, bench/stream_reader.cpp's), on the same cores as herd: their CPU per event is reported
next to herd's, and a delivery waits for the reader as much as for herd.
"""
import argparse
import base64
import http.client
import json
import multiprocessing
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
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
p.add_argument("--websocket", action="store_true", help="WebSockets instead of event streams")
p.add_argument("--native", metavar="READER_BINARY",
               help="read with herd_stream_reader processes (build/herd_stream_reader: bench/stream_reader.cpp) "
                    "instead of Python ones: a fraction of their CPU per event, on herd's cores")
args = p.parse_args()
url = urllib.parse.urlparse(args.base)
tokens = list(json.load(open(args.tokens))["tokens"].values())
poster = json.load(open(args.tokens))["tokens"]["user1"]


def cpu_seconds(pid):
    """User + system CPU time of process `pid` so far (from /proc; None without a pid)."""
    if not pid:
        return None
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss():
    if not args.pid:
        return None
    with open(f"/proc/{args.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024


status_re = re.compile(rb'"id":"(\d+)"')
escaped_status_re = re.compile(rb'\\"id\\":\\"(\d+)\\"')  # in a WebSocket message's payload string


def websocket_messages(data):
    """Splits the server's WebSocket frames off `data`: (text messages, pings, the rest)."""
    texts, pings, at = [], [], 0
    while len(data) - at >= 2:
        opcode, length, start = data[at] & 0x0F, data[at + 1] & 0x7F, at + 2
        if length == 126:
            length, start = int.from_bytes(data[at + 2:at + 4], "big"), at + 4
        elif length == 127:
            length, start = int.from_bytes(data[at + 2:at + 10], "big"), at + 10
        if len(data) < start + length:
            break
        (texts if opcode == 1 else pings if opcode == 9 else []).append(data[start:start + length])
        at = start + length
    return texts, pings, data[at:]


def reader(first, count, ready, stop, results):
    """Opens streams first..first+count-1 and records when each `update` arrives (status id ->
    arrival times, time.monotonic(): one clock for every process of the machine). Kept lean
    (epoll directly, the buffer only for a message split across reads): the readers share herd's
    cores, and their CPU per event is reported with herd's."""
    poller = select.epoll(count + 1)
    sockets, buffers = {}, {}
    opened = failed = 0
    error = None
    for i in range(first, first + count):
        try:
            s = socket.create_connection((url.hostname, url.port))
            token = tokens[i % len(tokens)]
            if args.websocket:
                s.sendall((f"GET /api/v1/streaming?stream=public:local HTTP/1.1\r\n"
                           f"Host: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                           f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n\r\n").encode())
                head = b""
                while b"\r\n\r\n" not in head:
                    more = s.recv(4096)
                    if not more:
                        raise OSError("closed during the WebSocket handshake")
                    head += more
                if not head.startswith(b"HTTP/1.1 101"):
                    raise OSError(f"WebSocket handshake refused: {head[:60]!r}")
                early = head.split(b"\r\n\r\n", 1)[1]
            else:
                s.sendall((f"GET /api/v1/streaming/public/local HTTP/1.1\r\nHost: {url.netloc}\r\n"
                           f"Authorization: Bearer {token}\r\n"
                           f"Accept: text/event-stream\r\n\r\n").encode())
                early = b""
            s.setblocking(False)
            poller.register(s.fileno(), select.EPOLLIN)
            sockets[s.fileno()] = s
            buffers[s.fileno()] = early
            opened += 1
        except OSError as e:
            failed += 1
            error = error or str(e)
    ready.put((opened, failed, error))
    arrivals = {}
    poll, monotonic, search = poller.poll, time.monotonic, status_re.search
    escaped_search, websocket = escaped_status_re.search, args.websocket
    while not stop.is_set():
        for fd, _ in poll(0.05):
            try:
                chunk = sockets[fd].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                poller.unregister(fd)
                sockets.pop(fd).close()
                continue
            now = monotonic()
            held = buffers[fd]
            if websocket:
                messages, pings, buffers[fd] = websocket_messages(held + chunk if held else chunk)
                for ping in pings:  # a masked pong (mask 0: the payload as is)
                    sockets[fd].send(bytes([0x8A, 0x80 | len(ping), 0, 0, 0, 0]) + ping)
                for message in messages:
                    if b'"event":"update"' in message:
                        m = escaped_search(message)
                        if m:
                            arrivals.setdefault(m.group(1), []).append(now)
                continue
            messages = (held + chunk if held else chunk).split(b"\n\n")
            buffers[fd] = messages.pop()
            for message in messages:
                if b"event: update" in message:
                    m = search(message)
                    if m:
                        arrivals.setdefault(m.group(1), []).append(now)
    results.put((len(sockets), {k.decode(): v for k, v in arrivals.items()}))


share = [args.streams // args.readers + (1 if r < args.streams % args.readers else 0)
         for r in range(args.readers)]
opened = failed = 0
if args.native:
    # herd_stream_reader processes: each prints "opened N failed M", reads until its stdin closes,
    # then prints "open N" and one line per status id with its arrival times.
    token_file = tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False)
    token_file.write("\n".join(tokens) + "\n")
    token_file.close()
    path = "/api/v1/streaming?stream=public:local" if args.websocket else "/api/v1/streaming/public/local"
    readers = [subprocess.Popen([args.native, url.hostname, str(url.port), path, token_file.name,
                                 str(sum(share[:r])), str(share[r])] +
                                (["--websocket"] if args.websocket else []),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for r in range(args.readers)]
    for process in readers:
        words = process.stdout.readline().split()
        if len(words) != 4:
            sys.exit(f"streams: {args.native} did not start: {words}")
        opened, failed = opened + int(words[1]), failed + int(words[3])
else:
    ready, results, stop = multiprocessing.Queue(), multiprocessing.Queue(), multiprocessing.Event()
    readers = [multiprocessing.Process(target=reader, args=(sum(share[:r]), share[r], ready, stop, results))
               for r in range(args.readers)]
    for process in readers:
        process.start()
    for _ in readers:
        o, f, error = ready.get()
        opened, failed = opened + o, failed + f
        if error:
            print(f"streams: cannot open a stream: {error}", file=sys.stderr)
print(f"streams: {opened} opened, {failed} failed by {args.readers} "
      f"{'herd_stream_reader' if args.native else 'Python'} reader processes; "
      f"herd RSS {rss()} MiB", file=sys.stderr)

time.sleep(3)  # heads and heartbeats
rss_open = rss()
herd_cpu_before = cpu_seconds(args.pid)
readers_cpu_before = sum(cpu_seconds(process.pid) for process in readers)
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
herd_cpu = cpu_seconds(args.pid) - herd_cpu_before if args.pid else None
readers_cpu = sum(cpu_seconds(process.pid) for process in readers) - readers_cpu_before
still_open = 0
arrivals = {}
if args.native:
    for process in readers:
        process.stdin.close()
    for process in readers:
        lines = process.stdout.read().splitlines()
        process.wait()
        still_open += int(lines[0].split()[1])
        for line in lines[1:]:
            status_id, *times = line.split()
            arrivals.setdefault(status_id, []).extend(float(t) for t in times)
    os.unlink(token_file.name)
else:
    stop.set()
    for _ in readers:
        n, got = results.get()
        still_open += n
        for status_id, times in got.items():
            arrivals.setdefault(status_id, []).extend(times)
    for process in readers:
        process.join()

delays = []
missed = 0
firsts, lasts = [], []  # per post: its first and last arrival
in_order = []  # per post, in posting order: (first, last) in ms
for status_id, returned in posted.items():
    got = arrivals.get(status_id, [])
    missed += max(0, still_open - len(got))
    delays += [max(0.0, t - returned) for t in got]
    if got:
        firsts.append(max(0.0, min(got) - returned))
        lasts.append(max(0.0, max(got) - returned))
        in_order.append(f"{firsts[-1] * 1000:.0f}-{lasts[-1] * 1000:.0f}")
delays.sort()
firsts.sort()
lasts.sort()


def pct(q):
    return f"{delays[min(len(delays) - 1, int(q * len(delays)))] * 1000:.0f} ms" if delays else "-"


print(f"| streams open | posts | events received | missed | delivery p50 | p99 | max | herd RSS with the streams open |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {still_open} of {args.streams} | {len(posted)} | {len(delays)} | {missed} | {pct(0.5)} | "
      f"{pct(0.99)} | {pct(1.0)} | {rss_open} MiB (after the posts: {rss_after} MiB) |")
if firsts:
    print(f"per post (median of {len(firsts)}): first arrival {firsts[len(firsts) // 2] * 1000:.0f} ms, "
          f"last {lasts[len(lasts) // 2] * 1000:.0f} ms; delivery p10 {pct(0.1)}, p90 {pct(0.9)}; "
          f"each post's first-last arrival (ms): {' '.join(in_order)}")
# CPU over the posting phase (posts, fan-out, heartbeats, 5 s of stragglers), per event delivered:
# what the fan-out costs herd, and what the readers sharing its cores cost.
if delays:
    herd_part = f"herd {herd_cpu * 1e6 / len(delays):.1f} µs" if herd_cpu is not None else "herd -"
    print(f"CPU per event delivered: {herd_part}, readers {readers_cpu * 1e6 / len(delays):.1f} µs "
          f"(herd {herd_cpu if herd_cpu is not None else 0:.2f} s, readers {readers_cpu:.2f} s over "
          f"the posting phase)")
