#!/usr/bin/env bash
# Server benchmarks of the foundation (issue 2), on loopback with wrk:
#   GET /api/v1/incidents/{id} at 64 keep-alive connections, durable POST /api/v1/incidents,
#   `im incidents --json` over 100,000 incidents, and the idle server's RSS.
# Usage: bench/server_bench.sh [build-dir]   (builds first; takes about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
./scripts/build.sh "$build" >/dev/null
im="$build/im"
dir=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$dir"' EXIT
port=18181

"$build/bench/app/seed_incidents" "$dir" 100000
IM_TOKEN=$("$im" --data-dir "$dir" token create --name bench 2>/dev/null)
export IM_TOKEN

"$im" --data-dir "$dir" --log-level warn serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== idle server RSS (after start, before load)"
grep VmRSS "/proc/$server/status"

echo "== im incidents --json over 100,000 incidents"
/usr/bin/time -f "%e s elapsed, %M KB max RSS" "$im" --data-dir "$dir" incidents --json >/dev/null

echo "== GET /api/v1/incidents/{id}, 64 connections, 2 threads, 15 s"
wrk -t2 -c64 -d15s --latency "http://127.0.0.1:$port/api/v1/incidents/INC-4242" |
  grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"

echo "== POST /api/v1/incidents (durable), 64 connections, 2 threads, 15 s"
wrk -t2 -c64 -d15s --latency -s bench/post_incident.lua "http://127.0.0.1:$port/api/v1/incidents" |
  grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"
echo "incidents now: $("$im" --data-dir "$dir" incidents --json --limit 1 | grep -o '"number":[0-9]*' | head -1)"
