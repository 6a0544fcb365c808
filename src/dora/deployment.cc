// Deployment status names and field checks.
#include "dora/deployment.h"

namespace im::dora {
namespace {

Result<void> CheckText(std::string_view field, const std::string& value, size_t max,
                       bool required) {
  if (required && value.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "field '" + std::string(field) + "' is empty");
  }
  if (value.size() > max) {
    return Fail(ErrorCode::kInvalidArgument, "field '" + std::string(field) + "' is longer than " +
                                                 std::to_string(max) + " characters");
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument,
                  "field '" + std::string(field) + "' contains a control character");
    }
  }
  return Ok();
}

}  // namespace

Result<DeployStatus> ParseDeployStatus(std::string_view text) {
  if (text == "success") return DeployStatus::kSuccess;
  if (text == "failure") return DeployStatus::kFailure;
  return Fail(
      ErrorCode::kInvalidArgument,
      "field 'status' must be \"success\" or \"failure\", not \"" + std::string(text) + "\"");
}

std::string_view DeployStatusName(DeployStatus s) {
  return s == DeployStatus::kSuccess ? "success" : "failure";
}

Result<void> Validate(const Deployment& d) {
  struct Field {
    const char* name;
    const std::string* value;
    size_t max;
    bool required;
  };
  for (const Field& f :
       {Field{"id", &d.id, 200, true}, Field{"service", &d.service, 200, true},
        Field{"environment", &d.environment, 100, true},
        Field{"commitSha", &d.commit_sha, 100, false}, Field{"url", &d.url, 2000, false}}) {
    if (auto ok = CheckText(f.name, *f.value, f.max, f.required); !ok) return ok;
  }
  if (d.triggered_at.time_since_epoch().count() <= 0) {
    return Fail(ErrorCode::kInvalidArgument, "field 'triggeredAt' must be after 1970");
  }
  if (d.finished_at && *d.finished_at < d.triggered_at) {
    return Fail(ErrorCode::kInvalidArgument, "field 'finishedAt' is before 'triggeredAt'");
  }
  if (d.committed_at && *d.committed_at > d.triggered_at) {
    return Fail(ErrorCode::kInvalidArgument,
                "field 'committedAt' is after 'triggeredAt': a change cannot be deployed before "
                "it is committed");
  }
  return Ok();
}

}  // namespace im::dora
