// Writes Standard Webhooks deliveries as incident.io's Svix sends them, for
// bench/connectors/incidentio_webhook_bench.sh, one per line:
// "<webhook-signature>\t<webhook-id>\t<webhook-timestamp>\t<body>". Each incident gets
// incident_created_v2, incident_status_updated_v2 and incident_updated_v2 events shaped like
// the official examples (tests/testdata/incident-io/examples). They are signed now: the
// receiver refuses timestamps more than 5 minutes off, so run the benchmark right after.
// Usage: incidentio_webhook_events OUT_FILE INCIDENTS SECRET
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "common/time.h"
#include "common/webhook_signature.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: incidentio_webhook_events OUT_FILE INCIDENTS SECRET\n";
    return 2;
  }
  std::ofstream out(argv[1]);
  const long incidents = std::stol(argv[2]);
  const std::string secret = argv[3];
  im::SystemClock clock;
  const int64_t ts =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  const im::Time start = *im::ParseTime("2026-11-01T00:00:00Z");
  const char* kEvents[] = {"public_incident.incident_created_v2",
                           "public_incident.incident_status_updated_v2",
                           "public_incident.incident_updated_v2"};
  for (long i = 0; i < incidents; ++i) {
    const std::string id = "01BENCHINC" + std::to_string(i);
    const im::Time created = start + std::chrono::seconds(i * 7);
    for (int step = 0; step < 3; ++step) {
      im::json::object incident{
          {"id", id},
          {"reference", "INC-" + std::to_string(i + 1)},
          {"name", "Bench incident " + std::to_string(i)},
          {"mode", "standard"},
          {"visibility", "public"},
          {"created_at", im::FormatTime(created)},
          {"updated_at", im::FormatTime(created + std::chrono::seconds(step * 300))},
          {"incident_status",
           {{"id", "01STATUS" + std::to_string(step)},
            {"name", step == 2 ? "Closed" : "Investigating"},
            {"category", step == 2 ? "closed" : "live"},
            {"rank", step}}},
          {"severity", {{"id", "01SEV2"}, {"name", "Major"}, {"rank", 3}}}};
      im::json::object payload =
          step == 1 ? im::json::object{{"incident", std::move(incident)}, {"message", "Fixing"}}
                    : std::move(incident);
      const std::string msg = "msg_bench_" + std::to_string(i) + "_" + std::to_string(step);
      const std::string body = im::json::Serialize(
          im::json::object{{"event_type", kEvents[step]}, {kEvents[step], std::move(payload)}});
      auto sig = im::StandardWebhookSignature(secret, msg, ts, body);
      if (!sig) {
        std::cerr << sig.error().message << "\n";
        return 2;
      }
      out << *sig << '\t' << msg << '\t' << ts << '\t' << body << '\n';
    }
  }
  return out ? 0 : 1;
}
