#include "cli/connector_state.h"

#include "common/time.h"
#include "core/incident.h"
#include "http/api/connectors_api.h"

namespace im::cli {

Result<ConnectorState> ReadConnectorState(app::ConnectorRuntime& cr, const std::string& name,
                                          Time now) {
  ConnectorState s;
  auto stored = cr.store->Get(name);
  if (!stored) return std::unexpected(stored.error());
  s.stored = std::move(*stored);
  if (auto config = cr.manager->Config(name)) s.config = std::move(*config);
  auto day = cr.store->Activity(name, now - std::chrono::hours(24));
  if (!day) return std::unexpected(day.error());
  s.day = *day;
  auto linked = cr.store->CountLinks(name);
  if (!linked) return std::unexpected(linked.error());
  s.linked = *linked;
  auto outbox = cr.store->Outbox(name, now - std::chrono::hours(24));
  if (!outbox) return std::unexpected(outbox.error());
  s.outbox = *outbox;
  // Which changes are parked and why: what a person needs to fix before --retry-parked.
  auto parked = cr.store->ListOutbound(name, "parked", 10);
  if (!parked) return std::unexpected(parked.error());
  s.parked = std::move(*parked);
  // Who sends the outbox now (host:pid:random), so a lease held by a process on another
  // machine that died is recognisable while it runs out.
  auto sender = cr.store->OutboxLeaseHolder(name, now);
  if (!sender) return std::unexpected(sender.error());
  s.sender = std::move(*sender);

  s.json = http::api::ConnectorStatusJson(s.stored, s.config ? &*s.config : nullptr, s.day,
                                          s.linked, now);
  json::object outbox_json = http::api::OutboxJson(s.outbox);
  json::array parked_json;
  for (const auto& m : s.parked) {
    parked_json.push_back(json::object{{"incident", core::IncidentId(m.incident)},
                                       {"kind", m.kind},
                                       {"attempts", m.attempts},
                                       {"queued_at", FormatTime(m.created_at)},
                                       {"error", m.last_error}});
  }
  outbox_json["parked_items"] = std::move(parked_json);
  outbox_json["sender"] = s.sender.empty() ? json::value(nullptr) : json::value(s.sender);
  s.json["outbox"] = std::move(outbox_json);
  return s;
}

}  // namespace im::cli
