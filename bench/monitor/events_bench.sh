#!/usr/bin/env bash
# Events API v2 ingest benchmark (issue 16): PagerDuty trigger events, each with its own
# dedup_key (so each opens an incident), posted by wrk over 64 keep-alive loopback connections
# to `im serve`'s POST /v2/enqueue; each is validated and committed (WAL, synchronous=FULL)
# before the 202. Then, as the peer figure in the same run, Alertmanager's own
# POST /api/v2/alerts with the same client. Prints wrk's throughput and latency for both and
# checks that every acknowledged event is a stored incident.
# Usage: bench/monitor/events_bench.sh [build-dir] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
seconds="${2:-10}"
cmake --build "$build" -j2 --target im >/dev/null
im="$build/im"
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
port=18391
am_port=18392

key=$("$im" --data-dir "$dir/data" integration add events --service payments 2>/dev/null)
"$im" --data-dir "$dir/data" --log-level warn serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== im POST /v2/enqueue, 64 connections, 2 threads, ${seconds} s"
ROUTING_KEY="$key" wrk -t2 -c64 -d"${seconds}s" --latency -s bench/monitor/events_post.lua \
  "http://127.0.0.1:$port" >"$dir/wrk.txt"
grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx" "$dir/wrk.txt"
answered=$(grep -oE "^ +[0-9]+ requests in" "$dir/wrk.txt" | grep -oE "[0-9]+")
refused=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$dir/wrk.txt" | grep -oE "[0-9]+$" || echo 0)
stored=$(sqlite3 "$dir/data/im.db" "SELECT count(*) FROM incidents")
echo "== acknowledged (2xx): $((answered - refused)), stored incidents: $stored"
if [ "$stored" -lt $((answered - refused)) ]; then
  echo "FAIL: fewer incidents stored than events acknowledged" >&2
  exit 1
fi

if command -v prometheus-alertmanager >/dev/null; then
  cat >"$dir/am.yml" <<YAML
route:
  receiver: none
receivers:
  - name: none
YAML
  prometheus-alertmanager --config.file="$dir/am.yml" --storage.path="$dir/am" \
    --web.listen-address=127.0.0.1:$am_port --cluster.listen-address= >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$am_port/-/ready" >/dev/null && break; sleep 0.1; done
  echo "== peer: Alertmanager POST /api/v2/alerts, 64 connections, 2 threads, ${seconds} s"
  wrk -t2 -c64 -d"${seconds}s" --latency -s bench/monitor/alerts_post.lua \
    "http://127.0.0.1:$am_port" | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"
else
  echo "== peer skipped: prometheus-alertmanager is not installed (scripts/setup.sh)"
fi
