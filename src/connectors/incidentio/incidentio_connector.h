// The incident.io connector: read-only by design (it never writes to incident.io). History
// import of /v2/incidents in created_at slices (checkpointed, resumable, idempotent), each
// incident with its /v2/incident_updates; incremental polling by updated_at[gte]; severities,
// statuses and users (by email) into the directory; schedules and their final entries into the
// on-call store; Standard Webhooks deliveries (Svix) verified, deduplicated by webhook-id,
// stored, and followed by a fetch of the incident they name (deliveries may come out of
// order: what incident.io says now is what is stored); and the checks of `im connector test`.
// docs/incidentio.md says what maps to what.
#pragma once

#include <atomic>
#include <mutex>
#include <set>

#include "connectors/connector.h"
#include "connectors/incidentio/client.h"
#include "connectors/incidentio/mapping.h"
#include "connectors/incidentio/settings.h"
#include "connectors/registry.h"
#include "schedule/escalation.h"

namespace im::connectors::incidentio {

// What a sync left out or marked, for `im connector test` and the log.
struct IioCounts {
  int64_t left_out_test = 0;       // test and tutorial incidents
  int64_t excluded_from_mttr = 0;  // declined, canceled, merged
  int64_t private_unreadable = 0;  // private incidents the key may not read
  int64_t unknown_values = 0;      // incidents with a category im does not know yet
  int64_t unmatched_services = 0;  // service names im's catalog did not have (added)
};

class IncidentIoConnector final : public Connector {
 public:
  IncidentIoConnector(ConnectorConfig config, ConnectorContext& ctx);

  const ConnectorConfig& config() const override { return config_; }
  std::vector<Check> Test() override;  // checks.cc
  Result<SyncReport> Sync(const SyncOptions& options) override;
  void ReceiveWebhook(const net::HttpRequest& request,
                      std::function<void(WebhookReply)> done) override;  // webhook.cc
  // incident.io's webhook endpoints are set up in incident.io (docs/incidentio.md).
  Result<std::vector<WebhookSubscriptionInfo>> ListWebhooks(const std::string& url) override;
  Result<std::pair<WebhookSubscriptionInfo, std::string>> CreateWebhook(
      const std::string& url) override;
  Result<void> EnableWebhook(const std::string& id) override;
  Result<void> DeleteWebhook(const std::string& id) override;
  Result<int> FollowUp() override;  // webhook.cc: fetches what deliveries named

  IioCounts counts() const;

 private:
  Result<void> FetchDirectory(SyncReport& report);
  Result<IioContext> Context();
  // Incidents created (polling: updated) in [from, until), with their updates.
  Result<void> ImportWindow(Time from, Time until, bool polling, SyncReport& report);
  // Counts the test and tutorial incidents created in [from, until) (left out of im).
  Result<void> CountLeftOut(Time from, Time until, SyncReport& report);
  Result<void> ReadUpdates(IioIncident& incident, RestClient& client, SyncReport* report);
  // Reads incident `id` and applies it; a private one the key may not read is recorded as
  // private with what is known.
  Result<void> FetchOne(const std::string& id, RestClient& client, SyncReport* report);
  using Decide = std::function<Result<store::ProviderUpdate>(const store::LinkedIncident&)>;
  Decide Decider(const IioIncident& i, const IioContext& ctx);
  // Schedules and their final entries, and escalation paths, into ctx.schedules
  // (oncall_import.cc).
  Result<int> ImportOnCall(SyncReport& report);
  // Escalation paths as policies (their top-level levels; a repeat node is num_loops), by
  // incident.io id; schedule targets are the im schedules made from that schedule.
  Result<std::vector<std::pair<std::string, schedule::EscalationPolicy>>> ImportEscalationPaths(
      const schedule::ScheduleIndex& index,
      const std::map<std::string, std::vector<std::string>>& by_schedule, SyncReport& report);
  void Note(const IioIncident& i);
  void FlushStats(const SyncReport* report, bool failed, int64_t webhook_events);

  ConnectorConfig config_;
  Settings settings_;  // config_.custom, read
  ConnectorContext& ctx_;
  RestClient client_;  // retries with backoff: imports, polling
  RestClient quick_;   // one attempt, short timeouts: diagnostics and webhook follow-ups
  mutable std::mutex mu_;
  std::vector<IioSeverity> severities_;   // GUARDED_BY(mu_); read by FetchDirectory
  bool directory_read_ = false;           // GUARDED_BY(mu_)
  IioCounts counts_;                      // GUARDED_BY(mu_)
  std::set<std::string> reported_;        // GUARDED_BY(mu_): unknown values logged once
  std::set<std::string> known_services_;  // GUARDED_BY(mu_): im's catalog, read by syncs
};

// incident.io's registry entry (type.cc).
ConnectorType Type();

}  // namespace im::connectors::incidentio
