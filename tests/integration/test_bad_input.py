#!/usr/bin/python3
"""Bad input against a real `herd serve`: malformed JSON and forms, unknown IDs, tokens
without the needed scope, another user's private post, oversized bodies.

Each time: the status code Mastodon gives, a JSON body with "error" and Content-Type
application/json, nothing changed, and the server still answering /health.
"""
import json
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Suite, create_app, main, parse_args, password_token, register)  # noqa: E402

suite = Suite("bad input", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server_and_register_users(t):
    server = suite.server()
    S["server"] = server
    S["alice"] = register(server, "alice")
    S["bob"] = register(server, "bob")
    S["carol"] = register(server, "carol")
    S["public"] = server.api("POST", "/api/v1/statuses", token=S["alice"].token,
                             json_body={"status": "a public status", "visibility": "public"})["id"]
    S["private"] = server.api("POST", "/api/v1/statuses", token=S["alice"].token,
                              json_body={"status": "a followers-only status", "visibility": "private"})["id"]


def snapshot():
    """What a user would look at to see whether something changed. An endpoint that fails
    gives its error as the value (compared like any other)."""
    server, alice = S["server"], S["alice"]

    def get(path, token, query=None, pick=lambda x: x):
        try:
            return pick(server.api("GET", path, token=token, query=query))
        except Exception as e:  # noqa: BLE001
            return f"error: {str(e)[:200]}"

    counts = lambda s: (s["favourites_count"], s["reblogs_count"], s["replies_count"])  # noqa: E731
    return {
        "profile": get("/api/v1/accounts/verify_credentials", alice.token,
                       pick=lambda me: (me["statuses_count"], me["display_name"], me["note"],
                                        me["following_count"], me["followers_count"])),
        "status_ids": get(f"/api/v1/accounts/{alice.id}/statuses", alice.token, {"limit": 40},
                          pick=lambda items: [s["id"] for s in items]),
        "public_counts": get(f"/api/v1/statuses/{S['public']}", alice.token, pick=counts),
        "private_counts": get(f"/api/v1/statuses/{S['private']}", alice.token, pick=counts),
        "carol_follows_alice": get("/api/v1/accounts/relationships", S["carol"].token, [("id[]", alice.id)],
                                   pick=lambda rels: rels[0]["following"] if rels else None),
    }


class Unchanged:
    """with Unchanged(t, 'what'): ... checks the snapshot before/after and /health."""

    def __init__(self, t, what):
        self.t, self.what = t, what

    def __enter__(self):
        self.before = snapshot()
        return self

    def __exit__(self, exc_type, exc, tb):
        server = S["server"]
        alive = server.healthy()
        self.t.check(alive, f"{self.what}: server still answers /health", server.logs_text(40) if not alive else None)
        if not alive:
            return False
        after = snapshot()
        for key in self.before:
            self.t.check(self.before[key] == after[key],
                         f"{self.what}: nothing changed ({key}: {self.before[key]!r} -> {after[key]!r})")
        return False


@suite.case
def malformed_json(t):
    server, alice = S["server"], S["alice"]
    bodies = {
        "truncated object": b'{"status": "hello",',
        "not JSON at all": b"status=hello",
        "trailing garbage": b'{"status": "hello"} xyz',
        "invalid UTF-8": b'{"status": "\xff\xfe\xfd"}',
        "deeply nested": b"[" * 100000 + b"]" * 100000,
        "bare string": b'"hello"',
    }
    for what, body in bodies.items():
        with Unchanged(t, f"malformed JSON ({what})"):
            r = server.try_http("POST", "/api/v1/statuses", token=alice.token, body=body,
                            content_type="application/json")
            expected = {"bare string": (400, 422), "invalid UTF-8": (400, 422),
                        "deeply nested": (400, 413)}.get(what, 400)
            t.json_error(r, expected, f"POST /api/v1/statuses with {what}")
    with Unchanged(t, "malformed JSON on PATCH update_credentials"):
        r = server.try_http("PATCH", "/api/v1/accounts/update_credentials", token=alice.token,
                        body=b'{"display_name": ', content_type="application/json")
        t.json_error(r, 400, "PATCH update_credentials with truncated JSON")
    with Unchanged(t, "malformed JSON on POST /oauth/token"):
        r = server.try_http("POST", "/oauth/token", body=b'{"grant_type": "password", ', content_type="application/json")
        t.json_error(r, 400, "POST /oauth/token with truncated JSON")
    with Unchanged(t, "wrong JSON types"):
        for body in ({"status": ["a", "b"]}, {"status": {"x": 1}}, {"status": "ok", "visibility": 7},
                     {"status": "ok", "in_reply_to_id": {"$ne": 1}}):
            r = server.try_http("POST", "/api/v1/statuses", token=alice.token, json_body=body)
            t.json_error(r, (400, 404, 422), f"POST /api/v1/statuses with {json.dumps(body)}")


@suite.case
def malformed_forms(t):
    server, alice = S["server"], S["alice"]
    cases = {
        "bad percent-encoding": b"status=%zz%E0%A4%A&visibility=public",
        "invalid UTF-8 after decoding": b"status=%ff%fe%fd",
    }
    for what, body in cases.items():
        with Unchanged(t, f"malformed form ({what})"):
            r = server.try_http("POST", "/api/v1/statuses", token=alice.token, body=body,
                            content_type="application/x-www-form-urlencoded")
            t.json_error(r, (400, 422), f"POST /api/v1/statuses form with {what}")
    with Unchanged(t, "multipart without its boundary"):
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token,
                        body=b"--xyz\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nhi\r\n",
                        content_type="multipart/form-data; boundary=xyz")
        t.json_error(r, (400, 422), "POST /api/v1/statuses with a truncated multipart body")
    with Unchanged(t, "multipart with no boundary parameter"):
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token, body=b"status=hi",
                        content_type="multipart/form-data")
        t.json_error(r, (400, 422), "POST /api/v1/statuses multipart/form-data without boundary")
    with Unchanged(t, "validation errors"):
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token, form={"status": ""})
        t.json_error(r, 422, "empty status text")
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token, form={"visibility": "public"})
        t.json_error(r, 422, "no status text at all")
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token,
                        form={"status": "hello", "visibility": "everyone"})
        t.json_error(r, 422, "unknown visibility")
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token, form={"status": "x" * 5001})
        t.json_error(r, 422, "status longer than the character limit")
        r = server.try_http("POST", "/api/v1/statuses", token=alice.token,
                        form={"status": "reply to nothing", "in_reply_to_id": "987654321987654321"})
        t.json_error(r, (404, 422), "in_reply_to_id of an unknown status")
    with Unchanged(t, "bad pagination parameters"):
        for q in ({"limit": "abc"}, {"max_id": "not-an-id"}, {"limit": "-5"}, {"since_id": "99999999999999999999999"}):
            r = server.try_http("GET", f"/api/v1/accounts/{alice.id}/statuses", query=q, token=alice.token)
            t.check(r.status in (200, 400, 422) and r.content_type == "application/json",
                    f"GET account statuses with {q}: a JSON answer, not a crash", r.describe())


@suite.case
def unknown_ids(t):
    server, alice = S["server"], S["alice"]
    tok = alice.token
    with Unchanged(t, "unknown IDs"):
        for method, path in (
                ("GET", "/api/v1/statuses/123456789012345678"),
                ("GET", "/api/v1/statuses/abc"),
                ("GET", "/api/v1/statuses/-1"),
                ("GET", "/api/v1/statuses/99999999999999999999999999"),
                ("GET", "/api/v1/statuses/1%27%20OR%20%271%27=%271"),
                ("GET", "/api/v1/statuses/123456789012345678/context"),
                ("DELETE", "/api/v1/statuses/123456789012345678"),
                ("POST", "/api/v1/statuses/123456789012345678/favourite"),
                ("POST", "/api/v1/statuses/123456789012345678/reblog"),
                ("POST", "/api/v1/statuses/123456789012345678/bookmark"),
                ("GET", "/api/v1/accounts/123456789012345678"),
                ("GET", "/api/v1/accounts/123456789012345678/statuses"),
                ("POST", "/api/v1/accounts/123456789012345678/follow"),
                ("GET", "/api/v1/notifications/123456789012345678"),
                ("POST", "/api/v1/notifications/123456789012345678/dismiss"),
        ):
            r = server.try_http(method, path, token=tok)
            t.json_error(r, 404, f"{method} {path}")
        r = server.try_http("GET", "/api/v1/accounts/lookup", query={"acct": "nobody"})
        t.json_error(r, 404, "accounts/lookup of an unknown account")
        r = server.try_http("GET", "/api/v1/no/such/endpoint", token=tok)
        t.json_error(r, 404, "unknown API path")


@suite.case
def tokens_and_scopes(t):
    server, alice = S["server"], S["alice"]
    app = create_app(server, name="scoped", scopes="read write follow push")
    read_only = password_token(server, alice.email, alice.password, scope="read", app=app)
    write_only = password_token(server, alice.email, alice.password, scope="write", app=app)
    statuses_only = password_token(server, alice.email, alice.password, scope="read:statuses", app=app)
    with Unchanged(t, "read-only token posting"):
        r = server.try_http("POST", "/api/v1/statuses", token=read_only, json_body={"status": "should not post"})
        t.json_error(r, 403, "POST /api/v1/statuses with a read-only token")
        r = server.try_http("POST", f"/api/v1/statuses/{S['public']}/favourite", token=read_only)
        t.json_error(r, 403, "favourite with a read-only token")
        r = server.try_http("PATCH", "/api/v1/accounts/update_credentials", token=read_only,
                        form={"display_name": "hacked"})
        t.json_error(r, 403, "update_credentials with a read-only token")
        carol_read = password_token(server, S["carol"].email, S["carol"].password, scope="read", app=app)
        r = server.try_http("POST", f"/api/v1/accounts/{alice.id}/follow", token=carol_read)
        t.json_error(r, 403, "follow with a read-only token")
        r = server.try_http("DELETE", f"/api/v1/statuses/{S['public']}", token=read_only)
        t.json_error(r, 403, "DELETE a status with a read-only token")
    with Unchanged(t, "write-only token reading"):
        r = server.try_http("GET", "/api/v1/timelines/home", token=write_only)
        t.json_error(r, 403, "home timeline with a write-only token")
        r = server.try_http("GET", "/api/v1/notifications", token=write_only)
        t.json_error(r, 403, "notifications with a write-only token")
    with Unchanged(t, "granular scope"):
        r = server.try_http("GET", "/api/v1/timelines/home", token=statuses_only)
        t.status(r, 200, "home timeline with read:statuses")
        r = server.try_http("GET", "/api/v1/accounts/verify_credentials", token=statuses_only)
        t.json_error(r, 403, "verify_credentials with only read:statuses (needs read:accounts)")
    with Unchanged(t, "missing or bad tokens"):
        r = server.try_http("GET", "/api/v1/timelines/home")
        t.json_error(r, 401, "home timeline without a token")
        r = server.try_http("POST", "/api/v1/statuses", json_body={"status": "anonymous"})
        t.json_error(r, 401, "posting without a token")
        r = server.try_http("GET", "/api/v1/accounts/verify_credentials", token="not-a-real-token")
        t.json_error(r, 401, "an unknown token")
        r = server.try_http("GET", "/api/v1/accounts/verify_credentials", headers={"Authorization": "Bearer"})
        t.json_error(r, 401, "an empty Bearer token")
        r = server.try_http("GET", "/api/v1/accounts/verify_credentials", headers={"Authorization": "Basic Zm9vOmJhcg=="})
        t.json_error(r, 401, "a Basic Authorization header on the API")
        app_token = server.api("POST", "/oauth/token", form={
            "grant_type": "client_credentials", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "scope": "read write"})["access_token"]
        r = server.try_http("POST", "/api/v1/statuses", token=app_token, json_body={"status": "app token post"})
        t.json_error(r, (401, 403, 422), "posting with an app token (no user) is refused")
    with Unchanged(t, "bad OAuth requests"):
        r = server.try_http("POST", "/oauth/token", form={"grant_type": "password", "client_id": app["client_id"],
                                                      "client_secret": "wrong", "username": alice.email,
                                                      "password": alice.password})
        t.json_error(r, (400, 401), "password grant with a wrong client secret")
        r = server.try_http("POST", "/oauth/token", form={"grant_type": "magic", "client_id": app["client_id"],
                                                      "client_secret": app["client_secret"]})
        t.json_error(r, (400, 401), "an unknown grant_type")
        r = server.try_http("POST", "/oauth/token", form={"grant_type": "password", "client_id": app["client_id"],
                                                      "client_secret": app["client_secret"],
                                                      "username": alice.email, "password": alice.password,
                                                      "scope": "admin:write"})
        t.json_error(r, (400, 401, 403), "a scope the app was not registered for")
        r = server.try_http("POST", "/api/v1/apps", form={"client_name": "no redirect"})
        t.json_error(r, (400, 422), "POST /api/v1/apps without redirect_uris")


@suite.case
def other_users_private_post(t):
    server, carol, bob = S["server"], S["carol"], S["bob"]
    pid = S["private"]
    r = server.try_http("POST", f"/api/v1/accounts/{S['alice'].id}/follow", token=bob.token)
    t.status(r, 200, "bob follows alice")
    t.status(server.try_http("GET", f"/api/v1/statuses/{pid}", token=bob.token), 200,
             "a follower can read the private post (sanity)")
    with Unchanged(t, "a non-follower acting on a private post"):
        for method, path in (("GET", f"/api/v1/statuses/{pid}"),
                             ("GET", f"/api/v1/statuses/{pid}/context"),
                             ("POST", f"/api/v1/statuses/{pid}/favourite"),
                             ("POST", f"/api/v1/statuses/{pid}/reblog"),
                             ("POST", f"/api/v1/statuses/{pid}/bookmark"),
                             ("GET", f"/api/v1/statuses/{pid}/favourited_by"),
                             ("GET", f"/api/v1/statuses/{pid}/reblogged_by"),
                             ("DELETE", f"/api/v1/statuses/{pid}")):
            r = server.try_http(method, path, token=carol.token)
            t.json_error(r, 404, f"carol (not a follower): {method} {path}")
            r = server.try_http(method, path)
            t.json_error(r, (401, 404), f"anonymous: {method} {path}")
        r = server.try_http("POST", "/api/v1/statuses", token=carol.token,
                        json_body={"status": "replying to a post I cannot see", "in_reply_to_id": pid})
        t.json_error(r, (404, 422), "carol replying to a private post she cannot see")
    with Unchanged(t, "a follower reblogging a private post"):
        r = server.try_http("POST", f"/api/v1/statuses/{pid}/reblog", token=bob.token)
        t.json_error(r, (403, 404, 422), "bob reblogging alice's private post")
    with Unchanged(t, "deleting someone else's public post"):
        r = server.try_http("DELETE", f"/api/v1/statuses/{S['public']}", token=carol.token)
        t.json_error(r, (403, 404), "carol deleting alice's public post")


def raw_exchange(server, head, body_chunks, total_timeout=60):
    """Sends a request head, then body chunks until the server answers or closes.
    Returns (status or None, response bytes, bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(head)
    sent = 0
    resp = b""
    deadline = time.monotonic() + total_timeout
    try:
        for chunk in body_chunks:
            r, _, _ = select.select([sock], [], [], 0)
            if r:
                break
            try:
                sock.sendall(chunk)
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            if time.monotonic() > deadline:
                break
        sock.settimeout(15)
        while True:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not data:
                break
            resp += data
            if b"\r\n\r\n" in resp:
                head_end = resp.index(b"\r\n\r\n")
                headers = resp[:head_end].decode("latin-1").lower()
                length = None
                for line in headers.split("\r\n"):
                    if line.startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                if length is not None and len(resp) >= head_end + 4 + length:
                    break
    finally:
        sock.close()
    status = None
    if resp.startswith(b"HTTP/1."):
        try:
            status = int(resp.split(b" ", 2)[1])
        except ValueError:
            pass
    return status, resp, sent


def parse_raw(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return headers, body


def mib_chunks(prefix, mib=64):
    """Up to 64 MiB of body in 1 MiB pieces: a server may read up to its limit before refusing."""
    yield prefix
    for _ in range(mib):
        yield b"a" * (1 << 20)


@suite.case
def oversized_bodies(t):
    server, alice = S["server"], S["alice"]
    auth = f"Authorization: Bearer {alice.token}\r\n"
    one_gib = 1 << 30

    def check_413(status, resp, sent, what):
        t.eq(status, 413, f"{what}: HTTP status (sent {sent >> 20} MiB before the answer)")
        if status:
            headers, body = parse_raw(resp)
            t.check(headers.get("content-type", "").split(";")[0].strip() == "application/json",
                    f"{what}: Content-Type application/json", headers)
            try:
                t.check("error" in json.loads(body.decode() or "null"), f"{what}: JSON error body", body[:300])
            except ValueError:
                t.check(False, f"{what}: JSON error body", body[:300])

    with Unchanged(t, "declared 1 GiB JSON body"):
        head = (f"POST /api/v1/statuses HTTP/1.1\r\nHost: {server.domain}\r\n{auth}"
                f"Content-Type: application/json\r\nContent-Length: {one_gib}\r\n\r\n").encode()
        check_413(*raw_exchange(server, head, mib_chunks(b'{"status": "')), "Content-Length of 1 GiB")

    with Unchanged(t, "chunked body without end"):
        head = (f"POST /api/v1/statuses HTTP/1.1\r\nHost: {server.domain}\r\n{auth}"
                f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        piece = b"a" * (1 << 20)
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        first = f"{12:x}\r\n".encode() + b'{"status": "' + b"\r\n"
        chunks = [first] + [chunk] * 1024  # up to 1 GiB unless the server stops it
        check_413(*raw_exchange(server, head, chunks, total_timeout=120), "chunked body growing to 1 GiB")

    with Unchanged(t, "oversized form"):
        head = (f"POST /api/v1/statuses HTTP/1.1\r\nHost: {server.domain}\r\n{auth}"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {one_gib}\r\n\r\n").encode()
        check_413(*raw_exchange(server, head, mib_chunks(b"status=")), "form with Content-Length 1 GiB")

    with Unchanged(t, "oversized OAuth token request"):
        head = (f"POST /oauth/token HTTP/1.1\r\nHost: {server.domain}\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {one_gib}\r\n\r\n").encode()
        check_413(*raw_exchange(server, head, mib_chunks(b"grant_type=")), "/oauth/token with 1 GiB")

    # After all of it, ordinary requests still work.
    r = server.try_http("GET", "/api/v1/instance")
    t.status(r, 200, "GET /api/v1/instance after the oversized bodies")
    posted = server.try_http("POST", "/api/v1/statuses", token=alice.token, json_body={"status": "still works"})
    if t.status(posted, 200, "posting still works after the bad requests"):
        server.api("DELETE", f"/api/v1/statuses/{posted.json()['id']}", token=alice.token)


@suite.case
def server_survived(t):
    server = S["server"]
    t.check(server.alive(), "herd serve is still running after all bad input")
    r = server.try_http("GET", "/health")
    t.status(r, 200, "/health")
    t.eq(r.text.strip(), "OK", "/health body")


if __name__ == "__main__":
    main(suite)
