#!/usr/bin/env bash
# DORA benchmark (issue 7): seeds 1,000,000 incidents and 500,000 deployments over 3 years into a
# fresh SQLite data directory (seed_dora), then times the DORA report for one year — all
# services, one service, one team, with and without drill-down — and recording one deployment.
# Usage: bench/dora/run.sh [build-dir] [incidents] [deployments] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
incidents="${2:-1000000}"
deployments="${3:-500000}"
runs="${4:-7}"
./scripts/build.sh "$build" >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/time -f "seeded in %e s, %M KB max RSS" \
  "$build/bench/dora/seed_dora" "$dir" "$incidents" "$deployments"
"$build/bench/dora/dora_bench" "$dir" "$runs"
