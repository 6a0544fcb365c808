// The PagerDuty connector, inbound side: history import (time-sliced past the 10,000 offset
// cap, checkpointed, idempotent), incremental polling from account-wide log entries, signed v3
// webhooks applied in event-time order, and the connection checks of `im connector test`.
#pragma once

#include <mutex>

#include "connectors/connector.h"
#include "connectors/outbox_runner.h"
#include "connectors/pagerduty/client.h"
#include "connectors/pagerduty/mapping.h"
#include "connectors/pagerduty/settings.h"
#include "connectors/registry.h"

namespace im::connectors::pagerduty {

class PagerDutyConnector final : public Connector {
 public:
  PagerDutyConnector(ConnectorConfig config, ConnectorContext& ctx);

  const ConnectorConfig& config() const override { return config_; }
  std::vector<Check> Test() override;  // checks.cc
  Result<SyncReport> Sync(const SyncOptions& options) override;
  void ReceiveWebhook(const net::HttpRequest& request,
                      std::function<void(WebhookReply)> done) override;
  // webhook_subscriptions.cc
  Result<std::vector<WebhookSubscriptionInfo>> ListWebhooks(const std::string& url) override;
  Result<std::pair<WebhookSubscriptionInfo, std::string>> CreateWebhook(
      const std::string& url) override;
  Result<void> EnableWebhook(const std::string& id) override;
  Result<void> DeleteWebhook(const std::string& id) override;
  Result<int> FollowUp() override;               // refetch.cc
  Result<OutboxReport> FlushOutbox() override;   // outbound.cc
  Result<ReconcileReport> Reconcile() override;  // outbound.cc
  Result<ReferenceCheck> CheckReference(ReferenceKind kind,
                                        const std::string& id) override;  // references.cc

  Client& client() { return client_; }

 private:
  Result<void> FetchDirectory(SyncReport& report);
  // Schedules (with overrides) and escalation policies into ctx.schedules; returns how many
  // schedules were imported (oncall_import.cc).
  Result<int> ImportOnCall(SyncReport& report);
  // PagerDuty's users and services as im knows them: read from the store on first use after
  // each FetchDirectory, then shared. A snapshot never changes under its holder.
  Result<std::shared_ptr<const Directory>> CurrentDirectory();
  // Incidents created in [since, until), then log entries in [since, until).
  Result<void> ImportRange(Time since, Time until, bool refetch_changed, SyncReport& report,
                           const SyncOptions& options);
  using ItemMaker = std::function<std::optional<store::ConnectorStore::Item>(const json::object&)>;
  // Pages through a list endpoint for [since, until), storing what `make` returns in large
  // transactions, and halving the window when it holds more than the offset cap allows.
  Result<void> ImportPaged(const std::string& path, const std::string& key, const Query& extra,
                           Time since, Time until, const ItemMaker& make);
  Result<void> ImportIncidents(Time since, Time until, SyncReport& report);
  Result<void> ImportLogEntries(Time since, Time until, bool refetch_changed, SyncReport& report);
  using Decide = std::function<Result<store::ProviderUpdate>(const store::LinkedIncident&)>;
  // How PagerDuty's state `pd` (true at `event_at`) updates the linked incident, for the store
  // to call inside its write. Self-contained: it may run later, on another thread.
  Result<Decide> IncidentDecider(PdIncident pd, std::optional<Time> event_at);
  Result<void> ApplyIncident(const PdIncident& pd, std::optional<Time> event_at,
                             const std::optional<store::WebhookEventRecord>& event);
  Result<void> SyncOne(const std::string& id, SyncReport& report);
  // Change events in [since, until) into ctx.deployments (change_events.cc): PagerDuty's record
  // of deploys becomes im's, for the DORA metrics. Nothing when no deployment store is given.
  Result<void> ImportChangeEvents(Time since, Time until, SyncReport& report);
  void FlushStats(const SyncReport* report, bool failed, int64_t webhook_events);

  // Outbound (outbound.cc): one message of the outbox → sent or skipped, or the failure
  // (OutboxRunner retries or parks it).
  Result<Delivery> SendOutbound(const store::OutboxMessage& m);
  // The same with `from_override` as the From header ("": the actor's, see FromFor).
  Result<Delivery> SendOutboundAs(const store::OutboxMessage& m, const std::string& from_override);
  Result<Delivery> SendCreate(const store::OutboxMessage& m, const json::object& payload,
                              const std::string& from_override);
  // Posts `text` as a note on PagerDuty incident `id` for message `m`, once: a note its earlier
  // attempt made is found, not posted again. Records it on the timeline by its note id.
  Result<void> PostNoteOnce(const store::OutboxMessage& m, const std::string& id,
                            const std::string& text, const std::string& from);
  // "im-<install id>-": what starts the incident_key of every PagerDuty incident this
  // installation creates (read from the store once).
  Result<std::string> KeyPrefix();
  // The From header: the actor when PagerDuty knows them, else from_email.
  Result<std::string> FromFor(const std::string& actor);
  std::string UrgencyFor(core::Severity s) const;
  std::string ServiceFor(const std::string& service) const;  // "" when not mapped

  ConnectorConfig config_;
  Settings settings_;  // config_.custom, read
  ConnectorContext& ctx_;
  Client client_;  // retries with backoff: imports, polling, the outbox
  Client quick_;   // one attempt, short timeouts: diagnostics (checks.cc)
  OutboxRunner outbox_;
  std::mutex dir_mu_;
  std::shared_ptr<const Directory> dir_;  // GUARDED_BY(dir_mu_); null until read
  std::string key_prefix_;                // GUARDED_BY(dir_mu_); "" until read
};

// PagerDuty's registry entry (type.cc).
ConnectorType Type();

}  // namespace im::connectors::pagerduty
