#include "connectors/connector.h"

#include <cstdlib>
#include <future>

namespace im::connectors {

WebhookReply Connector::HandleWebhook(const net::HttpRequest& request) {
  std::promise<WebhookReply> answer;
  auto reply = answer.get_future();
  ReceiveWebhook(request, [&answer](WebhookReply r) { answer.set_value(std::move(r)); });
  return reply.get();
}

std::string_view ReferenceKindName(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kService: return "service";
    case ReferenceKind::kEscalationPolicy: return "escalation policy";
  }
  return "service";
}

bool DebugLogging(const ConnectorConfig& config, bool server_debug, const char* type_switch) {
  const char* env = std::getenv(type_switch);
  return config.debug || server_debug || (env != nullptr && std::string_view(env) == "true");
}

void RecordActivity(ConnectorContext& ctx, const std::string& connector,
                    std::initializer_list<CallStats> calls, const SyncReport* report, bool failed,
                    int64_t webhook_events) {
  store::ActivityCounters c{.webhook_events = webhook_events};
  for (const CallStats& s : calls) {
    c.api_calls += s.calls;
    c.api_errors += s.errors;
    c.rate_limited += s.rate_limited;
    c.api_latency_us += s.latency_us;
  }
  if (!report && c.api_calls == 0 && webhook_events == 0) return;
  if (report) {
    c.incidents_synced = report->incidents;
    c.syncs = 1;
    c.sync_failures = failed ? 1 : 0;
    c.sync_time_us = report->took.count();
  }
  Time minute = std::chrono::floor<std::chrono::minutes>(ctx.clock.Now());
  if (auto ok = ctx.connectors.AddActivity(connector, minute, c); !ok) {
    ctx.log->error("cannot record connector activity: {}", ok.error().message);
  }
}

}  // namespace im::connectors
