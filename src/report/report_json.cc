#include "dora/report_json.h"
#include "common/time.h"
#include "report/render.h"

namespace im::report {
namespace {

json::value JsonTimeOrNull(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

json::object GroupJson(const GroupRow& g) {
  return {{"key", g.key},
          {"incidents", g.incidents},
          {"open", g.open},
          {"resolved", g.resolved},
          {"mtta", dora::DurationSummaryToJson(g.mtta)},
          {"mttr", dora::DurationSummaryToJson(g.mttr)},
          {"provider_mtta", dora::DurationSummaryToJson(g.provider_mtta)},
          {"mtta_differs", g.mtta_differs}};
}

json::array JsonGroups(const std::vector<GroupRow>& rows) {
  json::array out;
  for (const auto& g : rows) out.push_back(GroupJson(g));
  return out;
}

json::value ShareJson(std::optional<double> s) {
  return s ? json::value(*s) : json::value(nullptr);
}

double JsonHours(Duration d) { return std::chrono::duration<double, std::ratio<3600>>(d).count(); }

}  // namespace

json::object ToJson(const Report& r) {
  json::array services, sources, sla, breaches, responders, weeks, incidents;
  for (const auto& s : r.query.services) services.emplace_back(s);
  for (const auto& s : r.query.sources) sources.emplace_back(s);
  for (const auto& s : r.sla) {
    json::array targets;
    for (const auto& t : s.targets) targets.emplace_back(t);
    sla.push_back(json::object{{"severity", core::SeverityName(s.severity)},
                               {"incidents", s.incidents},
                               {"acknowledge",
                                {{"met", s.ack_met},
                                 {"breached", s.ack_breached},
                                 {"pending", s.ack_pending},
                                 {"compliance", ShareJson(s.AckCompliance())}}},
                               {"resolve",
                                {{"met", s.resolve_met},
                                 {"breached", s.resolve_breached},
                                 {"pending", s.resolve_pending},
                                 {"compliance", ShareJson(s.ResolveCompliance())}}},
                               {"targets", std::move(targets)}});
  }
  for (const auto& b : r.breaches) {
    breaches.push_back(json::object{
        {"incident", b.number},
        {"severity", core::SeverityName(b.severity)},
        {"clock", b.clock},
        {"target_seconds", std::chrono::duration_cast<std::chrono::seconds>(b.target).count()},
        {"due", FormatTime(b.due)},
        {"done_at", JsonTimeOrNull(b.done_at)},
        {"policy", b.policy}});
  }
  for (const auto& p : r.responders) {
    responders.push_back(
        json::object{{"who", p.who},
                     {"pages", p.pages},
                     {"acknowledged", p.acknowledged},
                     {"time_to_acknowledge", dora::DurationSummaryToJson(p.time_to_acknowledge)},
                     {"off_hours_pages", p.off_hours_pages},
                     {"oncall_hours",
                      {{"business", JsonHours(p.oncall.business)},
                       {"evening", JsonHours(p.oncall.evening)},
                       {"night_weekend", JsonHours(p.oncall.night_weekend)},
                       {"total", JsonHours(p.oncall.Total())}}}});
  }
  for (const auto& w : r.weeks) {
    json::object sev;
    for (int s = 0; s < 4; ++s) {
      sev[core::SeverityName(static_cast<core::Severity>(s + 1))] = w.by_severity[s];
    }
    weeks.push_back(json::object{
        {"week", w.label},
        {"start", FormatTime(w.start)},
        {"partial", w.partial},
        {"incidents_by_severity", std::move(sev)},
        {"mtta", dora::DurationSummaryToJson(w.mtta)},
        {"mttr", dora::DurationSummaryToJson(w.mttr)},
        {"resolve_sla",
         {{"met", w.sla_met},
          {"decided", w.sla_decided},
          {"compliance",
           ShareJson(w.sla_decided ? std::optional<double>(static_cast<double>(w.sla_met) /
                                                           static_cast<double>(w.sla_decided))
                                   : std::nullopt)}}}});
  }
  size_t listed = r.query.timeline_limit > 0
                      ? std::min(r.incidents.size(), static_cast<size_t>(r.query.timeline_limit))
                      : r.incidents.size();
  for (size_t k = 0; k < listed; ++k) {
    const auto& row = r.incidents[k];
    const auto& i = row.incident;
    json::array svc, assignees, timeline;
    for (const auto& s : i.services) svc.emplace_back(s);
    for (const auto& a : i.assignees) assignees.emplace_back(a);
    for (const auto& e : row.timeline) {
      timeline.push_back(json::object{{"at", FormatTime(e.at)},
                                      {"kind", core::EntryKindName(e.kind)},
                                      {"actor", e.actor},
                                      {"message", e.message},
                                      {"source", e.source}});
    }
    incidents.push_back(
        json::object{{"number", i.number},
                     {"id", "INC-" + std::to_string(i.number)},
                     {"title", i.title},
                     {"severity", core::SeverityName(i.severity)},
                     {"status", core::StatusName(i.status)},
                     {"services", std::move(svc)},
                     {"source", SourceOf(i)},
                     {"provider_reference", ProviderReference(i)},
                     {"provider_link", ProviderLink(i)},
                     {"created_at", FormatTime(i.created_at)},
                     {"acknowledged_at", JsonTimeOrNull(i.acknowledged_at)},
                     {"acknowledged_by", i.acknowledged_by},
                     {"resolved_at", JsonTimeOrNull(i.resolved_at)},
                     {"assignees", std::move(assignees)},
                     {"sla",
                      {{"policy", row.sla.policy},
                       {"acknowledge", core::SlaStateName(row.sla.acknowledge.state)},
                       {"resolve", core::SlaStateName(row.sla.resolve.state)}}},
                     {"deployment", row.deployment_id.empty() ? json::value(nullptr)
                                                              : json::value(row.deployment_id)},
                     {"attribution", row.attribution},
                     {"timeline", std::move(timeline)}});
  }
  json::object out{
      {"period",
       {{"start", r.query.start_day},
        {"end", r.query.end_day},
        {"zone", r.query.zone},
        {"since", FormatTime(r.query.since)},
        {"until", FormatTime(r.query.until)}}},
      {"scope",
       {{"services", std::move(services)},
        {"team", r.query.team},
        {"sources", std::move(sources)}}},
      {"generated_at", FormatTime(r.generated_at)},
      {"summary",
       {{"incidents", r.total},
        {"all", GroupJson(r.all)},
        {"by_severity", JsonGroups(r.by_severity)},
        {"by_service", JsonGroups(r.by_service)},
        {"by_source", JsonGroups(r.by_source)}}},
      {"sla", std::move(sla)},
      {"breaches", std::move(breaches)},
      {"oncall",
       {{"responders", std::move(responders)},
        {"escalated_incidents", r.escalated},
        {"off_hours_pages", r.off_hours_pages}}},
      {"weeks", std::move(weeks)},
      {"dora", r.dora ? json::value(dora::ReportToJson(*r.dora)) : json::value(nullptr)},
      {"incidents", std::move(incidents)},
      {"incidents_listed", static_cast<int64_t>(listed)},
      {"incidents_not_listed", r.total - static_cast<int64_t>(listed)}};
  return out;
}

}  // namespace im::report
