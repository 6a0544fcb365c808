#include "report/report.h"

#include <algorithm>
#include <cstdio>

#include "common/time.h"
#include "dora/weeks.h"

namespace im::report {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Durations of a group, gathered before they are summarised.
struct Samples {
  GroupRow row;
  std::vector<int64_t> mtta, mttr, provider_mtta;

  void Add(const core::Incident& i) {
    ++row.incidents;
    if (i.resolved_at) {
      ++row.resolved;
      mttr.push_back(duration_cast<microseconds>(*i.resolved_at - i.created_at).count());
    } else {
      ++row.open;
    }
    if (i.acknowledged_at) {
      mtta.push_back(duration_cast<microseconds>(*i.acknowledged_at - i.created_at).count());
    }
    if (auto theirs = ProviderAcknowledgedAt(i)) {
      provider_mtta.push_back(duration_cast<microseconds>(*theirs - i.created_at).count());
      if (i.acknowledged_at != theirs) ++row.mtta_differs;
    }
  }
  GroupRow Done() {
    row.mtta = dora::Summarize(mtta);
    row.mttr = dora::Summarize(mttr);
    row.provider_mtta = dora::Summarize(provider_mtta);
    return row;
  }
};

std::vector<GroupRow> Rows(std::map<std::string, Samples>& groups) {
  std::vector<GroupRow> out;
  for (auto& [key, s] : groups) {
    s.row.key = key;
    out.push_back(s.Done());
  }
  return out;
}

bool OffHours(Time at, const date::time_zone* zone) {
  auto split = schedule::SplitHours(at, at + std::chrono::seconds(1), zone);
  return split.business == Duration::zero();
}

std::string TargetText(const std::string& policy, const core::SlaClock& ack,
                       const core::SlaClock& resolve) {
  auto span = [](Duration d) { return FormatSpan(d); };
  return policy + ": acknowledge " + span(ack.target) + ", resolve " + span(resolve.target);
}

}  // namespace

Result<Format> ParseFormat(std::string_view text) {
  if (text == "json") return Format::kJson;
  if (text == "csv") return Format::kCsv;
  if (text == "html") return Format::kHtml;
  if (text == "pdf") return Format::kPdf;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown report format '" + std::string(text) + "'; use pdf, html, csv or json");
}

std::string SourceOf(const core::Incident& incident) {
  std::string s = incident.source.substr(0, incident.source.find(':'));
  return s.empty() ? "im" : s;
}

std::string ProviderReference(const core::Incident& i) {
  auto field = [&](const char* k) -> std::string {
    auto it = i.custom_fields.find(k);
    return it == i.custom_fields.end() ? "" : it->second;
  };
  if (std::string id = field("pagerduty_id"); !id.empty()) {
    std::string n = field("pagerduty_number");
    return "PagerDuty " + (n.empty() ? id : "#" + n + " (" + id + ")");
  }
  if (std::string tiny = field("opsgenie_tiny_id"); !tiny.empty()) {
    std::string kind = field("opsgenie_kind");
    return "Opsgenie " + (kind.empty() ? std::string("alert") : kind) + " #" + tiny;
  }
  for (const char* k : {"incidentio_reference", "incidentio_id"}) {
    if (std::string ref = field(k); !ref.empty()) return "incident.io " + ref;
  }
  return "";
}

std::optional<Time> ProviderAcknowledgedAt(const core::Incident& i) {
  auto it = i.custom_fields.find(SourceOf(i) + "_acknowledged_at");
  if (it == i.custom_fields.end()) return std::nullopt;
  auto t = ParseTime(it->second);
  if (!t) return std::nullopt;
  return *t;
}

std::string ProviderLink(const core::Incident& i) {
  for (const char* k : {"pagerduty_url", "incidentio_url", "opsgenie_url"}) {
    if (auto it = i.custom_fields.find(k); it != i.custom_fields.end()) return it->second;
  }
  return "";
}

std::optional<double> SlaRow::AckCompliance() const {
  int64_t decided = ack_met + ack_breached;
  if (decided == 0) return std::nullopt;
  return static_cast<double>(ack_met) / static_cast<double>(decided);
}

std::optional<double> SlaRow::ResolveCompliance() const {
  int64_t decided = resolve_met + resolve_breached;
  if (decided == 0) return std::nullopt;
  return static_cast<double>(resolve_met) / static_cast<double>(decided);
}

std::string FormatSpan(std::optional<Duration> d) {
  if (!d) return "-";
  auto s = duration_cast<std::chrono::seconds>(*d).count();
  if (s < 0) s = 0;
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm %llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh %lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldd %lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s % 86400 / 3600));
  }
  std::string out = buf;
  // "5m 0s" reads better as "5m".
  for (const char* zero : {" 0s", " 0m", " 0h"}) {
    if (out.size() > 3 && out.ends_with(zero)) out.resize(out.size() - 3);
  }
  return out;
}

std::string FormatShare(std::optional<double> share) {
  if (!share) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *share * 100);
  return buf;
}

Report Compute(const Query& query, std::vector<IncidentRow> incidents,
               const std::map<std::string, schedule::HoursBreakdown>& hours,
               std::optional<dora::DoraReport> dora, const date::time_zone* zone, Time now) {
  Report r;
  r.query = query;
  r.generated_at = now;
  r.dora = std::move(dora);
  std::sort(incidents.begin(), incidents.end(), [](const IncidentRow& a, const IncidentRow& b) {
    return a.incident.created_at != b.incident.created_at
               ? a.incident.created_at < b.incident.created_at
               : a.incident.number < b.incident.number;
  });
  r.total = static_cast<int64_t>(incidents.size());

  Samples all;
  std::map<std::string, Samples> by_severity, by_service, by_source;
  std::array<SlaRow, 4> sla;
  std::array<std::vector<std::string>, 4> targets;
  for (int s = 0; s < 4; ++s) sla[s].severity = static_cast<core::Severity>(s + 1);
  struct Person {
    ResponderRow row;
    std::vector<int64_t> tta;
  };
  std::map<std::string, Person> people;
  dora::WeekGrid grid = dora::WeekGrid::Make(query.since, query.until, zone);
  std::vector<Samples> week_samples(grid.size());
  std::vector<WeekRow> weeks(grid.size());

  for (const auto& row : incidents) {
    const core::Incident& i = row.incident;
    all.Add(i);
    by_severity[std::string(core::SeverityName(i.severity))].Add(i);
    for (const auto& s : i.services) by_service[s].Add(i);
    by_source[SourceOf(i)].Add(i);

    // SLA: each clock is met, breached, or still running (pending).
    const int s = static_cast<int>(i.severity) - 1;
    SlaRow& sr = sla[s];
    ++sr.incidents;
    auto tally = [](core::SlaState st, int64_t& met, int64_t& breached, int64_t& pending) {
      if (st == core::SlaState::kMet) {
        ++met;
      } else if (st == core::SlaState::kBreached) {
        ++breached;
      } else {
        ++pending;
      }
    };
    tally(row.sla.acknowledge.state, sr.ack_met, sr.ack_breached, sr.ack_pending);
    tally(row.sla.resolve.state, sr.resolve_met, sr.resolve_breached, sr.resolve_pending);
    std::string t = TargetText(row.sla.policy, row.sla.acknowledge, row.sla.resolve);
    if (std::find(targets[s].begin(), targets[s].end(), t) == targets[s].end()) {
      targets[s].push_back(t);
    }
    auto breach = [&](const core::SlaClock& c, const char* clock, std::optional<Time> done) {
      if (c.state != core::SlaState::kBreached) return;
      r.breaches.push_back({.number = i.number,
                            .severity = i.severity,
                            .clock = clock,
                            .target = c.target,
                            .due = c.due,
                            .done_at = done,
                            .policy = row.sla.policy});
    };
    breach(row.sla.acknowledge, "acknowledge", i.acknowledged_at);
    breach(row.sla.resolve, "resolve", i.resolved_at);

    // On-call effectiveness: who was paged and how fast they answered.
    const bool off_hours = OffHours(i.created_at, zone);
    if (off_hours) ++r.off_hours_pages;
    std::vector<std::string> paged = i.assignees;
    if (!i.acknowledged_by.empty() && i.acknowledged_by.find('@') != std::string::npos &&
        std::find(paged.begin(), paged.end(), i.acknowledged_by) == paged.end()) {
      paged.push_back(i.acknowledged_by);
    }
    for (const auto& who : paged) {
      Person& p = people[who];
      p.row.who = who;
      ++p.row.pages;
      if (off_hours) ++p.row.off_hours_pages;
    }
    if (i.acknowledged_at && people.contains(i.acknowledged_by)) {
      Person& p = people[i.acknowledged_by];
      ++p.row.acknowledged;
      p.tta.push_back(duration_cast<microseconds>(*i.acknowledged_at - i.created_at).count());
    }
    for (const auto& e : row.timeline) {
      std::string m = Lower(e.message);
      if (m.find("escalated") != std::string::npos ||
          m.find("escalation level") != std::string::npos) {
        ++r.escalated;
        break;
      }
    }

    if (int w = grid.Index(i.created_at); w >= 0) {
      WeekRow& wr = weeks[static_cast<size_t>(w)];
      ++wr.by_severity[static_cast<size_t>(s)];
      week_samples[static_cast<size_t>(w)].Add(i);
      if (row.sla.resolve.state == core::SlaState::kMet) ++wr.sla_met;
      if (row.sla.resolve.state == core::SlaState::kMet ||
          row.sla.resolve.state == core::SlaState::kBreached) {
        ++wr.sla_decided;
      }
    }
  }

  r.all = all.Done();
  r.all.key = "all";
  r.by_severity = Rows(by_severity);
  r.by_service = Rows(by_service);
  r.by_source = Rows(by_source);
  std::sort(r.by_service.begin(), r.by_service.end(), [](const GroupRow& a, const GroupRow& b) {
    return a.incidents != b.incidents ? a.incidents > b.incidents : a.key < b.key;
  });
  for (int s = 0; s < 4; ++s) {
    sla[s].targets = targets[s];
    r.sla.push_back(sla[s]);
  }
  std::sort(r.breaches.begin(), r.breaches.end(), [](const Breach& a, const Breach& b) {
    return a.due != b.due ? a.due < b.due : a.number < b.number;
  });

  for (const auto& [who, h] : hours) {
    Person& p = people[who];
    p.row.who = who;
    p.row.oncall = h;
  }
  for (auto& [who, p] : people) {
    p.row.time_to_acknowledge = dora::Summarize(p.tta);
    r.responders.push_back(p.row);
  }
  std::sort(r.responders.begin(), r.responders.end(),
            [](const ResponderRow& a, const ResponderRow& b) {
              return a.pages != b.pages ? a.pages > b.pages : a.who < b.who;
            });

  for (size_t w = 0; w < grid.size(); ++w) {
    GroupRow g = week_samples[w].Done();
    weeks[w].label = grid.label(w);
    weeks[w].start = grid.start(w);
    weeks[w].end = grid.end(w);
    weeks[w].partial = grid.start(w) < query.since || grid.end(w) > query.until;
    weeks[w].mtta = g.mtta;
    weeks[w].mttr = g.mttr;
  }
  r.weeks = std::move(weeks);
  r.incidents = std::move(incidents);
  return r;
}

}  // namespace im::report
