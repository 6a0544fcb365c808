// A deployment: one change shipped to one service in one environment, the unit DORA counts.
// Deployments arrive by webhook, CLI or connector; `id` is the sender's and makes them idempotent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace im::dora {

// Whether the deploy job itself succeeded. A "failure" deployment never reached production:
// it is listed and counted apart, and is not a deployment for the four keys.
enum class DeployStatus { kSuccess, kFailure };
Result<DeployStatus> ParseDeployStatus(std::string_view text);  // "success", "failure"
std::string_view DeployStatusName(DeployStatus s);

inline constexpr std::string_view kProduction = "production";

struct Deployment {
  std::string id;  // the sender's id; a second delivery with the same id is ignored
  std::string service;
  std::string environment{kProduction};
  Time triggered_at{};
  std::optional<Time> finished_at;
  DeployStatus status = DeployStatus::kSuccess;
  std::string commit_sha;
  std::optional<Time> committed_at;  // commit (or merge) time of the change, for lead time
  std::string url;
  std::string source;  // who sent it: "cli", "webhook:<secret name>", "token:<email>"
  Time received_at{};

  // When the change reached production: finished_at when known, else triggered_at.
  Time LiveAt() const { return finished_at.value_or(triggered_at); }
};

// Checks what the store relies on; the error names the field by its wire name ("triggeredAt").
Result<void> Validate(const Deployment& d);

}  // namespace im::dora
