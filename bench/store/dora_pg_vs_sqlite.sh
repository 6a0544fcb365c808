#!/usr/bin/env bash
# DORA over 1,000,000 incidents on SQLite and on PostgreSQL in one run: bench/dora's seeder fills
# a SQLite data directory (1,000,000 incidents, 500,000 deployments over 3 years), `im db
# migrate-from-sqlite` copies it into a PostgreSQL 15 started here in a temporary directory
# (default durability; as root it runs as the postgres user), and dora_bench times the same
# reports on each (the code behind `im metrics dora`).
# Usage: bench/store/dora_pg_vs_sqlite.sh [build-dir] [incidents] [deployments] [runs]
#        (expects im, bench/dora/seed_dora and bench/dora/dora_bench built)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-1000000}"
deployments="${3:-500000}"
runs="${4:-7}"
im="$(pwd)/$build/im"
pgbin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d)
chmod 755 "$dir"
pg=""
cleanup() {
  [ -n "$pg" ] && kill -INT "$pg" 2>/dev/null && wait "$pg" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
pgport=18433
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
url="postgresql://im@127.0.0.1:$pgport/im"

/usr/bin/time -f "seeded SQLite in %e s, %M KB max RSS" \
  "$build/bench/dora/seed_dora" "$dir/data" "$incidents" "$deployments"
/usr/bin/time -f "copied to PostgreSQL in %e s, %M KB max RSS" \
  env -u IM_DATABASE_URL "$im" --data-dir "$dir/cli" db migrate-from-sqlite --from "$dir/data" \
  --to "$url" | tail -1
"$pgbin/psql" -q -h 127.0.0.1 -p $pgport -U im -d im -c "VACUUM ANALYZE"
echo "######## SQLite"
env -u IM_DATABASE_URL "$build/bench/dora/dora_bench" "$dir/data" "$runs"
echo "######## PostgreSQL 15"
IM_DATABASE_URL="$url" "$build/bench/dora/dora_bench" "$dir/pgdata" "$runs"
