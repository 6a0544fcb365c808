#!/usr/bin/env bash
# The server benchmarks of issue 2 (bench/server_bench.sh) on SQLite and on PostgreSQL in one
# run, side by side: GET /api/v1/incidents/{id} and durable POST /api/v1/incidents with wrk
# (2 threads, 64 keep-alive connections, 15 s each), and `im incidents --json` over 100,000
# incidents. PostgreSQL is Debian's 15 (scripts/setup.sh), started here in a temporary
# directory on a loopback port with its default durability (fsync on, synchronous_commit on);
# as root it runs as the postgres user.
# Usage: bench/store/pg_vs_sqlite.sh [build-dir]   (expects im and bench/app/seed_incidents built)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
im="$(pwd)/$build/im"
seed="$(pwd)/$build/bench/app/seed_incidents"
pgbin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d)
chmod 755 "$dir"
server=""
pg=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$pg" ] && kill -INT "$pg" 2>/dev/null && wait "$pg" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
port=18181
pgport=18432

as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  mkdir "$dir/pg" && chown postgres "$dir/pg"
else
  mkdir "$dir/pg"
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/pg/data" -U im --auth=trust -E UTF8 --locale=C.UTF-8 \
  >/dev/null
"${as_pg[@]}" "$pgbin/postgres" -D "$dir/pg/data" -p $pgport -k "$dir/pg" \
  -c listen_addresses=127.0.0.1 -c max_connections=200 >"$dir/pg/log" 2>&1 &
pg=$!
for _ in $(seq 100); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p $pgport && break; sleep 0.1; done
"$pgbin/psql" -q -h 127.0.0.1 -p $pgport -U im -d postgres -c "CREATE DATABASE im"

measure() {  # $1: label, $2: data dir, $3: IM_DATABASE_URL ("" = SQLite in the data dir)
  local label=$1 data=$2 url=$3
  echo "######## $label"
  IM_DATABASE_URL="$url" "$seed" "$data" 100000
  IM_TOKEN=$(IM_DATABASE_URL="$url" "$im" --data-dir "$data" token create --name bench 2>/dev/null)
  export IM_TOKEN
  IM_DATABASE_URL="$url" "$im" --data-dir "$data" --log-level warn serve \
    --listen 127.0.0.1:$port >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  echo "== im incidents --json over 100,000 incidents"
  IM_DATABASE_URL="$url" /usr/bin/time -f "%e s elapsed, %M KB max RSS" \
    "$im" --data-dir "$data" incidents --json >/dev/null
  echo "== GET /api/v1/incidents/{id}, 64 connections, 2 threads, 15 s"
  wrk -t2 -c64 -d15s --latency "http://127.0.0.1:$port/api/v1/incidents/INC-4242" |
    grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"
  echo "== POST /api/v1/incidents (durable), 64 connections, 2 threads, 15 s"
  wrk -t2 -c64 -d15s --latency -s bench/post_incident.lua \
    "http://127.0.0.1:$port/api/v1/incidents" |
    grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

measure "SQLite" "$dir/sqlite" ""
measure "PostgreSQL 15" "$dir/postgres" "postgresql://im@127.0.0.1:$pgport/im"
