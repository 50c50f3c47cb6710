#!/usr/bin/env bash
# Timelines at scale: the same accounts and follow graph (`herd admin seed`, same random seed)
# seeded twice, with a small and a large number of statuses (10k and 10M by default), each
# instance served by its own `herd serve` on the same machine; wrk measures the same pages of both,
# alternating (small, large, small, large...), with the response cache off and on, and the table
# gives p50, p99 and req/s at each size and the ratio large/small (issue 12: home timeline p99 at
# 10M statuses within 1.5x of 10k).
#
#   bench/scale.sh [--accounts N] [--follows F] [--first-follows F1] [--small S] [--large L]
#                  [--duration D] [--connections C] [--rounds R] [--backends "sqlite postgres"]
#                  [--data DIR]
#
# Pages (user1 signed in): home (first page), home deep (max_id = the middle of user1's home
# feed), public (first page), the statuses of the account with the most statuses in the small
# instance (first page; the same account in both).
# --data DIR keeps the seeded databases in DIR (DIR/sqlite-<statuses>/, DIR/pg: one PostgreSQL
# cluster with one database per size) and reuses a size already seeded there with the same options,
# so a second run only measures; without it they live in a temporary folder deleted at the end.
# On PostgreSQL a fresh seed is followed by VACUUM ANALYZE (what autovacuum does on a live
# instance: planner statistics, visibility map). Needs build/herd (HERD_BIN), wrk, sqlite3 or psql,
# PostgreSQL 15 binaries for the postgres backend. Run as root (runuser for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=10000 FOLLOWS=2 FIRST_FOLLOWS=300 SMALL=10000 LARGE=10000000 DURATION=5 CONNECTIONS=8
ROUNDS=2 BACKENDS="sqlite postgres" DATA=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --follows) FOLLOWS=$2; shift 2 ;;
    --first-follows) FIRST_FOLLOWS=$2; shift 2 ;;
    --small) SMALL=$2; shift 2 ;;
    --large) LARGE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERD=${HERD_BIN:-$PWD/build/herd}
WORK=$(mktemp -d /tmp/herd-scale.XXXXXX)
[[ -n $DATA ]] || DATA=$WORK/data
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
source bench/lib.sh
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n ${PG_PORT:-} && -f $DATA/pg/postmaster.pid ]]; then  # the cluster this run started
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
SEED_ARGS="--accounts $ACCOUNTS --follows $FOLLOWS --first-follows $FIRST_FOLLOWS"

# Starts the cluster in $DATA/pg (creating it the first time) on a free port: PG_PORT; at nice level
# $1 (seeding) or 0.
start_postgres() {
  PG_PORT=$(free_port)
  chmod o+x "$WORK" "$DATA"  # the postgres user reaches $DATA/pg
  if [[ ! -f $DATA/pg/PG_VERSION ]]; then
    mkdir -p "$DATA/pg" && chown postgres "$DATA/pg" && chmod 700 "$DATA/pg"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$DATA/pg" -A trust >/dev/null
  fi
  nice -n "${1:-0}" runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA/pg" -l "$DATA/pg/server.log" -w \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c synchronous_commit=off" \
    start >/dev/null
}

# The environment of the instance with $2 statuses on backend $1 (PORT: a free one).
instance_env() {
  local backend=$1 size=$2
  PORT=$(free_port)
  export PORT HERD_DATA_DIR=$DATA/$backend-$size LOCAL_DOMAIN=localhost LOCAL_HTTPS=false BIND=127.0.0.1
  export HERD_ADMIN_EMAIL=admin@example.com HERD_ADMIN_PASSWORD=benchpassword HERD_PASSWORD_GRANT=true
  export HERD_RATE_LIMITS=false  # wrk's clients all share one IP and one token
  unset DATABASE_URL
  # PostgreSQL over its Unix socket, as bench/lib.sh (a server on the same machine).
  if [[ $backend == postgres ]]; then export DATABASE_URL=postgres://postgres@%2Ftmp:$PG_PORT/s$size; fi
  mkdir -p "$HERD_DATA_DIR"
}

sql() {  # backend size query -> its single value
  if [[ $1 == sqlite ]]; then sqlite3 "$DATA/sqlite-$2/herd.sqlite3" "$3"
  else psql -qAt "postgres://postgres@127.0.0.1:$PG_PORT/s$2" -c "$3"; fi
}

# Seeds the instance with $2 statuses unless $DATA already holds it seeded with the same options.
seed() {
  local backend=$1 size=$2 marker=$DATA/$1-$2.seeded
  if [[ -f $marker && $(cat "$marker") == "$SEED_ARGS --statuses $size" ]]; then
    echo "$backend: $size statuses already seeded in $DATA" >&2
    return
  fi
  [[ ! -e $marker ]] || { echo "$DATA holds $backend-$size seeded otherwise ($(cat "$marker")): use another --data" >&2; exit 1; }
  if [[ $backend == postgres ]]; then
    runuser -u postgres -- psql -q -h 127.0.0.1 -p "$PG_PORT" -c "DROP DATABASE IF EXISTS s$size" -c "CREATE DATABASE s$size"
  fi
  rm -rf "$DATA/$backend-$size"
  instance_env "$backend" "$size"
  local start=$(date +%s)
  nice -n 10 "$HERD" admin seed $SEED_ARGS --statuses "$size" >&2
  if [[ $backend == postgres ]]; then nice -n 10 psql -q "$DATABASE_URL" -c "VACUUM ANALYZE"; fi
  echo "$backend: seeded $size statuses in $(( $(date +%s) - start )) s" >&2
  echo "$SEED_ARGS --statuses $size" >"$marker"
}

# The PostgreSQL cluster's processes (none on SQLite).
cluster_pids() {
  if [[ -n ${PG_PORT:-} ]]; then
    local master
    master=$(head -1 "$DATA/pg/postmaster.pid")
    echo "$master" $(ps -o pid= --ppid "$master")
  fi
}

# url token herd_pid -> "req/s p50_ms p99_ms herd_cpu_ms_per_request postgres_cpu_ms_per_request"
# (fails on non-2xx answers)
wrk_run() {
  local out herd0 herd1 pg0 pg1
  herd0=$(cpu_of "$3") pg0=$(cpu_of $(cluster_pids))
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $2" "$1")
  herd1=$(cpu_of "$3") pg1=$(cpu_of $(cluster_pids))
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers from $1: $out" >&2; exit 1; fi
  HERD_S=$(python3 -c "print($herd1 - $herd0)") PG_S=$(python3 -c "print($pg1 - $pg0)") python3 -c '
import os, re, sys
text = sys.stdin.read()
def ms(label):
    v, unit = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50, p99 = ms("50%"), ms("99%")
requests = int(re.search(r"(\d+) requests in", text).group(1))
herd, pg = (float(os.environ[k]) * 1000 / max(requests, 1) for k in ("HERD_S", "PG_S"))
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {herd:.3f} {pg:.3f}")' <<<"$out"
}

token_for() {  # base URL -> a read token of user1
  local base=$1 app cid csec
  app=$(curl -sf -X POST "$base/api/v1/apps" -d client_name=bench -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d "scopes=read")
  cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$app")
  csec=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$app")
  curl -sf -X POST "$base/oauth/token" -d grant_type=password -d username=user1@seed.invalid \
    -d password=password -d client_id="$cid" -d client_secret="$csec" -d scope=read |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

echo "| backend | page | response cache | $SMALL: req/s | p50 ms | p99 ms | CPU ms/req herd+PostgreSQL | $LARGE: req/s | p50 ms | p99 ms | CPU ms/req herd+PostgreSQL | p99 ratio | req/s ratio | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for backend in $BACKENDS; do
  # Seeding runs niced (PostgreSQL's server too: it does most of that work), measuring does not.
  [[ $backend == postgres ]] && start_postgres 10
  seed "$backend" "$SMALL"
  seed "$backend" "$LARGE"
  if [[ $backend == postgres ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA/pg" -m fast stop >/dev/null
    start_postgres 0
  fi
  declare -A PATHS=()
  author=$(sql "$backend" "$SMALL" "SELECT username FROM accounts WHERE domain = '' ORDER BY statuses_count DESC, id LIMIT 1")
  for size in "$SMALL" "$LARGE"; do
    user1=$(sql "$backend" "$size" "SELECT id FROM accounts WHERE username = 'user1' AND domain = ''")
    user2=$(sql "$backend" "$size" "SELECT id FROM accounts WHERE username = '$author' AND domain = ''")
    middle=$(sql "$backend" "$size" "SELECT status_id FROM home_feed WHERE account_id = $user1 ORDER BY status_id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM home_feed WHERE account_id = $user1)")
    PATHS[$size,home]=/api/v1/timelines/home
    PATHS[$size,home_deep]="/api/v1/timelines/home?max_id=$middle"
    PATHS[$size,public]=/api/v1/timelines/public
    PATHS[$size,account]=/api/v1/accounts/$user2/statuses
  done
  for cache in off on; do
    declare -A BASE=() TOKEN=() HERD_PID=()
    for size in "$SMALL" "$LARGE"; do
      instance_env "$backend" "$size"
      if [[ $cache == on ]]; then export HERD_RESPONSE_CACHE_MB=8; else export HERD_RESPONSE_CACHE_MB=0; fi
      "$HERD" serve >>"$WORK/serve-$backend-$size-$cache.log" 2>&1 &
      PIDS+=($!)
      HERD_PID[$size]=$!
      BASE[$size]=http://127.0.0.1:$PORT
      for _ in $(seq 150); do curl -sf "${BASE[$size]}/health" >/dev/null && break; sleep 0.2; done
      TOKEN[$size]=$(token_for "${BASE[$size]}")
    done
    for page in home home_deep public account; do
      declare -A RPS=() P50=() P99=() CPU=() PGCPU=() ITEMS=()
      for size in "$SMALL" "$LARGE"; do
        ITEMS[$size]=$(curl -sf -H "Authorization: Bearer ${TOKEN[$size]}" "${BASE[$size]}${PATHS[$size,$page]}" |
          python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
        RPS[$size]=0 P50[$size]=0 P99[$size]=0 CPU[$size]=0 PGCPU[$size]=0
      done
      for round in $(seq "$ROUNDS"); do
        for size in "$SMALL" "$LARGE"; do
          read -r rps p50 p99 cpu pgcpu < <(wrk_run "${BASE[$size]}${PATHS[$size,$page]}" "${TOKEN[$size]}" "${HERD_PID[$size]}")
          CPU[$size]=$(python3 -c "print(${CPU[$size]} + $cpu / $ROUNDS)")
          PGCPU[$size]=$(python3 -c "print(${PGCPU[$size]} + $pgcpu / $ROUNDS)")
          RPS[$size]=$(python3 -c "print(${RPS[$size]} + $rps / $ROUNDS)")
          P50[$size]=$(python3 -c "print(${P50[$size]} + $p50 / $ROUNDS)")
          P99[$size]=$(python3 -c "print(${P99[$size]} + $p99 / $ROUNDS)")
        done
      done
      AUTHOR=$author python3 - "$backend" "$page" "$cache" "$SMALL" "$LARGE" "${ITEMS[$SMALL]}" "${ITEMS[$LARGE]}" \
        "${RPS[$SMALL]}" "${P50[$SMALL]}" "${P99[$SMALL]}" "${CPU[$SMALL]}" "${PGCPU[$SMALL]}" "${RPS[$LARGE]}" "${P50[$LARGE]}" "${P99[$LARGE]}" "${CPU[$LARGE]}" "${PGCPU[$LARGE]}" <<'PY'
import os, sys
backend, page, cache, small, large, items_s, items_l = sys.argv[1:8]
rs, a50, a99, ac, ap, rl, b50, b99, bc, bp = map(float, sys.argv[8:])
names = {"home": "home", "home_deep": "home, deep (max_id: middle of the feed)", "public": "public",
         "account": f"{os.environ['AUTHOR']}'s statuses"}
print(f"| {backend} | {names[page]} ({items_s} / {items_l} statuses) | {cache} | {rs:.0f} | {a50:.2f} | {a99:.2f} | {ac:.3f}+{ap:.3f} "
      f"| {rl:.0f} | {b50:.2f} | {b99:.2f} | {bc:.3f}+{bp:.3f} | {b99 / a99:.2f} | {rl / rs:.2f} | {(bc + bp) / (ac + ap):.2f} |")
PY
    done
    for size in "$SMALL" "$LARGE"; do kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'; done
  done
  if [[ $backend == postgres ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA/pg" -m fast stop >/dev/null
    unset PG_PORT
  fi
done
