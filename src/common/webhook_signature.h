// Webhook signatures of the providers, one function pair per scheme: the simulators sign with
// these and the connectors verify with them.
//  - PagerDuty v3: X-PagerDuty-Signature = "v1=<hex hmac-sha256(secret as bytes, raw body)>",
//    several comma-separated during secret rotation.
//  - Standard Webhooks (incident.io via Svix): webhook-signature = "v1,<base64 hmac-sha256(
//    base64dec(secret sans whsec_), id + '.' + timestamp + '.' + body)>", space-separated list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace im {

std::string PagerDutySignature(std::string_view secret, std::string_view body);
// True when any "v1=" entry of `header` matches any of `secrets` (constant-time compare).
bool VerifyPagerDutySignature(std::string_view header, const std::vector<std::string>& secrets,
                              std::string_view body);
// The index in `secrets` of the last secret some "v1=" entry of `header` matches, -1 when none
// does (during a rotation: whether the newest secret is in use yet).
int MatchPagerDutySignature(std::string_view header, const std::vector<std::string>& secrets,
                            std::string_view body);

Result<std::string> StandardWebhookSignature(std::string_view secret, std::string_view id,
                                             int64_t timestamp, std::string_view body);
// Checks the signature and that |now - timestamp| <= tolerance_seconds.
Result<void> VerifyStandardWebhook(std::string_view secret, std::string_view id,
                                   std::string_view timestamp, std::string_view signature_header,
                                   std::string_view body, int64_t now_unix,
                                   int64_t tolerance_seconds = 300);

}  // namespace im
