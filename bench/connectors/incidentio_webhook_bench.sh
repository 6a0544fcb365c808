#!/usr/bin/env bash
# incident.io webhook ingest benchmark (issue 15): Standard Webhooks deliveries (created, status
# updated, updated per incident, signed as Svix signs them) posted by wrk over 64 keep-alive
# loopback connections to a running `im serve`; each is verified (HMAC-SHA256 over
# id.timestamp.body), deduplicated by webhook-id and stored durably, with its incident queued to
# be fetched again, before the 2xx. Prints wrk's throughput and latency, then what was stored.
# Goal: >= 10,000 events/s, p99 <= 20 ms. The fetches happen after the answers, from the queue.
# Usage: bench/connectors/incidentio_webhook_bench.sh [build-dir] [incidents] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-100000}"
seconds="${3:-10}"
cmake --build "$build" -j2 --target im incidentio_webhook_events >/dev/null
im="$build/im"
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
sim_port=18391
port=18392
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

# An incident.io to fetch from (empty: the queued fetches find nothing), and the connector.
"$im" sim incidentio --listen 127.0.0.1:$sim_port --api-key bench --incidents 0 \
  --rate-limit off >/dev/null 2>&1 &
pids+=($!)
"$im" --data-dir "$dir/data" connector add incidentio iio --config \
  "{\"api_key\":\"bench\",\"base_url\":\"http://127.0.0.1:$sim_port\",\"webhook_secret\":\"$secret\",\"rate_limit_per_minute\":0}" >/dev/null
"$im" --data-dir "$dir/data" --log-level warn serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

# Signed last, so their timestamps are within incident.io's 5-minute tolerance.
"$build/bench/connectors/incidentio_webhook_events" "$dir/events.tsv" "$incidents" "$secret"
echo "== $(wc -l <"$dir/events.tsv") signed deliveries for $incidents incidents"
echo "== POST /connectors/iio/webhook, 64 connections, 2 threads, ${seconds} s"
EVENTS="$dir/events.tsv" WRK_THREADS=2 wrk -t2 -c64 -d"${seconds}s" --latency \
  -s bench/connectors/incidentio_webhook_post.lua "http://127.0.0.1:$port/connectors/iio/webhook" \
  >"$dir/wrk.txt"
grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx" "$dir/wrk.txt"
stored=$(sqlite3 "$dir/data/im.db" "SELECT count(*) FROM connector_events" 2>/dev/null || echo "?")
queued=$(sqlite3 "$dir/data/im.db" "SELECT count(*) FROM connector_refetch" 2>/dev/null || echo "?")
echo "== stored: $stored events, $queued incidents queued to be fetched"
