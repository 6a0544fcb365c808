// Signed one-time acknowledge links, put in every page im's escalation sends: the link names
// the incident, the page (link id), the person paged and an expiry, signed with HMAC-SHA256
// under a key derived from the installation's secret key. Opening it shows a button; pressing
// it acknowledges the incident, and marks the link used in the same transaction, so a link
// works once. A link whose text was changed, or that has expired, is refused.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "engine/incidents.h"

namespace im::notify {

struct AckLink {
  int64_t incident = 0;
  std::string link_id;  // the page's message id
  std::string email;    // who was paged: the acknowledger
  Time expires{};
};

class AckLinks {
 public:
  // `key`: secret bytes (connectors::SecretBox::DeriveKey("ack-link")).
  AckLinks(std::string key, const Clock& clock) : key_(std::move(key)), clock_(clock) {}

  // The token (URL-safe) for `link`.
  std::string Sign(const AckLink& link) const;
  // kPermissionDenied for a token that was not signed with our key or was altered,
  // kFailedPrecondition for an expired one.
  Result<AckLink> Verify(std::string_view token) const;

  // Verifies `token` and acknowledges its incident as the person paged; kAlreadyExists when
  // the link was used before (nothing changes).
  Result<core::Incident> Acknowledge(std::string_view token, engine::Incidents& incidents) const;

 private:
  std::string key_;
  const Clock& clock_;
};

}  // namespace im::notify
