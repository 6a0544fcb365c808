// Writes signed PagerDuty v3 webhook deliveries for bench/connectors/webhook_bench.sh, one per
// line: "<X-PagerDuty-Signature>\t<X-Webhook-Id>\t<body>". Each incident gets triggered,
// acknowledged and resolved events, shaped like PagerDuty's documented example
// (../shared/specs/pagerduty/examples/webhook-v3-event-data.incident.json).
// Usage: webhook_events OUT_FILE INCIDENTS SECRET
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "common/json.h"
#include "common/time.h"
#include "common/webhook_signature.h"

namespace {

im::json::object Reference(const std::string& type, const std::string& id,
                           const std::string& summary) {
  return {{"id", id},
          {"type", type + "_reference"},
          {"summary", summary},
          {"self", "https://api.pagerduty.com/" + type + "s/" + id},
          {"html_url", "https://acme.pagerduty.com/" + type + "s/" + id}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: webhook_events OUT_FILE INCIDENTS SECRET\n";
    return 2;
  }
  std::ofstream out(argv[1]);
  const long incidents = std::stol(argv[2]);
  const std::string secret = argv[3];
  const im::Time start = *im::ParseTime("2026-11-01T00:00:00Z");
  const char* kEvents[] = {"incident.triggered", "incident.acknowledged", "incident.resolved"};
  const char* kStatus[] = {"triggered", "acknowledged", "resolved"};
  for (long i = 0; i < incidents; ++i) {
    const std::string id = "PBENCH" + std::to_string(i);
    const std::string service = "PSVC" + std::to_string(i % 20);
    const im::Time created = start + std::chrono::seconds(i * 7);
    for (int step = 0; step < 3; ++step) {
      const im::Time at = created + std::chrono::seconds(step * 300);
      im::json::object incident{
          {"id", id},
          {"type", "incident"},
          {"self", "https://api.pagerduty.com/incidents/" + id},
          {"html_url", "https://acme.pagerduty.com/incidents/" + id},
          {"number", i + 1},
          {"status", kStatus[step]},
          {"incident_key", "bench-" + std::to_string(i)},
          {"created_at", im::FormatTime(created)},
          {"title", "Bench incident " + std::to_string(i)},
          {"service", Reference("service", service, "bench-service-" + std::to_string(i % 20))},
          {"assignees", im::json::array{}},
          {"escalation_policy", Reference("escalation_policy", "PEP1", "Default")},
          {"teams", im::json::array{}},
          {"priority", nullptr},
          {"urgency", i % 4 == 0 ? "low" : "high"},
          {"resolve_reason", nullptr}};
      const std::string event_id = "01BENCH" + std::to_string(i) + "E" + std::to_string(step);
      im::json::object event{
          {"event", im::json::object{{"id", event_id},
                                     {"event_type", kEvents[step]},
                                     {"resource_type", "incident"},
                                     {"occurred_at", im::FormatTime(at)},
                                     {"agent", Reference("user", "PUSER1", "Bench User")},
                                     {"client", nullptr},
                                     {"data", std::move(incident)}}}};
      const std::string body = im::json::Serialize(event);
      out << im::PagerDutySignature(secret, body) << '\t' << event_id << '\t' << body << '\n';
    }
  }
  return out ? 0 : 1;
}
