"""Integration test harness: real `herd serve` processes and a tiny test runner.

Run every test script with Debian's /usr/bin/python3 (it has python3-mastodon):

    /usr/bin/python3 tests/integration/test_X.py --herd build/herd --backend sqlite|postgres

The backend may also come from HERD_TEST_BACKEND, the binary from HERD_BINARY.

What it gives a test:
  * Server: one `herd serve` on a free 127.0.0.1 port with its own temporary data
    folder and, for the postgres backend, its own fresh database created with psql
    on HERD_TEST_POSTGRES_URL. Waits for GET /health; keeps stdout/stderr in log
    files that are printed when a test fails. Can be stopped and started again
    on the same data.
  * http(): raw HTTP/1.1 requests (http.client), recorded so that a failure can
    show the last requests and responses.
  * register()/password_token()/create_app(): accounts and tokens through the API.
  * Suite: runs test cases in order; check()/require() record what failed and go
    on; prints 'N passed, N failed' and exits 1 on any failure (77 = skipped).
"""
from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import http.client as httpclient
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import sqlite3
import subprocess
import struct
import sys
import tempfile
import textwrap
import time
import traceback
import zlib
import urllib.parse
import zlib

SKIP = 77
DEFAULT_PASSWORD = "correct-horse-battery-staple-42"
ADMIN_EMAIL = "admin@herd.test"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-password-for-tests-1"

# Recent HTTP exchanges, shown when a check fails.
TRAFFIC: collections.deque = collections.deque(maxlen=8)


def _clip(data, limit=1500):
    if data is None:
        return ""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data[:limit * 4]).decode("utf-8", "replace")
    data = str(data)
    return data if len(data) <= limit else data[:limit] + f"... [{len(data)} chars]"


def record_exchange(method, url, req_headers, req_body, status, resp_headers, resp_body):
    TRAFFIC.append({
        "request": f"{method} {url}",
        "request_headers": {k: v for k, v in (req_headers or {}).items() if k.lower() != "authorization"},
        "request_body": _clip(req_body, 600),
        "status": status,
        "response_headers": dict(resp_headers or {}),
        "response_body": _clip(resp_body),
    })


def format_traffic(count=4):
    out = []
    for ex in list(TRAFFIC)[-count:]:
        out.append(f"  > {ex['request']}")
        if ex["request_body"]:
            out.append(f"  > body: {ex['request_body']}")
        out.append(f"  < {ex['status']} {json.dumps(ex['response_headers'])[:400]}")
        out.append(f"  < {ex['response_body']}")
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# HTTP


class Response:
    def __init__(self, status, reason, headers, body, method, url):
        self.status = status
        self.reason = reason
        self.header_list = headers  # list of (name, value)
        self.body = body
        self.method = method
        self.url = url
        self._json = None
        self._json_done = False

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.header_list:
            if k.lower() == name:
                return v
        return default

    def headers_all(self, name):
        name = name.lower()
        return [v for k, v in self.header_list if k.lower() == name]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def content_type(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self):
        if not self._json_done:
            self._json_done = True
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except Exception as e:  # noqa: BLE001
                raise AssertionError(
                    f"{self.method} {self.url}: response {self.status} is not JSON ({e}): {_clip(self.body, 400)!r}")
        return self._json

    def is_json(self):
        try:
            self.json()
            return True
        except AssertionError:
            return False

    def describe(self):
        return f"{self.method} {self.url} -> {self.status} {self.content_type} {_clip(self.body, 600)}"

    def __repr__(self):
        return f"<Response {self.describe()}>"


class HttpError(AssertionError):
    pass


def _encode_query(query):
    if not query:
        return ""
    if isinstance(query, str):
        return query
    return urllib.parse.urlencode(query, doseq=True)


def http(base_url, method, path, *, token=None, query=None, json_body=None, form=None,
         body=None, content_type=None, headers=None, timeout=60, record=True):
    """One HTTP request; returns Response. `path` may be absolute (same server)."""
    if path.startswith("http://") or path.startswith("https://"):
        url = path
    else:
        url = base_url.rstrip("/") + path
    q = _encode_query(query)
    if q:
        url += ("&" if "?" in url else "?") + q
    parts = urllib.parse.urlsplit(url)
    hdrs = {"Accept": "application/json", "User-Agent": "herd-integration-tests"}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    data = body
    if json_body is not None:
        data = json.dumps(json_body).encode()
        hdrs["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    if content_type:
        hdrs["Content-Type"] = content_type
    if isinstance(data, str):
        data = data.encode()
    if headers:
        hdrs.update(headers)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        conn.request(method, target, body=data, headers=hdrs)
        r = conn.getresponse()
        resp_body = r.read()
        resp = Response(r.status, r.reason, r.getheaders(), resp_body, method, url)
    finally:
        conn.close()
    if record:
        record_exchange(method, url, hdrs, data, resp.status, resp.header_list, resp.body)
    return resp


# --------------------------------------------------------------------------------------
# Server


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_web_page(html):
    """A web server on 127.0.0.1 (a free port) answering every GET with this HTML page, in a thread
    (for link preview cards). Returns (base URL, server); server.shutdown() stops it."""
    import http.server
    import threading
    body = html.encode() if isinstance(html, str) else html

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    web = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{web.server_address[1]}", web


def parse_args(description=""):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--herd", default=os.environ.get("HERD_BINARY", ""),
                   help="path to the herd binary (ctest passes $<TARGET_FILE:herd>)")
    p.add_argument("--backend", default=os.environ.get("HERD_TEST_BACKEND", "sqlite"),
                   choices=["sqlite", "postgres"])
    p.add_argument("--keep", action="store_true", help="keep temporary folders and databases")
    p.add_argument("-k", dest="only", default=None, help="run only cases whose name contains this")
    args = p.parse_args()
    if not args.herd:
        here = os.path.dirname(os.path.abspath(__file__))
        args.herd = os.path.join(here, "..", "..", "build", "herd")
    args.herd = os.path.abspath(args.herd)
    return args


class PostgresUnavailable(Exception):
    pass


class Backend:
    """Gives each server a fresh store: a data folder (SQLite) or a new database."""

    def __init__(self, kind, keep=False):
        self.kind = kind
        self.keep = keep
        self.base_url = os.environ.get("HERD_TEST_POSTGRES_URL", "")
        self.databases = []
        if kind == "postgres" and not self.base_url:
            raise PostgresUnavailable(
                "HERD_TEST_POSTGRES_URL is not set (scripts/test starts a PostgreSQL server and sets it)")
        if kind == "postgres" and not shutil.which("psql"):
            raise PostgresUnavailable("psql not found (Debian package postgresql-client-15)")

    def _psql(self, sql):
        r = subprocess.run(["psql", self.base_url, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {r.stderr.strip()}")
        return r.stdout

    def new_database_url(self):
        """None for SQLite (herd's default file in HERD_DATA_DIR), else a new postgres URL."""
        if self.kind == "sqlite":
            return None
        name = "herd_it_" + secrets.token_hex(6)
        self._psql(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        parts = urllib.parse.urlsplit(self.base_url)
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def cleanup(self):
        if self.keep:
            return
        for name in self.databases:
            try:
                self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as e:  # noqa: BLE001
                print(f"warning: could not drop database {name}: {e}", file=sys.stderr)
        self.databases = []


class ServerFailed(AssertionError):
    pass


SERVER_SETTINGS = ("DATABASE_URL", "LOCAL_DOMAIN", "WEB_DOMAIN", "LOCAL_HTTPS", "BIND", "PORT",
                   "SINGLE_USER_MODE", "AUTHORIZED_FETCH", "ALLOWED_PRIVATE_ADDRESSES")


def _die_with_parent():
    """preexec_fn: the server gets SIGKILL if the test process dies (e.g. a ctest timeout)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001
        pass


class Server:
    """A `herd serve` process with its own port, data folder and database."""

    def __init__(self, herd, backend: Backend, name="herd", env=None, admin_password=ADMIN_PASSWORD,
                 keep=False):
        self.herd = herd
        self.backend = backend
        self.name = name
        self.keep = keep
        self.tmp = tempfile.mkdtemp(prefix=f"herd-it-{name}-")
        self.data_dir = os.path.join(self.tmp, "data")
        os.makedirs(self.data_dir)
        self.database_url = backend.new_database_url()
        self.port = free_port()
        self.proc = None
        self.starts = 0
        self.extra_env = dict(env or {})
        self.admin_password = admin_password
        self.log_paths = []  # (stdout, stderr) per start
        self.should_run = False

    # -- configuration
    @property
    def domain(self):
        return f"127.0.0.1:{self.port}"

    @property
    def url(self):
        return f"http://{self.domain}"

    def environment(self, overrides=None, drop=()):
        # Nothing of the caller's herd configuration leaks into the server under test.
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("HERD_") or k.startswith("SMTP_") or k in SERVER_SETTINGS)}
        env.update({
            "HERD_DATA_DIR": self.data_dir,
            "HERD_ADMIN_EMAIL": ADMIN_EMAIL,
            "HERD_ADMIN_USERNAME": ADMIN_USERNAME,
            "LOCAL_DOMAIN": self.domain,
            "LOCAL_HTTPS": "false",
            "BIND": "127.0.0.1",
            "PORT": str(self.port),
            "HERD_REGISTRATIONS": "open",
            "HERD_PASSWORD_GRANT": "true",
            # Every test client shares 127.0.0.1: rate limits are off unless a test (such as
            # test_rate_limits.py) turns them on with its own small limits.
            "HERD_RATE_LIMITS": "false",
        })
        if self.admin_password:
            env["HERD_ADMIN_PASSWORD"] = self.admin_password
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        # HERD_TEST_SERVER_ENV="NAME=VALUE,...": settings for every server under test (the same
        # tests on another code path, e.g. HERD_INLINE_READS=0 or HERD_PG_FIBERS=0).
        for pair in filter(None, os.environ.get("HERD_TEST_SERVER_ENV", "").split(",")):
            name, _, value = pair.partition("=")
            env[name.strip()] = value
        env.update(self.extra_env)
        env.update(overrides or {})
        for k in drop:
            env.pop(k, None)
        return env

    # -- lifecycle
    def start(self, overrides=None, drop=(), timeout=None):
        """Starts herd serve and waits until GET /health answers 200."""
        if self.proc and self.proc.poll() is None:
            raise RuntimeError("server already running")
        if not os.access(self.herd, os.X_OK):
            raise ServerFailed(f"herd binary not found or not executable: {self.herd}")
        timeout = timeout or float(os.environ.get("HERD_TEST_START_TIMEOUT", "90"))
        self.starts += 1
        out_path = os.path.join(self.tmp, f"herd-{self.starts}.stdout.log")
        err_path = os.path.join(self.tmp, f"herd-{self.starts}.stderr.log")
        self.log_paths.append((out_path, err_path))
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.proc = subprocess.Popen([self.herd, "serve"], env=self.environment(overrides, drop),
                                         stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         cwd=self.tmp, start_new_session=True, preexec_fn=_die_with_parent)
        self.should_run = True
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self.should_run = False
                raise ServerFailed(
                    f"herd serve exited with code {rc} before /health answered\n{self.logs_text()}")
            try:
                r = http(self.url, "GET", "/health", timeout=2, record=False)
                if r.status == 200:
                    return self
                last = f"/health answered {r.status}: {_clip(r.body, 200)}"
            except OSError as e:
                last = f"/health: {e}"
            time.sleep(0.1)
        self.kill()
        raise ServerFailed(f"herd serve not ready after {timeout:.0f}s ({last})\n{self.logs_text()}")

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL; returns the exit code."""
        self.should_run = False
        if not self.proc:
            return None
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def kill(self):
        self.should_run = False
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self):
        try:
            r = http(self.url, "GET", "/health", timeout=5, record=False)
            return r.status == 200
        except OSError:
            return False

    def stdout_text(self, start=-1):
        return _read(self.log_paths[start][0]) if self.log_paths else ""

    def stderr_text(self, start=-1):
        return _read(self.log_paths[start][1]) if self.log_paths else ""

    def logs_text(self, lines=120):
        out = []
        for i, (o, e) in enumerate(self.log_paths, 1):
            for label, path in (("stdout", o), ("stderr", e)):
                text = _read(path)
                if text.strip():
                    tail = text.splitlines()[-lines:]
                    out.append(f"---- {self.name} start #{i} {label} (last {len(tail)} lines) ----")
                    out.extend(tail)
        return "\n".join(out) if out else f"---- {self.name}: no output ----"

    def cleanup(self):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- API helpers bound to this server
    def http(self, method, path, **kw):
        return http(self.url, method, path, **kw)

    def sql(self, statement):
        """Runs SQL on this server's database with the command-line tools, as an operator would;
        returns the rows as text (columns joined by |, one row per line)."""
        if self.database_url:
            r = subprocess.run(["psql", self.database_url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", statement],
                               capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise AssertionError(f"psql: {r.stderr}")
            return r.stdout.strip()
        with sqlite3.connect(os.path.join(self.data_dir, "herd.sqlite3"), timeout=30) as db:
            rows = db.execute(statement).fetchall()
            return "\n".join("|".join(str(c) for c in row) for row in rows)

    def try_http(self, method, path, **kw):
        """Like http(), but a dropped connection or timeout gives a Response with status 0
        (and the error as its body) instead of an exception."""
        try:
            return http(self.url, method, path, **kw)
        except (OSError, httpclient.HTTPException) as e:
            body = f"no HTTP response: {type(e).__name__}: {e}".encode()
            record_exchange(method, path, kw.get("headers"), kw.get("body"), 0, {}, body)
            return Response(0, "", [], body, method, self.url + path)

    def api(self, method, path, token=None, expect=(200,), **kw):
        """Request that must answer one of `expect`; returns the parsed JSON body."""
        r = http(self.url, method, path, token=token, **kw)
        if r.status not in expect:
            raise HttpError(f"expected HTTP {'/'.join(map(str, expect))}: {r.describe()}")
        return r.json() if r.body else None


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def run_herd_once(herd, env, args=("serve",), timeout=30):
    """Runs herd expecting it to exit by itself; returns (rc or None if it kept running, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([herd, *args], env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = None
        out.seek(0)
        err.seek(0)
        return rc, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


# --------------------------------------------------------------------------------------
# Accounts and tokens


class User:
    def __init__(self, username, email, password, token, account):
        self.username = username
        self.email = email
        self.password = password
        self.token = token
        self.account = account
        self.id = account["id"]

    def __repr__(self):
        return f"<User {self.username} id={self.id}>"


def create_app(server, name="herd-integration-tests", scopes="read write follow push",
               redirect_uris="urn:ietf:wg:oauth:2.0:oob", website=None):
    form = {"client_name": name, "redirect_uris": redirect_uris, "scopes": scopes}
    if website:
        form["website"] = website
    app = server.api("POST", "/api/v1/apps", form=form)
    for key in ("client_id", "client_secret"):
        if not isinstance(app.get(key), str) or not app.get(key):
            raise HttpError(f"POST /api/v1/apps: no {key} in {app}")
    return app


def client_credentials_token(server, app, scope="read write follow push"):
    tok = server.api("POST", "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": scope})
    return tok["access_token"]


def password_token(server, email, password, scope="read write follow push", app=None):
    app = app or create_app(server, scopes=scope)
    tok = server.api("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": email, "password": password, "scope": scope})
    return tok["access_token"]


_shared_apps = {}


def register(server, username, email=None, password=DEFAULT_PASSWORD, scope="read write follow push"):
    """Registers an account through POST /api/v1/accounts; returns a User with a user token."""
    email = email or f"{username}@herd.test"
    app = _shared_apps.get((server.url, scope))
    if app is None:
        app = create_app(server, name="herd-tests-registration", scopes=scope)
        _shared_apps[(server.url, scope)] = app
    app_token = client_credentials_token(server, app, scope)
    tok = server.api("POST", "/api/v1/accounts", token=app_token, form={
        "username": username, "email": email, "password": password,
        "agreement": "true", "locale": "en", "reason": "integration test"})
    token = tok["access_token"]
    account = server.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    if account.get("username") != username:
        raise HttpError(f"verify_credentials after registering {username} gave {account.get('username')!r}")
    return User(username, email, password, token, account)


def admin_user(server, password=None):
    password = password or server.admin_password
    token = password_token(server, ADMIN_EMAIL, password)
    account = server.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    return User(account["username"], ADMIN_EMAIL, password, token, account)


def pkce_pair():
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(48)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def png(width, height, seed=0):
    """A valid RGB PNG of that size; different seeds give different bytes."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3 + seed) % 256 for x in range(width * 3))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def multipart(parts, boundary="herdmediaboundary"):
    """A multipart/form-data body. parts: (name, value bytes, headers dict with optional
    "filename" and "type"); returns (body, content type)."""
    out = b""
    for name, value, extra in parts:
        disposition = f'form-data; name="{name}"'
        if "filename" in extra:
            disposition += f'; filename="{extra["filename"]}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if "type" in extra:
            out += f"Content-Type: {extra['type']}\r\n".encode()
        out += b"\r\n" + value + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload_raw(server, token, parts, path="/api/v2/media"):
    """POST a multipart media upload; returns the Response."""
    body, content_type = multipart(parts)
    return server.http("POST", path, token=token, body=body, content_type=content_type)


def processed_media(server, token, media, timeout=60.0):
    """The MediaAttachment `media` (as POST /api/v2/media answered it) once the media worker has
    processed it: GET /api/v1/media/:id answers 206 until then (video, audio, animated GIFs)."""
    if media.get("url"):
        return media
    r = eventually(lambda: (lambda r: r if r.status != 206 else None)(
        server.http("GET", f"/api/v1/media/{media['id']}", token=token)), timeout=timeout, interval=0.2)
    if r is None or r.status != 200:
        raise HttpError(f"media {media['id']} was not processed within {timeout} s")
    return r.json()


def metric(server, token, series):
    """The value of one series (name with its labels, as /metrics writes it) of the server's
    /metrics page, read with HERD_METRICS_TOKEN `token`."""
    r = server.http("GET", "/metrics", headers={"Authorization": f"Bearer {token}", "Accept": "text/plain"})
    for line in r.text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"no {series} in /metrics: " + r.text[:300])


def eventually(fn, timeout=5.0, interval=0.1):
    """Calls fn() until it returns something truthy (returned) or timeout seconds pass (None or the
    last falsy value): for effects a server applies in the background."""
    deadline = time.monotonic() + timeout
    value = fn()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = fn()
    return value


def parse_link_header(value):
    """[(url, rel), ...] in header order."""
    out = []
    if not value:
        return out
    for part in re.finditer(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)', value):
        url, params = part.group(1), part.group(2)
        m = re.search(r'rel\s*=\s*"?([^";,]+)"?', params)
        out.append((url, m.group(1) if m else None))
    return out


# --------------------------------------------------------------------------------------
# Entity type checks


RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DIGITS = re.compile(r"^[0-9]+$")


def is_abs_url(v, schemes=("http", "https")):
    if not isinstance(v, str) or not v:
        return False
    p = urllib.parse.urlsplit(v)
    return p.scheme in schemes and bool(p.netloc)


class T:
    """Field type specs for entity_errors(). A spec is one of these strings, a dict (nested
    object; a key ending in '?' may be absent), a list [spec] (array of spec; never null),
    a tuple of alternatives, or a set of allowed literal values."""
    ID = "id"            # string of digits
    STR = "str"
    NESTR = "nonempty-str"
    INT = "int"
    NUM = "number"
    BOOL = "bool"
    NULL = "null"
    TIME = "datetime"    # RFC 3339 with milliseconds, UTC Z
    DATE = "date"        # YYYY-MM-DD
    URL = "url"          # absolute http(s) URL
    WSURL = "wsurl"      # absolute ws(s)/http(s) URL
    ANY = "any"
    OBJ = "object"


def check_value(value, spec, path, errors):
    if isinstance(spec, tuple):
        sub_errors_list = []
        for alt in spec:
            sub = []
            check_value(value, alt, path, sub)
            if not sub:
                return
            sub_errors_list.append(sub)
        errors.append(f"{path}: {json.dumps(value)[:120]} is none of {spec!r}")
        return
    if isinstance(spec, (set, frozenset)):
        if value not in spec:
            errors.append(f"{path}: {json.dumps(value)[:120]} is not one of {sorted(spec, key=str)}")
        return
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object, got {json.dumps(value)[:120]}")
            return
        for key, sub in spec.items():
            optional = key.endswith("?")
            k = key[:-1] if optional else key
            if k not in value:
                if not optional:
                    errors.append(f"{path}.{k}: missing")
                continue
            check_value(value[k], sub, f"{path}.{k}", errors)
        return
    if isinstance(spec, list):
        if not isinstance(value, list):
            errors.append(f"{path}: expected an array, got {json.dumps(value)[:120]}")
            return
        for i, item in enumerate(value):
            check_value(item, spec[0], f"{path}[{i}]", errors)
        return
    ok = {
        T.ID: lambda v: isinstance(v, str) and bool(DIGITS.match(v)),
        T.STR: lambda v: isinstance(v, str),
        T.NESTR: lambda v: isinstance(v, str) and v != "",
        T.INT: lambda v: isinstance(v, int) and not isinstance(v, bool) and -2**31 <= v < 2**31,
        T.NUM: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        T.BOOL: lambda v: isinstance(v, bool),
        T.NULL: lambda v: v is None,
        T.TIME: lambda v: isinstance(v, str) and bool(RFC3339_MS.match(v)),
        T.DATE: lambda v: isinstance(v, str) and bool(DATE.match(v)),
        T.URL: is_abs_url,
        T.WSURL: lambda v: is_abs_url(v, ("ws", "wss", "http", "https")),
        T.ANY: lambda v: True,
        T.OBJ: lambda v: isinstance(v, dict),
    }[spec]
    if not ok(value):
        errors.append(f"{path}: expected {spec}, got {json.dumps(value)[:160]}")


def entity_errors(value, spec, name):
    errors = []
    check_value(value, spec, name, errors)
    return errors


# --------------------------------------------------------------------------------------
# Test runner


class CheckFailed(AssertionError):
    pass


class Suite:
    """Runs cases in order. A case is a function taking the suite; inside it use
    check(), eq(), require(). An exception or a failed require() ends the case;
    a failed check() is recorded and the case goes on."""

    def __init__(self, title, args):
        self.title = title
        self.args = args
        self.cases = []
        self.servers = []
        self.backend = None
        self.failures = []  # of the current case
        self.results = []
        self.state = {}

    # -- registration
    def case(self, fn):
        self.cases.append((fn, False))
        return fn

    def setup(self, fn):
        """A case the others need: when it fails, the remaining cases are not run (and fail)."""
        self.cases.append((fn, True))
        return fn

    # -- checks
    def check(self, cond, what, detail=None):
        if not cond:
            msg = what if detail is None else f"{what}\n      {_clip(detail, 2000)}"
            self.failures.append(msg)
            print(f"    FAILED CHECK: {msg}", flush=True)
            traffic = format_traffic(1) if detail is None else ""
            if traffic:
                print("    last requests:\n" + textwrap.indent(traffic, "    "), flush=True)
        return bool(cond)

    def eq(self, actual, expected, what):
        return self.check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")

    def require(self, cond, what, detail=None):
        if not self.check(cond, what, detail):
            raise CheckFailed(what)

    def status(self, resp, expected, what):
        exp = expected if isinstance(expected, (tuple, list, set)) else (expected,)
        return self.check(resp.status in exp,
                          f"{what}: expected HTTP {'/'.join(map(str, exp))}, got {resp.status}",
                          resp.describe())

    def entity(self, value, spec, name):
        errs = entity_errors(value, spec, name)
        for e in errs:
            self.check(False, f"entity field {e}")
        return not errs

    def json_error(self, resp, expected_status, what):
        """The response is an error with the expected status, JSON body with 'error', JSON Content-Type."""
        ok = self.status(resp, expected_status, what)
        ok &= self.check(resp.content_type == "application/json",
                         f"{what}: Content-Type should be application/json, got {resp.header('Content-Type')!r}")
        try:
            body = json.loads(resp.body.decode("utf-8"))
            ok &= self.check(isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"],
                             f"{what}: body should be {{\"error\": \"...\"}}", _clip(resp.body, 300))
        except Exception:  # noqa: BLE001
            ok &= self.check(False, f"{what}: body is not JSON", _clip(resp.body, 300))
        return ok

    # -- servers
    def server(self, name="herd", env=None, admin_password=ADMIN_PASSWORD, start=True):
        s = Server(self.args.herd, self.backend, name=name, env=env, admin_password=admin_password,
                   keep=self.args.keep)
        self.servers.append(s)
        if start:
            s.start()
        return s

    # -- running
    def run(self):
        print(f"== {self.title} [{self.args.backend}] with {self.args.herd}", flush=True)
        try:
            self.backend = Backend(self.args.backend, keep=self.args.keep)
        except PostgresUnavailable as e:
            if os.environ.get("HERD_TEST_ALLOW_SKIP_POSTGRES") == "1":
                print(f"SKIPPED: {e}")
                return SKIP
            print(f"FAILED: {e}; set HERD_TEST_ALLOW_SKIP_POSTGRES=1 to skip the postgres variant instead")
            return 1
        started = time.monotonic()
        setup_failed = None
        try:
            for fn, fatal in self.cases:
                name = fn.__name__
                if self.args.only and self.args.only not in name and not fatal:
                    continue
                if setup_failed:
                    self.results.append((name, False, [f"not run: {setup_failed} failed"]))
                    print(f"FAIL {name} (not run: {setup_failed} failed)", flush=True)
                    continue
                self.failures = []
                TRAFFIC.clear()
                t0 = time.monotonic()
                print(f"-- {name}", flush=True)
                error = None
                try:
                    fn(self)
                except CheckFailed:
                    pass
                except Exception as e:  # noqa: BLE001
                    error = "".join(traceback.format_exception(type(e), e, e.__traceback__))
                    self.failures.append(f"exception: {type(e).__name__}: {e}")
                    print(textwrap.indent(error, "    "), flush=True)
                    traffic = format_traffic(3)
                    if traffic:
                        print("    last requests:\n" + textwrap.indent(traffic, "    "), flush=True)
                for s in self.servers:
                    if s.should_run and not s.alive():
                        s.should_run = False
                        self.failures.append(
                            f"herd serve ({s.name}) died during this case with exit code {s.proc.returncode}")
                        print(f"    {self.failures[-1]}", flush=True)
                dt = time.monotonic() - t0
                passed = not self.failures
                self.results.append((name, passed, list(self.failures)))
                if fatal and not passed:
                    setup_failed = name
                print(f"{'PASS' if passed else 'FAIL'} {name} ({dt:.1f}s)", flush=True)
        finally:
            failed = [r for r in self.results if not r[1]]
            if failed:
                for s in self.servers:
                    print(s.logs_text(), flush=True)
            for s in self.servers:
                s.cleanup()
            self.backend.cleanup()
        failed = [r for r in self.results if not r[1]]
        print(f"\n== {self.title} [{self.args.backend}]: {len(self.results)} cases in "
              f"{time.monotonic() - started:.0f}s")
        for name, passed, failures in self.results:
            if not passed:
                print(f"  FAIL {name}")
                for f in failures:
                    first, *rest = f.splitlines() or [""]
                    print(f"     - {first}")
                    for line in rest:
                        print(f"       {line}")
        print(f"{len(self.results) - len(failed)} passed, {len(failed)} failed", flush=True)
        return 1 if failed or not self.results else 0


def main(suite: Suite):
    sys.exit(suite.run())


def mastodon_py(server, token=None, **kw):
    """A Mastodon.py client on this server whose requests are recorded for failure reports."""
    import requests
    from mastodon import Mastodon

    def record(r, *a, **k):
        req = r.request
        record_exchange(req.method, req.url, dict(req.headers), req.body, r.status_code,
                        dict(r.headers), r.content)

    session = requests.Session()
    session.hooks["response"].append(record)
    kw.setdefault("ratelimit_method", "throw")
    kw.setdefault("request_timeout", 60)
    return Mastodon(api_base_url=server.url, access_token=token, session=session, **kw)

