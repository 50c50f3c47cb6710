#!/usr/bin/python3
"""Full-text search benchmark: GET /api/v2/search?type=statuses over a seeded instance, SQLite
(FTS5) and PostgreSQL (tsvector + GIN), in one run so that the two compare.

For each backend: `herd admin seed` (N accounts, M statuses of 6-30 words drawn from a 30-word
vocabulary, so that a single word matches ~45% of all statuses: the worst case for a
newest-first full-text query), `herd admin search deploy` (timed: the index build), then
`herd serve` and, signed in as user1, each query R times in a row on one keep-alive connection
(client-side latency, the response cache cannot answer searches); p50 and p99 per query.
PostgreSQL runs from Debian's binaries in a private cluster (run as root).

    bench/search.py [--herd build/herd] [--statuses 100000] [--accounts 1000] [--repeat 200]
                    [--backends "sqlite postgres"] [--keep DIR]

--keep DIR keeps the seeded instances (and the PostgreSQL cluster) in DIR instead of a temporary
folder, and a later run with the same DIR reuses them: no seed, no index build (seeding 1M
statuses takes long), so that two builds of herd compare on the same data.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--herd", default=os.path.join(HERE, "..", "build", "herd"))
p.add_argument("--statuses", type=int, default=100000)
p.add_argument("--accounts", type=int, default=1000)
p.add_argument("--repeat", type=int, default=200)
p.add_argument("--backends", default="sqlite postgres")
p.add_argument("--keep", help="keep the seeded instances in this folder, reuse them when there")
args = p.parse_args()

QUERIES = [
    ("one common word (~45% of statuses)", "coffee"),
    ("two words", "coffee garden"),
    ("a phrase", '"morning coffee"'),
    ("four words (~2%)", "coffee garden river snow"),
    ("word + from:", "coffee from:user1"),
    ("word + in:library", "coffee in:library"),
    ("word + has:/is: operators", "coffee -is:reply -has:media"),
    ("word + during: (one day)", "coffee during:{today}"),
    ("no match", "zebra"),
    ("page 5 (offset 80)", "coffee&offset=80"),
]
PG = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(q / 100 * len(values) + 0.5)) - 1))
    return values[k]


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kw)


def bench_backend(backend, work):
    data = os.path.join(work, f"data-{backend}")
    reuse = os.path.exists(os.path.join(work, f"seeded-{backend}"))
    port_file = os.path.join(work, f"port-{backend}")  # the instance's domain names its port
    port = int(open(port_file).read()) if reuse else free_port()
    with open(port_file, "w") as f:
        f.write(str(port))
    os.makedirs(data, exist_ok=True)
    env = dict(os.environ, HERD_DATA_DIR=data, LOCAL_DOMAIN=f"localhost:{port}", LOCAL_HTTPS="false",
               PORT=str(port), BIND="127.0.0.1", HERD_ADMIN_EMAIL="admin@example.com",
               HERD_ADMIN_PASSWORD="benchpassword", HERD_PASSWORD_GRANT="true", HERD_RATE_LIMITS="false")
    env.pop("DATABASE_URL", None)
    pg_dir = None
    if backend == "postgres":
        pg_dir = os.path.join(work, "pg")
        pg_port = free_port()
        if not reuse:
            shutil.rmtree(pg_dir, ignore_errors=True)
            os.makedirs(pg_dir)
            shutil.chown(pg_dir, "postgres")
            os.chmod(pg_dir, 0o700)
            subprocess.run(["runuser", "-u", "postgres", "--", f"{PG}/initdb", "-D", pg_dir, "-A", "trust"],
                           check=True, capture_output=True)
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG}/pg_ctl", "-D", pg_dir, "-l",
                        os.path.join(pg_dir, "server.log"), "-o",
                        f"-p {pg_port} -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=512MB "
                        "-c synchronous_commit=off", "start"], check=True, capture_output=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
    rows = []
    server = None
    try:
        if reuse:
            print(f"{backend}: reusing the instance seeded in {work}", file=sys.stderr)
        else:
            started = time.monotonic()
            run([args.herd, "admin", "seed", "--accounts", str(args.accounts), "--statuses",
                 str(args.statuses), "--follows", "20"], env)
            seeded = time.monotonic() - started
            started = time.monotonic()
            out = run([args.herd, "admin", "search", "deploy"], env).stdout
            deployed = time.monotonic() - started
            print(f"{backend}: seeded in {seeded:.0f} s; {out.strip().splitlines()[-1]}", file=sys.stderr)
            rows.append((backend, "seed (herd admin seed)", f"{seeded:.0f} s", "", ""))
            rows.append((backend, "index build (herd admin search deploy)", f"{deployed:.1f} s", "", ""))
            if args.keep:
                open(os.path.join(work, f"seeded-{backend}"), "w").close()
        server = subprocess.Popen([args.herd, "serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(work, f"serve-{backend}.log"), "w"))
        conn = None
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/health")
                if conn.getresponse().read():
                    break
            except OSError:
                time.sleep(0.1)
        def call(method, path, body=None, token=None):
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError(f"{method} {path}: {r.status} {data[:200]!r}")
            return json.loads(data)
        app = call("POST", "/api/v1/apps", urllib.parse.urlencode(
            {"client_name": "bench", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"}))
        token = call("POST", "/oauth/token", urllib.parse.urlencode(
            {"grant_type": "password", "username": "user1@seed.invalid", "password": "password",
             "client_id": app["client_id"], "client_secret": app["client_secret"], "scope": "read"}))["access_token"]
        today = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
        for name, q in QUERIES:
            q, _, extra = q.format(today=today).partition("&")
            path = "/api/v2/search?" + urllib.parse.urlencode({"q": q, "type": "statuses", "limit": 20})
            if extra:
                path += "&" + extra
            found = len(call("GET", path, token=token)["statuses"])  # warm-up, and the result size
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                call("GET", path, token=token)
                times.append((time.perf_counter() - t0) * 1000)
            rows.append((backend, f"{name}: `{q}`{' ' + extra if extra else ''}",
                         f"{statistics.median(times):.1f} ms", f"{percentile(times, 99):.1f} ms", str(found)))
    finally:
        if server:
            server.terminate()
            server.wait()
        if pg_dir:
            subprocess.run(["runuser", "-u", "postgres", "--", f"{PG}/pg_ctl", "-D", pg_dir, "-m", "fast",
                            "stop"], capture_output=True)
    return rows


def main():
    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="herd-search-bench.")
    os.chmod(work, 0o755)
    try:
        print(f"load average before: {os.getloadavg()[0]:.1f}", file=sys.stderr)
        print("| backend | query | p50 | p99 | statuses found |")
        print("|---|---|---|---|---|")
        for backend in args.backends.split():
            for row in bench_backend(backend, work):
                print("| " + " | ".join(row) + " |", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
