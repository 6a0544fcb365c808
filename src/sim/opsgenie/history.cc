// Alert history as a discrete-event replay: creations in time order, each scheduling its
// acknowledge / unacknowledge / note / close events on a queue that is drained up to the next
// creation, so the state every action sees is the state at its time.
#include "sim/opsgenie/history.h"

#include <cctype>
#include <queue>

#include "sim/opsgenie/actions.h"

namespace im::sim::opsgenie {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const char* const kProblems[] = {"High error rate on {s}",       "Latency p99 above SLO on {s}",
                                 "{s} health check failing",     "Disk almost full on {s} hosts",
                                 "Elevated 5xx from {s}",        "Queue backlog growing in {s}",
                                 "Certificate expiring for {s}", "Memory usage above 90% on {s}"};
const char* const kTags[] = {"critical", "network", "database", "latency", "disk", "prod", "eu"};
const char* const kSources[] = {"Prometheus", "Datadog", "CloudWatch", "Pingdom"};
const char* const kNotes[] = {"Looking into it", "Rolled back the last deploy",
                              "Scaled the service up", "Caused by an upstream provider",
                              "Restarted the stuck workers"};

enum class Kind : uint8_t { kRepeat, kAck, kUnack, kNote, kClose };

struct Event {
  Time at;
  uint64_t seq;
  size_t alert;
  Kind kind;
  int user;  // index into w.users; -1: the integration (Alert API)
  bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

std::string Message(Rng& rng, const std::string& service) {
  std::string t = kProblems[rng.Between(0, std::size(kProblems) - 1)];
  t.replace(t.find("{s}"), 3, service);
  return t;
}

std::string Priority(Rng& rng) {
  double p = rng.Unit();
  return p < 0.05 ? "P1" : p < 0.20 ? "P2" : p < 0.70 ? "P3" : p < 0.90 ? "P4" : "P5";
}

std::string Slug(const std::string& name) {
  std::string out;
  for (char c : name) out += c == ' ' ? '-' : static_cast<char>(std::tolower(c));
  return out;
}

Time Millis(Time t) { return std::chrono::floor<milliseconds>(t); }

class Replay {
 public:
  Replay(World& w, Rng& rng) : w_(w), rng_(rng) {}

  void Schedule(Time at, size_t alert, Kind kind, int user) {
    events_.push({Millis(at), seq_++, alert, kind, user});
  }
  // Applies every event before `until`.
  void DrainBefore(Time until) {
    while (!events_.empty() && events_.top().at < until) {
      Event e = events_.top();
      events_.pop();
      Alert& a = w_.alerts[e.alert];
      std::string user = e.user < 0 ? "" : w_.users[static_cast<size_t>(e.user)].username;
      switch (e.kind) {
        case Kind::kRepeat:  // the source fires again: deduplicated while the alert is open
          if (a.status == "open") {
            AlertDraft again;
            again.message = a.message;
            again.alias = a.alias;
            again.source = a.source;
            CreateAlert(w_, rng_, std::move(again), e.at);
          }
          break;
        case Kind::kAck: AcknowledgeAlert(a, user, "", e.at); break;
        case Kind::kUnack: UnacknowledgeAlert(a, user, "", e.at); break;
        case Kind::kNote:
          AddAlertNote(a, user, kNotes[rng_.Between(0, std::size(kNotes) - 1)], e.at);
          break;
        case Kind::kClose: CloseAlert(w_, a, user, "", e.at); break;
      }
    }
  }

 private:
  World& w_;
  Rng& rng_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
};

int AnyUser(const World& w, Rng& rng) {
  return static_cast<int>(rng.Between(0, static_cast<int64_t>(w.users.size()) - 1));
}

}  // namespace

void GenerateAlerts(World& w, Rng& rng, int64_t count, Time start, Time now) {
  if (count <= 0 || w.services.empty()) return;
  w.alerts.reserve(static_cast<size_t>(count));
  Replay replay(w, rng);
  const Duration step = (now - start) / count;
  const int64_t jitter_ms = std::max<int64_t>(0, step.count() / 2000);
  for (int64_t i = 0; i < count; ++i) {
    Time at = Millis(start + step * i + milliseconds(rng.Between(0, jitter_ms)));
    replay.DrainBefore(at + std::chrono::microseconds(1));
    const Service& svc = w.services[static_cast<size_t>(rng.Between(0, w.services.size() - 1))];
    AlertDraft d;
    d.message = Message(rng, svc.name);
    if (rng.Chance(0.2)) {  // a recurring check, unless its alert is still open
      std::string alias = Slug(svc.name) + "-check-" + std::to_string(rng.Between(1, 6));
      const Alert* open = w.FindAlert(alias, "alias");
      if (!open || open->status != "open") d.alias = std::move(alias);
    }
    d.source = kSources[rng.Between(0, std::size(kSources) - 1)];
    d.entity = "host-" + std::to_string(rng.Between(1, 40));
    d.priority = Priority(rng);
    d.tags = {kTags[rng.Between(0, std::size(kTags) - 1)]};
    d.details = {{"service", svc.name}};
    d.responders = {{"team", svc.team_id}};
    CreateOutcome out = CreateAlert(w, rng, std::move(d), at);
    size_t idx = static_cast<size_t>(out.alert - w.alerts.data());
    if (!out.alert->alias.empty() && out.alert->alias != out.alert->id) {
      for (int64_t r = rng.Between(0, 3); r > 0; --r) {  // count grows by deduplication
        replay.Schedule(at + seconds(rng.Between(30, 1800)), idx, Kind::kRepeat, -1);
      }
    }
    if (rng.Chance(0.85)) {
      Time ack = at + seconds(rng.Between(20, 1800));
      int user = AnyUser(w, rng);
      replay.Schedule(ack, idx, Kind::kAck, user);
      if (rng.Chance(0.03)) {  // handed back, then taken again
        replay.Schedule(ack + minutes(2), idx, Kind::kUnack, user);
        replay.Schedule(ack + minutes(7), idx, Kind::kAck, AnyUser(w, rng));
      }
      if (rng.Chance(0.25))
        replay.Schedule(ack + seconds(rng.Between(60, 900)), idx, Kind::kNote, user);
      if (rng.Chance(0.9)) {
        replay.Schedule(ack + seconds(rng.Between(300, 6 * 3600)), idx, Kind::kClose,
                        rng.Chance(0.7) ? user : -1);
      }
    } else if (rng.Chance(0.4)) {  // recovered by itself: closed by the integration
      replay.Schedule(at + seconds(rng.Between(600, 7200)), idx, Kind::kClose, -1);
    }
  }
  replay.DrainBefore(now);
}

void GenerateIncidents(World& w, Rng& rng, int64_t count, Time start, Time now) {
  if (count <= 0 || w.services.empty()) return;
  const Duration step = (now - start) / count;
  const int64_t jitter_ms = std::max<int64_t>(0, step.count() / 2000);
  for (int64_t i = 0; i < count; ++i) {
    Time at = Millis(start + step * i + milliseconds(rng.Between(0, jitter_ms)));
    const Service& svc = w.services[static_cast<size_t>(rng.Between(0, w.services.size() - 1))];
    IncidentDraft d;
    d.message = svc.name + " degraded";
    d.description = "Customer impact on " + svc.name + ": " + Message(rng, svc.name);
    d.service_id = svc.id;
    d.priority = "P" + std::to_string(rng.Between(1, 3));
    d.tags = {kTags[rng.Between(0, std::size(kTags) - 1)]};
    d.responders = {{"team", svc.team_id}};
    const std::string& by = w.users[static_cast<size_t>(AnyUser(w, rng))].username;
    Incident& inc = CreateIncident(w, rng, std::move(d), by, at);
    Time note = at + minutes(rng.Between(5, 60));
    if (note < now && rng.Chance(0.6)) {
      AddIncidentNote(rng, inc, by, kNotes[rng.Between(0, std::size(kNotes) - 1)], note);
    }
    Time ack = Millis(at + seconds(rng.Between(60, 20 * 60)));
    if (ack < now && rng.Chance(0.85)) {  // a responder acknowledges their responder alert
      for (const auto& id : inc.responder_alert_ids) {
        if (Alert* a = w.FindAlert(id, "id")) AcknowledgeAlert(*a, by, "", ack);
      }
    }
    Time resolve = std::max(note, at + minutes(rng.Between(30, 8 * 60)));
    if (!rng.Chance(0.9) || resolve >= now) continue;
    ResolveIncident(w, rng, inc, by, "Mitigated", resolve);
    Time close = resolve + minutes(rng.Between(60, 24 * 60));
    if (rng.Chance(0.85) && close < now) CloseIncident(w, rng, inc, by, "", close);
  }
}

}  // namespace im::sim::opsgenie
