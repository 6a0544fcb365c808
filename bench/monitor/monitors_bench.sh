#!/usr/bin/env bash
# Scheduler benchmark (issue 16): N HTTP monitors (default 10,000) at a 30 s interval against a
# local target (a second `im serve`'s /healthz), declared in the config file. After a warm-up
# of one interval it reads, over the next `seconds`: the lateness histogram of the checks
# (im_monitor_check_lateness_seconds in /metrics), the server's RSS, and the API's GET latency
# (wrk on /api/v1/incidents) compared with the same measure taken before the monitors existed.
# Usage: bench/monitor/monitors_bench.sh [build-dir] [monitors] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
monitors="${2:-10000}"
seconds="${3:-60}"
cmake --build "$build" -j2 --target im >/dev/null
im="$build/im"
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
port=18393
target_port=18394

"$im" --data-dir "$dir/target" --log-level warn serve --listen 127.0.0.1:$target_port \
  >/dev/null 2>&1 &
pids+=($!)

api_get() {  # prints wrk's requests/s and p99 for GET /api/v1/incidents
  wrk -t1 -c8 -d10s --latency "http://127.0.0.1:$port/api/v1/incidents?limit=20" |
    grep -E "Requests/sec|99%"
}

# Idle figure: the server with no monitors.
"$im" --data-dir "$dir/idle" --log-level warn serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
idle_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
echo "== idle API GET /api/v1/incidents"
api_get
kill $idle_pid
wait $idle_pid 2>/dev/null || true

{
  echo "monitors:"
  for i in $(seq 1 "$monitors"); do
    echo "  - {name: m$i, url: \"http://127.0.0.1:$target_port/healthz\", interval: 30s, timeout: 5s}"
  done
} >"$dir/im.yaml"
echo "== declaring $monitors monitors"
start=$(date +%s)
"$im" --data-dir "$dir/data" --config "$dir/im.yaml" --log-level warn serve \
  --listen 127.0.0.1:$port >/dev/null 2>&1 &
pid=$!
pids+=($pid)
for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
echo "   serving after $(($(date +%s) - start)) s"
sleep 35  # one interval, so every monitor is on its steady schedule
curl -s "http://127.0.0.1:$port/metrics" | grep -E "^im_monitor_check" >"$dir/before.txt"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks=$(cpu_ticks $pid)
sleep 10
echo "== CPU of the checking server with no API load: $(awk -v t=$(($(cpu_ticks $pid) - ticks)) \
  -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f cores", t / hz / 10 }')"
echo "== API GET /api/v1/incidents while checking"
api_get
sleep "$seconds"
curl -s "http://127.0.0.1:$port/metrics" | grep -E "^im_monitor_check" >"$dir/after.txt"
echo "== check lateness over ${seconds}+10 s (cumulative buckets: before → after)"
paste "$dir/before.txt" "$dir/after.txt" | awk '{print $1, $2, "→", $4}'
echo "== RSS: $(grep VmRSS /proc/$pid/status)"
