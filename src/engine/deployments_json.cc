// DoraResult → the JSON of GET /api/v1/metrics/dora and `im metrics dora --json`.
#include "common/time.h"
#include "core/incident.h"
#include "dora/deployment_json.h"
#include "dora/report_json.h"
#include "engine/deployments.h"

namespace im::engine {
namespace {

json::value TimeOrNull(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

json::value SecondsBetween(Time from, const std::optional<Time>& to) {
  if (!to) return nullptr;
  return static_cast<double>((*to - from).count()) / 1e6;
}

json::object IncidentToJson(const IncidentDrill& d) {
  const auto& f = d.fact;
  json::array in;
  for (const auto& c : d.counted_in) in.emplace_back(c);
  json::object o{{"id", core::IncidentId(f.number)},
                 {"urgency", f.high_urgency ? "high" : "low"},
                 {"created_at", FormatTime(f.created_at)},
                 {"acknowledged_at", TimeOrNull(f.acknowledged_at)},
                 {"resolved_at", TimeOrNull(f.resolved_at)},
                 {"time_to_acknowledge_seconds", SecondsBetween(f.created_at, f.acknowledged_at)},
                 {"time_to_restore_seconds", SecondsBetween(f.created_at, f.resolved_at)},
                 {"counted_in", std::move(in)},
                 {"excluded_low_urgency", d.excluded_low_urgency}};
  if (d.attribution && !d.attribution->deployment_id.empty()) {
    o["deployment"] = d.attribution->deployment_id;
  } else {
    o["deployment"] = nullptr;
  }
  o["attribution"] = d.attribution ? json::value(d.attribution->explanation) : nullptr;
  o["manual"] = d.attribution && d.attribution->manual;
  return o;
}

}  // namespace

json::object DoraResultToJson(const DoraResult& r) {
  json::object o = dora::ReportToJson(r.report);
  json::array services;
  for (const auto& s : r.services) services.emplace_back(s);
  o["filter"] = json::object{{"services", std::move(services)},
                             {"team", r.team.empty() ? json::value(nullptr) : json::value(r.team)}};
  if (r.listed_incidents) {
    json::array items;
    for (const auto& d : r.incidents) items.push_back(IncidentToJson(d));
    o["incident_list"] =
        json::object{{"total", r.incidents_total},
                     {"truncated", r.incidents_total > static_cast<int64_t>(r.incidents.size())},
                     {"items", std::move(items)}};
  }
  if (!r.by_source.empty()) {
    json::object by_source;
    for (const auto& [source, report] : r.by_source) {
      // What depends on where incidents came from; deployments, lead time, the period and
      // the weekly series are the whole report's.
      json::object one = dora::ReportToJson(report);
      for (const char* shared :
           {"period", "deployment_frequency", "lead_time", "bands_source", "weekly"}) {
        one.erase(shared);
      }
      by_source[source] = std::move(one);
    }
    o["by_source"] = std::move(by_source);
  }
  if (r.listed_deployments) {
    json::array items;
    for (const auto& d : r.deployments) {
      json::object j = dora::DeploymentToJson(d.deployment);
      json::array incidents;
      for (int64_t n : d.incidents) incidents.emplace_back(core::IncidentId(n));
      j["change_failure"] = !d.incidents.empty();
      j["incidents"] = std::move(incidents);
      items.push_back(std::move(j));
    }
    o["deployment_list"] =
        json::object{{"truncated", r.deployments_truncated}, {"items", std::move(items)}};
  }
  return o;
}

}  // namespace im::engine
