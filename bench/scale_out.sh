#!/usr/bin/env bash
# Scale-out benchmark: requests/s of one `herd serve` against three on one PostgreSQL, both behind
# the same nginx configuration (docs/scale-out/nginx-site.conf), under the same mixed load from wrk
# (bench/scale_out.lua: 70% home timeline, 10% local public timeline, 20% new statuses through the
# API with fan-out to followers; every write empties every process's response cache).
#
#   bench/scale_out.sh [--accounts N] [--statuses M] [--duration S]
#
# Needs: build/herd, wrk, nginx, PostgreSQL 15 binaries. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=200 STATUSES=20000 DURATION=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --statuses) STATUSES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERD=${HERD_BIN:-$PWD/build/herd}
WORK=$(mktemp -d /tmp/herd-bench-scale.XXXXXX)
chmod 755 "$WORK"
NGINX_PORT=3911 PG_PORT=3912 PORTS=(3913 3914 3915)
PIDS=()
stop_processes() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PIDS=()
  if [[ -f $WORK/nginx.pid ]]; then kill -QUIT "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
}
cleanup() {
  stop_processes
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/pg" "$WORK/nginx-temp" && chown postgres "$WORK/pg" && chmod 700 "$WORK/pg"
runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$WORK/pg" -A trust >/dev/null
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg" -l "$WORK/pg/server.log" \
  -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_connections=200" start >/dev/null
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres
export HERD_DATA_DIR=$WORK/data LOCAL_DOMAIN=localhost:$NGINX_PORT LOCAL_HTTPS=false BIND=127.0.0.1
export HERD_ADMIN_EMAIL=admin@example.com HERD_ADMIN_PASSWORD=benchpassword HERD_PASSWORD_GRANT=true
export HERD_RATE_LIMITS=false  # wrk's clients all share one IP and one token
mkdir -p "$HERD_DATA_DIR"
start=$(date +%s)
"$HERD" admin seed --accounts "$ACCOUNTS" --statuses "$STATUSES" --follows 20 >&2
echo "seeded in $(( $(date +%s) - start )) s" >&2

start_nginx() {  # upstream ports...
  local site
  site=$(grep -v 'server 127.0.0.1:300[23]' docs/scale-out/nginx-site.conf |
         sed "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$NGINX_PORT;/; s/server 127.0.0.1:3001 /server 127.0.0.1:@PORT@ /")
  local servers=""
  for port in "$@"; do servers+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;\n"; done
  site=$(awk -v s="$servers" '/@PORT@/ {printf "%s", s; next} {print}' <<<"$site")
  printf '%s\n' "$site" > "$WORK/site.conf"
  cat > "$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-temp; proxy_temp_path $WORK/nginx-temp;
  fastcgi_temp_path $WORK/nginx-temp; uwsgi_temp_path $WORK/nginx-temp; scgi_temp_path $WORK/nginx-temp;
  include $WORK/site.conf;
}
CONF
  nginx -c "$WORK/nginx.conf"
}

run() {  # count of processes
  local count=$1
  for i in $(seq 0 $((count - 1))); do
    PORT=${PORTS[$i]} "$HERD" serve >"$WORK/serve-$count-$i.log" 2>&1 &
    PIDS+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:${PORTS[$i]}/health" >/dev/null && break; sleep 0.2; done
  done
  start_nginx "${PORTS[@]:0:$count}"
  local base=http://127.0.0.1:$NGINX_PORT
  for _ in $(seq 50); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
  if [[ -z ${TOKEN:-} ]]; then
    local app cid csec
    app=$(curl -sf -X POST "$base/api/v1/apps" -d client_name=bench -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d 'scopes=read write')
    cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$app")
    csec=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$app")
    TOKEN=$(curl -sf -X POST "$base/oauth/token" -d grant_type=password -d username=user1@seed.invalid \
      -d password=password -d client_id="$cid" -d client_secret="$csec" -d 'scope=read write' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  fi
  local out rps p50 p99 errors
  out=$(TOKEN=$TOKEN wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/scale_out.lua "$base")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [[ -n $errors ]] && { echo "wrk saw $errors non-2xx responses: $out" >&2; exit 1; }
  echo "$rps $p50 $p99"
  stop_processes
}

read -r rps1 p50_1 p99_1 < <(run 1)
read -r rps3 p50_3 p99_3 < <(run 3)
ratio=$(python3 -c "print(f'{$rps3/$rps1:.2f}')")
echo "| processes | req/s | p50 | p99 |"
echo "|---|---|---|---|"
echo "| 1 | $rps1 | $p50_1 | $p99_1 |"
echo "| 3 | $rps3 | $p50_3 | $p99_3 |"
echo "| 3 / 1 | $ratio | | |"
