#!/usr/bin/env bash
# Configures and builds im with Ninja (and ccache when present) into build/ (or $1).
# Extra arguments go to CMake, e.g. scripts/build.sh build-asan -DIM_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
cmake -S . -B "$dir" -G Ninja -Wno-dev "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
