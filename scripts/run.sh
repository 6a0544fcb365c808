#!/usr/bin/env bash
# The main job: install what im needs, build it, start a simulated PagerDuty and a simulated
# Opsgenie (`im sim pagerduty|opsgenie`), connect im to them through the real connectors, and
# run `im serve` on the embedded SQLite store in ./.im-demo. The server imports 90 days of
# history from both, then receives the simulators' webhooks while scenarios trigger new
# incidents. Prints the URL to open; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh build -DIM_BUILD_TESTS=OFF -DIM_BUILD_BENCH=OFF

im=./build/im
data="${IM_DATA_DIR:-$PWD/.im-demo}"
listen="${IM_LISTEN:-127.0.0.1:8080}"
sim_listen="${IM_SIM_LISTEN:-127.0.0.1:18081}"
key=demo-pagerduty-key
secret=demo-webhook-secret
og_listen="${IM_OPSGENIE_SIM_LISTEN:-127.0.0.1:18082}"
og_key=demo-opsgenie-key
og_secret=demo-opsgenie-webhook-header-value

"$im" sim pagerduty --listen "$sim_listen" --api-key "$key" --seed 1 --incidents 400 --days 120 \
  --webhook-url "http://$listen/connectors/pd-demo/webhook" --webhook-secret "$secret" &
sim=$!
# Opsgenie's outgoing webhook carries the secret header the connector is configured with.
"$im" sim opsgenie --listen "$og_listen" --api-key "$og_key" --seed 2 --incidents 300 --days 90 \
  --webhook-url "http://$listen/connectors/og-demo/webhook" --webhook-secret "$og_secret" &
og_sim=$!
trap 'kill $sim $og_sim 2>/dev/null || true' EXIT
for url in "http://$sim_listen/_sim/state" "http://$og_listen/_sim/state"; do
  for _ in $(seq 100); do curl -sf "$url" >/dev/null && break; sleep 0.1; done
done

# Two-way: incidents declared in im go to the simulated PagerDuty's first service, sent as its
# first user (what a real setup does with `im connector map-service` and a bot user's email).
pd_get() { curl -sf -H "Authorization: Token token=$key" "http://$sim_listen$1"; }
service_id=$(pd_get "/services?limit=1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
from_email=$(pd_get "/users?limit=1" | grep -o '"email":"[^"]*"' | head -1 | cut -d'"' -f4)
if ! "$im" --data-dir "$data" connector status pd-demo >/dev/null 2>&1; then
  "$im" --data-dir "$data" connector add pagerduty pd-demo --config "{
    \"api_key\": \"$key\", \"base_url\": \"http://$sim_listen\", \"sync_interval\": \"1m\",
    \"webhook_secret\": \"$secret\",
    \"custom\": {\"from_email\": \"$from_email\", \"public_url\": \"http://$listen\",
                \"service_mappings\": {\"default\": \"$service_id\"}}}"
fi

# Read-only: Opsgenie's alerts and incidents are imported, nothing is written back.
if ! "$im" --data-dir "$data" connector status og-demo >/dev/null 2>&1; then
  "$im" --data-dir "$data" connector add opsgenie og-demo --config "{
    \"api_key\": \"$og_key\", \"base_url\": \"http://$og_listen\", \"sync_interval\": \"1m\",
    \"custom\": {\"public_url\": \"http://$listen\",
                \"webhook_header\": {\"name\": \"X-Webhook-Secret\", \"value\": \"$og_secret\"}}}"
fi

# Live activity: the simulator triggers 30 incidents over the next 30 minutes, each delivered to
# im as a signed webhook (and acknowledged/resolved by the simulator's responders).
(sleep 5; curl -sf -X POST "http://$sim_listen/_sim/scenarios/trigger" \
   -d '{"count": 30, "over_seconds": 1800}' >/dev/null || true
 curl -sf -X POST "http://$og_listen/_sim/scenarios/trigger" -d '{"count": 10}' >/dev/null ||
   true) &

"$im" --data-dir "$data" serve --demo --listen "$listen"
