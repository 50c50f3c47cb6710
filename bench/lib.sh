# Shared by the A/B benchmark scripts (bench/ab_timelines.sh, bench/ab_post.sh): sourced, not run.
# They set WORK (a private folder) before calling these.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PG_BIN=/usr/lib/postgresql/15/bin

# The environment of `herd` for one backend, its data in $1: PORT (a free one), the instance's
# variables, and for "postgres" a private PostgreSQL 15 cluster in $WORK/pg. DATABASE_URL names its
# Unix socket (in /tmp), as a server on the same machine is usually reached; DATABASE_URL_TCP the
# same cluster over TCP on 127.0.0.1 (a variant with PG_TRANSPORT=tcp uses it: bench/ab_*.sh).
bench_backend() {
  local backend=$1 data=$2
  mkdir -p "$data"
  PORT=$(free_port)
  export PORT HERD_DATA_DIR=$data LOCAL_DOMAIN=localhost:$PORT LOCAL_HTTPS=false BIND=127.0.0.1
  export HERD_ADMIN_EMAIL=admin@example.com HERD_ADMIN_PASSWORD=benchpassword HERD_PASSWORD_GRANT=true
  export HERD_RATE_LIMITS=false
  unset DATABASE_URL
  if [[ $backend == postgres ]]; then
    PG_PORT=$(free_port)
    mkdir -p "$WORK/pg" && chown postgres "$WORK/pg" && chmod 700 "$WORK/pg"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" -A trust >/dev/null
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c synchronous_commit=off" start >/dev/null
    export DATABASE_URL=postgres://postgres@%2Ftmp:$PG_PORT/postgres
    export DATABASE_URL_TCP=postgres://postgres@127.0.0.1:$PG_PORT/postgres
  fi
}

# Starts `herd serve` of VARIANT (NAME=BINARY[:ENV=VALUE[,ENV=VALUE...]]) for BACKEND in the
# background, with the current environment plus the variant's settings (PG_TRANSPORT=tcp: over
# DATABASE_URL_TCP on postgres), its output appended to $WORK/serve-BACKEND-NAME.log, and waits
# until PORT answers /health. SERVED_PID is its process.
serve_variant() {
  local variant=$1 backend=$2
  local spec=${variant#*=}
  local bin=${spec%%:*} envs=""
  [[ $spec == *:* ]] && envs=${spec#*:}
  (
    IFS=, read -r -a pairs <<<"$envs"
    for pair in "${pairs[@]}"; do [[ -n $pair ]] && export "${pair?}"; done
    if [[ ${PG_TRANSPORT:-} == tcp && $backend == postgres ]]; then export DATABASE_URL=$DATABASE_URL_TCP; fi
    exec "$bin" serve >>"$WORK/serve-$backend-${variant%%=*}.log" 2>&1
  ) &
  SERVED_PID=$!
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
}

# CPU seconds (user+sys) of these processes so far, from /proc/PID/stat (0 for one that is gone).
cpu_of() {
  python3 - "$@" <<'PY'
import os, sys
hz = os.sysconf("SC_CLK_TCK")
total = 0
for pid in sys.argv[1:]:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    except (FileNotFoundError, ProcessLookupError):
        pass
print(total / hz)
PY
}

# The private cluster's processes: the postmaster and its children (backends, writers).
postgres_pids() {
  local master
  master=$(head -1 "$WORK/pg/postmaster.pid")
  echo "$master" $(ps -o pid= --ppid "$master")
}

# Stops the private cluster, if any (quietly when called from a trap).
bench_stop_postgres() {
  if [[ -d $WORK/pg ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true; fi
}
