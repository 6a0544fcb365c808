// The Opsgenie connector: read-only by design (it never creates, acknowledges or closes
// anything in Opsgenie). History import of incidents and alerts in createdAt slices
// (checkpointed, resumable, idempotent, each listing kept under Opsgenie's 20,000-result offset
// cap), incremental polling by updatedAt, the directory (users by email, teams, services),
// schedules and escalations into the on-call store, outgoing-webhook deliveries authenticated
// by a shared secret header and followed by a fetch of the alert they name, and the checks of
// `im connector test`. docs/opsgenie.md says what maps to what.
#pragma once

#include <atomic>
#include <mutex>

#include "connectors/connector.h"
#include "connectors/opsgenie/client.h"
#include "connectors/opsgenie/mapping.h"
#include "connectors/opsgenie/settings.h"
#include "connectors/registry.h"

namespace im::connectors::opsgenie {

// The two API hosts, by region (tests point them at two simulators).
struct RegionHosts {
  std::string us = kUsBaseUrl;
  std::string eu = kEuBaseUrl;
  const std::string& For(const std::string& region) const { return region == "eu" ? eu : us; }
};

class OpsgenieConnector final : public Connector {
 public:
  OpsgenieConnector(ConnectorConfig config, ConnectorContext& ctx, RegionHosts hosts = {});

  const ConnectorConfig& config() const override { return config_; }
  std::vector<Check> Test() override;  // checks.cc
  Result<SyncReport> Sync(const SyncOptions& options) override;
  void ReceiveWebhook(const net::HttpRequest& request,
                      std::function<void(WebhookReply)> done) override;  // webhook.cc
  // Opsgenie's webhook integration is set up in Opsgenie (docs/opsgenie.md): none of these.
  Result<std::vector<WebhookSubscriptionInfo>> ListWebhooks(const std::string& url) override;
  Result<std::pair<WebhookSubscriptionInfo, std::string>> CreateWebhook(
      const std::string& url) override;
  Result<void> EnableWebhook(const std::string& id) override;
  Result<void> DeleteWebhook(const std::string& id) override;
  Result<int> FollowUp() override;  // webhook.cc: fetches what deliveries named

  // False once Opsgenie refused the Incident API (402/403: not on this plan): alerts only.
  bool incident_api() const { return incident_api_.load(); }

 private:
  Result<void> FetchDirectory(SyncReport& report);
  Result<std::shared_ptr<const OgDirectory>> CurrentDirectory();
  // Incidents, then alerts, created (or, when polling, updated) in [from, until).
  Result<void> ImportWindow(Time from, Time until, bool polling, SyncReport& report);
  Result<void> ImportIncidents(Time from, Time until, bool polling, SyncReport& report);
  Result<void> ImportAlerts(Time from, Time until, bool polling, SyncReport& report);
  // The incident's timeline: its first resolve (or close) and who did it.
  Result<void> ReadTimeline(OgIncident& incident, SyncReport* report);
  // Links the alerts Opsgenie made for incident `id` to it, so they are not counted again.
  Result<void> LinkResponderAlerts(const std::string& id, RestClient& client, SyncReport* report);
  // Reads one alert or incident ("alert:<id>" / "incident:<id>") and applies it.
  Result<void> FetchOne(const std::string& key, RestClient& client, SyncReport* report);
  using Decide = std::function<Result<store::ProviderUpdate>(const store::LinkedIncident&)>;
  Decide AlertDecider(const OgAlert& a, const OgDirectory& dir) const;
  Decide IncidentDecider(const OgIncident& i, const OgDirectory& dir) const;
  // Schedules (rotations, restrictions, overrides) and escalations into ctx.schedules.
  Result<int> ImportOnCall(SyncReport& report);  // oncall_import.cc
  void FlushStats(const SyncReport* report, bool failed, int64_t webhook_events);
  // The client options for `base_url` with this connector's key and debug switches.
  RestOptions OptionsForHost(const std::string& base_url) const;

  ConnectorConfig config_;
  Settings settings_;  // config_.custom, read
  ConnectorContext& ctx_;
  RegionHosts hosts_;
  RestClient client_;  // retries with backoff: imports, polling
  RestClient quick_;   // one attempt, short timeouts: diagnostics and webhook follow-ups
  std::atomic<bool> incident_api_{true};
  std::atomic<bool> responder_alert_ids_{true};  // false once Opsgenie does not serve them
  std::mutex dir_mu_;
  std::shared_ptr<const OgDirectory> dir_;  // GUARDED_BY(dir_mu_); null until read
};

// Opsgenie's registry entry (type.cc).
ConnectorType Type();

}  // namespace im::connectors::opsgenie
