#!/usr/bin/env bash
# Report benchmark (issue 19): seeds 1,000,000 incidents over 3,000 days (about 10,000 a month)
# into a fresh SQLite data directory with bench/dora's seeder, then times `im report` for the
# month of December 2025 in every format, as a user runs it (the whole process: start, query,
# render, write), best of RUNS, with the peak RSS of each.
# Usage: bench/report/run.sh [build-dir] [incidents] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-1000000}"
runs="${3:-3}"
./scripts/build.sh "$build" >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/time -f "== seeded $incidents incidents in %e s" \
  "$build/bench/dora/seed_dora" "$dir/data" "$incidents" 50000 200 3000
period=(--start 2025-12-01 --end 2025-12-31)
month=$("$build/im" --data-dir "$dir/data" report "${period[@]}" --format json |
  grep -o '"summary":{"incidents":[0-9]*' | grep -o '[0-9]*$')
echo "== the month holds $month incidents"
for variant in json csv html "pdf --timelines 100" pdf; do
  best=""
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$dir/t" "$build/im" --data-dir "$dir/data" report "${period[@]}" \
      --format $variant --output "$dir/out" >/dev/null 2>&1
    read -r secs rss <"$dir/t"
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$secs
      best_rss=$rss
    fi
    rm -rf "$dir/out"
  done
  printf "   %-20s %6s s  peak RSS %4d MiB\n" "$variant" "$best" $((best_rss / 1024))
done
