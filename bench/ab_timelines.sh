#!/usr/bin/env bash
# A/B timeline benchmark: several `herd serve` variants serve the SAME seeded database at once (each
# on its own port) and nginx serves the bytes of the first variant's answer; wrk rounds alternate
# between them (variant 1, variant 2, ..., nginx, then again), so that every variant sees the same
# machine load. Prints one Markdown row per round and a summary (mean req/s, ratio to nginx's mean),
# each with the CPU a request cost (user+sys from /proc over the wrk run divided by its requests):
# the server's (herd, or nginx's master and workers), on PostgreSQL the database cluster's, and the
# client's (wrk). On a loaded machine the rate follows the load; the CPU per request says what an
# idle machine would do: on C cores, at most C / (server + PostgreSQL + wrk CPU) requests a second.
#
#   bench/ab_timelines.sh [--accounts N] [--statuses M] [--follows F] [--duration S] [--rounds R]
#                         [--connections C] [--backends "sqlite postgres"] [--pages "home public"]
#                         [--probe PATH] VARIANT...
#
# VARIANT is NAME=BINARY[:ENV=VALUE[,ENV=VALUE...]], e.g.
#   bench/ab_timelines.sh "before=build/herd:HERD_STATUS_CACHE_MB=0" "after=build/herd"
# Every variant runs with HERD_RESPONSE_CACHE_MB=0 (the uncached path) unless its ENV sets it.
# PostgreSQL is reached over its Unix socket; a variant with PG_TRANSPORT=tcp reaches it over TCP
# on 127.0.0.1 instead (bench/lib.sh). The first variant's binary seeds the database. Needs wrk,
# nginx, PostgreSQL 15 binaries.
# --pages: timeline names (home public: /api/v1/timelines/NAME) or paths (starting with /, any GET
# of the API), in which ACCOUNT is the signed-in user's account id and STATUS the newest public
# status's, e.g. --pages "/api/v1/statuses/STATUS /api/v1/accounts/ACCOUNT/statuses".
# --probe PATH (e.g. "/.well-known/webfinger?resource=acct:user2@DOMAIN", DOMAIN replaced by the
# instance's): while wrk loads a herd variant, one more client asks PATH of the same server every
# 10 ms, one request at a time, and the row adds its latency (p50 / p99 / max, ms): what the pages'
# load does to another request's wait. Its few requests count in the server's CPU per page.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=1000 STATUSES=30000 FOLLOWS=20 DURATION=5 ROUNDS=4 CONNECTIONS=16
BACKENDS="sqlite postgres" PAGES="home public" PROBE=""
VARIANTS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --statuses) STATUSES=$2; shift 2 ;;
    --follows) FOLLOWS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --pages) PAGES=$2; shift 2 ;;
    --probe) PROBE=$2; shift 2 ;;
    -*) echo "unknown argument $1" >&2; exit 2 ;;
    *) VARIANTS+=("$1"); shift ;;
  esac
done
[[ ${#VARIANTS[@]} -ge 1 ]] || { echo "give at least one VARIANT (NAME=BINARY[:ENV=VALUE,...])" >&2; exit 2; }
WORK=$(mktemp -d /tmp/herd-ab.XXXXXX)
source bench/lib.sh
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  bench_stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

NGINX_PORT=$(free_port)
# nginx serving $WORK/static
source bench/static_nginx.sh
start_static_nginx "$WORK" "$NGINX_PORT"

nginx_pids() {
  local master
  master=$(cat "$WORK/nginx.pid")
  echo "$master" $(ps -o pid= --ppid "$master")
}

# The probe (--probe): asks URL every 10 ms for SECONDS, one request at a time on one connection;
# prints "p50 / p99 / max" in ms. Fails on a non-2xx answer.
probe() {
  python3 - "$1" "$2" <<'PY'
import http.client, sys, time, urllib.parse
url, seconds = urllib.parse.urlsplit(sys.argv[1]), float(sys.argv[2])
connection = http.client.HTTPConnection(url.hostname, url.port)
target = url.path + (("?" + url.query) if url.query else "")
times, end = [], time.monotonic() + seconds
while time.monotonic() < end:
    start = time.monotonic()
    connection.request("GET", target)
    answer = connection.getresponse()
    answer.read()
    if not 200 <= answer.status < 300:
        sys.exit(f"probe: {answer.status} from {sys.argv[1]}")
    times.append((time.monotonic() - start) * 1000)
    time.sleep(max(0.0, 0.01 - (time.monotonic() - start)))
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"{pick(0.5):.2f} / {pick(0.99):.2f} / {times[-1]:.2f}")
PY
}

# url, the server's pids, [token] -> "req/s|server µs|PostgreSQL µs|wrk µs|probe" (CPU per
# request; PostgreSQL's "-" without a token (nginx) or without the cluster; the probe's latency
# with --probe and a token, else "-"). Fails on non-2xx answers.
rps() {
  local url=$1 server=$2 token=${3:-} out s_before s_after p_before=0 p_after=0 pg="" probed=-
  local probe_pid="" base=${url%/api/*}
  [[ -n $token && -d $WORK/pg ]] && pg=yes
  s_before=$(cpu_of $server)
  [[ -n $pg ]] && p_before=$(cpu_of $(postgres_pids))
  if [[ -n $PROBE && -n $token ]]; then
    probe "$base${PROBE//DOMAIN/$LOCAL_DOMAIN}" "$DURATION" >"$WORK/probe.out" &
    probe_pid=$!
  fi
  out=$(/usr/bin/time -f "wrk-cpu %U %S" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" \
    ${token:+-H "Authorization: Bearer $token"} "$url" 2>&1)
  s_after=$(cpu_of $server)
  [[ -n $pg ]] && p_after=$(cpu_of $(postgres_pids))
  if [[ -n $probe_pid ]]; then
    wait "$probe_pid" || { echo "the probe failed" >&2; exit 1; }
    probed=$(cat "$WORK/probe.out")
  fi
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers from $url: $out" >&2; exit 1; fi
  python3 - "$out" "$s_before" "$s_after" "$p_before" "$p_after" "$pg" <<'PY'
import re, sys
out, sb, sa, pb, pa, pg = sys.argv[1:]
n = int(re.search(r"(\d+) requests in", out).group(1))
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
user, sys_ = map(float, re.search(r"wrk-cpu ([\d.]+) ([\d.]+)", out).groups())
us = lambda seconds: f"{seconds / n * 1e6:.0f}"
print(f"{rate:.0f}|{us(float(sa) - float(sb))}|{us(float(pa) - float(pb)) if pg else '-'}|{us(user + sys_)}", end="")
PY
  echo "|$probed"
}

echo "| backend | page | round | variant | req/s | server CPU/req | PostgreSQL CPU/req | wrk CPU/req | load | probe p50 / p99 / max ms |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for backend in $BACKENDS; do
  data=$WORK/data-$backend
  bench_backend "$backend" "$data"
  first=${VARIANTS[0]#*=}
  first=${first%%:*}
  "$first" admin seed --accounts "$ACCOUNTS" --statuses "$STATUSES" --follows "$FOLLOWS" >&2
  # Each variant on its own port; LOCAL_DOMAIN stays the first port's, so every answer is the same.
  ports=()
  for variant in "${VARIANTS[@]}"; do
    port=$PORT
    [[ ${#ports[@]} -gt 0 ]] && port=$(free_port)
    ports+=("$port")
    PORT=$port HERD_RESPONSE_CACHE_MB=0 serve_variant "$variant" "$backend"
    PIDS+=("$SERVED_PID")
  done
  app=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/apps" -d client_name=bench -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d "scopes=read")
  cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$app")
  csec=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$app")
  token=$(curl -sf -X POST "http://127.0.0.1:$PORT/oauth/token" -d grant_type=password -d username=user1@seed.invalid \
    -d password=password -d client_id="$cid" -d client_secret="$csec" -d scope=read | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  account=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/accounts/verify_credentials" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  status=$(curl -sf "http://127.0.0.1:$PORT/api/v1/timelines/public?limit=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  for page in $PAGES; do
    case $page in
      /*) path=${page//ACCOUNT/$account} path=${path//STATUS/$status} ;;
      *) path=/api/v1/timelines/$page ;;
    esac
    file=$(tr -c 'A-Za-z0-9_\n' '_' <<<"${page#/}").json  # nginx serves the answer under this name
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path" -o "$WORK/static/$file"
    for i in "${!VARIANTS[@]}"; do  # every variant answers the same bytes
      curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$path" -o "$WORK/answer.json"
      cmp -s "$WORK/answer.json" "$WORK/static/$file" ||
        { echo "${VARIANTS[$i]%%=*} answers $path differently from ${VARIANTS[0]%%=*}" >&2; exit 1; }
    done
    declare -A sum=() server=() database=() client=() probe99=()
    record() {  # name row: adds the row's figures to the name's sums and prints it
      local name=$1 rate cpu pg wrk_cpu probed
      IFS='|' read -r rate cpu pg wrk_cpu probed <<<"$2"
      if [[ $probed != - ]]; then
        probe99[$name]=$(python3 -c "print(${probe99[$name]:-0} + float('$probed'.split('/')[1]))")
      fi
      sum[$name]=$(python3 -c "print(${sum[$name]:-0} + $rate)")
      server[$name]=$(python3 -c "print(${server[$name]:-0} + $cpu)")
      if [[ $pg != - ]]; then
        database[$name]=$(python3 -c "print(${database[$name]:-0} + $pg)")
        pg="$pg µs"
      fi
      client[$name]=$(python3 -c "print(${client[$name]:-0} + $wrk_cpu)")
      echo "| $backend | $page | $round | $name | $rate | $cpu µs | $pg | $wrk_cpu µs | $(cut -d' ' -f1 /proc/loadavg) | $probed |"
    }
    for round in $(seq "$ROUNDS"); do
      for i in "${!VARIANTS[@]}"; do
        record "${VARIANTS[$i]%%=*}" "$(rps "http://127.0.0.1:${ports[$i]}$path" "${PIDS[$i]}" "$token")"
      done
      record nginx "$(rps "http://127.0.0.1:$NGINX_PORT/$file" "$(nginx_pids)")"
    done
    for name in "${VARIANTS[@]%%=*}" nginx; do
      python3 -c "
r = $ROUNDS
m, n = ${sum[$name]} / r, ${sum[nginx]} / r
pg = '${database[$name]:-}'
pg = f'{float(pg) / r:.0f} µs' if pg else '-'
p99 = '${probe99[$name]:-}'
p99 = f'p99 {float(p99) / r:.2f}' if p99 else ''
print(f'| $backend | $page | mean | $name | {m:.0f} (x{m/n:.3f} of nginx {n:.0f}) | {${server[$name]} / r:.0f} µs | {pg} | {${client[$name]} / r:.0f} µs | | {p99} |')"
    done
    unset sum server database client probe99
  done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
  if [[ $backend == postgres ]]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg" -m fast stop >/dev/null
    rm -rf "$WORK/pg"
  fi
done
