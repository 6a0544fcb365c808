#!/usr/bin/env bash
# Installs what im needs, checks formatting, builds, and runs every test: once in a normal
# build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "== clang-format check"
./scripts/format.sh --check
echo "== build (RelWithDebInfo)"
./scripts/build.sh build
echo "== tests"
ctest --test-dir build --output-on-failure -j 2 --timeout 300
echo "== build (AddressSanitizer + UndefinedBehaviorSanitizer)"
./scripts/build.sh build-asan -DIM_SANITIZE=ON -DIM_BUILD_BENCH=OFF
echo "== tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j 2 --timeout 600
