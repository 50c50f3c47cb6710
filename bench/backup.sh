#!/usr/bin/env bash
# Time of `herd admin backup` and `herd admin restore` for a seeded instance (SQLite, and
# PostgreSQL when PG_URL names a server to create databases on), plus the backup's size.
#
#   HERD_BIN=build/herd bench/backup.sh --statuses 100000 [--accounts 100]
#   PG_URL=postgres://postgres@127.0.0.1:25432/postgres HERD_BIN=build/herd bench/backup.sh
#
# Prints one Markdown table row per backend: statuses, database size, seconds to back up, seconds
# to restore into an empty data folder/database, backup folder size.
set -euo pipefail
HERD=$(realpath "${HERD_BIN:-build/herd}")
STATUSES=100000
ACCOUNTS=100
while (($#)); do
  case $1 in
    --statuses) STATUSES=$2; shift 2 ;;
    --accounts) ACCOUNTS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/herd-bench-backup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

seconds() { printf "%.2f" "$(echo "scale=3; ($(date +%s%N) - $1) / 1000000000" | bc)"; }

run() {  # backend, source DATABASE_URL or "", target DATABASE_URL or ""
  local backend=$1 source_url=$2 target_url=$3
  local env=(HERD_ADMIN_EMAIL=bench@example.org LOCAL_DOMAIN=bench.example LOCAL_HTTPS=false)
  local src=("${env[@]}" HERD_DATA_DIR="$WORK/$backend-src") dst=("${env[@]}" HERD_DATA_DIR="$WORK/$backend-dst")
  [[ -n $source_url ]] && src+=(DATABASE_URL="$source_url") && dst+=(DATABASE_URL="$target_url")
  env "${src[@]}" "$HERD" admin seed --accounts "$ACCOUNTS" --statuses "$STATUSES" --follows 10 >&2
  local start; start=$(date +%s%N)
  env "${src[@]}" "$HERD" admin backup "$WORK/$backend-backup" >&2
  local backup_s; backup_s=$(seconds "$start")
  start=$(date +%s%N)
  env "${dst[@]}" "$HERD" admin restore "$WORK/$backend-backup" >&2
  local restore_s; restore_s=$(seconds "$start")
  local db_size
  if [[ -n $source_url ]]; then
    db_size=$(psql "$source_url" -qAtX -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
  else
    db_size=$(du -sh "$WORK/$backend-src/herd.sqlite3" | cut -f1)
  fi
  echo "| $backend | $STATUSES | $db_size | $backup_s | $restore_s | $(du -sh "$WORK/$backend-backup" | cut -f1) |"
}

echo "| backend | statuses | database | backup s | restore s | backup size |"
echo "|---|---|---|---|---|---|"
run sqlite "" ""
if [[ -n ${PG_URL:-} ]]; then
  name=herd_bench_$$
  psql "$PG_URL" -qAtX -c "CREATE DATABASE ${name}_src" -c "CREATE DATABASE ${name}_dst" >/dev/null
  base=${PG_URL%/*}
  run postgres "$base/${name}_src" "$base/${name}_dst"
  psql "$PG_URL" -qAtX -c "DROP DATABASE ${name}_src" -c "DROP DATABASE ${name}_dst" >/dev/null
fi
