#!/usr/bin/env bash
# Resident memory of `herd serve`: idle (IDLE seconds after it answers /health) and after a load
# of signed-in home and public timeline reads (wrk, 16 connections, DURATION seconds each), for one
# or several builds on the same data folder, one after the other in the same run. Prints a
# Markdown table: VmRSS, and its anonymous and file-backed parts (/proc/PID/status), threads.
#
#   bench/memory.sh --data DIR --token TOKEN [--idle 3] [--duration 10] [--rounds 2] BIN...
#
# DIR: a data folder seeded beforehand (`herd admin seed`; copied, never changed); TOKEN: an access
# token of a seeded account there (bench/loadgen.py keeps them). Extra settings for every build
# come from the environment (e.g. HERD_RESPONSE_CACHE_MB=0).
set -euo pipefail
DATA="" TOKEN="" IDLE=3 DURATION=10 ROUNDS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA=$2; shift 2 ;;
    --token) TOKEN=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -*) echo "unknown argument $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ -n $DATA && -n $TOKEN && $# -gt 0 ]] || { echo "usage: $0 --data DIR --token TOKEN BIN..." >&2; exit 2; }
WORK=$(mktemp -d /tmp/herd-memory.XXXXXX)
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
memory() {  # "VmRSS RssAnon RssFile threads" in MiB
  awk '/^VmRSS|^RssAnon|^RssFile/{printf "%.1f ", $2/1024} /^Threads/{t=$2} END{print t}' "/proc/$1/status"
}
echo "| build | round | idle: RSS / anon / file MiB | threads | after the load: RSS / anon / file MiB | requests/s home, public |"
echo "|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    rm -rf "$WORK/data"; cp -r "$DATA" "$WORK/data"
    HERD_DATA_DIR=$WORK/data LOCAL_DOMAIN=localhost:$PORT LOCAL_HTTPS=false PORT=$PORT BIND=127.0.0.1 \
      HERD_ADMIN_EMAIL=admin@example.com HERD_ADMIN_PASSWORD=benchpassword HERD_RATE_LIMITS=false \
      "$bin" serve >"$WORK/serve.log" 2>&1 &
    PID=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
    sleep "$IDLE"
    read -r rss anon file threads < <(memory "$PID")
    rates=""
    for path in /api/v1/timelines/home /api/v1/timelines/public; do
      rate=$(wrk -t2 -c16 -d"${DURATION}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" |
        awk '/Requests\/sec/{printf "%.0f", $2}')
      rates="$rates${rates:+, }$rate"
    done
    read -r rss2 anon2 file2 _ < <(memory "$PID")
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
    echo "| $bin | $round | $rss / $anon / $file | $threads | $rss2 / $anon2 / $file2 | $rates |"
  done
done
