#include "report/text.h"

#include <cstdio>

#include "common/time.h"
#include "dora/bands.h"

namespace im::report {
namespace {

std::string TxtN(int64_t v) { return std::to_string(v); }

std::string TxtHours(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f",
                std::chrono::duration<double, std::ratio<3600>>(d).count());
  return buf;
}

std::string TxtTrio(const dora::DurationSummary& s) {
  if (s.count == 0) return "-";
  return FormatSpan(s.mean) + " / " + FormatSpan(s.median) + " / " + FormatSpan(s.p90);
}

TextTable TxtGroups(const std::string& caption, const std::string& key,
                    const std::vector<GroupRow>& rows) {
  TextTable t{.caption = caption,
              .header = {key, "Incidents", "Open", "Resolved", "MTTA mean / median / p90",
                         "MTTR mean / median / p90"},
              .rows = {},
              .widths = {2.2, 1, 0.8, 1, 2.6, 2.6}};
  for (const auto& g : rows) {
    t.rows.push_back({g.key, TxtN(g.incidents), TxtN(g.open), TxtN(g.resolved), TxtTrio(g.mtta),
                      TxtTrio(g.mttr)});
  }
  return t;
}

std::string TxtLocal(Time t, const std::string& zone) {
  auto z = date::locate_zone(zone);
  auto local = date::make_zoned(z, std::chrono::floor<std::chrono::seconds>(t));
  return date::format("%Y-%m-%d %H:%M", local);
}

}  // namespace

ReportText MakeText(const Report& r) {
  const Query& q = r.query;
  ReportText t;
  t.title = "Incident report " + q.start_day + " to " + q.end_day;
  std::string services = q.services.empty() ? "all services" : "";
  for (size_t i = 0; i < q.services.size(); ++i) services += (i ? ", " : "") + q.services[i];
  if (!q.team.empty()) services = "team " + q.team + " (" + services + ")";
  std::string sources = q.sources.empty() ? "all sources" : "sources ";
  for (size_t i = 0; i < q.sources.size(); ++i) sources += (i ? ", " : "") + q.sources[i];
  t.scope = "Scope: " + services + " · " + sources + " · days in " + q.zone;
  t.generated = "Generated " + FormatTime(r.generated_at) + " by im";

  Section summary{.title = "Summary"};
  summary.paragraphs.push_back(
      TxtN(r.total) + " incidents were declared in the period: " + TxtN(r.all.resolved) +
      " resolved, " + TxtN(r.all.open) + " still open. MTTA " + FormatSpan(r.all.mtta.mean) +
      " mean, " + FormatSpan(r.all.mtta.median) + " median, " + FormatSpan(r.all.mtta.p90) +
      " p90 (" + TxtN(r.all.mtta.count) + " acknowledged); MTTR " + FormatSpan(r.all.mttr.mean) +
      " mean, " + FormatSpan(r.all.mttr.median) + " median, " + FormatSpan(r.all.mttr.p90) +
      " p90 (" + TxtN(r.all.mttr.count) + " resolved). Times count from each incident's creation " +
      "to its first acknowledgement and to its resolution, as im recorded them from every " +
      "source.");
  summary.tables.push_back(TxtGroups("By severity", "Severity", r.by_severity));
  summary.tables.push_back(TxtGroups("By service", "Service", r.by_service));
  TextTable by_source = TxtGroups("By source", "Source", r.by_source);
  by_source.header.push_back("MTTA as the provider measured it");
  by_source.widths.push_back(2.6);
  int64_t differ = 0;
  for (size_t k = 0; k < r.by_source.size(); ++k) {
    const GroupRow& g = r.by_source[k];
    differ += g.mtta_differs;
    by_source.rows[k].push_back(
        g.provider_mtta.count == 0 ? "-"
                                   : TxtTrio(g.provider_mtta) + " (" + TxtN(g.provider_mtta.count) +
                                         ", " + TxtN(g.mtta_differs) + " differ)");
  }
  summary.tables.push_back(std::move(by_source));
  if (differ > 0) {
    summary.paragraphs.push_back(
        TxtN(differ) +
        " synced incidents have a first acknowledgement in im earlier than the one their "
        "provider recorded: they were acknowledged first in im (or through another connector), "
        "and im counts the earliest acknowledgement any side knows of. The last column of the "
        "table by source shows MTTA as each provider measured it.");
  }
  t.sections.push_back(std::move(summary));

  t.sections.push_back(Section{.title = "Trends", .charts = true});

  Section sla{.title = "SLA compliance"};
  int64_t breached = static_cast<int64_t>(r.breaches.size());
  sla.paragraphs.push_back(
      "Each incident is held to the targets of its severity: im's policy, or the SLA mapping "
      "of the connector it is synced with. Compliance is the share of decided clocks (met or "
      "breached) that met their target; clocks still running are pending. " +
      TxtN(breached) + " breaches in the period.");
  TextTable st{
      .caption = "Per severity",
      .header = {"Severity", "Incidents", "Acknowledge met / breached / pending", "Ack compliance",
                 "Resolve met / breached / pending", "Resolve compliance", "Targets"},
      .rows = {},
      .widths = {1, 1, 1.8, 1.2, 1.8, 1.2, 3}};
  for (const auto& s : r.sla) {
    std::string targets;
    for (const auto& x : s.targets) targets += (targets.empty() ? "" : "; ") + x;
    st.rows.push_back(
        {std::string(core::SeverityName(s.severity)), TxtN(s.incidents),
         TxtN(s.ack_met) + " / " + TxtN(s.ack_breached) + " / " + TxtN(s.ack_pending),
         FormatShare(s.AckCompliance()),
         TxtN(s.resolve_met) + " / " + TxtN(s.resolve_breached) + " / " + TxtN(s.resolve_pending),
         FormatShare(s.ResolveCompliance()), targets.empty() ? "-" : targets});
  }
  sla.tables.push_back(std::move(st));
  // The first breaches here; every one in appendix A, so a busy month keeps this page short.
  constexpr size_t kFirstBreaches = 15;
  auto breach_table = [&](const std::string& caption, size_t limit) {
    TextTable bt{.caption = caption,
                 .header = {"Incident", "Severity", "Clock", "Target", "Due", "Done", "Policy"},
                 .rows = {},
                 .widths = {1, 1, 1.2, 0.9, 1.8, 1.8, 1.6}};
    for (size_t k = 0; k < r.breaches.size() && k < limit; ++k) {
      const auto& b = r.breaches[k];
      bt.rows.push_back({"INC-" + TxtN(b.number), std::string(core::SeverityName(b.severity)),
                         b.clock, FormatSpan(b.target), TxtLocal(b.due, q.zone),
                         b.done_at ? TxtLocal(*b.done_at, q.zone) : "not yet", b.policy});
    }
    return bt;
  };
  sla.tables.push_back(breach_table(r.breaches.size() > kFirstBreaches
                                        ? "The first " + TxtN(kFirstBreaches) +
                                              " breaches (appendix A lists all " + TxtN(breached) +
                                              ")"
                                        : "Breaches",
                                    kFirstBreaches));
  t.sections.push_back(std::move(sla));

  Section oncall{.title = "On-call effectiveness"};
  oncall.paragraphs.push_back(
      TxtN(r.off_hours_pages) + " of " + TxtN(r.total) +
      " incidents were declared outside business hours (weekdays 09:00-18:00 in " + q.zone + "). " +
      TxtN(r.escalated) +
      " needed an escalation past the first level. A page is an incident a person acknowledged "
      "first or was assigned; on-call hours come from the on-call schedules, split in each "
      "engineer's zone.");
  TextTable rt{.caption = "Per engineer",
               .header = {"Engineer", "Pages", "Acknowledged", "Time to ack mean / median / p90",
                          "Off-hours pages", "On-call h business / evening / night+weekend"},
               .rows = {},
               .widths = {3, 0.8, 1.1, 2.4, 1.1, 2.6}};
  for (const auto& p : r.responders) {
    rt.rows.push_back({p.who, TxtN(p.pages), TxtN(p.acknowledged), TxtTrio(p.time_to_acknowledge),
                       TxtN(p.off_hours_pages),
                       TxtHours(p.oncall.business) + " / " + TxtHours(p.oncall.evening) + " / " +
                           TxtHours(p.oncall.night_weekend)});
  }
  oncall.tables.push_back(std::move(rt));
  t.sections.push_back(std::move(oncall));

  Section dora_section{.title = "DORA"};
  if (r.dora) {
    const auto& d = *r.dora;
    char freq[64];
    std::snprintf(freq, sizeof freq, "%.2f per week (%lld)", d.per_week,
                  static_cast<long long>(d.deployments));
    TextTable dt{
        .caption = "", .header = {"Metric", "Value", "Band"}, .rows = {}, .widths = {2, 3, 1}};
    auto band = [](const std::optional<dora::Band>& b) {
      return b ? std::string(dora::BandName(*b)) : "-";
    };
    dt.rows.push_back(
        {"Deployment frequency", freq, std::string(dora::BandName(d.frequency_band))});
    dt.rows.push_back(
        {"Lead time for changes (median)", FormatSpan(d.lead_time.median), band(d.lead_time_band)});
    std::string cfr = d.change_failure_rate
                          ? FormatShare(d.change_failure_rate) + " (" + TxtN(d.failed_deployments) +
                                " of " + TxtN(d.deployments) + ")"
                          : "no deployments";
    dt.rows.push_back({"Change failure rate", cfr, band(d.change_failure_band)});
    dt.rows.push_back(
        {"Time to restore (median)", FormatSpan(d.restore.median), band(d.restore_band)});
    dt.rows.push_back({"Time to acknowledge (median)", FormatSpan(d.acknowledge.median), "-"});
    dora_section.tables.push_back(std::move(dt));
    TextTable wt{.caption = "Weekly trend",
                 .header = {"Week", "Deployments", "Failed", "Lead time (median)",
                            "Time to restore (median)"},
                 .rows = {},
                 .widths = {1.2, 1, 1, 1.5, 1.5}};
    for (const auto& w : d.weeks) {
      wt.rows.push_back({w.label + (w.partial ? " (part)" : ""), TxtN(w.deployments),
                         TxtN(w.failed_deployments), FormatSpan(w.lead_time.median),
                         FormatSpan(w.restore.median)});
    }
    dora_section.tables.push_back(std::move(wt));
  } else {
    dora_section.paragraphs.push_back("No DORA figures: the deployment store is not available.");
  }
  t.sections.push_back(std::move(dora_section));
  Section all_breaches{.title = "Appendix A: SLA breaches"};
  all_breaches.tables.push_back(breach_table("", r.breaches.size()));
  t.sections.push_back(std::move(all_breaches));

  size_t listed = q.timeline_limit > 0
                      ? std::min(r.incidents.size(), static_cast<size_t>(q.timeline_limit))
                      : r.incidents.size();
  for (size_t k = 0; k < listed; ++k) {
    const auto& row = r.incidents[k];
    const auto& i = row.incident;
    IncidentText it;
    it.heading = "INC-" + TxtN(i.number) + " · " + std::string(core::SeverityName(i.severity)) +
                 " · " + i.title;
    std::string svc;
    for (const auto& s : i.services) svc += (svc.empty() ? "" : ", ") + s;
    std::string ref = ProviderReference(i);
    it.facts =
        "Service " + svc + " · source " + SourceOf(i) + (ref.empty() ? "" : " (" + ref + ")") +
        " · status " + std::string(core::StatusName(i.status)) + " · declared " +
        TxtLocal(i.created_at, q.zone) +
        (i.acknowledged_at
             ? " · acknowledged after " + FormatSpan(*i.acknowledged_at - i.created_at) +
                   (i.acknowledged_by.empty() ? "" : " by " + i.acknowledged_by)
             : " · never acknowledged") +
        (i.resolved_at ? " · resolved after " + FormatSpan(*i.resolved_at - i.created_at) : "") +
        " · SLA acknowledge " + std::string(core::SlaStateName(row.sla.acknowledge.state)) +
        ", resolve " + std::string(core::SlaStateName(row.sla.resolve.state)) +
        (row.deployment_id.empty() ? "" : " · deployment " + row.deployment_id) +
        (ProviderLink(i).empty() ? "" : " · " + ProviderLink(i));
    for (const auto& e : row.timeline) {
      it.timeline.push_back(TxtLocal(e.at, q.zone) + "  " +
                            std::string(core::EntryKindName(e.kind)) + "  " +
                            (e.actor.empty() ? "" : e.actor + ": ") + e.message);
    }
    t.incidents.push_back(std::move(it));
  }
  if (listed < r.incidents.size()) {
    t.not_listed = TxtN(static_cast<int64_t>(r.incidents.size() - listed)) +
                   " more incidents are not listed here (the report was asked for " +
                   TxtN(static_cast<int64_t>(listed)) +
                   "); the summary above counts them all, and --format csv lists every one.";
  }
  return t;
}

}  // namespace im::report
