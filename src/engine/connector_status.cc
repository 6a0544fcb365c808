#include "engine/connector_status.h"

#include <algorithm>

#include "common/time.h"
#include "core/incident.h"

namespace im::engine {
namespace {

json::value OptTimeJson(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

std::string StateOf(const store::StoredConnector& s) {
  return !s.last_sync_at         ? "never synced"
         : !s.last_error.empty() ? "error"
         : s.import_done         ? "active"
                                 : "importing";
}

}  // namespace

Result<ConnectorStatus> ReadConnectorStatus(connectors::Manager& manager,
                                            store::ConnectorStore& store, const std::string& name,
                                            Time now) {
  ConnectorStatus s;
  auto stored = store.Get(name);
  if (!stored) return std::unexpected(stored.error());
  s.stored = std::move(*stored);
  s.state = StateOf(s.stored);
  if (auto config = manager.Config(name)) {
    s.config = std::move(*config);
  } else {
    s.config_error = config.error().message;
  }
  const Time minute = std::chrono::floor<std::chrono::minutes>(now);
  auto day = store.Activity(name, now - std::chrono::hours(24));
  auto all = store.Activity(name, Time{});
  auto this_minute = store.Activity(name, minute);
  auto two_minutes = store.Activity(name, minute - std::chrono::minutes(1));
  for (const auto* read : {&day, &all, &this_minute, &two_minutes}) {
    if (!*read) return std::unexpected(read->error());
  }
  s.day = *day;
  auto linked = store.CountLinks(name);
  if (!linked) return std::unexpected(linked.error());
  s.linked = *linked;
  auto outbox = store.Outbox(name, now - std::chrono::hours(24));
  if (!outbox) return std::unexpected(outbox.error());
  s.outbox = *outbox;
  // Which changes are parked and why: what a person needs to fix before --retry-parked.
  auto parked = store.ListOutbound(name, "parked", 10);
  if (!parked) return std::unexpected(parked.error());
  s.parked = std::move(*parked);
  // Who sends the outbox now (host:pid:random), so a lease held by a process on another
  // machine that died is recognisable while it runs out.
  auto sender = store.OutboxLeaseHolder(name, now);
  if (!sender) return std::unexpected(sender.error());
  s.sender = std::move(*sender);

  ConnectorMetrics& m = s.metrics;
  m.total_incidents = s.linked;
  m.syncs = all->syncs;
  if (all->syncs > 0) {
    m.sync_success_rate = 1.0 - static_cast<double>(all->sync_failures) / all->syncs;
    m.average_sync_seconds = all->sync_time_us / 1e6 / all->syncs;
  }
  m.calls_per_minute =
      std::max(this_minute->api_calls, two_minutes->api_calls - this_minute->api_calls);
  m.rate_limit_per_minute = s.config ? s.config->rate_limit_per_minute : 0;
  if (m.rate_limit_per_minute > 0) {
    m.rate_limit_usage = static_cast<double>(m.calls_per_minute) / m.rate_limit_per_minute;
  }
  s.error_rate_24h =
      s.day.api_calls ? static_cast<double>(s.day.api_errors) / s.day.api_calls : 0.0;
  return s;
}

Result<std::vector<ConnectorStatus>> ReadConnectorStatuses(connectors::Manager& manager,
                                                           store::ConnectorStore& store, Time now) {
  auto list = store.List();
  if (!list) return std::unexpected(list.error());
  std::vector<ConnectorStatus> out;
  for (const auto& c : *list) {
    auto s = ReadConnectorStatus(manager, store, c.name, now);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

json::object ConnectorStatusJson(const ConnectorStatus& st, Time now) {
  const store::StoredConnector& s = st.stored;
  const store::ActivityCounters& day = st.day;
  json::object o{
      {"name", s.name},
      {"type", s.type},
      {"status", st.state},
      {"created_at", FormatTime(s.created_at)},
      {"last_sync_at", OptTimeJson(s.last_sync_at)},
      {"last_error", s.last_error.empty() ? json::value(nullptr) : json::value(s.last_error)},
      {"history_imported_until", OptTimeJson(s.import_checkpoint)},
      {"history_import_done", s.import_done},
      {"last_webhook_at", OptTimeJson(s.last_webhook_at)},
      {"incidents_linked", st.linked},
      {"last_24h", json::object{{"api_calls", day.api_calls},
                                {"api_errors", day.api_errors},
                                {"rate_limited", day.rate_limited},
                                {"webhook_events", day.webhook_events},
                                {"webhook_unreadable", day.webhook_unreadable},
                                {"incidents_synced", day.incidents_synced},
                                {"syncs", day.syncs},
                                {"sync_failures", day.sync_failures}}}};
  if (s.last_sync_at) {
    o["sync_lag_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(now - *s.last_sync_at).count();
  }
  if (st.config) {
    o["sync_direction"] = connectors::DirectionName(st.config->direction);
    o["config"] = connectors::ConnectorConfigToJson(*st.config, /*with_secrets=*/false);
    o["webhook"] = st.config->webhook_secrets.empty() ? "not configured" : "configured";
    o["webhook_url"] = (st.config->public_url.empty() ? std::string("https://<public_url>")
                                                      : st.config->public_url) +
                       "/connectors/" + st.config->name + "/webhook";
  } else {
    o["config_error"] = st.config_error;
  }
  json::array parked;
  for (const auto& m : st.parked) {
    parked.push_back(json::object{{"incident", core::IncidentId(m.incident)},
                                  {"kind", m.kind},
                                  {"attempts", m.attempts},
                                  {"queued_at", FormatTime(m.created_at)},
                                  {"error", m.last_error}});
  }
  o["outbox"] =
      json::object{{"pending", st.outbox.pending},
                   {"parked", st.outbox.parked},
                   {"sent_24h", st.outbox.sent_since},
                   {"oldest_pending_at", OptTimeJson(st.outbox.oldest_pending)},
                   {"parked_items", std::move(parked)},
                   {"sender", st.sender.empty() ? json::value(nullptr) : json::value(st.sender)}};
  json::object metrics = ConnectorMetricsJson(st);
  metrics.erase("connector");
  o["metrics"] = std::move(metrics);
  o["error_rate_24h"] = st.error_rate_24h;
  return o;
}

json::object ConnectorMetricsJson(const ConnectorStatus& s) {
  const ConnectorMetrics& m = s.metrics;
  return json::object{{"connector", s.stored.name},
                      {"total_incidents", m.total_incidents},
                      {"sync_success_rate", m.sync_success_rate},
                      {"average_sync_seconds", m.average_sync_seconds},
                      {"api_calls_24h", s.day.api_calls},
                      {"api_errors_24h", s.day.api_errors},
                      {"rate_limited_24h", s.day.rate_limited},
                      {"rate_limit_usage", m.rate_limit_usage},
                      {"rate_limit_per_minute", m.rate_limit_per_minute},
                      {"webhook_events_24h", s.day.webhook_events}};
}

}  // namespace im::engine
