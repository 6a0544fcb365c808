#!/usr/bin/env bash
# Dashboard benchmark (issue 20): a store with 100,000 incidents, 200 schedules and 10,000
# monitors, served by a real `im serve`; headless Chromium, driven by Playwright from
# tests/browser, loads every page cold and reports, from the browser's own timing API: first
# contentful paint; when the browser presented the first frame showing the page's first
# screen of data (Element Timing, the first meaningful paint); when it was fully loaded; and
# the compressed bytes of the page's files and of its API calls. Then the time from a
# committed change to the open incidents page showing it. IM_BENCH_DETAIL=1 also prints each
# request's timings for the median load of each page.
# The browser is Debian's chromium-headless-shell (Chromium's headless build, the one
# Playwright runs headless pages in by default); IM_CHROMIUM=/usr/bin/chromium measures in
# the full browser's headless mode instead, which also builds a browser window (its omnibox
# and other WebUI pages) for every new context.
# Usage: bench/dashboard/run.sh [build-dir] [incidents] [schedules] [monitors] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-100000}"
schedules="${3:-200}"
monitors="${4:-10000}"
runs="${5:-5}"
cmake --build "$build" -j2 --target im seed_incidents >/dev/null
(cd tests/browser && [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund >/dev/null)
im="$build/im"
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
port=18493
target_port=18494

/usr/bin/time -f "seeded $incidents incidents in %e s" "$build/bench/app/seed_incidents" \
  "$dir/data" "$incidents"
"$im" --data-dir "$dir/target" --log-level warn serve --listen 127.0.0.1:$target_port \
  >/dev/null 2>&1 &
pids+=($!)
{
  echo "monitors:"
  for i in $(seq 1 "$monitors"); do
    echo "  - {name: m$i, url: \"http://127.0.0.1:$target_port/healthz\", interval: 60s, timeout: 5s}"
  done
} >"$dir/im.yaml"
"$im" --data-dir "$dir/data" --config "$dir/im.yaml" --log-level warn serve \
  --listen 127.0.0.1:$port >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
token=$("$im" --data-dir "$dir/data" token create --name bench)
node bench/dashboard/dashboard_bench.js "http://127.0.0.1:$port" "$token" "$schedules" "$runs" "$monitors"
