#!/usr/bin/env bash
# The main job: install what im needs, build it, and run `im serve` with demo data on the
# embedded SQLite store in ./.im-demo. Prints the URL to open; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh build -DIM_BUILD_TESTS=OFF -DIM_BUILD_BENCH=OFF
exec ./build/im --data-dir "${IM_DATA_DIR:-$PWD/.im-demo}" serve --demo --listen "${IM_LISTEN:-127.0.0.1:8080}"
