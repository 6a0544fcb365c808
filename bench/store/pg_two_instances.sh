#!/usr/bin/env bash
# GET /api/v1/incidents/{id} from one `im serve` on PostgreSQL, then from two on the same
# database at once: wrk with 2 threads and 64 keep-alive connections for 15 s on one instance,
# then two wrk (1 thread, 32 connections each) for 15 s, one per instance, summed. PostgreSQL 15
# is started here in a temporary directory (default durability; as root as the postgres user)
# and holds 100,000 incidents (bench/app/seed_incidents).
# Usage: bench/store/pg_two_instances.sh [build-dir]  (expects im and seed_incidents built)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
im="$(pwd)/$build/im"
seed="$(pwd)/$build/bench/app/seed_incidents"
pgbin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d)
chmod 755 "$dir"
pids=()
pg=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$pg" ] && kill -INT "$pg" 2>/dev/null && wait "$pg" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
pgport=18434
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
export IM_DATABASE_URL="postgresql://im@127.0.0.1:$pgport/im"
"$seed" "$dir/seed" 100000
IM_TOKEN=$("$im" --data-dir "$dir/seed" token create --name bench 2>/dev/null)
export IM_TOKEN
for n in 1 2; do
  "$im" --data-dir "$dir/i$n" --log-level warn serve --listen 127.0.0.1:1818$n >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:1818$n/readyz" >/dev/null && break; sleep 0.1; done
done
get=/api/v1/incidents/INC-4242
echo "== one instance: wrk -t2 -c64 -d15s"
wrk -t2 -c64 -d15s --latency "http://127.0.0.1:18181$get" |
  grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== two instances: wrk -t1 -c32 -d15s on each at once"
wrk -t1 -c32 -d15s --latency "http://127.0.0.1:18181$get" >"$dir/w1" &
w1=$!
wrk -t1 -c32 -d15s --latency "http://127.0.0.1:18182$get" >"$dir/w2" &
w2=$!
wait $w1 $w2
grep -hE "Requests/sec|50%|99%|Non-2xx" "$dir/w1" "$dir/w2"
awk '/Requests\/sec/ {s += $2} END {printf "total Requests/sec: %.0f\n", s}' "$dir/w1" "$dir/w2"
