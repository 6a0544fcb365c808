// Deployments: thin orchestration of the store and the pure dora/ computation.
#include "engine/deployments.h"

#include <algorithm>
#include <map>
#include <set>

#include "dora/weeks.h"

namespace im::engine {

Result<store::RecordResult> Deployments::Record(dora::Deployment d, std::string source) {
  d.source = std::move(source);
  d.received_at = clock_.Now();
  if (auto ok = dora::Validate(d); !ok) return std::unexpected(ok.error());
  return store_.Record(d);
}

Result<store::Attribution> Deployments::Link(int64_t incident, const std::string& deployment_id,
                                             const std::string& actor) {
  return store_.Link(incident, deployment_id, actor, clock_.Now());
}

Result<store::Attribution> Deployments::Unlink(int64_t incident, const std::string& actor) {
  return store_.Unlink(incident, actor, clock_.Now());
}

Result<std::optional<store::Attribution>> Deployments::Reset(int64_t incident) {
  return store_.Reset(incident);
}

Result<DoraResult> Deployments::Report(const DoraQuery& q) {
  DoraResult r;
  const Time until = q.until.value_or(clock_.Now());
  const Time since = q.since.value_or(until - std::chrono::days(30));
  if (since >= until) {
    return Fail(ErrorCode::kInvalidArgument, "'since' must be before 'until'");
  }
  if (until - since > std::chrono::days(3660)) {
    return Fail(ErrorCode::kInvalidArgument, "the period is longer than ten years; shorten it");
  }
  auto zone = dora::FindZone(q.zone.empty() ? settings_.zone : q.zone);
  if (!zone) return std::unexpected(zone.error());
  if (!q.service.empty() && !q.team.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give a service or a team, not both");
  }
  store::FactQuery fq{.since = since, .until = until};
  if (!q.service.empty()) {
    fq.services = {q.service};
  } else if (!q.services.empty()) {
    fq.services = q.services;
  }
  if (!q.team.empty()) {
    auto services = store_.ServicesOfTeam(q.team);
    if (!services) return std::unexpected(services.error());
    if (services->empty()) {
      return Fail(ErrorCode::kNotFound, "team '" + q.team +
                                            "' owns no service in the catalog; set the team of "
                                            "its services in the catalog first");
    }
    fq.services = *services;
  }
  const bool include_low = q.include_low_urgency.value_or(settings_.include_low_urgency);
  // The breakdown splits the lists, so low-urgency incidents are listed rather than counted.
  fq.list_low_urgency = include_low || q.by_source;
  if (auto caught = store_.CatchUp(); !caught) return std::unexpected(caught.error());
  auto facts = store_.Facts(fq);
  if (!facts) return std::unexpected(facts.error());
  dora::MetricsOptions options{
      .since = since, .until = until, .zone = *zone, .include_low_urgency = include_low};
  r.report = dora::ComputeReport(*facts, options);
  r.services = fq.services;
  r.team = q.team;
  if (q.by_source) {
    if (auto ok = BySource(*facts, options, r); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = Drill(q, fq, *facts, r); !ok) return std::unexpected(ok.error());
  return r;
}

Result<std::optional<store::Attribution>> Deployments::AttributionOf(int64_t incident) {
  if (auto caught = store_.CatchUp(); !caught) return std::unexpected(caught.error());
  return store_.AttributionOf(incident);
}

Result<std::vector<store::Attribution>> Deployments::AttributionsOf(
    std::span<const int64_t> incidents) {
  if (auto caught = store_.CatchUp(); !caught) return std::unexpected(caught.error());
  return store_.AttributionsOf(incidents);
}

Result<void> Deployments::BySource(const dora::MetricsInput& in,
                                   const dora::MetricsOptions& options, DoraResult& r) {
  std::vector<int64_t> seqs;
  for (const auto& d : in.deployments) {
    if (d.incidents > 0) seqs.push_back(d.seq);
  }
  auto attributed = store_.IncidentsOf(seqs);
  if (!attributed) return std::unexpected(attributed.error());
  std::vector<int64_t> numbers;
  for (const auto* list : {&in.resolved, &in.acknowledged, &in.open_at_end}) {
    for (const auto& f : *list) numbers.push_back(f.number);
  }
  for (const auto& [seq, n] : *attributed) numbers.push_back(n);
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  auto sources = store_.SourcesOf(numbers);
  if (!sources) return std::unexpected(sources.error());
  std::map<int64_t, std::string> source_of;  // incident → provider
  std::set<std::string> providers;
  for (auto& [n, source] : *sources) {
    std::string provider = source.substr(0, source.find(':'));
    providers.insert(provider);
    source_of[n] = std::move(provider);
  }
  for (const auto& provider : providers) {
    dora::MetricsInput part;
    auto mine = [&](int64_t n) {
      auto it = source_of.find(n);
      return it != source_of.end() && it->second == provider;
    };
    for (auto [from, to] :
         {std::pair{&in.resolved, &part.resolved}, std::pair{&in.acknowledged, &part.acknowledged},
          std::pair{&in.open_at_end, &part.open_at_end}}) {
      for (const auto& f : *from) {
        if (mine(f.number)) to->push_back(f);
      }
    }
    // Every deployment counts; a failed one only through incidents from this source.
    std::map<int64_t, int64_t> from_here;
    for (const auto& [seq, n] : *attributed) {
      if (mine(n)) ++from_here[seq];
    }
    part.deployments = in.deployments;
    for (auto& d : part.deployments) d.incidents = from_here[d.seq];
    part.failed_jobs = in.failed_jobs;
    r.by_source[provider] = dora::ComputeReport(part, options);
  }
  return Ok();
}

Result<void> Deployments::Drill(const DoraQuery& q, const store::FactQuery& fq,
                                const dora::MetricsInput& in, DoraResult& r) {
  const auto& options = r.report.options;
  if (q.list_incidents) {
    r.listed_incidents = true;
    std::map<int64_t, IncidentDrill> by_number;
    auto add = [&](const std::vector<dora::IncidentFact>& facts, const char* what) {
      for (const auto& f : facts) {
        auto& d = by_number[f.number];
        d.fact = f;
        if (!dora::Counts(f, options)) {
          d.excluded_low_urgency = true;
        } else {
          d.counted_in.push_back(what);
        }
      }
    };
    add(in.resolved, "time_to_restore");
    add(in.acknowledged, "time_to_acknowledge");
    add(in.open_at_end, "open_at_end");
    r.incidents_total = static_cast<int64_t>(by_number.size());
    std::vector<int64_t> numbers;
    for (auto& [n, d] : by_number) {
      if (static_cast<int64_t>(r.incidents.size()) >= q.limit) break;
      numbers.push_back(n);
      r.incidents.push_back(std::move(d));
    }
    auto attributions = store_.AttributionsOf(numbers);
    if (!attributions) return std::unexpected(attributions.error());
    size_t i = 0;
    for (auto& a : *attributions) {
      while (i < r.incidents.size() && r.incidents[i].fact.number < a.incident) ++i;
      if (i < r.incidents.size()) r.incidents[i].attribution = std::move(a);
    }
  }
  if (q.list_deployments) {
    r.listed_deployments = true;
    auto rows = store_.DeploymentsIn(fq, q.limit + 1);
    if (!rows) return std::unexpected(rows.error());
    if (static_cast<int64_t>(rows->size()) > q.limit) {
      r.deployments_truncated = true;
      rows->pop_back();
    }
    std::vector<int64_t> seqs;
    for (const auto& [seq, d] : *rows) seqs.push_back(seq);
    auto links = store_.IncidentsOf(seqs);
    if (!links) return std::unexpected(links.error());
    std::map<int64_t, std::vector<int64_t>> incidents;
    for (const auto& [seq, incident] : *links) incidents[seq].push_back(incident);
    for (auto& [seq, d] : *rows) {
      r.deployments.push_back(DeploymentDrill{std::move(d), incidents[seq]});
    }
  }
  return Ok();
}

}  // namespace im::engine
