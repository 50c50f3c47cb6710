#!/usr/bin/env bash
# Timeline benchmark: seeds an instance (N accounts, a follow graph, M statuses), then measures the
# home and public timelines with wrk at 64 connections, against nginx serving the identical
# response bytes as a static file in the same run (the ceiling). SQLite and PostgreSQL.
#
#   bench/timelines.sh [--accounts N] [--statuses M] [--follows F] [--duration S] [--backends "sqlite postgres"]
#                      [--writes W] [--cases "on off"]
#
# --writes W (> 0) adds a case: the home timeline (response cache on) read while bench/writer.py
# writes W times a second (posts by the accounts user1 follows, favourites, reblogs and
# unfavourites of statuses in user1's home), so that the cache is invalidated W times a second.
# --writer-args "..." passes more arguments to bench/writer.py (e.g. "--kinds favourite,unfavourite
# --targets elsewhere": favourites of statuses that are not in user1's home; "--authors any
# --inbound 0.5": posts by accounts user1 does not follow, half the writes signed activities
# delivered by another server).
# --cases: which response cache settings to measure ("on off" by default).
# HERD_BINS="old/herd new/herd" measures several builds on the same seeded database, one after the
# other in the same run (before/after); the first one seeds. Default: HERD_BIN or build/herd.
# Needs: build/herd, wrk, nginx, PostgreSQL 15 binaries (for the postgres backend). Prints a
# Markdown table; append it to bench/RESULTS.md with the machine description.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=1000 STATUSES=1000000 FOLLOWS=20 DURATION=10 BACKENDS="sqlite postgres" WRITES=0 CASES="on off"
WRITER_ARGS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --statuses) STATUSES=$2; shift 2 ;;
    --follows) FOLLOWS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --writes) WRITES=$2; shift 2 ;;
    --writer-args) WRITER_ARGS=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERD=${HERD_BIN:-$PWD/build/herd}
read -r -a BINS <<<"${HERD_BINS:-$HERD}"
HERD=${BINS[0]}
WORK=$(mktemp -d /tmp/herd-bench.XXXXXX)
PORT=3900 NGINX_PORT=3901 PG_PORT=3902
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  if [[ -d $WORK/pg ]]; then runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# nginx serving $WORK/static
source bench/static_nginx.sh
start_static_nginx "$WORK" "$NGINX_PORT"

wrk_run() {  # url [token] -> "req/s p50 p99"
  local url=$1 token=${2:-}
  local out
  if [[ -n $token ]]; then
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $token" "$url")
  else
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$url")
  fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [[ -n $errors ]] && { echo "wrk saw non-2xx responses: $out" >&2; exit 1; }
  echo "$rps $p50 $p99"
}

echo "| backend | build | case | herd req/s | p50 | p99 | nginx req/s (same bytes) | ratio | bytes |"
echo "|---|---|---|---|---|---|---|---|---|"
for backend in $BACKENDS; do
  data=$WORK/data-$backend
  mkdir -p "$data"
  export HERD_DATA_DIR=$data LOCAL_DOMAIN=localhost:$PORT LOCAL_HTTPS=false PORT BIND=127.0.0.1
  export HERD_ADMIN_EMAIL=admin@example.com HERD_ADMIN_PASSWORD=benchpassword HERD_PASSWORD_GRANT=true
  export HERD_RATE_LIMITS=false  # wrk's clients all share one IP and one token
  # bench/writer.py --inbound: a fake remote instance on 127.0.0.1 delivers activities
  export ALLOWED_PRIVATE_ADDRESSES=127.0.0.1 HERD_ALLOW_HTTP_FEDERATION=true
  unset DATABASE_URL
  if [[ $backend == postgres ]]; then
    mkdir -p "$WORK/pg" && chown postgres "$WORK/pg" && chmod 700 "$WORK/pg"
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$WORK/pg" -A trust >/dev/null
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg" -l "$WORK/pg/server.log" \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c synchronous_commit=off" start >/dev/null
    export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres
  fi
  start=$(date +%s)
  "$HERD" admin seed --accounts "$ACCOUNTS" --statuses "$STATUSES" --follows "$FOLLOWS" >&2
  echo "seeded $backend in $(( $(date +%s) - start )) s" >&2
  for HERD in "${BINS[@]}"; do
  build=$(basename "$(dirname "$HERD")")/$(basename "$HERD")
  for cache in $CASES; do
  if [[ $cache == on ]]; then export HERD_RESPONSE_CACHE_MB=8; else export HERD_RESPONSE_CACHE_MB=0; fi
  "$HERD" serve >>"$WORK/serve-$backend-$cache.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
  if [[ -z ${token:-} ]]; then
    app=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/apps" -d client_name=bench -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d "scopes=read write")
    cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$app")
    csec=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$app")
    token=$(curl -sf -X POST "http://127.0.0.1:$PORT/oauth/token" -d grant_type=password -d username=user1@seed.invalid \
      -d password=password -d client_id="$cid" -d client_secret="$csec" -d scope=read | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  fi
  for case in home public; do
    path=/api/v1/timelines/$case
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path" -o "$WORK/static/$case.json"
    bytes=$(stat -c %s "$WORK/static/$case.json")
    items=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/static/$case.json")
    [[ $items -eq 20 ]] || { echo "$case timeline returned $items statuses, expected 20" >&2; exit 1; }
    read -r ceiling _ _ < <(wrk_run "http://127.0.0.1:$NGINX_PORT/$case.json")
    read -r rps p50 p99 < <(wrk_run "http://127.0.0.1:$PORT$path" "$token")
    ratio=$(python3 -c "print(f'{$rps/$ceiling:.2f}')")
    echo "| $backend | $build | $case timeline, response cache $cache | $rps | $p50 | $p99 | $ceiling | $ratio | $bytes |"
  done
  if [[ $WRITES != 0 && $cache == on ]]; then
    python3 bench/writer.py --base "http://127.0.0.1:$PORT" --client-id="$cid" --client-secret="$csec" \
      --rate "$WRITES" --ready "$WORK/writer.ready" $WRITER_ARGS >"$WORK/writer.json" &
    writer=$!
    for _ in $(seq 600); do [[ -f $WORK/writer.ready ]] && break; sleep 0.2; done  # its sign-ins
    rm -f "$WORK/writer.ready"
    read -r ceiling _ _ < <(wrk_run "http://127.0.0.1:$NGINX_PORT/home.json")
    read -r rps p50 p99 < <(wrk_run "http://127.0.0.1:$PORT/api/v1/timelines/home" "$token")
    kill -TERM "$writer"; wait "$writer" || true
    ratio=$(python3 -c "print(f'{$rps/$ceiling:.2f}')")
    echo "| $backend | $build | home timeline, response cache on, while writing: $(cat "$WORK/writer.json") | $rps | $p50 | $p99 | $ceiling | $ratio | |"
  fi
  rss=$(ps -o rss= -p "${PIDS[-1]}")
  echo "| $backend | $build | herd RSS after the load (cache $cache) | $((rss / 1024)) MiB | | | | | |"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
  done
  done
  unset token
done
