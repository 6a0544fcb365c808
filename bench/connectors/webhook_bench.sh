#!/usr/bin/env bash
# Webhook ingest benchmark (issue 4): signed PagerDuty v3 deliveries (triggered, acknowledged and
# resolved per incident) posted by wrk over 64 keep-alive loopback connections to a running
# `im serve`; each is verified (HMAC-SHA256), deduplicated by event id and stored durably
# before the 202. Prints wrk's throughput and latency, then what was stored.
# Usage: bench/connectors/webhook_bench.sh [build-dir] [incidents] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-100000}"
seconds="${3:-10}"
./scripts/build.sh "$build" >/dev/null
im="$build/im"
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
sim_port=18291
port=18292
secret="bench-webhook-secret"

"$build/bench/connectors/webhook_events" "$dir/events.tsv" "$incidents" "$secret"
echo "== $(wc -l <"$dir/events.tsv") signed deliveries for $incidents incidents"

# A PagerDuty to poll (empty, so polling stays idle), and the connector holding the secret.
"$im" sim pagerduty --listen 127.0.0.1:$sim_port --api-key bench --incidents 0 \
  --rate-limit off >/dev/null 2>&1 &
pids+=($!)
"$im" --data-dir "$dir/data" connector add pagerduty pd --config \
  "{\"api_key\":\"bench\",\"base_url\":\"http://127.0.0.1:$sim_port\",\"webhook_secret\":\"$secret\",\"sync_direction\":\"inbound\"}" >/dev/null
"$im" --data-dir "$dir/data" --log-level warn serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== POST /connectors/pd/webhook, 64 connections, 2 threads, ${seconds} s"
EVENTS="$dir/events.tsv" WRK_THREADS=2 wrk -t2 -c64 -d"${seconds}s" --latency \
  -s bench/connectors/webhook_post.lua "http://127.0.0.1:$port/connectors/pd/webhook" \
  >"$dir/wrk.txt"
grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx" "$dir/wrk.txt"
metrics=$("$im" --data-dir "$dir/data" connector metrics pd --json)
echo "== stored: $metrics"
# Every 202 must be a stored event (deliveries still in flight when wrk stopped are stored but
# not counted by wrk, so stored may be higher; it may never be lower).
answered=$(grep -oE "^ +[0-9]+ requests in" "$dir/wrk.txt" | grep -oE "[0-9]+")
refused=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$dir/wrk.txt" | grep -oE "[0-9]+$" || echo 0)
stored=$(echo "$metrics" | grep -oE '"webhook_events_24h":[0-9]+' | grep -oE "[0-9]+$")
echo "== acknowledged (2xx): $((answered - refused)), stored: $stored"
if [ "$stored" -lt $((answered - refused)) ]; then
  echo "FAIL: fewer events stored than acknowledged" >&2
  exit 1
fi
