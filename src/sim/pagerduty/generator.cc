// The seeded data set. Times are drawn first and the log is written from them, so a log entry
// never contradicts the incident (no ack after resolve, acknowledgements empty when resolved).
#include "sim/pagerduty/generator.h"

#include <algorithm>

#include "sim/common/random.h"
#include "sim/pagerduty/lifecycle.h"

namespace im::sim::pagerduty {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const std::vector<std::string> kFirst = {"Ada",    "Grace",   "Linus",  "Margaret",
                                         "Ken",    "Barbara", "Dennis", "Frances",
                                         "Edsger", "Radia",   "Donald", "Katherine"};
const std::vector<std::string> kLast = {"Lovelace", "Hopper",  "Torvalds", "Hamilton",
                                        "Thompson", "Liskov",  "Ritchie",  "Allen",
                                        "Dijkstra", "Perlman", "Knuth",    "Johnson"};
// Zones with and without DST, on both hemispheres.
const std::vector<std::string> kZones = {"America/New_York", "Europe/London",    "Europe/Berlin",
                                         "Asia/Tokyo",       "Australia/Sydney", "UTC"};
const std::vector<std::string> kTeams = {"Platform", "Payments", "Search", "Mobile"};
const std::vector<std::string> kServices = {"API Gateway",    "Checkout", "Search Indexer",
                                            "Mobile Backend", "Auth",     "Billing Worker"};
const std::vector<std::string> kProblems = {
    "High error rate on {s}",        "Latency p99 above SLO on {s}", "{s} is down",
    "Disk almost full on {s} hosts", "Elevated 5xx from {s}",        "Queue backlog growing in {s}",
    "Certificate expiring for {s}",  "Memory leak suspected in {s}"};

Time At(Time now, int64_t days_ago) { return now - hours(24 * days_ago); }

std::string Title(Rng& rng, const std::string& service) {
  std::string t = rng.Pick(kProblems);
  t.replace(t.find("{s}"), 3, service);
  return t;
}

void MakeDirectory(World& w, Rng& rng, Time now) {
  for (const auto& name : kTeams) {
    w.teams.push_back({w.NewId('P', 7), name, name + " engineering"});
  }
  for (size_t i = 0; i < kFirst.size(); ++i) {
    User u;
    u.id = w.NewId('P', 7);
    u.name = kFirst[i] + " " + kLast[i];
    std::string local = kFirst[i] + "." + kLast[i];
    std::transform(local.begin(), local.end(), local.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    u.email = local + "@example.com";
    u.time_zone = kZones[i % kZones.size()];
    u.role = i == 0 ? "owner" : i < 3 ? "admin" : "user";
    u.job_title = i % 2 ? "Site Reliability Engineer" : "Software Engineer";
    u.team_ids = {w.teams[i % w.teams.size()].id};
    w.users.push_back(std::move(u));
  }
  const char* prio[][2] = {{"P1", "Critical"},
                           {"P2", "High"},
                           {"P3", "Moderate"},
                           {"P4", "Low"},
                           {"P5", "Informational"}};
  for (auto& p : prio) w.priorities.push_back({w.NewId('P', 7), p[0], p[1]});

  // Schedules: a weekly base rotation, a business-hours layer (weekly restrictions, Mon-Fri)
  // and a night layer (daily restriction); overrides in the coming days.
  for (size_t s = 0; s < 3; ++s) {
    Schedule sch;
    sch.id = w.NewId('P', 7);
    sch.time_zone = kZones[s];
    sch.name = kTeams[s] + " primary";
    sch.description = "Generated rotation for " + kTeams[s];
    sch.team_ids = {w.teams[s].id};
    Time anchor = std::chrono::floor<std::chrono::days>(At(now, 120)) + hours(9);
    std::vector<std::string> members;
    for (size_t u = 0; u < 4; ++u) members.push_back(w.users[(s * 4 + u) % w.users.size()].id);
    Layer base{w.NewId('P', 7), "Layer 1", anchor, std::nullopt, anchor, 7 * 86400, members, {}};
    Layer day{w.NewId('P', 7),          "Layer 2", anchor, std::nullopt, anchor, 86400,
              {members[1], members[2]}, {}};
    for (int d = 1; d <= 5; ++d) {
      day.restrictions.push_back({"weekly_restriction", 9 * 3600, 8 * 3600, d});
    }
    Layer night{w.NewId('P', 7),
                "Layer 3",
                anchor,
                std::nullopt,
                anchor,
                2 * 86400,
                {members[3], members[0]},
                {{"daily_restriction", 22 * 3600, 10 * 3600, 1}}};  // 22:00-08:00
    sch.layers = {base, day, night};
    for (int o = 0; o < 2; ++o) {
      Time start = std::chrono::floor<hours>(now) + hours(24 * (2 + 3 * o) + 6);
      sch.overrides.push_back({w.NewId('P', 14), start, start + hours(12),
                               w.users[rng.Between(0, w.users.size() - 1)].id});
    }
    w.schedules.push_back(std::move(sch));
  }
  for (size_t e = 0; e < 3; ++e) {
    EscalationPolicy ep;
    ep.id = w.NewId('P', 7);
    ep.name = kTeams[e] + " escalation";
    ep.description = "Pages the " + kTeams[e] + " on-call, then the team lead";
    ep.num_loops = static_cast<int>(e % 2);
    ep.team_ids = {w.teams[e].id};
    ep.rules.push_back({w.NewId('P', 7), 30, {{"schedule_reference", w.schedules[e].id}}});
    ep.rules.push_back({w.NewId('P', 7), 15, {{"user_reference", w.users[e + 1].id}}});
    w.escalation_policies.push_back(std::move(ep));
  }
  for (size_t i = 0; i < kServices.size(); ++i) {
    Service svc;
    svc.id = w.NewId('P', 7);
    svc.name = kServices[i];
    svc.description = kServices[i] + " (generated)";
    svc.escalation_policy_id = w.escalation_policies[i % 3].id;
    svc.team_ids = {w.teams[i % 3].id};
    svc.created_at = At(now, 400);
    std::string key;
    for (int c = 0; c < 32; ++c) key += "0123456789abcdef"[rng.Next() % 16];
    svc.integration_key = key;
    w.services.push_back(std::move(svc));
  }
}

}  // namespace

void GenerateIncident(World& w, Rng& rng, Time created, Time until) {
  const Service& svc = w.services[rng.Next() % w.services.size()];
  const EscalationPolicy* ep = nullptr;
  for (const auto& e : w.escalation_policies) {
    if (e.id == svc.escalation_policy_id) ep = &e;
  }
  Incident inc;
  inc.id = w.NewId('Q', 14);
  inc.number = w.next_number++;
  inc.title = Title(rng, svc.name);
  inc.urgency = rng.Chance(0.6) ? "high" : "low";
  inc.service_id = svc.id;
  inc.escalation_policy_id = ep ? ep->id : "";
  inc.incident_key = w.NewId('k', 32);
  inc.priority_id = rng.Chance(0.7) ? w.priorities[rng.Between(0, 4)].id : "";
  inc.created_at = created;
  const User& responder = w.users[rng.Next() % w.users.size()];
  Agent svc_agent{"service_reference", svc.id};
  Agent user_agent{"user_reference", responder.id};
  TriggerIncident(w, inc, {responder.id});

  Time t = created;
  int cycles = rng.Chance(0.05) ? 2 : 1;  // a reopen cycle now and then
  for (int c = 0; c < cycles; ++c) {
    if (c > 0) {  // reopen
      t += minutes(rng.Between(10, 240));
      if (t >= until) break;
      ReopenIncident(w, inc, t, user_agent, responder.id);
    }
    Time ack_at = t + seconds(rng.Between(30, 1800));
    if (ack_at >= until || rng.Chance(0.05)) break;
    AcknowledgeIncident(w, inc, ack_at, user_agent);
    t = ack_at;
    if (rng.Chance(0.05)) {  // acknowledgement timed out, then acknowledged again
      t += minutes(30);
      if (t >= until) break;
      UnacknowledgeIncident(w, inc, t, svc_agent);
      t += seconds(rng.Between(30, 600));
      if (t >= until) break;
      AcknowledgeIncident(w, inc, t, user_agent);
    }
    if (rng.Chance(0.3)) {
      Time at = t + seconds(rng.Between(60, 900));
      if (at < until) {
        AnnotateIncident(w, inc, at, responder.id, "Investigating: checking recent deploys");
        t = at;
      }
    }
    Time resolve_at = t + seconds(rng.Between(300, 6 * 3600));
    if (resolve_at >= until) break;
    ResolveIncident(w, inc, resolve_at, user_agent,
                    rng.Chance(0.5) ? "Rolled back the last deploy" : "");
    t = resolve_at;
  }
  inc.updated_at = inc.log.back().created_at;
  w.AddIncident(std::move(inc));
}

World Generate(const GeneratorOptions& options) {
  World w;
  Rng rng(options.seed);
  MakeDirectory(w, rng, options.now);
  std::vector<Time> times;
  times.reserve(static_cast<size_t>(options.incidents));
  const int64_t span_us = options.days * 86400LL * 1'000'000;
  for (int64_t i = 0; i < options.incidents; ++i) {
    int64_t back = span_us > 0 ? rng.Between(1, span_us) : 0;
    times.push_back(std::chrono::floor<seconds>(options.now - Duration(back)));
  }
  std::sort(times.begin(), times.end());
  w.incidents.reserve(times.size());
  w.incident_index.reserve(times.size());
  for (Time t : times) GenerateIncident(w, rng, t, options.now);
  return w;
}

}  // namespace im::sim::pagerduty
