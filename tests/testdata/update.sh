#!/usr/bin/env bash
# Copies the provider documents and test vectors the tests use from ../shared/specs (see
# README.md here) and shows what changed. Run it when ../shared/specs is updated.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
specs="${1:-$here/../../../shared/specs}"
[ -d "$specs" ] || { echo "no provider specs at $specs: pass their directory" >&2; exit 2; }
copy() { mkdir -p "$here/$(dirname "$2")"; cp "$specs/$1" "$here/$2"; }
copy pagerduty/rest-api-v2.openapiv3.json specs/pagerduty/rest-api-v2.openapiv3.json
copy pagerduty/events-api-v2.openapiv3.json specs/pagerduty/events-api-v2.openapiv3.json
copy incident-io/openapi3.json specs/incident-io/openapi3.json
copy incident-io/LICENSE specs/incident-io/LICENSE
copy opsgenie/swagger.json specs/opsgenie/swagger.json
copy opsgenie/LICENSE specs/opsgenie/LICENSE
copy pagerduty/test-vectors/webhook-v3-signature.json pagerduty/webhook-v3-signature.json
for f in "$specs"/pagerduty/examples/webhook-v3-*.json; do
  copy "pagerduty/examples/$(basename "$f")" "pagerduty/$(basename "$f")"
done
copy incident-io/test-vectors/standard-webhooks-signature-vectors.json \
  incident-io/standard-webhooks-signature-vectors.json
for f in "$specs"/incident-io/examples/webhook.*.json; do
  copy "incident-io/examples/$(basename "$f")" "incident-io/examples/$(basename "$f")"
done
git -C "$here" status --short -- .
