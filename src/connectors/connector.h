// The interface every provider connector implements. Connectors get their dependencies through
// ConnectorContext (Envoy's factory-context style); registry.h describes the types and creates
// them.
#pragma once

#include <spdlog/spdlog.h>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connectors/connector_config.h"
#include "connectors/rate_budget.h"
#include "connectors/rest_client.h"
#include "net/http_client.h"
#include "net/http_message.h"
#include "store/connector_store.h"
#include "store/deployment_store.h"
#include "store/schedule_store.h"
#include "store/store.h"

namespace im::connectors {

struct ConnectorContext {
  store::Store& store;
  store::ConnectorStore& connectors;
  net::HttpClient& http;
  RateBudgets& budgets;
  Waiter& waiter;
  const Clock& clock;
  std::shared_ptr<spdlog::logger> log;
  // IM_CONNECTOR_DEBUG=true: every connector logs each provider request and response (a type
  // may have its own switch too, like PAGERDUTY_DEBUG).
  bool debug = false;
  store::ScheduleStore* schedules = nullptr;      // imported schedules and policies go here
  store::DeploymentStore* deployments = nullptr;  // change events become deployments here
};

struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct SyncOptions {
  bool history = true;  // import (or resume importing) the configured history first
  // Only this provider incident; such a sync is not recorded as the connector's last sync,
  // and its failure does not mark the connector as failing.
  std::string incident_id;
  std::function<void(const std::string&, int64_t, int64_t)> progress;  // stage, done, total
  std::function<bool()> cancelled;  // checked between pages; a cancelled import resumes later
};

struct SyncReport {
  int64_t incidents = 0;  // created or updated
  int64_t log_entries = 0;
  int64_t deployments = 0;  // change events recorded as deployments (new ones)
  int64_t requests = 0;
  Duration took{};
};

// What one pass over the outbox did.
struct OutboxReport {
  int sent = 0;
  int skipped = 0;    // nothing to do at the provider (not mapped, not linked, switched off)
  int retrying = 0;   // failed, tried again later with backoff
  int parked = 0;     // failed for good or too often: shown in status, health and /metrics
  bool busy = false;  // another process holds the outbox lease and sends it: nothing was sent
};

// What one reconcile pass found and repaired.
struct ReconcileReport {
  int compared = 0;
  int held = 0;                       // changes made in im still wait in the outbox: left to it
  std::vector<std::string> repaired;  // "INC-7: mitigated → resolved (PagerDuty P1X2Y3)"
};

// Things of the provider's that a person names by id in im's configuration.
enum class ReferenceKind { kService, kEscalationPolicy };
std::string_view ReferenceKindName(ReferenceKind kind);  // "service", "escalation policy"

// Whether the provider knows an id, asked once with a short timeout (a diagnostic, not a sync).
struct ReferenceCheck {
  enum class Outcome {
    kFound,        // `detail`: the provider's name for it
    kNotFound,     // the provider says there is no such thing
    kUnreachable,  // could not ask (down, timed out, key refused): `detail` says why
    kUnsupported,  // this connector cannot check ids
  };
  Outcome outcome = Outcome::kUnsupported;
  std::string detail;
};

// The HTTP answer to a provider's webhook delivery.
struct WebhookReply {
  int status = 202;
  std::string message;
  int applied = 0;     // events applied now
  int duplicates = 0;  // events seen before
  // Refused because no configured secret verified it: the config may be worth reading again.
  bool unverified = false;
  // Verified with the newest of several secrets while older ones are being retired
  // (ConnectorConfig::webhook_secret_retire_at): the older ones may go (Manager).
  bool newest_secret_in_use = false;
};

// A provider's webhook subscription as `im connector webhook` manages it.
struct WebhookSubscriptionInfo {
  std::string id;
  std::string url;
  // False when switched off, or disabled by the provider after failed deliveries.
  bool enabled = true;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual const ConnectorConfig& config() const = 0;
  // The connection checks of `im connector test`, in order. The first says whether the provider
  // answers and the second whether it takes the credentials (`im connector health` is
  // Unhealthy when either fails); the checks after them are what the configuration names.
  virtual std::vector<Check> Test() = 0;
  virtual Result<SyncReport> Sync(const SyncOptions& options) = 0;
  // Takes one webhook delivery and calls `done` exactly once with the answer: at once when it
  // is refused, otherwise when the event is durably stored, from the store's writer thread
  // (so `done` must only hand the answer on). `request` must outlive the call to `done`.
  virtual void ReceiveWebhook(const net::HttpRequest& request,
                              std::function<void(WebhookReply)> done) = 0;
  // ReceiveWebhook, waiting for the answer (tools and tests).
  WebhookReply HandleWebhook(const net::HttpRequest& request);
  // The provider's webhook subscriptions that deliver to `url`.
  virtual Result<std::vector<WebhookSubscriptionInfo>> ListWebhooks(const std::string& url) = 0;
  // Creates a subscription delivering to `url`; returns it and its signing secret (which the
  // provider shows only now).
  virtual Result<std::pair<WebhookSubscriptionInfo, std::string>> CreateWebhook(
      const std::string& url) = 0;
  // Switches a subscription back on (after the provider disabled it, or someone did).
  virtual Result<void> EnableWebhook(const std::string& id) = 0;
  virtual Result<void> DeleteWebhook(const std::string& id) = 0;
  // Fetches from the provider what webhook events asked for (incidents they named but could
  // not update), as far as it is due; returns how many were fetched.
  virtual Result<int> FollowUp() { return 0; }
  // Sends the changes made in im that wait in this connector's outbox (when its direction
  // sends changes out), in order per incident.
  virtual Result<OutboxReport> FlushOutbox() { return OutboxReport{}; }
  // Compares the open incidents on both sides and repairs drift the webhooks and polling
  // missed (the provider's state is applied unless im's own changes wait in the outbox).
  virtual Result<ReconcileReport> Reconcile() { return ReconcileReport{}; }
  // Asks the provider whether `id` names a thing of `kind`, within about 10 seconds, without
  // retrying; never changes anything.
  virtual Result<ReferenceCheck> CheckReference(ReferenceKind /*kind*/, const std::string& /*id*/) {
    return ReferenceCheck{};
  }
};

// Whether a connector logs each provider request and response: its config's "debug", the
// server's IM_CONNECTOR_DEBUG=true (`server_debug`, ctx.debug), or its type's own environment
// switch `type_switch` set to "true" (PAGERDUTY_DEBUG, OPSGENIE_DEBUG).
bool DebugLogging(const ConnectorConfig& config, bool server_debug, const char* type_switch);

// Records what a connector did this minute in its activity counters: the calls in `calls` (its
// clients' TakeStats), `webhook_events`, and the sync `report` (null: this was no sync; `failed`:
// it failed). Writes nothing when there is nothing to record (an outbox pass over an empty
// outbox runs every second). A failure to record is logged, not returned.
void RecordActivity(ConnectorContext& ctx, const std::string& connector,
                    std::initializer_list<CallStats> calls, const SyncReport* report, bool failed,
                    int64_t webhook_events);

}  // namespace im::connectors
