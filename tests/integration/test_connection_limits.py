#!/usr/bin/python3
"""Connection caps (issue 14), with real sockets against a real `herd serve`:

* HERD_MAX_CONNECTIONS_PER_IP: one client address holds at most that many connections; the next
  one is answered 429 and closed, and once a connection closes a new one is served. Connections
  from a trusted proxy (TRUSTED_PROXY_IP) are not capped (the proxy caps its clients).
* HERD_MAX_STREAMS_PER_ACCOUNT: one account holds at most that many streaming connections
  (WebSocket or event stream); the next is answered 429 before the upgrade, other accounts are
  unaffected, and closing one frees its place.
"""
import base64
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, register  # noqa: E402

suite = Suite("connection limits", parse_args(__doc__))
S = suite.state
CAP = 6
STREAMS = 2


def connect():
    sock = socket.create_connection(("127.0.0.1", S["server"].port), timeout=10)
    return sock


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1")


def status_of(head):
    parts = head.split(" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def get(sock, path, headers=()):
    lines = [f"GET {path} HTTP/1.1", "Host: localhost", *headers, "", ""]
    sock.sendall("\r\n".join(lines).encode())
    return read_head(sock)


def health_on_new_connection():
    sock = connect()
    try:
        return status_of(get(sock, "/health", ["Connection: close"]))
    except OSError:
        return None
    finally:
        sock.close()


def websocket(token):
    sock = connect()
    key = base64.b64encode(os.urandom(16)).decode()
    head = get(sock, f"/api/v1/streaming?stream=user&access_token={token}",
               ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"])
    return sock, status_of(head)


@suite.setup
def start_server(t):
    # 127.0.0.1 is a trusted proxy by default; name another one so that the tests' loopback
    # connections count as one client address.
    S["server"] = suite.server(env={"HERD_MAX_CONNECTIONS_PER_IP": str(CAP),
                                    "HERD_MAX_STREAMS_PER_ACCOUNT": str(STREAMS),
                                    "TRUSTED_PROXY_IP": "192.0.2.1"})
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")


@suite.case
def connections_per_address(t):
    # The setup's connections are released when the server sees them close: wait for that, then
    # hold CAP connections, each served (kept alive).
    deadline = time.monotonic() + 10
    while True:
        held = [connect() for _ in range(CAP)]
        statuses = [status_of(get(sock, "/health")) for sock in held]
        if statuses == [200] * CAP or time.monotonic() > deadline:
            break
        for sock in held:
            sock.close()
        time.sleep(0.2)
    t.eq(statuses, [200] * CAP, "connections under the cap are served (kept alive)")
    extra = connect()
    head = get(extra, "/health")
    t.eq(status_of(head), 429, "one more connection from the address: 429")
    t.check("Too many connections" in head + extra.recv(4096).decode("latin-1", "replace"),
            "with a JSON error", head)
    extra.settimeout(5)
    t.eq(extra.recv(1), b"", "and closed")
    extra.close()
    held.pop().close()
    deadline = time.monotonic() + 5
    status = None
    while time.monotonic() < deadline and status != 200:
        status = health_on_new_connection()
        time.sleep(0.05)
    t.eq(status, 200, "a closed connection frees its place")
    for sock in held:
        sock.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # wait until the server saw them all go
        socks = [connect() for _ in range(CAP)]
        ok = all(status_of(get(s, "/health")) == 200 for s in socks)
        for s in socks:
            s.close()
        if ok:
            break
        time.sleep(0.1)
    t.check(ok, "all places free again once every connection closed")


@suite.case
def streams_per_account(t):
    alice, bob = S["alice"], S["bob"]
    streams = []
    for _ in range(STREAMS):
        sock, status = websocket(alice.token)
        t.eq(status, 101, "a WebSocket under the account's cap")
        streams.append(sock)
    sock, status = websocket(alice.token)
    t.eq(status, 429, "one more streaming connection for the account: 429 before the upgrade")
    sock.close()
    sse = connect()
    t.eq(status_of(get(sse, "/api/v1/streaming/user", [f"Authorization: Bearer {alice.token}"])), 429,
         "an event stream counts too")
    sse.close()
    other, status = websocket(bob.token)
    t.eq(status, 101, "another account is not affected")
    other.close()
    streams.pop().close()
    deadline = time.monotonic() + 10
    status = None
    while time.monotonic() < deadline:
        sock, status = websocket(alice.token)
        if status == 101:
            streams.append(sock)
            break
        sock.close()
        time.sleep(0.1)
    t.eq(status, 101, "closing a stream frees its place")
    for sock in streams:
        sock.close()


if __name__ == "__main__":
    main(suite)
