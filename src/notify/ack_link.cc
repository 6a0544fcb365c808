#include "notify/ack_link.h"

#include "common/crypto.h"
#include "common/time.h"
#include "store/notify_store.h"

namespace im::notify {
namespace {

std::string UrlSafe(std::string b64) {
  for (char& c : b64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (b64.ends_with("=")) b64.pop_back();
  return b64;
}

Result<std::string> FromUrlSafe(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  return Base64Decode(s);
}

Result<AckLink> Refused() {
  return Fail(ErrorCode::kPermissionDenied,
              "this acknowledge link is not valid (it was changed or not made by this im); "
              "acknowledge with `im ack --incident INC-<n>` or in the dashboard");
}

}  // namespace

std::string AckLinks::Sign(const AckLink& link) const {
  std::string payload = std::to_string(link.incident) + "|" + link.link_id + "|" +
                        std::to_string(ToUnixMicros(link.expires) / 1000000) + "|" + link.email;
  return UrlSafe(Base64Encode(payload)) + "." + UrlSafe(Base64Encode(HmacSha256(key_, payload)));
}

Result<AckLink> AckLinks::Verify(std::string_view token) const {
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return Refused();
  auto payload = FromUrlSafe(token.substr(0, dot));
  auto sig = FromUrlSafe(token.substr(dot + 1));
  if (!payload || !sig) return Refused();
  if (!ConstantTimeEquals(*sig, HmacSha256(key_, *payload))) return Refused();
  // Signed by us: the fields are ours.
  AckLink link;
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t bar = payload->find('|', start);
    if (bar == std::string::npos) return Refused();
    parts.push_back(payload->substr(start, bar - start));
    start = bar + 1;
  }
  link.email = payload->substr(start);
  try {
    link.incident = std::stoll(parts[0]);
    link.expires = FromUnixMicros(std::stoll(parts[2]) * 1000000);
  } catch (const std::exception&) {
    return Refused();
  }
  link.link_id = parts[1];
  if (clock_.Now() > link.expires) {
    return Fail(ErrorCode::kFailedPrecondition,
                "this acknowledge link expired; acknowledge with `im ack --incident " +
                    core::IncidentId(link.incident) + "` or in the dashboard");
  }
  return link;
}

Result<core::Incident> AckLinks::Acknowledge(std::string_view token,
                                             engine::Incidents& incidents) const {
  auto link = Verify(token);
  if (!link) return std::unexpected(link.error());
  core::Actor actor{.email = link->email.empty() ? "ack-link" : link->email};
  return incidents.Apply(
      link->incident, engine::Action::kAcknowledge, actor, "acknowledged from the page's link",
      [&](store::Tx& tx) -> Result<void> {
        auto fresh = tx.Notify().UseAckLink(link->link_id, link->incident, clock_.Now());
        if (!fresh) return std::unexpected(fresh.error());
        if (!*fresh) {
          return Fail(ErrorCode::kAlreadyExists,
                      "this acknowledge link was used already; each link works once (see the "
                      "incident with `im show`, or acknowledge with `im ack` or in the "
                      "dashboard)");
        }
        return Ok();
      });
}

}  // namespace im::notify
