// PagerDuty change events (GET /change_events) as im deployments: one deployment per change
// event, its id "pagerduty:<change event id>" so a re-read adds nothing, on the service the
// event was sent to (mapped like incidents), at the event's timestamp. custom_details may carry
// what DORA needs: environment, status (success or failure), commit_sha / commit, committed_at /
// merged_at; the first link is the deployment's url. Docs: docs/dora.md.
#include "common/time.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "dora/deployment.h"

namespace im::connectors::pagerduty {
namespace {

std::optional<Time> TimeField(const json::object& o, std::string_view key) {
  std::string text = json::StringOr(o, key);
  if (text.empty()) return std::nullopt;
  auto t = ParseTime(text);
  return t ? std::optional<Time>(*t) : std::nullopt;
}

}  // namespace

Result<void> PagerDutyConnector::ImportChangeEvents(Time since, Time until, SyncReport& report) {
  if (!ctx_.deployments) return Ok();
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const Directory& dir = **snapshot;
  // PagerDuty keeps change events 90 days, and wants UTC times.
  since = std::max(since, until - std::chrono::days(90));
  auto listed = client_.ForEach(
      "/change_events", {{"since", QueryTime(since, false)}, {"until", QueryTime(until, true)}},
      "change_events", [&](const json::object& ce) -> Result<bool> {
        dora::Deployment d;
        d.id = "pagerduty:" + json::StringOr(ce, "id");
        auto at = TimeField(ce, "timestamp");
        auto services = ce.find("services");
        if (d.id == "pagerduty:" || !at || services == ce.end() || !services->value().is_array() ||
            services->value().as_array().empty() || !services->value().as_array()[0].is_object()) {
          ctx_.log->warn("skipping a PagerDuty change event without id, timestamp or service");
          return true;
        }
        const auto& svc = services->value().as_array()[0].as_object();
        d.service = dir.ServiceName(json::StringOr(svc, "id"), json::StringOr(svc, "summary"));
        d.triggered_at = *at;
        d.source = "pagerduty:" + config_.name;
        d.received_at = ctx_.clock.Now();
        auto details = ce.find("custom_details");
        if (details != ce.end() && details->value().is_object()) {
          const auto& cd = details->value().as_object();
          if (std::string env = json::StringOr(cd, "environment"); !env.empty())
            d.environment = env;
          std::string status = json::StringOr(cd, "status");
          if (status == "failure" || status == "failed") d.status = dora::DeployStatus::kFailure;
          d.commit_sha = json::StringOr(cd, "commit_sha");
          if (d.commit_sha.empty()) d.commit_sha = json::StringOr(cd, "commit");
          d.committed_at = TimeField(cd, "committed_at");
          if (!d.committed_at) d.committed_at = TimeField(cd, "merged_at");
        }
        auto links = ce.find("links");
        if (links != ce.end() && links->value().is_array() && !links->value().as_array().empty() &&
            links->value().as_array()[0].is_object()) {
          d.url = json::StringOr(links->value().as_array()[0].as_object(), "href");
        }
        if (auto ok = dora::Validate(d); !ok) {
          ctx_.log->warn("skipping PagerDuty change event {}: {}", d.id, ok.error().message);
          return true;
        }
        auto recorded = ctx_.deployments->Record(d);
        if (!recorded) return std::unexpected(recorded.error());
        if (recorded->created) report.deployments++;
        return true;
      });
  report.requests++;
  if (!listed) return std::unexpected(listed.error().Wrap("listing PagerDuty change events"));
  return Ok();
}

}  // namespace im::connectors::pagerduty
