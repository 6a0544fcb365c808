#!/usr/bin/env bash
# Notification fan-out benchmark (issue 17): 1,000 incidents declared within about a second
# (durable POST /api/v1/incidents, 8 connections) against `im serve` with one rule sending every declare to
# two Slack incoming-webhook channels:
#   fast     -> `im sim slack` A, no throttle (rate_per_minute 0, simulator limits off)
#   limited  -> `im sim slack` B, throttled to 60 a minute in bursts of 1
# First 20 single declares 0.2 s apart (the delay a lone incident sees), then the storm.
# Reports, from the simulators' receive times and the incidents' commit times in the database:
# the delay from declare to first delivery at A (p50/p99/max), and B's drain rate (messages a
# second, which should be its limit, 1/s) and whether every incident reached B (in digests).
# Usage: bench/notify/run.sh [build-dir] [incidents]
#   IM_SERVER=/path/to/im runs the server from another build (e.g. before a change);
#   IM_DRAIN_WAIT=N waits at most N seconds for the outboxes to drain (default 300).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
count="${2:-1000}"
cmake --build "$build" -j2 --target im >/dev/null
im="$build/im"
server_im="${IM_SERVER:-$im}"
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
port=18395
fast_port=18396
limited_port=18397
d="--data-dir $dir/data"

"$im" sim slack --listen 127.0.0.1:$fast_port --rate-limit off >/dev/null 2>&1 &
pids+=($!)
"$im" sim slack --listen 127.0.0.1:$limited_port --rate-limit off >/dev/null 2>&1 &
pids+=($!)
hook=/services/T0SIM/B0SIM/simsecret
"$server_im" $d channel add slack fast --webhook-url "http://127.0.0.1:$fast_port$hook" \
  --rate-per-minute 0 >/dev/null
"$server_im" $d channel add slack limited --webhook-url "http://127.0.0.1:$limited_port$hook" \
  --rate-per-minute 60 --burst 1 >/dev/null
"$server_im" $d notify rule add storm --on declared --channel fast,limited >/dev/null
IM_TOKEN=$("$server_im" $d token create --name bench 2>/dev/null)

"$server_im" $d --log-level warn serve --listen 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

# Phase 1: single declares, one at a time (0.2 s apart): the delay a lone incident sees.
for i in $(seq 20); do
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $IM_TOKEN" \
    -H "Content-Type: application/json" "http://127.0.0.1:$port/api/v1/incidents" \
    -d "{\"title\":\"single $i\",\"severity\":\"SEV-2\",\"services\":[\"api\"]}"
  sleep 0.2
done
singles=20
for _ in $(seq 100); do
  [ "$(curl -sf "http://127.0.0.1:$fast_port/_sim/state" | grep -o '"at_us"' | wc -l)" -ge $singles ] && break
  sleep 0.1
done
sleep 2  # the limited channel's tokens refill before the storm
# Phase 2: the storm.
echo "== declaring $count incidents (8 keep-alive connections)"
/usr/bin/python3 bench/notify/declare.py $port "$IM_TOKEN" "$count" 8
declared=$(sqlite3 "$dir/data/im.db" "SELECT count(*) FROM incidents")
# Wait for the fast channel to have sent everything, and the limited one to have drained
# (at most IM_DRAIN_WAIT seconds, default 300).
for _ in $(seq $((${IM_DRAIN_WAIT:-300} * 2))); do
  left=$(sqlite3 "$dir/data/im.db" \
    "SELECT count(*) FROM connector_outbox WHERE connector LIKE 'channel:%' AND state = 'pending'")
  [ "$left" = 0 ] && break
  sleep 0.5
done
sqlite3 -separator ' ' "$dir/data/im.db" "SELECT number, created_at FROM incidents" >"$dir/incidents.txt"
curl -sf "http://127.0.0.1:$fast_port/_sim/state" >"$dir/fast.json"
curl -sf "http://127.0.0.1:$limited_port/_sim/state" >"$dir/limited.json"
/usr/bin/python3 - "$dir" "$declared" "$singles" <<'PY'
import json, re, sys
d, declared, singles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
created, single = {}, {}
for line in open(d + "/incidents.txt"):
    n, at = line.split()
    (single if int(n) <= singles else created)[int(n)] = int(at)
declared -= singles
span = (max(created.values()) - min(created.values())) / 1e6
print(f"== {declared} incidents declared in {span:.2f} s (first to last commit)")
def first_seen(path):
    seen = {}
    posted = json.load(open(path))["posted"]
    for p in posted:
        for n in re.findall(r"INC-(\d+)", p["text"]):
            n = int(n)
            seen[n] = min(seen.get(n, p["at_us"]), p["at_us"])
    return seen, posted
fast, _ = first_seen(d + "/fast.json")
lone = sorted((fast[n] - single[n]) / 1e3 for n in single if n in fast)
if lone:
    print(f"== {len(lone)} single declares, 0.2 s apart: declare commit -> delivery "
          f"p50 {lone[len(lone) // 2]:.0f} ms, max {lone[-1]:.0f} ms")
delays = sorted((fast[n] - created[n]) / 1e3 for n in created if n in fast)
def pct(q): return delays[min(len(delays) - 1, int(q * len(delays)))]
print(f"== fast channel (no throttle): {len(delays)}/{len(created)} incidents delivered")
if delays:
    print(f"   declare commit -> first delivery: p50 {pct(0.50):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"max {delays[-1]:.0f} ms")
limited, posted = first_seen(d + "/limited.json")
start = min(created.values())
posted = [p for p in posted if p["at_us"] >= start]  # the storm's
limited = {n: t for n, t in limited.items() if n in created}
times = sorted(p["at_us"] for p in posted)
if len(times) > 1:
    secs = (times[-1] - times[0]) / 1e6
    print(f"== limited channel (60/min, burst 1): {len(posted)} messages over {secs:.1f} s = "
          f"{(len(posted) - 1) / secs:.2f}/s (limit 1.00/s); "
          f"{len(limited)}/{len(created)} incidents covered (digests)")
PY
