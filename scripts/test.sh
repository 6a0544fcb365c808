#!/usr/bin/env bash
# Installs what im needs, checks formatting, builds, and runs every test: once in a normal
# build and once under AddressSanitizer + UndefinedBehaviorSanitizer. With CI=true in the
# environment (.ci/run sets it) a test that would skip fails instead. Each stage prints the
# seconds since the start, so a slow CI run shows where its time went.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
stage() { echo "== $1 (at $((SECONDS - start)) s)"; }

stage "setup"
./scripts/setup.sh
stage "clang-format check"
./scripts/format.sh --check
stage "build (RelWithDebInfo)"
./scripts/build.sh build -DIM_BUILD_TESTS=ON -DIM_BUILD_BENCH=ON
stage "tests"
ctest --test-dir build --output-on-failure --no-tests=error -j 2 --timeout 300
stage "build (AddressSanitizer + UndefinedBehaviorSanitizer)"
./scripts/build.sh build-asan -DIM_SANITIZE=ON -DIM_BUILD_TESTS=ON -DIM_BUILD_BENCH=OFF
stage "tests under sanitizers"
# Not again under the sanitizers, to keep CI within its time: the second, PostgreSQL run of the
# integration suites ("pg.*": the same C++ as their SQLite run, whose PostgreSQL store code the
# store contract suites and the PostgreSQL process tests run here) and the browser tests (the
# dashboard's server side is dashboard_api_test, which runs here).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --no-tests=error -j 2 --timeout 600 \
  -E '^pg\.|^browser_'
stage "done"
