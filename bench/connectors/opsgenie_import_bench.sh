#!/usr/bin/env bash
# Opsgenie history import benchmark (issue 14): `im sim opsgenie` serves ALERTS generated alerts
# (and ALERTS/10 Opsgenie incidents) over 90 days; `im connector sync` imports them into a fresh
# data directory. The simulator runs in its own process, so the peak memory reported is the
# importer's alone. Prints the wall time, the records imported per second, the requests made,
# and the importer's peak RSS; run it at two sizes to see memory stay flat.
# Usage: bench/connectors/opsgenie_import_bench.sh [build-dir] [alerts] [on|off]
#   (defaults: build 100000 off — the simulator's rate limits off, im's local budget off)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
alerts="${2:-100000}"
limits="${3:-off}"
./scripts/build.sh "$build" >/dev/null
im="$build/im"
dir=$(mktemp -d)
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$dir"' EXIT

"$im" sim opsgenie --listen 127.0.0.1:0 --api-key bench-key --incidents "$alerts" --days 90 \
  --rate-limit "$limits" >"$dir/sim.out" 2>&1 &
sim_pid=$!
# The simulator prints its URL once it takes connections (generation comes first).
for _ in $(seq 1 600); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/sim.out" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$dir/sim.out"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the simulator did not start"; exit 1; }
echo "== im sim opsgenie: $alerts alerts at $url (rate limits $limits)"

# Limits off: im's own request budget off too. On: the connector type's default budget.
budget=',"rate_limit_per_minute":0'
[ "$limits" = "on" ] && budget=''
"$im" --data-dir "$dir/data" connector add opsgenie og --config \
  "{\"api_key\":\"bench-key\",\"base_url\":\"$url\"$budget,\"custom\":{\"history_days\":90}}" \
  >/dev/null
# With the limits on, every request is logged (IM_CONNECTOR_DEBUG) to count them by the
# simulator's rate-limit domain (docs/simulators.md, src/sim/opsgenie/rate_limits.h).
debug=false
level=warn
[ "$limits" = "on" ] && debug=true && level=info
IM_CONNECTOR_DEBUG=$debug /usr/bin/time -f "%e %M" -o "$dir/time" "$im" --data-dir "$dir/data" \
  --log-level "$level" connector sync og 2>"$dir/sync.err" || { tail -5 "$dir/sync.err"; exit 1; }
read -r wall rss_kb <"$dir/time"
metrics=$("$im" --data-dir "$dir/data" --json connector metrics og)
linked=$(echo "$metrics" | grep -o '"total_incidents":[0-9]*' | cut -d: -f2)
calls=$(echo "$metrics" | grep -o '"api_calls_24h":[0-9]*' | cut -d: -f2)
limited=$(echo "$metrics" | grep -o '"rate_limited_24h":[0-9]*' | cut -d: -f2)
echo "== imported: $linked records linked (alerts and incidents) with $calls requests" \
  "($limited rate-limited) in $wall s: $(awk -v n="$linked" -v t="$wall" 'BEGIN{printf "%.0f", n/t}') records/s"
echo "== importer peak RSS: $((rss_kb / 1024)) MiB"
if [ "$limits" = "on" ]; then
  # Requests per domain, and the least time each domain's per-minute bucket (full at the start,
  # then refilled at its rate) allows for them; the import cannot be faster than the slowest.
  # Answers refused for the rate limit (429) are retries, not requests the import needs.
  grep '"msg":"Opsgenie GET http://' "$dir/sync.err" | grep -v ') → 429 ' |
    grep -o '"msg":"Opsgenie GET http://[^ ]*' | sed 's|.*http://[^/]*||; s|?.*||' |
    awk '
      /^\/v2\/alerts$|^\/v1\/incidents$|^\/v2\/alerts\/count$/ { n["Search"]++; next }
      /^\/v1\/incidents\/|^\/v2\/incident-timelines\// { n["Incident"]++; next }
      /^\/v2\/alerts\// { n["Alert"]++; next }
      /on-calls/ { n["Schedule-oncalls"]++; next }
      { n["Configuration"]++ }
      END {
        rate["Alert"] = 1200; rate["Incident"] = 300; rate["Configuration"] = 600;
        rate["Search"] = 300; rate["Schedule-oncalls"] = 300;
        for (d in n) {
          least = n[d] > rate[d] ? (n[d] - rate[d]) * 60 / rate[d] : 0;
          printf "   %-16s %7d requests, %4d/min: least %.0f s\n", d, n[d], rate[d], least;
          if (least > max) max = least;
        }
        printf "== least time the limits allow: %.0f s\n", max;
      }'
fi
