// Webhook JSON → Deployment with checked access; Deployment → API JSON.
#include "dora/deployment_json.h"

#include "common/time.h"

namespace im::dora {
namespace {

Result<std::optional<Time>> OptionalTime(const json::object& body, std::string_view field) {
  auto text = json::GetOptionalString(body, field);
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<Time>();
  auto t = ParseTime(**text);
  if (!t) {
    return Fail(ErrorCode::kInvalidArgument, "field '" + std::string(field) +
                                                 "' must be an RFC 3339 time like "
                                                 "2026-03-01T10:00:00Z: " +
                                                 t.error().message);
  }
  return std::optional<Time>(*t);
}

json::value TimeOrNull(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

}  // namespace

Result<Deployment> DeploymentFromWebhookJson(const json::object& body) {
  if (auto ok = json::RejectUnknownFields(
          body, {"id", "service", "environment", "triggeredAt", "finishedAt", "status", "commitSha",
                 "committedAt", "mergedAt", "url"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Deployment d;
  auto id = json::GetString(body, "id");
  if (!id) return std::unexpected(id.error());
  d.id = *id;
  auto service = json::GetString(body, "service");
  if (!service) return std::unexpected(service.error());
  d.service = *service;
  auto env = json::GetOptionalString(body, "environment");
  if (!env) return std::unexpected(env.error());
  if (*env) d.environment = **env;
  auto triggered = OptionalTime(body, "triggeredAt");
  if (!triggered) return std::unexpected(triggered.error());
  if (!*triggered) return Fail(ErrorCode::kInvalidArgument, "missing field 'triggeredAt'");
  d.triggered_at = **triggered;
  auto finished = OptionalTime(body, "finishedAt");
  if (!finished) return std::unexpected(finished.error());
  d.finished_at = *finished;
  auto status = json::GetOptionalString(body, "status");
  if (!status) return std::unexpected(status.error());
  if (*status) {
    auto s = ParseDeployStatus(**status);
    if (!s) return std::unexpected(s.error());
    d.status = *s;
  }
  auto sha = json::GetOptionalString(body, "commitSha");
  if (!sha) return std::unexpected(sha.error());
  d.commit_sha = sha->value_or("");
  auto committed = OptionalTime(body, "committedAt");
  if (!committed) return std::unexpected(committed.error());
  auto merged = OptionalTime(body, "mergedAt");
  if (!merged) return std::unexpected(merged.error());
  if (*committed && *merged) {
    return Fail(ErrorCode::kInvalidArgument,
                "fields 'committedAt' and 'mergedAt' are both set; send one of them");
  }
  d.committed_at = *committed ? *committed : *merged;
  auto url = json::GetOptionalString(body, "url");
  if (!url) return std::unexpected(url.error());
  d.url = url->value_or("");
  if (auto ok = Validate(d); !ok) return std::unexpected(ok.error());
  return d;
}

json::object DeploymentToJson(const Deployment& d) {
  json::object o{{"id", d.id},
                 {"service", d.service},
                 {"environment", d.environment},
                 {"triggered_at", FormatTime(d.triggered_at)},
                 {"finished_at", TimeOrNull(d.finished_at)},
                 {"status", DeployStatusName(d.status)},
                 {"commit_sha", d.commit_sha},
                 {"committed_at", TimeOrNull(d.committed_at)},
                 {"url", d.url},
                 {"source", d.source},
                 {"received_at", FormatTime(d.received_at)}};
  if (d.committed_at) {
    o["lead_time_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(d.LiveAt() - *d.committed_at).count();
  } else {
    o["lead_time_seconds"] = nullptr;
  }
  return o;
}

}  // namespace im::dora
