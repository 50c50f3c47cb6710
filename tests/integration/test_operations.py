#!/usr/bin/python3
"""Operating a real `herd serve`: /health and /health/ready (a schema behind its migrations is not
ready), /metrics scraped by Debian's prometheus (requests by route and status with latency
histograms, job queues, deliveries and failures by domain between two real instances, the
response cache, streaming connections, process memory), JSON log lines with one line per request
(shown within milliseconds, none lost on a stop or a crash), and the admin command line on CLI11: --help everywhere, unknown options and bad values refused
before anything is touched; `herd admin seed` (benchmarks) writes the accounts, follow graph,
statuses and home feeds it reports, with the schema's indexes whole afterwards.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Suite, eventually, free_port, main, parse_args, password_token, register,  # noqa: E402
                     run_herd_once)

suite = Suite("operations", parse_args(__doc__))
S = suite.state
TOKEN = "metrics-" + os.urandom(8).hex()
FEDERATION = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}


def parse_metrics(text):
    """{(name, frozenset of (label, value))}: value} from the text exposition format."""
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, value = line.rsplit(" ", 1)
        if "{" in head:
            name, labels = head.split("{", 1)
            pairs = []
            for part in labels.rstrip("}").split('",'):
                if part:
                    key, val = part.split("=", 1)
                    pairs.append((key, val.strip('"').replace('\\"', '"')))
            series[(name, frozenset(pairs))] = float(value)
        else:
            series[(head, frozenset())] = float(value)
    return series


def sample(series, name, **labels):
    return series.get((name, frozenset(labels.items())))


def scrape(server):
    r = server.http("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}", "Accept": "text/plain"})
    return r, parse_metrics(r.text) if r.status == 200 else {}



@suite.setup
def start_server(t):
    S["server"] = suite.server(env={"HERD_METRICS_TOKEN": TOKEN, "HERD_LOG_FORMAT": "json", **FEDERATION})
    S["alice"] = register(S["server"], "alice")


@suite.case
def health_and_readiness(t):
    server = S["server"]
    r = server.http("GET", "/health")
    t.status(r, 200, "GET /health")
    r = server.http("GET", "/health/ready")
    t.status(r, 200, "GET /health/ready")
    t.eq(r.json(), {"status": "ok", "database": "reachable", "migrations": "current"}, "ready")
    newest = server.sql("SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1")
    version, name = newest.split("|", 1)
    server.sql(f"DELETE FROM schema_migrations WHERE version = {version}")
    try:
        r = server.http("GET", "/health/ready")
        t.status(r, 503, "GET /health/ready with a migration not applied")
        t.eq(r.json().get("pending_migrations"), [int(version)], "names the pending migration")
        t.status(server.http("GET", "/health"), 200, "alive all the same")
    finally:
        quoted = name.replace("'", "''")  # a name may hold an apostrophe (migration 66's does)
        server.sql(f"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({version}, '{quoted}', 0)")
    t.status(server.http("GET", "/health/ready"), 200, "ready again once the schema is current")


@suite.case
def metrics_count_what_happened(t):
    server, alice = S["server"], S["alice"]
    t.json_error(server.http("GET", "/metrics"), 401, "/metrics without the token")
    t.json_error(server.http("GET", "/metrics", headers={"Authorization": "Bearer wrong"}), 401, "a wrong token")
    _, before = scrape(server)
    route = dict(method="POST", route="/api/v1/statuses", status="200")
    posted = sample(before, "herd_http_requests_total", **route) or 0
    for i in range(3):
        server.api("POST", "/api/v1/statuses", token=alice.token, json_body={"status": f"counted {i}"})
    server.api("POST", "/api/v1/statuses", token=alice.token,
               json_body={"status": "a poll", "poll": {"options": ["a", "b"], "expires_in": 3600}})
    for _ in range(3):
        server.api("GET", "/api/v1/timelines/public")
    server.http("GET", "/no/such/path/" + os.urandom(4).hex())
    r, after = scrape(server)
    t.eq(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8", "Prometheus's content type")
    t.eq(sample(after, "herd_http_requests_total", **route), posted + 4, "POST /api/v1/statuses counted by route")
    count = sample(after, "herd_http_request_duration_seconds_count", method="POST", route="/api/v1/statuses")
    inf = sample(after, "herd_http_request_duration_seconds_bucket", method="POST", route="/api/v1/statuses",
                 le="+Inf")
    t.check(count == inf and count >= 4, "the latency histogram counts them", (count, inf))
    t.check((sample(after, "herd_http_requests_total", method="GET", route="unmatched", status="404") or 0) >= 1,
            "unknown paths are counted as one 'unmatched' route")
    t.check("/no/such/path" not in r.text, "a random path does not become a series")
    hits = sample(after, "herd_response_cache_lookups_total", result="hit") or 0
    t.check(hits >= 2, "repeated timeline reads are cache hits", hits)
    ratio = sample(after, "herd_response_cache_hit_ratio")
    t.check(ratio is not None and 0 < ratio <= 1, "and the hit ratio says so", ratio)
    t.eq(sample(after, "herd_jobs", queue="polls"), 1.0, "the poll's ending waits as a job")
    age = sample(after, "herd_jobs_oldest_age_seconds", queue="polls")
    t.check(age is not None and 0 <= age < 600, "with its age", age)
    t.check((sample(after, "process_resident_memory_bytes") or 0) > 1 << 20, "process memory")
    t.check((sample(after, "herd_database_connections", state="open") or 0) >= 1, "database connections")
    t.check(sample(after, "herd_database_waiting") is not None, "callers waiting for the database")
    promtool = shutil.which("promtool")
    if promtool:
        lint = subprocess.run([promtool, "check", "metrics"], input=r.text, capture_output=True, text=True)
        t.check(lint.returncode == 0, "promtool check metrics finds nothing wrong", lint.stdout + lint.stderr)
    else:
        t.check(False, "promtool (Debian package prometheus) is installed: scripts/deps")


@suite.case
def streaming_connections_are_gauged(t):
    server, alice = S["server"], S["alice"]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall((f"GET /api/v1/streaming/public?access_token={alice.token} HTTP/1.1\r\n"
                      f"Host: {server.domain}\r\nAccept: text/event-stream\r\n\r\n").encode())
        t.check(b"200" in sock.recv(1024), "the event stream opened")
        open_now = eventually(lambda: sample(scrape(server)[1], "herd_streaming_connections", transport="sse") == 1)
        t.check(open_now, "one open event stream is gauged")
    closed = eventually(lambda: sample(scrape(server)[1], "herd_streaming_connections", transport="sse") == 0,
                        timeout=20)
    t.check(closed, "and gone once the client leaves")


@suite.case
def deliveries_and_failures_by_domain(t):
    server, alice = S["server"], S["alice"]
    other = suite.server(name="other", env={"HERD_METRICS_TOKEN": TOKEN, **FEDERATION})
    carol = register(other, "carol")
    found = other.api("GET", "/api/v2/search", token=carol.token,
                      query={"q": f"alice@{server.domain}", "resolve": "true", "type": "accounts"})
    t.require(found["accounts"], "carol finds alice on the first instance", found)
    remote_alice = found["accounts"][0]["id"]
    other.api("POST", f"/api/v1/accounts/{remote_alice}/follow", token=carol.token)
    delivered = eventually(lambda: sample(scrape(other)[1], "herd_federation_deliveries_total",
                                          domain=server.domain), timeout=30)
    t.check(delivered and delivered >= 1, "the Follow delivered to alice's server is counted by its domain",
            delivered)
    server.stop()
    try:
        other.api("POST", f"/api/v1/accounts/{remote_alice}/unfollow", token=carol.token)
        failed = eventually(lambda: sample(scrape(other)[1], "herd_federation_delivery_failures_total",
                                           domain=server.domain), timeout=30)
        t.check(failed and failed >= 1, "the Undo to a server that is down is a failure by domain", failed)
    finally:
        server.start()
        other.stop()


@suite.case
def prometheus_scrapes_the_instance(t):
    server, alice = S["server"], S["alice"]
    prometheus = shutil.which("prometheus")
    t.require(prometheus, "Debian's prometheus is installed (scripts/deps)")
    server.api("POST", "/api/v1/statuses", token=alice.token, json_body={"status": "scraped"})
    _, now = scrape(server)
    expected = sample(now, "herd_http_requests_total", method="POST", route="/api/v1/statuses", status="200")
    folder = tempfile.mkdtemp(prefix="herd-it-prometheus-")
    port = free_port()
    config = os.path.join(folder, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: herd
    authorization:
      credentials: {TOKEN}
    static_configs:
      - targets: ['{server.domain}']
""")
    log = open(os.path.join(folder, "prometheus.log"), "wb")
    proc = subprocess.Popen([prometheus, f"--config.file={config}", f"--storage.tsdb.path={folder}/data",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=log,
                            start_new_session=True)
    api = f"http://127.0.0.1:{port}"

    def query(promql):
        try:
            r = server.http("GET", f"{api}/api/v1/query?query={urllib.parse.quote(promql)}", record=False)
            result = r.json()["data"]["result"] if r.status == 200 else []
        except (OSError, ValueError, KeyError):
            return None
        return result

    try:
        up = eventually(lambda: (query('up{job="herd"}') or [{}])[0].get("value", [0, "0"])[1] == "1", timeout=60)
        t.check(up, "prometheus scrapes /metrics with the bearer token: the target is up")
        posted = eventually(lambda: query('herd_http_requests_total{method="POST",route="/api/v1/statuses"}'),
                            timeout=30)
        t.check(posted and float(posted[0]["value"][1]) >= expected,
                "and stores the request counter by route", posted)
        buckets = query('herd_http_request_duration_seconds_bucket{route="/api/v1/statuses"}')
        t.check(buckets and len(buckets) >= 12, "with its latency histogram", buckets)
        quantile = query('histogram_quantile(0.9, sum by (le) (herd_http_request_duration_seconds_bucket))')
        t.check(quantile and float(quantile[0]["value"][1]) > 0, "which histogram_quantile reads", quantile)
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@suite.case
def logs_are_json_lines_with_one_per_request(t):
    server = S["server"]
    marker = "/api/v1/accounts/lookup"
    server.http("GET", marker, query={"acct": "alice"})
    lines = eventually(lambda: [json.loads(x) for x in server.stderr_text().splitlines()
                                if x.strip() and marker in x])
    t.require(lines, "the request left a log line")
    line = lines[-1]
    t.eq((line.get("event"), line.get("method"), line.get("path"), line.get("status"), line.get("route")),
         ("request", "GET", marker, 200, marker), "with its method, path, status and route")
    t.check(isinstance(line.get("duration_ms"), (int, float)), "and how long it took", line)
    bad = []
    for text in server.stderr_text().splitlines():
        try:
            json.loads(text)
        except ValueError:
            bad.append(text)
    t.eq(bad, [], "every line of the log is a JSON object")


def request_burst(server, path, stop, answered):
    """Asks `path` on one kept-alive connection until `stop` is set or the server goes; counts the
    answers received in answered[0]."""
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=10)
    try:
        while not stop.is_set():
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            if r.status == 200:
                answered[0] += 1
    except (OSError, http.client.HTTPException):
        pass
    finally:
        conn.close()


@suite.case
def request_lines_show_at_once_and_survive_a_stop_or_a_crash(t):
    # Request lines are written in batches (core/log_buffer.hpp): within milliseconds, every one
    # of them at a clean stop, and those held at the moment of a fatal signal before it acts.
    path = "/api/v1/instance"  # cached: answered on the I/O threads, as fast as they are asked
    for how, signal_number in (("a clean stop (SIGTERM)", signal.SIGTERM), ("a crash (SIGABRT)", signal.SIGABRT)):
        server = suite.server("lines")
        server.http("GET", path)
        started = time.monotonic()
        shown = eventually(lambda: f"GET {path} 200" in server.stderr_text(), timeout=2, interval=0.002)
        waited = time.monotonic() - started
        t.check(shown and waited < 0.5, "a request's line is in the log at once (within 0.5 s)", waited)
        stop = threading.Event()
        counts = [[0] for _ in range(4)]
        threads = [threading.Thread(target=request_burst, args=(server, path, stop, c)) for c in counts]
        for thread in threads:
            thread.start()
        eventually(lambda: sum(c[0] for c in counts) >= 300, timeout=20, interval=0.05)
        server.should_run = False
        os.kill(server.proc.pid, signal_number)  # while the requests are coming
        server.proc.wait(30)
        stop.set()
        for thread in threads:
            thread.join()
        answered = sum(c[0] for c in counts) + 1
        lines = server.stderr_text().count(f"GET {path} 200")
        t.check(answered >= 300, f"{how}: the burst was answered", answered)
        t.check(lines >= answered, f"{how}: every answered request left its line", (lines, answered))


@suite.case
def admin_command_line_helps_and_refuses_bad_input(t):
    server = S["server"]
    env = server.environment()
    herd = server.herd
    accounts = server.sql("SELECT COUNT(*) FROM accounts")
    for args in (("admin", "--help"), ("admin", "seed", "--help"), ("admin", "accounts", "create", "--help"),
                 ("admin", "backup", "--help"), ("admin", "restore", "--help"), ("serve", "--help"),
                 ("admin", "accounts", "modify", "--help"), ("grid", "--help"), ("grid", "deploy", "--help")):
        rc, out, err = run_herd_once(herd, env, args=args)
        t.eq(rc, 0, f"herd {' '.join(args)} exits 0")
        t.check("Usage" in out or "usage" in out.lower(), f"herd {' '.join(args)} prints its usage", out + err)
    rc, out, _ = run_herd_once(herd, env, args=("admin", "seed", "--help"))
    t.check("--accounts" in out and "--statuses" in out, "seed --help lists its options", out)
    for args, word in ((("admin", "seed", "--bogus"), "--bogus"),
                       (("admin", "seed", "--accounts", "lots"), "lots"),
                       (("admin", "seed", "--accounts", "0"), "--accounts"),
                       (("admin", "accounts", "create", "bob", "--email", "b@x.test", "--role", "king"), "king"),
                       (("admin", "documents", "set", "privacy_policy"), "FILE"),
                       (("admin", "documents", "show", "cookie_policy"), "cookie_policy"),
                       (("admin", "nonsense"), "nonsense"),
                       (("admin", "accounts", "modify", "alice"), "action"),
                       (("admin", "accounts", "modify", "alice", "--suspend", "--silence"), "--silence"),
                       (("serve", "--bogus"), "--bogus")):
        rc, out, err = run_herd_once(herd, env, args=args)
        t.eq(rc, 2, f"herd {' '.join(args)} is refused")
        t.check(word in err, f"herd {' '.join(args)}: the error names {word}", err)
    t.eq(server.sql("SELECT COUNT(*) FROM accounts"), accounts, "none of that touched the database")
    rc, out, err = run_herd_once(herd, env, args=("admin", "accounts", "modify", "alice", "--suspend"))
    t.check(rc == 0, "accounts modify --suspend, as tootctl", out + err)
    r = server.http("GET", "/api/v1/accounts/lookup", query={"acct": "alice"})
    t.check(r.status == 404 or r.json().get("suspended") is True, "alice is suspended", r.describe())
    rc, out, err = run_herd_once(herd, env, args=("admin", "accounts", "modify", "alice", "--unsuspend"))
    t.check(rc == 0, "and --unsuspend", out + err)
    r = server.http("GET", "/api/v1/accounts/lookup", query={"acct": "alice"})
    t.check(r.status == 200 and not r.json().get("suspended"), "alice is back", r.describe())
    rc, out, err = run_herd_once(herd, env, args=("admin", "accounts", "modify", "nobody", "--disable"))
    t.check(rc == 1 and "nobody" in err, "an unknown account is an error naming it", (rc, err))
    rc, out, err = run_herd_once(herd, env, args=("admin", "rules", "add", "Be kind", "--hint", "to everyone"))
    t.check(rc == 0, "a good command runs", err)
    rc, out, err = run_herd_once(herd, env, args=("admin", "rules", "list"))
    t.check(rc == 0 and "Be kind" in out, "and its effect is there", out + err)


INDEXES = {"sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('statuses', "
                     "'home_feed') ORDER BY name",
           "postgres": "SELECT indexname FROM pg_indexes WHERE tablename IN ('statuses', 'home_feed') AND "
                       "schemaname = current_schema() ORDER BY indexname"}


@suite.case
def admin_seed_fills_an_instance_with_home_feeds(t):
    seeded = t.server(name="seeded", start=False)
    rc, out, err = run_herd_once(seeded.herd, seeded.environment(), timeout=120, args=(
        "admin", "seed", "--accounts", "40", "--statuses", "600", "--follows", "3", "--first-follows", "12"))
    t.check(rc == 0, "herd admin seed exits 0", out + err)
    t.check("seeded 40 accounts, 129 follows, 600 statuses" in out, "and reports what it wrote", out)
    t.check("statuses: 600 rows in" in err and "home feeds:" in err, "and how long each phase took", err)
    t.check("not in the search index" in err, "and that the statuses are not searchable yet", err)
    t.eq(seeded.sql("SELECT value FROM settings WHERE name = 'search_backfill_after'"), "done",
         "so herd serve does not index them in the background (a benchmark would measure that)")
    t.eq(seeded.sql(INDEXES[suite.args.backend]), S["server"].sql(INDEXES[suite.args.backend]),
         "the statuses' and home feeds' indexes dropped for the load are all there again")
    seeded.start()
    token = password_token(seeded, "user1@seed.invalid", "password", scope="read")
    me = seeded.api("GET", "/api/v1/accounts/verify_credentials", token=token)
    t.eq(me["following_count"], 12, "user1 follows --first-follows accounts")
    counts = [seeded.api("GET", "/api/v1/accounts/lookup", query={"acct": f"user{i}"}) for i in range(2, 41)]
    t.eq({a["following_count"] for a in counts}, {3}, "every other account follows --follows accounts")
    t.eq(sum(a["statuses_count"] for a in counts) + me["statuses_count"], 600, "the statuses are counted")

    def pages(path):
        ids, query = [], {"limit": "40"}
        while True:
            page = seeded.api("GET", path, token=token, query=query)
            ids += [s["id"] for s in page]
            if len(page) < 40:
                return ids
            query = {"limit": "40", "max_id": page[-1]["id"]}

    followed = seeded.api("GET", f"/api/v1/accounts/{me['id']}/following", token=token, query={"limit": "80"})
    expected = set()
    for account in followed + [me]:
        expected |= set(pages(f"/api/v1/accounts/{account['id']}/statuses"))
    home = pages("/api/v1/timelines/home")
    t.check(len(home) > 12, "user1's home timeline has statuses", home)
    t.eq(set(home), expected, "exactly the statuses of user1 and of the accounts user1 follows")
    t.eq(home, sorted(home, key=int, reverse=True), "newest first, each once")


if __name__ == "__main__":
    main(suite)
