#include "common/webhook_signature.h"

#include <charconv>

#include "common/crypto.h"

namespace im {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    auto part = Trim(s.substr(start, end - start));
    if (!part.empty()) parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::string PagerDutySignature(std::string_view secret, std::string_view body) {
  return "v1=" + HexEncode(HmacSha256(secret, body));
}

bool VerifyPagerDutySignature(std::string_view header, const std::vector<std::string>& secrets,
                              std::string_view body) {
  return MatchPagerDutySignature(header, secrets, body) >= 0;
}

int MatchPagerDutySignature(std::string_view header, const std::vector<std::string>& secrets,
                            std::string_view body) {
  int matched = -1;
  auto signatures = Split(header, ',');
  for (size_t i = 0; i < secrets.size(); ++i) {
    std::string expected = PagerDutySignature(secrets[i], body);
    bool any = false;
    for (auto sig : signatures) {
      // No early exit: every comparison runs, so timing says nothing about which one matched.
      any |= ConstantTimeEquals(sig, expected);
    }
    if (any) matched = static_cast<int>(i);
  }
  return matched;
}

Result<std::string> StandardWebhookSignature(std::string_view secret, std::string_view id,
                                             int64_t timestamp, std::string_view body) {
  if (secret.starts_with("whsec_")) secret.remove_prefix(6);
  auto key = Base64Decode(secret);
  if (!key) {
    return Fail(ErrorCode::kInvalidArgument,
                "webhook secret is not base64 (expected whsec_<base64>)");
  }
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + Base64Encode(HmacSha256(*key, content));
}

Result<void> VerifyStandardWebhook(std::string_view secret, std::string_view id,
                                   std::string_view timestamp, std::string_view signature_header,
                                   std::string_view body, int64_t now_unix,
                                   int64_t tolerance_seconds) {
  if (id.empty() || timestamp.empty() || signature_header.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "missing webhook-id, webhook-timestamp or webhook-signature header");
  }
  int64_t ts = 0;
  auto [p, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || p != timestamp.data() + timestamp.size()) {
    return Fail(ErrorCode::kUnauthenticated, "webhook-timestamp is not a number");
  }
  if (ts < now_unix - tolerance_seconds || ts > now_unix + tolerance_seconds) {
    return Fail(ErrorCode::kUnauthenticated, "webhook-timestamp is outside the 5-minute tolerance");
  }
  auto expected = StandardWebhookSignature(secret, id, ts, body);
  if (!expected) return std::unexpected(expected.error());
  bool matched = false;
  for (auto sig : Split(signature_header, ' ')) {
    if (sig.starts_with("v1,")) matched |= ConstantTimeEquals(sig, *expected);
  }
  if (!matched) return Fail(ErrorCode::kUnauthenticated, "webhook signature does not match");
  return Ok();
}

}  // namespace im
