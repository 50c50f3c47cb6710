#!/usr/bin/env bash
# A/B posting benchmark: POST /api/v1/statuses as user1 (who has F followers: each post lands in
# F+1 home feeds) with bench/post.lua, several `herd serve` variants alternated round by round so
# that every variant sees the same machine load. Reports per round: posts/s, p50/p99, and the CPU
# each post cost (user+sys from /proc over the posts stored during the wrk run, startup left out):
# herd's, the client's (wrk), and on PostgreSQL the database server's. On a loaded machine the
# rate follows the load; the CPU per post says what an idle machine would do: on C cores,
# at most C / (herd + wrk (+ PostgreSQL) CPU per post) posts a second.
#
#   bench/ab_post.sh [--accounts N] [--statuses M] [--follows F] [--duration S] [--rounds R]
#                    [--connections C] [--backends "sqlite postgres"] VARIANT...
#
# VARIANT is NAME=BINARY[:ENV=VALUE[,ENV=VALUE...]], e.g.
#   bench/ab_post.sh "before=/tmp/herd-old" "after=build/herd"
# POST_LINK=<URL-encoded URL> in the environment makes every post carry that link (bench/post.lua).
# PostgreSQL is reached over its Unix socket; a variant with PG_TRANSPORT=tcp reaches it over TCP
# on 127.0.0.1 instead (bench/lib.sh).
# The first variant's binary seeds the database (`herd admin seed`, then `herd admin search
# deploy` so that no search backfill runs during the rounds). SQLite: every round starts from a
# copy of the seeded folder. PostgreSQL: one database for every round (it grows by the posts of
# the rounds before, alternately for each variant). Needs wrk and PostgreSQL 15 binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=1000 STATUSES=30000 FOLLOWS=20 DURATION=8 ROUNDS=3 CONNECTIONS=16
BACKENDS="sqlite postgres"
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
    -*) echo "unknown argument $1" >&2; exit 2 ;;
    *) VARIANTS+=("$1"); shift ;;
  esac
done
[[ ${#VARIANTS[@]} -ge 1 ]] || { echo "give at least one VARIANT (NAME=BINARY[:ENV=VALUE,...])" >&2; exit 2; }
WORK=$(mktemp -d /tmp/herd-ab-post.XXXXXX)
chmod 755 "$WORK"  # PostgreSQL runs as postgres
source bench/lib.sh
HERD_PID=""
cleanup() {
  [[ -n $HERD_PID ]] && kill "$HERD_PID" 2>/dev/null || true
  bench_stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "| backend | round | variant | posts/s | p50 | p99 | herd CPU/post | wrk CPU/post | PostgreSQL CPU/post | load |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for backend in $BACKENDS; do
  seed=$WORK/seed-$backend
  bench_backend "$backend" "$seed"
  first=${VARIANTS[0]#*=}
  first=${first%%:*}
  "$first" admin seed --accounts "$ACCOUNTS" --statuses "$STATUSES" --follows "$FOLLOWS" >&2
  "$first" admin search deploy >&2
  declare -A rate_sum=() herd_sum=()
  for round in $(seq "$ROUNDS"); do
    for variant in "${VARIANTS[@]}"; do
      name=${variant%%=*}
      data=$seed
      if [[ $backend == sqlite ]]; then
        data=$WORK/data
        rm -rf "$data" && cp -a "$seed" "$data"
      fi
      HERD_DATA_DIR=$data serve_variant "$variant" "$backend"
      HERD_PID=$SERVED_PID
      app=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/apps" -d client_name=bench -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d "scopes=read write")
      cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$app")
      csec=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$app")
      token=$(curl -sf -X POST "http://127.0.0.1:$PORT/oauth/token" -d grant_type=password -d username=user1@seed.invalid \
        -d password=password -d client_id="$cid" -d client_secret="$csec" -d "scope=read write" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
      curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/statuses" -d status=warm >/dev/null
      herd_before=$(cpu_of "$HERD_PID")
      pg_before=0
      [[ $backend == postgres ]] && pg_before=$(cpu_of $(postgres_pids))
      out=$(TOKEN=$token /usr/bin/time -f "wrk-cpu %U %S" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -s bench/post.lua "http://127.0.0.1:$PORT" 2>&1)
      herd_after=$(cpu_of "$HERD_PID")
      pg_after=0
      [[ $backend == postgres ]] && pg_after=$(cpu_of $(postgres_pids))
      load=$(cut -d' ' -f1 /proc/loadavg)
      kill "$HERD_PID"
      wait "$HERD_PID" 2>/dev/null || true
      HERD_PID=""
      if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers: $out" >&2; exit 1; fi
      row=$(python3 - "$out" "$herd_before" "$herd_after" "$pg_before" "$pg_after" "$backend" <<'PY'
import re, sys
out, hb, ha, pb, pa, backend = sys.argv[1:]
posts = int(re.search(r"(\d+) requests in", out).group(1))
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)  # the distribution line, not a "+/- Stdev" cell
p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)
user, sys_ = map(float, re.search(r"wrk-cpu ([\d.]+) ([\d.]+)", out).groups())
herd = (float(ha) - float(hb)) / posts * 1000
wrk = (user + sys_) / posts * 1000
pg = f"{(float(pa) - float(pb)) / posts * 1000:.2f} ms" if backend == "postgres" else "-"
print(f"{rate:.0f}|{p50}|{p99}|{herd:.3f}|{wrk:.3f}|{pg}")
PY
)
      IFS='|' read -r rate p50 p99 herd wrk pg <<<"$row"
      rate_sum[$name]=$(python3 -c "print(${rate_sum[$name]:-0} + $rate)")
      herd_sum[$name]=$(python3 -c "print(${herd_sum[$name]:-0} + $herd)")
      echo "| $backend | $round | $name | $rate | $p50 | $p99 | $herd ms | $wrk ms | $pg | $load |"
    done
  done
  for variant in "${VARIANTS[@]}"; do
    name=${variant%%=*}
    python3 -c "print(f'| $backend | mean | $name | {${rate_sum[$name]}/$ROUNDS:.0f} | | | {${herd_sum[$name]}/$ROUNDS:.3f} ms | | | |')"
  done
  unset rate_sum herd_sum
  if [[ $backend == postgres ]]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg" -m fast stop >/dev/null
    rm -rf "$WORK/pg"
  fi
done
