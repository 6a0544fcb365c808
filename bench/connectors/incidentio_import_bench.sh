#!/usr/bin/env bash
# incident.io history import benchmark (issue 15): `im sim incidentio` serves INCIDENTS generated
# incidents (with their incident updates) over 90 days behind incident.io's 1,200/min token
# bucket (capacity 1,200, refilled 20 a second); `im connector sync` imports them into a fresh
# data directory with the connector's default local budget (1,200/min). Prints the wall time,
# the requests made (and how many were refused with 429), the least time the bucket allows for
# those requests ((requests - 1,200) / 20 s, none when they fit the bucket), the ratio, and the
# importer's peak RSS. The goal: within 1.2x of the least time.
# Usage: bench/connectors/incidentio_import_bench.sh [build-dir] [incidents] [on|off]
#   (defaults: build 5000 on — with the limit on, 5,000 incidents take about 3.5 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-5000}"
limits="${3:-on}"
cmake --build "$build" -j2 --target im >/dev/null
im="$build/im"
dir=$(mktemp -d)
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$dir"' EXIT

"$im" sim incidentio --listen 127.0.0.1:0 --api-key bench-key --incidents "$incidents" \
  --days 90 --rate-limit "$limits" >"$dir/sim.out" 2>&1 &
sim_pid=$!
# The simulator prints its URL once it takes connections (generation comes first).
for _ in $(seq 1 600); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/sim.out" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$dir/sim.out"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the simulator did not start"; exit 1; }
echo "== im sim incidentio: $incidents incidents at $url (rate limit $limits)"

# Limit off: im's own request budget off too. On: the connector type's default (1,200/min).
budget=',"rate_limit_per_minute":0'
[ "$limits" = "on" ] && budget=''
"$im" --data-dir "$dir/data" connector add incidentio iio --config \
  "{\"api_key\":\"bench-key\",\"base_url\":\"$url\"$budget,\"custom\":{\"history_days\":90}}" \
  >/dev/null
/usr/bin/time -f "%e %M" -o "$dir/time" "$im" --data-dir "$dir/data" --log-level warn \
  connector sync iio 2>"$dir/sync.err" || { tail -5 "$dir/sync.err"; exit 1; }
read -r wall rss_kb <"$dir/time"
metrics=$("$im" --data-dir "$dir/data" --json connector metrics iio)
linked=$(echo "$metrics" | grep -o '"total_incidents":[0-9]*' | cut -d: -f2)
calls=$(echo "$metrics" | grep -o '"api_calls_24h":[0-9]*' | cut -d: -f2)
limited=$(echo "$metrics" | grep -o '"rate_limited_24h":[0-9]*' | cut -d: -f2)
needed=$((calls - limited))
echo "== imported: $linked incidents with $calls requests ($limited refused with 429) in" \
  "$wall s: $(awk -v n="$linked" -v t="$wall" 'BEGIN{printf "%.0f", n/t}') incidents/s"
if [ "$limits" = "on" ]; then
  awk -v r="$needed" -v t="$wall" 'BEGIN{
    least = r > 1200 ? (r - 1200) / 20 : 0;
    printf "== least time the 1,200/min bucket allows for %d requests: %.0f s", r, least;
    if (least > 0) printf "; took %.2fx of it", t / least;
    printf "\n";
    # A typical account: how many incidents fit in 3 minutes (N + N/125 + 10 requests).
    printf "== 3 minutes cover about %d incidents (1,200 + 180 x 20 requests)\n", (1200 + 3600 - 10) / 1.008;
  }'
fi
echo "== importer peak RSS: $((rss_kb / 1024)) MiB"
