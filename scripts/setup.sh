#!/usr/bin/env bash
# Installs everything im needs to build, test and benchmark, from Debian 12 packages only.
# Idempotent: packages already present are left alone, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev libsqlite3-dev sqlite3 libpq-dev postgresql
  libcli11-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  libyaml-cpp-dev libsodium-dev
  libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  curl wrk dnsmasq-base
  prometheus-alertmanager
  chromium chromium-headless-shell firefox-esr
  python3-aiosmtpd openssl
)
# Node.js and npm are only needed for spec validation and the dashboard's browser tests (which
# drive chromium and firefox-esr); the machine image may bring its own.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
