#include <cstdio>

#include "common/time.h"
#include "dora/bands.h"
#include "report/render.h"

namespace im::report {
namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class CsvTable {
 public:
  explicit CsvTable(const std::vector<std::string>& header) { Row(header); }
  void Row(const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) text_ += (i ? "," : "") + CsvField(cells[i]);
    text_ += "\r\n";
  }
  std::string text() const { return text_; }

 private:
  std::string text_;
};

std::string CsvSeconds(const std::optional<Duration>& d) {
  if (!d) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0f", std::chrono::duration<double>(*d).count());
  return buf;
}

std::string CsvHours(Duration d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f",
                std::chrono::duration<double, std::ratio<3600>>(d).count());
  return buf;
}

std::string CsvShare(std::optional<double> s) {
  if (!s) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *s);
  return buf;
}

std::string CsvN(int64_t v) { return std::to_string(v); }
std::string CsvAt(const std::optional<Time>& t) { return t ? FormatTime(*t) : ""; }

void CsvGroup(CsvTable& t, const std::string& group, const GroupRow& g) {
  t.Row({group, g.key, CsvN(g.incidents), CsvN(g.open), CsvN(g.resolved), CsvSeconds(g.mtta.mean),
         CsvSeconds(g.mtta.median), CsvSeconds(g.mtta.p90), CsvSeconds(g.mttr.mean),
         CsvSeconds(g.mttr.median), CsvSeconds(g.mttr.p90), CsvSeconds(g.provider_mtta.mean),
         CsvN(g.provider_mtta.count), CsvN(g.mtta_differs)});
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ToCsv(const Report& r) {
  std::vector<std::pair<std::string, std::string>> out;

  CsvTable summary({"group", "key", "incidents", "open", "resolved", "mtta_mean_s", "mtta_median_s",
                    "mtta_p90_s", "mttr_mean_s", "mttr_median_s", "mttr_p90_s",
                    "provider_mtta_mean_s", "provider_acknowledged", "mtta_differs"});
  CsvGroup(summary, "all", r.all);
  for (const auto& g : r.by_severity) CsvGroup(summary, "severity", g);
  for (const auto& g : r.by_service) CsvGroup(summary, "service", g);
  for (const auto& g : r.by_source) CsvGroup(summary, "source", g);
  out.emplace_back("summary.csv", summary.text());

  CsvTable sla({"severity", "incidents", "ack_met", "ack_breached", "ack_pending", "ack_compliance",
                "resolve_met", "resolve_breached", "resolve_pending", "resolve_compliance",
                "targets"});
  for (const auto& s : r.sla) {
    std::string targets;
    for (const auto& t : s.targets) targets += (targets.empty() ? "" : "; ") + t;
    sla.Row({std::string(core::SeverityName(s.severity)), CsvN(s.incidents), CsvN(s.ack_met),
             CsvN(s.ack_breached), CsvN(s.ack_pending), CsvShare(s.AckCompliance()),
             CsvN(s.resolve_met), CsvN(s.resolve_breached), CsvN(s.resolve_pending),
             CsvShare(s.ResolveCompliance()), targets});
  }
  out.emplace_back("sla.csv", sla.text());

  CsvTable breaches({"incident", "severity", "clock", "target_s", "due", "done_at", "policy"});
  for (const auto& b : r.breaches) {
    breaches.Row({"INC-" + CsvN(b.number), std::string(core::SeverityName(b.severity)), b.clock,
                  CsvSeconds(b.target), FormatTime(b.due), CsvAt(b.done_at), b.policy});
  }
  out.emplace_back("breaches.csv", breaches.text());

  CsvTable people({"who", "pages", "acknowledged", "tta_mean_s", "tta_median_s", "tta_p90_s",
                   "off_hours_pages", "oncall_business_h", "oncall_evening_h",
                   "oncall_night_weekend_h", "oncall_total_h"});
  for (const auto& p : r.responders) {
    const auto& t = p.time_to_acknowledge;
    people.Row({p.who, CsvN(p.pages), CsvN(p.acknowledged), CsvSeconds(t.mean),
                CsvSeconds(t.median), CsvSeconds(t.p90), CsvN(p.off_hours_pages),
                CsvHours(p.oncall.business), CsvHours(p.oncall.evening),
                CsvHours(p.oncall.night_weekend), CsvHours(p.oncall.Total())});
  }
  out.emplace_back("responders.csv", people.text());

  CsvTable weeks({"week", "start", "partial", "sev1", "sev2", "sev3", "sev4", "mtta_mean_s",
                  "mttr_mean_s", "resolve_sla_met", "resolve_sla_decided"});
  for (const auto& w : r.weeks) {
    weeks.Row({w.label, FormatTime(w.start), w.partial ? "true" : "false", CsvN(w.by_severity[0]),
               CsvN(w.by_severity[1]), CsvN(w.by_severity[2]), CsvN(w.by_severity[3]),
               CsvSeconds(w.mtta.mean), CsvSeconds(w.mttr.mean), CsvN(w.sla_met),
               CsvN(w.sla_decided)});
  }
  out.emplace_back("weeks.csv", weeks.text());

  CsvTable incidents({"incident", "title", "severity", "status", "services", "source",
                      "provider_reference", "created_at", "acknowledged_at", "acknowledged_by",
                      "resolved_at", "ack_sla", "resolve_sla", "deployment"});
  for (const auto& row : r.incidents) {
    const auto& i = row.incident;
    std::string svc;
    for (const auto& s : i.services) svc += (svc.empty() ? "" : ";") + s;
    incidents.Row({"INC-" + CsvN(i.number), i.title, std::string(core::SeverityName(i.severity)),
                   std::string(core::StatusName(i.status)), svc, SourceOf(i), ProviderReference(i),
                   FormatTime(i.created_at), CsvAt(i.acknowledged_at), i.acknowledged_by,
                   CsvAt(i.resolved_at), std::string(core::SlaStateName(row.sla.acknowledge.state)),
                   std::string(core::SlaStateName(row.sla.resolve.state)), row.deployment_id});
  }
  out.emplace_back("incidents.csv", incidents.text());

  CsvTable dora({"metric", "value", "band"});
  if (r.dora) {
    const auto& d = *r.dora;
    char per_week[32];
    std::snprintf(per_week, sizeof per_week, "%.2f", d.per_week);
    dora.Row({"deployments", CsvN(d.deployments), ""});
    dora.Row({"deployments_per_week", per_week, std::string(dora::BandName(d.frequency_band))});
    dora.Row({"lead_time_median_s", CsvSeconds(d.lead_time.median),
              d.lead_time_band ? std::string(dora::BandName(*d.lead_time_band)) : ""});
    dora.Row({"change_failure_rate", CsvShare(d.change_failure_rate),
              d.change_failure_band ? std::string(dora::BandName(*d.change_failure_band)) : ""});
    dora.Row({"time_to_restore_median_s", CsvSeconds(d.restore.median),
              d.restore_band ? std::string(dora::BandName(*d.restore_band)) : ""});
    dora.Row({"time_to_acknowledge_median_s", CsvSeconds(d.acknowledge.median), ""});
  }
  out.emplace_back("dora.csv", dora.text());
  return out;
}

}  // namespace im::report
