#!/usr/bin/env bash
# WebFinger and actor document benchmark: wrk (2 threads, 64 connections) against herd's
# /.well-known/webfinger?resource=acct:user1@DOMAIN and /users/user1 (Accept:
# application/activity+json), and against nginx serving the identical bytes as static files in the
# same run (the ceiling), and herd's CPU time a request. SQLite, a small seeded instance.
#
#   bench/documents.sh [--duration S]
#
# HERD_BINS="old/herd new/herd" measures several builds one after the other on the same database.
# Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
read -r -a BINS <<<"${HERD_BINS:-${HERD_BIN:-$PWD/build/herd}}"
WORK=$(mktemp -d /tmp/herd-bench-documents.XXXXXX)
PORT=3910 NGINX_PORT=3911
SERVER=
cleanup() {
  [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null || true
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/data"
# nginx serving $WORK/static
source bench/static_nginx.sh
start_static_nginx "$WORK" "$NGINX_PORT"
export HERD_DATA_DIR=$WORK/data LOCAL_DOMAIN=localhost:$PORT LOCAL_HTTPS=false PORT BIND=127.0.0.1
export HERD_ADMIN_EMAIL=admin@example.com HERD_ADMIN_PASSWORD=benchpassword HERD_RATE_LIMITS=false
unset DATABASE_URL
"${BINS[0]}" admin seed --accounts 100 --statuses 1000 --follows 10 >/dev/null 2>&1

cpu_ticks() {  # pid -> user + system CPU ticks so far
  awk '{print $14 + $15}' "/proc/$1/stat"
}

wrk_run() {  # url [header] -> "req/s p50 p99 requests"
  local out
  if [[ -n ${2:-} ]]; then out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "$2" "$1"); else out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$1"); fi
  [[ -n $(awk '/Non-2xx/ {print $5}' <<<"$out") ]] && { echo "wrk saw non-2xx responses: $out" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out") $(awk '/requests in/ {print $1}' <<<"$out")"
}

# herd CPU/req: herd's user + system CPU time during its wrk run over the requests wrk counted.
echo "| build | document | herd req/s | p50 | p99 | herd CPU/req | nginx req/s (same bytes) | ratio | bytes |"
echo "|---|---|---|---|---|---|---|---|---|"
for HERD in "${BINS[@]}"; do
  build=$(basename "$(dirname "$HERD")")/$(basename "$HERD")
  "$HERD" serve >>"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
  for document in webfinger actor; do
    if [[ $document == webfinger ]]; then
      path="/.well-known/webfinger?resource=acct:user1@localhost:$PORT" accept=""
    else
      path="/users/user1" accept="Accept: application/activity+json"
    fi
    curl -sf ${accept:+-H "$accept"} "http://127.0.0.1:$PORT$path" -o "$WORK/static/$document.json"
    bytes=$(stat -c %s "$WORK/static/$document.json")
    read -r ceiling _ _ < <(wrk_run "http://127.0.0.1:$NGINX_PORT/$document.json")
    ticks=$(cpu_ticks "$SERVER")
    read -r rps p50 p99 requests < <(wrk_run "http://127.0.0.1:$PORT$path" "$accept")
    ticks=$(( $(cpu_ticks "$SERVER") - ticks ))
    ratio=$(python3 -c "print(f'{$rps/$ceiling:.2f}')")
    cpu=$(python3 -c "print(f'{$ticks / $(getconf CLK_TCK) / $requests * 1e6:.1f} µs')")
    echo "| $build | $document | $rps | $p50 | $p99 | $cpu | $ceiling | $ratio | $bytes |"
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
done
