#include "monitor/events_ingest.h"

#include <cstring>

#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "core/lifecycle.h"

namespace im::monitor {
namespace {

constexpr size_t kMaxEventBytes = 512 * 1024;

EventsIngest::Outcome Refuse(std::vector<std::string> errors) {
  return EventsIngest::Outcome{.refused = EventRefusal{std::move(errors)}};
}

std::string EvString(const json::object& o, const char* f) {
  auto it = o.find(f);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

}  // namespace

Result<store::EventIntegration> EventsIngest::AddIntegration(const std::string& service,
                                                             const std::string& severity_map,
                                                             const std::string& name) {
  if (service.empty() || service.size() > 200) {
    return InvalidAt("--service", "give the service its incidents belong to");
  }
  auto defaults = json::Parse(kDefaultSeverityMap);
  json::object map = defaults->as_object();
  size_t start = 0;
  while (start < severity_map.size()) {
    size_t end = severity_map.find(',', start);
    if (end == std::string::npos) end = severity_map.size();
    std::string pair = severity_map.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string from = pair.substr(0, eq);
    if (eq == std::string::npos || !map.contains(from)) {
      return InvalidAt("--severity-map",
                       "'" + pair +
                           "' is not EVENT_SEVERITY=SEV-n with one of critical, "
                           "error, warning, info, e.g. critical=SEV-1,error=SEV-2");
    }
    auto sev = core::ParseSeverity(pair.substr(eq + 1));
    if (!sev) {
      return InvalidAt("--severity-map", "'" + pair.substr(eq + 1) + "' is not SEV-1 to SEV-4");
    }
    map[from] = core::SeverityName(*sev);
  }
  store::EventIntegration i{.routing_key = HexEncode(RandomBytes(16)),
                            .name = name.empty() ? "events-" + service : name,
                            .service = service,
                            .severity_map = json::Serialize(map),
                            .created_at = clock_.Now()};
  if (auto ok = store_.AddIntegration(i); !ok) return std::unexpected(ok.error());
  return i;
}

Result<EventsIngest::Outcome> EventsIngest::EnqueueV1(std::string_view body) {
  if (body.size() > kMaxEventBytes) return Refuse({"Event is larger than 512 KB"});
  auto v = json::Parse(body);
  if (!v || !v->is_object()) return Refuse({"Event object format is unrecognized"});
  const auto& ev = v->as_object();
  json::object v2{{"routing_key", EvString(ev, "service_key")},
                  {"event_action", EvString(ev, "event_type")}};
  if (auto key = EvString(ev, "incident_key"); !key.empty()) v2["dedup_key"] = key;
  if (EvString(ev, "event_type") == "trigger") {
    std::string client = EvString(ev, "client");
    json::object payload{{"summary", EvString(ev, "description")},
                         {"source", client.empty() ? "events-v1" : client},
                         {"severity", "error"}};
    if (auto d = ev.find("details"); d != ev.end()) payload["custom_details"] = d->value();
    v2["payload"] = std::move(payload);
  }
  for (const char* f : {"client", "client_url"}) {
    if (auto s = EvString(ev, f); !s.empty()) v2[f] = s;
  }
  auto out = Enqueue(json::Serialize(v2));
  if (out && out->refused) {
    // Name v1's fields, not v2's.
    for (auto& e : out->refused->errors) {
      for (auto [from, to] :
           {std::pair{"'routing_key'", "'service_key'"},
            std::pair{"'event_action'", "'event_type'"}, std::pair{"'dedup_key'", "'incident_key'"},
            std::pair{"'payload.summary'", "'description'"}}) {
        if (auto at = e.find(from); at != std::string::npos) e.replace(at, strlen(from), to);
      }
    }
  }
  return out;
}

Result<std::variant<EventRefusal, EventsIngest::Prepared>> EventsIngest::Prepare(
    std::string_view body) {
  using Out = std::variant<EventRefusal, Prepared>;
  auto refuse = [](std::vector<std::string> errors) -> Out {
    return EventRefusal{std::move(errors)};
  };
  if (body.size() > kMaxEventBytes) return refuse({"Event is larger than 512 KB"});
  auto v = json::Parse(body);
  if (!v || !v->is_object()) return refuse({"Event object format is unrecognized"});
  const auto& ev = v->as_object();
  std::vector<std::string> errors;
  Prepared p;
  std::string key = EvString(ev, "routing_key");
  p.action = EvString(ev, "event_action");
  p.dedup = EvString(ev, "dedup_key");
  if (key.empty()) errors.push_back("'routing_key' is missing or blank");
  if (p.action != "trigger" && p.action != "acknowledge" && p.action != "resolve") {
    errors.push_back("'event_action' must be one of trigger, acknowledge or resolve");
  }
  if (ev.contains("dedup_key") && !ev.at("dedup_key").is_string() &&
      !ev.at("dedup_key").is_null()) {
    errors.push_back("'dedup_key' must be a string");
  }
  if (p.dedup.size() > 255) errors.push_back("'dedup_key' is longer than 255 characters");
  if (p.action != "trigger" && !p.action.empty() && p.dedup.empty()) {
    errors.push_back("'dedup_key' is required for " + p.action);
  }
  if (p.action == "trigger") {
    auto it = ev.find("payload");
    if (it == ev.end() || !it->value().is_object()) {
      errors.push_back("'payload' is missing or not an object");
    } else {
      const auto& payload = it->value().as_object();
      p.summary = EvString(payload, "summary");
      std::string source = EvString(payload, "source");
      p.severity = EvString(payload, "severity");
      if (p.summary.empty()) errors.push_back("'payload.summary' is missing or blank");
      if (p.summary.size() > 1024) errors.push_back("'payload.summary' is longer than 1024");
      if (source.empty()) errors.push_back("'payload.source' is missing or blank");
      if (p.severity != "critical" && p.severity != "error" && p.severity != "warning" &&
          p.severity != "info") {
        errors.push_back("'payload.severity' must be critical, error, warning or info");
      }
      if (auto ts = EvString(payload, "timestamp"); !ts.empty() && !ParseTime(ts)) {
        errors.push_back("'payload.timestamp' is not an ISO 8601 time");
      }
      p.details = "Source: " + source;
      for (const char* f : {"component", "group", "class"}) {
        if (auto x = EvString(payload, f); !x.empty())
          p.details += "\n" + std::string(f) + ": " + x;
      }
      if (auto cd = payload.find("custom_details"); cd != payload.end() && !cd->value().is_null()) {
        p.details += "\nDetails: " + json::Serialize(cd->value());
      }
      if (auto client = EvString(ev, "client"); !client.empty()) {
        p.details += "\nSent by: " + client + " " + EvString(ev, "client_url");
      }
    }
  }
  if (!errors.empty()) return refuse(std::move(errors));
  auto integration = store_.GetIntegration(key);
  if (!integration) {
    if (integration.error().code == ErrorCode::kNotFound) return refuse({"Invalid routing key"});
    return std::unexpected(integration.error());
  }
  p.integration = std::move(*integration);
  if (p.dedup.empty()) p.dedup = HexEncode(RandomBytes(16));
  return Out{std::move(p)};
}

Result<int64_t> EventsIngest::Apply(const Prepared& p, int64_t open, store::Tx& tx,
                                    EventAccepted& accepted) {
  const core::Actor actor{.email = "events@im.local", .source = "events"};
  Time now = clock_.Now();
  accepted = EventAccepted{.dedup_key = p.dedup, .incident = open};
  if (p.action == "trigger") {
    if (open != 0) {
      accepted.outcome = "deduplicated";
      return open;
    }
    auto map = json::Parse(p.integration.severity_map);
    core::Severity sev = core::Severity::kSev2;
    if (map && map->is_object()) {
      if (auto s = core::ParseSeverity(EvString(map->as_object(), p.severity.c_str()))) sev = *s;
    }
    core::DeclareRequest req{.title = p.summary,
                             .description = p.details,
                             .severity = sev,
                             .services = {p.integration.service},
                             .custom_fields = {{"dedup_key", p.dedup}}};
    auto change = core::Declare(req, actor, now);
    if (!change) return std::unexpected(change.error());
    if (auto ok = tx.EnsureService(p.integration.service, now); !ok) {
      return std::unexpected(ok.error());
    }
    auto number = tx.InsertIncident(change->incident);
    if (!number) return std::unexpected(number.error());
    if (auto ok = tx.AppendTimeline(*number, change->entries); !ok) {
      return std::unexpected(ok.error());
    }
    auto queued = tx.EnqueueOutbound(*number, "create",
                                     json::Serialize(json::object{{"actor", actor.email}}), now);
    if (!queued) return std::unexpected(queued.error());
    accepted.outcome = "opened";
    accepted.incident = *number;
    return *number;
  }
  if (open == 0) {
    accepted.outcome = "dropped";
    return 0;
  }
  auto inc = tx.GetIncident(open);
  if (!inc) return std::unexpected(inc.error());
  std::string note = "Events API v2 " + p.action + " from " + p.integration.name;
  Result<core::Change> change = std::unexpected(Error{ErrorCode::kInternal, ""});
  if (p.action == "acknowledge") {
    if (inc->status != core::Status::kOpen) {
      accepted.outcome = "deduplicated";
      return open;
    }
    change = core::Acknowledge(*inc, actor, now, note);
    accepted.outcome = "acknowledged";
  } else {
    change = core::Resolve(*inc, actor, now, note);
    accepted.outcome = "resolved";
  }
  if (!change) return std::unexpected(change.error());
  if (auto ok = tx.UpdateIncident(change->incident); !ok) return std::unexpected(ok.error());
  if (auto ok = tx.AppendTimeline(open, change->entries); !ok) return std::unexpected(ok.error());
  auto queued = tx.EnqueueOutbound(
      open, p.action, json::Serialize(json::object{{"actor", actor.email}, {"note", note}}), now);
  if (!queued) return std::unexpected(queued.error());
  return open;
}

Result<EventsIngest::Outcome> EventsIngest::Enqueue(std::string_view body) {
  auto prepared = Prepare(body);
  if (!prepared) return std::unexpected(prepared.error());
  if (auto* refusal = std::get_if<EventRefusal>(&*prepared)) return Outcome{.refused = *refusal};
  const Prepared& p = std::get<Prepared>(*prepared);
  EventAccepted accepted;
  auto applied =
      store_.ApplyEvent(p.integration.routing_key, p.dedup,
                        [&](int64_t open, store::Tx& tx) { return Apply(p, open, tx, accepted); });
  if (!applied) return std::unexpected(applied.error());
  return Outcome{.accepted = accepted};
}

void EventsIngest::EnqueueAsync(std::string_view body, std::function<void(Result<Outcome>)> done) {
  auto prepared = Prepare(body);
  if (!prepared) return done(std::unexpected(prepared.error()));
  if (auto* refusal = std::get_if<EventRefusal>(&*prepared)) {
    return done(Outcome{.refused = *refusal});
  }
  auto p = std::make_shared<Prepared>(std::move(std::get<Prepared>(*prepared)));
  auto accepted = std::make_shared<EventAccepted>();
  std::string key = p->integration.routing_key, dedup = p->dedup;
  store_.ApplyEventAsync(
      std::move(key), std::move(dedup),
      [this, p, accepted](int64_t open, store::Tx& tx) { return Apply(*p, open, tx, *accepted); },
      [accepted, done = std::move(done)](Result<int64_t> r) {
        if (!r) return done(std::unexpected(r.error()));
        done(Outcome{.accepted = *accepted});
      });
}

}  // namespace im::monitor
