// The seeded incident.io organisation (see the header).
#include "sim/incidentio/generator.h"

#include <algorithm>

namespace im::sim::incidentio {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

constexpr const char* kNames[][2] = {
    {"Grace Hopper", "grace.hopper"},     {"Alan Turing", "alan.turing"},
    {"Ada Lovelace", "ada.lovelace"},     {"Edsger Dijkstra", "edsger.dijkstra"},
    {"Barbara Liskov", "barbara.liskov"}, {"Ken Thompson", "ken.thompson"},
    {"Radia Perlman", "radia.perlman"},   {"Donald Knuth", "donald.knuth"},
    {"Frances Allen", "frances.allen"},   {"John Backus", "john.backus"}};

constexpr const char* kTitles[] = {"Checkout latency above SLO", "Elevated 5xx on API gateway",
                                   "Payments webhook backlog",   "Login failures in EU",
                                   "Search index lagging",       "Database replica out of sync"};

}  // namespace

Incident& DeclareIncident(World& w, Rng& rng, Time at, std::string name, std::string severity_id,
                          std::string creator_id) {
  (void)rng;
  Incident inc;
  inc.name = std::move(name);
  inc.summary = "Declared from the simulator: " + inc.name;
  const Status* declared = w.DeclaredStatus();
  inc.status_id = declared ? declared->id : "";
  inc.severity_id = std::move(severity_id);
  inc.creator_id = std::move(creator_id);
  inc.created_at = at;
  return AddDeclaredIncident(w, std::move(inc));
}

Incident& AddDeclaredIncident(World& w, Incident inc) {
  if (inc.id.empty()) inc.id = w.NewId();
  if (inc.reference.empty()) inc.reference = "INC-" + std::to_string(w.next_reference++);
  inc.updated_at = inc.created_at;
  w.incidents.push_back(inc);
  w.updates.push_back({w.NewId(), inc.id, inc.status_id, inc.severity_id, "Incident declared",
                       inc.creator_id, inc.created_at});
  return w.incidents.back();
}

bool ChangeStatus(World& w, Incident& inc, const std::string& status_id, const std::string& by,
                  Time at, std::string message) {
  if (inc.status_id == status_id) return false;
  inc.status_id = status_id;
  inc.updated_at = at;
  w.updates.push_back({w.NewId(), inc.id, status_id, inc.severity_id, std::move(message), by, at});
  return true;
}

World Generate(const GeneratorOptions& o) {
  Rng rng(o.seed);
  World w;
  for (const auto& n : kNames) {
    w.users.push_back({w.NewId(), n[0], std::string(n[1]) + "@example.com",
                       w.users.empty() ? "owner" : "responder"});
  }
  Time epoch = o.now - days(o.days) - days(30);
  const char* sev[][2] = {{"Critical", "Issues causing very high impact to customers"},
                          {"Major", "Issues causing significant impact"},
                          {"Minor", "Issues with low impact"},
                          {"Informational", "No customer impact"}};
  for (int i = 0; i < 4; ++i) w.severities.push_back({w.NewId(), sev[i][0], sev[i][1], 4 - i});
  const char* st[][3] = {{"Triage", "triage", "Incident is being triaged"},
                         {"Investigating", "live", "Working out what is happening"},
                         {"Fixing", "live", "A fix is being applied"},
                         {"Monitoring", "live", "Watching that the fix holds"},
                         {"Documenting", "learning", "Writing the post-incident review"},
                         {"Closed", "closed", "The incident is over"},
                         {"Declined", "declined", "Not an incident"}};
  for (int i = 0; i < 7; ++i) w.statuses.push_back({w.NewId(), st[i][0], st[i][2], st[i][1], i});
  // Managed by incident.io in every organisation (IncidentStatusV2.category), appended so the
  // indexes above stay as they were.
  const char* managed[][3] = {{"Paused", "paused", "Work is paused"},
                              {"Canceled", "canceled", "Declared by mistake"},
                              {"Merged", "merged", "Merged into another incident"},
                              {"Under review", "under_review", "A category added after 2026-08"}};
  for (int i = 0; i < (o.unknown_enums ? 4 : 3); ++i) {
    w.statuses.push_back({w.NewId(), managed[i][0], managed[i][2], managed[i][1], 7 + i});
  }
  w.configured_at = epoch;
  for (int s = 0; s < 2; ++s) {
    Schedule sch{w.NewId(),
                 s == 0 ? "Platform on-call" : "Payments on-call",
                 s == 0 ? "Europe/London" : "America/New_York",
                 epoch,
                 {}};
    Rotation r{w.NewId(), "Primary", epoch + hours(9), 1, s == 0 ? "weekly" : "daily", {}};
    for (size_t u = 0; u < 4; ++u) r.user_ids.push_back(w.users[(u + 4 * s) % w.users.size()].id);
    sch.rotations.push_back(r);
    w.schedules.push_back(sch);
  }
  for (const auto& sch : w.schedules) {  // page the schedule, then its first user's manager
    EscalationPath p{w.NewId(), sch.name + " escalation", {}, 1};
    p.levels.push_back({{{"schedule", sch.id}}, 300});
    p.levels.push_back({{{"user", w.users.front().id}}, 600});
    w.escalation_paths.push_back(std::move(p));
  }
  for (const char* name : {"Payments API", "Checkout", "Search", "Identity"}) {
    w.services.push_back({w.NewId(), name});
  }
  if (o.incidents <= 0) return w;
  Time start = o.now - days(o.days);
  auto step = (o.now - start) / o.incidents;
  // The variety (modes, visibility, the managed categories) draws from a second sequence, so
  // the first one, and the data sets older seeds made, stay as they were.
  Rng variety(o.seed ^ 0x5eed1d10ULL);
  for (int64_t i = 0; i < o.incidents; ++i) {
    Time at = start + step * i + seconds(rng.Between(0, 600));
    Incident& inc =
        DeclareIncident(w, rng, at, kTitles[rng.Between(0, 5)], w.severities[rng.Between(0, 3)].id,
                        w.users[rng.Between(0, w.users.size() - 1)].id);
    const std::string& lead = w.users[rng.Between(0, w.users.size() - 1)].id;
    int64_t roll = variety.Between(0, 99);
    if (int64_t svc = variety.Between(0, 4); svc < 4) {  // a fifth name no service
      inc.service_ids.push_back(w.services[static_cast<size_t>(svc)].id);
    }
    if (roll < 3) inc.mode = "test";
    if (roll == 3) inc.mode = "tutorial";
    if (roll >= 4 && roll < 8) inc.visibility = "private";
    // 8..9 paused, 10..11 declined, 12..13 canceled, 14..15 merged, 16 unknown category.
    size_t detour = roll < 8     ? 0
                    : roll < 10  ? 7
                    : roll < 12  ? 6
                    : roll < 14  ? 8
                    : roll < 16  ? 9
                    : roll == 16 ? 10
                                 : 0;
    if (detour >= w.statuses.size() || (detour == 9 && w.incidents.size() < 2)) detour = 0;
    if (roll == 17 || roll == 18) {  // still being triaged
      inc.status_id = w.statuses[0].id;
      w.updates.back().status_id = inc.status_id;
      continue;
    }
    Time t = at;
    if (detour) {
      t += seconds(rng.Between(300, 4 * 3600));
      if (t < o.now) {
        std::string into = detour == 9 ? w.incidents[w.incidents.size() - 2].id : "";
        ChangeStatus(w, inc, w.statuses[detour].id, lead, t, "Moved to " + w.statuses[detour].name);
        if (!into.empty()) w.updates.back().merged_into_incident_id = into;
      }
      continue;
    }
    // Some stop part way: still live (Fixing, Monitoring) or in post-incident (Documenting).
    int64_t steps = roll >= 19 && roll < 27 ? 1 + roll % 3 : 4;
    for (size_t s : {2, 3, 4, 5}) {  // Fixing, Monitoring, Documenting, Closed
      t += seconds(rng.Between(300, 4 * 3600));
      if (t >= o.now || steps-- <= 0) break;
      ChangeStatus(w, inc, w.statuses[s].id, lead, t, "Moved to " + w.statuses[s].name);
    }
  }
  std::stable_sort(
      w.incidents.begin(), w.incidents.end(),
      [](const Incident& a, const Incident& b) { return a.created_at < b.created_at; });
  std::stable_sort(w.updates.begin(), w.updates.end(),
                   [](const Update& a, const Update& b) { return a.created_at < b.created_at; });
  return w;
}

}  // namespace im::sim::incidentio
