#include "monitor/monitors.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "common/crypto.h"
#include "common/time.h"
#include "core/lifecycle.h"
#include "monitor/checks.h"
#include "monitor/monitor_json.h"

namespace im::monitor {
namespace {

const core::Actor kMonitorActor{.email = "monitor@im.local", .source = "monitor"};

json::value OptTimeJson(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

std::optional<Time> OptTimeFrom(const json::object& o, const char* f) {
  auto s = json::StringOr(o, f);
  if (s.empty()) return std::nullopt;
  auto t = ParseTime(s);
  return t ? std::optional<Time>(*t) : std::nullopt;
}

std::string NewHeartbeatToken() { return HexEncode(RandomBytes(16)); }

}  // namespace

MonitorState StateFromJson(std::string_view text) {
  MonitorState s;
  auto v = json::Parse(text);
  if (!v || !v->is_object()) return s;
  const auto& o = v->as_object();
  auto num = [&](const char* f) -> int64_t {
    auto i = json::GetOptionalInt(o, f);
    return i && *i ? **i : 0;
  };
  auto down = json::GetOptionalBool(o, "down");
  s.down = down && *down && **down;
  s.failures = static_cast<int>(num("failures"));
  s.successes = static_cast<int>(num("successes"));
  s.failing_since = OptTimeFrom(o, "failing_since");
  s.down_since = OptTimeFrom(o, "down_since");
  s.last_error = json::StringOr(o, "last_error");
  s.incident = num("incident");
  return s;
}

std::string StateToJson(const MonitorState& s) {
  return json::Serialize(json::object{{"down", s.down},
                                      {"failures", s.failures},
                                      {"successes", s.successes},
                                      {"failing_since", OptTimeJson(s.failing_since)},
                                      {"down_since", OptTimeJson(s.down_since)},
                                      {"last_error", s.last_error},
                                      {"incident", s.incident}});
}

Result<Monitor> MonitorFromStored(const store::StoredMonitor& s) {
  auto v = json::Parse(s.definition);
  if (!v || !v->is_object()) {
    return Fail(ErrorCode::kInternal, "monitor " + s.name + " has an unreadable definition");
  }
  auto m = MonitorFromJson(v->as_object());
  if (!m) return std::unexpected(m.error().Wrap("stored monitor " + s.name));
  m->id = s.id;
  m->paused = s.paused;
  m->heartbeat_token = s.heartbeat_token;
  return m;
}

json::object MonitorViewJson(const MonitorView& v) {
  json::object o = MonitorToJson(v.monitor);
  o["id"] = v.monitor.id;
  o["paused"] = v.monitor.paused;
  o["status"] = v.monitor.paused   ? "paused"
                : v.state.down     ? "down"
                : !v.last_check_at ? "pending"
                                   : "up";
  o["state"] =
      json::object{{"failures", v.state.failures},
                   {"successes", v.state.successes},
                   {"down_since", OptTimeJson(v.state.down_since)},
                   {"last_error", v.state.last_error},
                   {"incident", v.state.incident ? json::value(core::IncidentId(v.state.incident))
                                                 : json::value(nullptr)}};
  o["last_check_at"] = OptTimeJson(v.last_check_at);
  o["created_at"] = FormatTime(v.created_at);
  if (!v.heartbeat_path.empty()) {
    o["heartbeat_url"] = v.heartbeat_path;
    o["last_heartbeat_at"] = OptTimeJson(v.last_heartbeat_at);
  }
  return o;
}

json::object MonitorDetailJson(const MonitorDetail& d) {
  json::object o = MonitorViewJson(d.view);
  json::object stats;
  auto ms = [](const std::optional<Duration>& x) {
    return x ? json::value(std::chrono::duration<double, std::milli>(*x).count())
             : json::value(nullptr);
  };
  for (const auto& w : d.stats) {
    stats[w.name] =
        json::object{{"checks", w.checks},
                     {"failures", w.failures},
                     {"uptime_percent",
                      w.uptime_percent ? json::value(*w.uptime_percent) : json::value(nullptr)},
                     {"response_ms_p50", ms(w.p50)},
                     {"response_ms_p95", ms(w.p95)},
                     {"response_ms_p99", ms(w.p99)}};
  }
  o["stats"] = std::move(stats);
  json::array recent;
  for (const auto& c : d.recent) {
    recent.push_back(json::object{
        {"at", FormatTime(c.at)},
        {"ok", c.ok},
        {"response_ms", std::chrono::duration<double, std::milli>(c.response_time).count()},
        {"error", c.error}});
  }
  o["recent_checks"] = std::move(recent);
  return o;
}

Monitors::Monitors(store::MonitorStore& monitors, store::Store& store, const Clock& clock,
                   MonitorsOptions options)
    : monitors_(monitors), store_(store), clock_(clock), options_(std::move(options)) {}

Result<store::StoredMonitor> Monitors::Find(const std::string& name_or_id) {
  auto by_name = monitors_.GetMonitorByName(name_or_id);
  if (by_name || by_name.error().code != ErrorCode::kNotFound) return by_name;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(name_or_id.data(), name_or_id.data() + name_or_id.size(), id);
  if (ec == std::errc() && end == name_or_id.data() + name_or_id.size()) {
    return monitors_.GetMonitor(id);
  }
  return by_name;
}

Result<void> Monitors::CheckChannels(const Monitor& m) {
  for (const auto& c : m.channels) {
    auto ch = monitors_.GetChannel(c);
    if (!ch && ch.error().code == ErrorCode::kNotFound) {
      return InvalidAt("channels", "no channel named '" + c +
                                       "'; add it first with `im channel add pagerduty " + c +
                                       " --integration-key KEY`");
    }
    if (!ch) return std::unexpected(ch.error());
  }
  return Ok();
}

Result<MonitorView> Monitors::View(const store::StoredMonitor& s) {
  auto m = MonitorFromStored(s);
  if (!m) return std::unexpected(m.error());
  MonitorView v{.monitor = std::move(*m),
                .state = StateFromJson(s.state),
                .last_check_at = s.last_check_at,
                .last_heartbeat_at = s.last_heartbeat_at,
                .created_at = s.created_at};
  if (!s.heartbeat_token.empty()) {
    v.heartbeat_path = "/api/v1/monitors/heartbeat/" + s.heartbeat_token;
  }
  return v;
}

Result<MonitorView> Monitors::Add(const json::object& definition) {
  auto m = MonitorFromJson(definition);
  if (!m) return std::unexpected(m.error());
  if (auto ok = CheckChannels(*m); !ok) return std::unexpected(ok.error());
  auto paused = json::GetOptionalBool(definition, "paused");
  Time now = clock_.Now();
  store::StoredMonitor s{
      .name = m->name,
      .definition = json::Serialize(MonitorToJson(*m)),
      .paused = paused && *paused && **paused,
      .state = StateToJson({}),
      .heartbeat_token = m->type == MonitorType::kHeartbeat ? NewHeartbeatToken() : "",
      .created_at = now,
      .updated_at = now};
  auto id = monitors_.AddMonitor(s);
  if (!id) return std::unexpected(id.error());
  s.id = *id;
  return View(s);
}

Result<MonitorView> Monitors::Edit(const std::string& name_or_id, const json::object& changes) {
  auto s = Find(name_or_id);
  if (!s) return std::unexpected(s.error());
  auto base = json::Parse(s->definition);
  if (!base || !base->is_object()) return Fail(ErrorCode::kInternal, "unreadable definition");
  json::object merged = MergeDefinition(base->as_object(), changes);
  auto m = MonitorFromJson(merged);
  if (!m) return std::unexpected(m.error());
  if (auto ok = CheckChannels(*m); !ok) return std::unexpected(ok.error());
  s->name = m->name;
  s->definition = json::Serialize(MonitorToJson(*m));
  if (m->type == MonitorType::kHeartbeat && s->heartbeat_token.empty()) {
    s->heartbeat_token = NewHeartbeatToken();
  } else if (m->type != MonitorType::kHeartbeat) {
    s->heartbeat_token.clear();
  }
  s->updated_at = clock_.Now();
  if (auto ok = monitors_.UpdateMonitor(*s); !ok) return std::unexpected(ok.error());
  return View(*s);
}

Result<MonitorView> Monitors::Declare(const json::object& definition) {
  auto m = MonitorFromJson(definition);
  if (!m) return std::unexpected(m.error());
  auto existing = monitors_.GetMonitorByName(m->name);
  if (!existing && existing.error().code == ErrorCode::kNotFound) return Add(definition);
  if (!existing) return std::unexpected(existing.error());
  json::object replace = definition;
  auto base = json::Parse(existing->definition);
  // Fields the declaration leaves out go back to their defaults.
  if (base && base->is_object()) {
    for (const auto& kv : base->as_object()) {
      if (!replace.contains(kv.key()) && kv.key() != "url" && kv.key() != "target") {
        replace[kv.key()] = nullptr;
      }
    }
  }
  replace.erase("paused");
  return Edit(existing->name, replace);
}

Result<MonitorView> Monitors::SetPaused(const std::string& name_or_id, bool paused) {
  auto s = Find(name_or_id);
  if (!s) return std::unexpected(s.error());
  s->paused = paused;
  // A resumed heartbeat monitor counts from now, not from before the pause.
  s->updated_at = clock_.Now();
  if (auto ok = monitors_.UpdateMonitor(*s); !ok) return std::unexpected(ok.error());
  return View(*s);
}

Result<void> Monitors::Remove(const std::string& name_or_id) {
  auto s = Find(name_or_id);
  if (!s) return std::unexpected(s.error());
  // An outage still open has paged its channels: their alerts are resolved with the monitor,
  // or nothing would ever resolve them.
  std::vector<store::ChannelMessage> resolves;
  MonitorState state = StateFromJson(s->state);
  auto m = MonitorFromStored(*s);
  Time now = clock_.Now();
  if (m && state.down && state.incident != 0) {
    Notification n{.kind = Notification::Kind::kResolve,
                   .dedup_key = MonitorDedupKey(options_.install_id, m->id),
                   .monitor_id = m->id,
                   .monitor_name = m->name,
                   .monitor_type = std::string(MonitorTypeName(m->type)),
                   .target = m->target,
                   .status = "removed",
                   .error = state.last_error,
                   .outage_duration = now - state.down_since.value_or(now),
                   .region = m->region,
                   .service = m->service,
                   .severity = m->severity,
                   .incident = state.incident,
                   .at = now};
    for (const auto& c : m->channels) {
      resolves.push_back({.channel = c,
                          .incident = state.incident,
                          .kind = "resolve",
                          .payload = json::Serialize(NotificationToJson(n))});
    }
  }
  if (auto ok = monitors_.RemoveMonitor(s->id, resolves, now); !ok) return ok;
  if (!resolves.empty() && on_queued_) on_queued_();
  return Ok();
}

Result<std::vector<MonitorView>> Monitors::List() {
  auto list = monitors_.ListMonitors();
  if (!list) return std::unexpected(list.error());
  std::vector<MonitorView> out;
  for (const auto& s : *list) {
    auto v = View(s);
    if (!v) return std::unexpected(v.error());
    out.push_back(std::move(*v));
  }
  return out;
}

Result<MonitorPage> Monitors::Page(std::string_view status, std::string_view needle, size_t offset,
                                   size_t limit) {
  // The counts and the order need every monitor's status, not its definition: only the
  // page's own monitors are read whole.
  auto list = monitors_.ListMonitorStatuses();  // ordered by name
  if (!list) return std::unexpected(list.error());
  static constexpr std::string_view kOrder[] = {"down", "pending", "paused", "up"};
  MonitorPage page;
  for (auto st : kOrder) page.counts[std::string(st)] = 0;
  // (rank, index into list) of each match: the status as MonitorViewJson shows it.
  std::vector<std::pair<int, size_t>> match;
  std::string name;
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& s = (*list)[i];
    int rank = s.paused ? 2 : StateFromJson(s.state).down ? 0 : !s.last_check_at ? 1 : 3;
    page.counts[std::string(kOrder[rank])]++;
    if (!status.empty() && kOrder[rank] != status) continue;
    if (!needle.empty()) {
      name = s.name;
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name.find(needle) == std::string::npos) continue;
    }
    match.emplace_back(rank, i);
  }
  std::stable_sort(match.begin(), match.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  page.total = static_cast<int64_t>(match.size());
  size_t from = std::min(match.size(), offset);
  size_t to = limit > 0 ? std::min(match.size(), from + limit) : match.size();
  std::vector<int64_t> ids;
  for (size_t i = from; i < to; ++i) ids.push_back((*list)[match[i].second].id);
  auto stored = monitors_.GetMonitors(ids);
  if (!stored) return std::unexpected(stored.error());
  std::map<int64_t, const store::StoredMonitor*> by_id;
  for (const auto& s : *stored) by_id.emplace(s.id, &s);
  page.monitors.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) continue;  // removed meanwhile
    auto v = View(*it->second);
    if (!v) return std::unexpected(v.error());
    page.monitors.push_back(std::move(*v));
  }
  return page;
}

Result<MonitorDetail> Monitors::Show(const std::string& name_or_id) {
  auto s = Find(name_or_id);
  if (!s) return std::unexpected(s.error());
  auto v = View(*s);
  if (!v) return std::unexpected(v.error());
  Time now = clock_.Now();
  auto checks = monitors_.Checks(s->id, now - std::chrono::days(30));
  if (!checks) return std::unexpected(checks.error());
  std::vector<CheckSample> samples;
  samples.reserve(checks->size());
  for (const auto& c : *checks) samples.push_back({c.at, c.ok, c.response_time});
  MonitorDetail d{.view = std::move(*v), .stats = ComputeStats(samples, now)};
  size_t from = checks->size() > 10 ? checks->size() - 10 : 0;
  d.recent.assign(checks->begin() + static_cast<std::ptrdiff_t>(from), checks->end());
  return d;
}

Result<CheckReport> Monitors::CheckNow(const std::string& name_or_id) {
  auto s = Find(name_or_id);
  if (!s) return std::unexpected(s.error());
  return RunAndRecord(*s);
}

Result<CheckReport> Monitors::RunAndRecord(const store::StoredMonitor& stored) {
  auto m = MonitorFromStored(stored);
  if (!m) return std::unexpected(m.error());
  CheckInput in{.now = clock_.Now(),
                .last_heartbeat = stored.last_heartbeat_at,
                .watching_since = stored.paused ? clock_.Now() : stored.updated_at};
  return Record(stored.id, RunCheck(*m, in));
}

Result<CheckReport> Monitors::Record(int64_t monitor_id, const CheckOutcome& outcome) {
  CheckReport report{.outcome = outcome};
  store::CheckRecord row{.at = outcome.at,
                         .ok = outcome.ok,
                         .response_time = outcome.response_time,
                         .error = outcome.error};
  auto written = monitors_.RecordCheck(
      monitor_id, row,
      [&](const store::StoredMonitor& s, store::Tx& tx) -> Result<store::MonitorStore::CheckWrite> {
        report = CheckReport{.outcome = outcome};
        auto m = MonitorFromStored(s);
        if (!m) return std::unexpected(m.error());
        MonitorState before = StateFromJson(s.state);
        report.in_maintenance = InMaintenance(m->maintenance, outcome.at);
        Decision d = Observe(before, outcome, m->thresholds, report.in_maintenance);
        store::MonitorStore::CheckWrite w;
        const std::string what = outcome.ok ? "check passed" : "check failed: " + outcome.error;
        auto notify = [&](Notification::Kind kind, int64_t incident) {
          Notification n{
              .kind = kind,
              .dedup_key = MonitorDedupKey(options_.install_id, m->id),
              .monitor_id = m->id,
              .monitor_name = m->name,
              .monitor_type = std::string(MonitorTypeName(m->type)),
              .target = m->target,
              .status = kind == Notification::Kind::kTrigger ? "down" : "up",
              .error = kind == Notification::Kind::kTrigger ? outcome.error : before.last_error,
              .response_time = outcome.response_time,
              .outage_duration =
                  outcome.at - (before.failing_since ? *before.failing_since
                                                     : before.down_since.value_or(outcome.at)),
              .region = m->region,
              .service = m->service,
              .severity = m->severity,
              .incident = incident,
              .incident_url = options_.public_url.empty() ? ""
                                                          : options_.public_url + "/incidents/" +
                                                                core::IncidentId(incident),
              .at = outcome.at};
          if (kind == Notification::Kind::kResolve && before.down_since) {
            n.outage_duration = outcome.at - *before.down_since;
          }
          for (const auto& c : m->channels) {
            w.messages.push_back(
                {.channel = c,
                 .incident = incident,
                 .kind = kind == Notification::Kind::kTrigger ? "trigger" : "resolve",
                 .payload = json::Serialize(NotificationToJson(n))});
          }
        };
        if (d.transition == Transition::kOpen) {
          core::DeclareRequest req{
              .title = m->name + " is down: " + outcome.error,
              .description = "Monitor " + m->name + " (" + std::string(MonitorTypeName(m->type)) +
                             (m->target.empty() ? "" : " " + m->target) + ") failed " +
                             std::to_string(d.next.failures) + " consecutive checks since " +
                             FormatTime(*d.next.failing_since) + ".",
              .severity = m->severity,
              .services = {m->service}};
          if (req.title.size() > core::kMaxTitleLength) req.title.resize(core::kMaxTitleLength);
          auto change = core::Declare(req, kMonitorActor, outcome.at);
          if (!change) return std::unexpected(change.error());
          if (auto ok = tx.EnsureService(m->service, outcome.at); !ok) {
            return std::unexpected(ok.error());
          }
          auto number = tx.InsertIncident(change->incident);
          if (!number) return std::unexpected(number.error());
          auto entries = change->entries;
          entries.push_back(
              {.at = outcome.at,
               .kind = core::EntryKind::kNote,
               .actor = "monitor",
               .message = "Monitor " + m->name + ": " + std::to_string(d.next.failures) +
                          " consecutive failed checks since " + FormatTime(*d.next.failing_since) +
                          "; latest: " + outcome.error,
               .source = "monitor"});
          if (auto ok = tx.AppendTimeline(*number, entries); !ok)
            return std::unexpected(ok.error());
          auto queued = tx.EnqueueOutbound(
              *number, "create", json::Serialize(json::object{{"actor", "monitor"}}), outcome.at);
          if (!queued) return std::unexpected(queued.error());
          d.next.incident = *number;
          report.incident = *number;
          notify(Notification::Kind::kTrigger, *number);
        } else if (d.transition == Transition::kResolve) {
          report.incident = before.incident;
          if (before.incident != 0) {
            auto inc = tx.GetIncident(before.incident);
            if (!inc) return std::unexpected(inc.error());
            std::string note = "Monitor " + m->name +
                               " recovered: " + std::to_string(d.next.successes) +
                               " consecutive checks passed";
            if (inc->status == core::Status::kOpen || inc->status == core::Status::kMitigated) {
              auto change = core::Resolve(*inc, kMonitorActor, outcome.at, note);
              if (!change) return std::unexpected(change.error());
              if (auto ok = tx.UpdateIncident(change->incident); !ok)
                return std::unexpected(ok.error());
              if (auto ok = tx.AppendTimeline(before.incident, change->entries); !ok) {
                return std::unexpected(ok.error());
              }
              auto queued = tx.EnqueueOutbound(
                  before.incident, "resolve",
                  json::Serialize(json::object{{"actor", "monitor"}, {"note", note}}), outcome.at);
              if (!queued) return std::unexpected(queued.error());
            } else {
              // A person resolved it already: it stays as they left it; the recovery is noted.
              core::TimelineEntry e{.at = outcome.at,
                                    .kind = core::EntryKind::kNote,
                                    .actor = "monitor",
                                    .message = note,
                                    .source = "monitor"};
              if (auto ok = tx.AppendTimeline(before.incident, {e}); !ok) {
                return std::unexpected(ok.error());
              }
            }
            notify(Notification::Kind::kResolve, before.incident);
          }
        } else if (d.on_timeline && before.incident != 0) {
          core::TimelineEntry e{.at = outcome.at,
                                .kind = core::EntryKind::kNote,
                                .actor = "monitor",
                                .message = "Monitor " + m->name + ": " + what,
                                .source = "monitor"};
          if (auto ok = tx.AppendTimeline(before.incident, {e}); !ok) {
            return std::unexpected(ok.error());
          }
        }
        report.transition = d.transition;
        report.queued = static_cast<int>(w.messages.size());
        w.state = StateToJson(d.next);
        return w;
      });
  if (!written) return std::unexpected(written.error());
  if (report.queued > 0 && on_queued_) on_queued_();
  return report;
}

Result<int64_t> Monitors::Heartbeat(const std::string& token) {
  return monitors_.RecordHeartbeat(token, clock_.Now());
}

Result<int64_t> Monitors::Prune() {
  return monitors_.PruneChecks(clock_.Now() - options_.retention);
}

}  // namespace im::monitor
