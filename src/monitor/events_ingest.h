// The drop-in PagerDuty Events API v2 endpoint's rules (`POST /v2/enqueue`): a routing key
// names an im integration (service, severity map); trigger opens an incident for a dedup_key
// (or joins the open one), acknowledge and resolve act on it, and events for a dedup_key with
// no open incident are accepted and dropped, as PagerDuty does. Each accepted event is durable
// before it is acknowledged. The HTTP handler only maps the result to PagerDuty's bodies.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "store/monitor_store.h"
#include "store/store.h"

namespace im::monitor {

struct EventAccepted {
  std::string dedup_key;
  int64_t incident = 0;  // the incident the event applied to (0: dropped)
  std::string outcome;   // "opened", "deduplicated", "acknowledged", "resolved", "dropped"
};

// A refused event: PagerDuty's 400 body lists `errors`.
struct EventRefusal {
  std::vector<std::string> errors;
};

// Events v2 severities and the default map to im's.
inline constexpr const char* kDefaultSeverityMap =
    R"({"critical":"SEV-1","error":"SEV-2","warning":"SEV-3","info":"SEV-4"})";

class EventsIngest {
 public:
  EventsIngest(store::MonitorStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Makes an integration with a new 32-character routing key. `severity_map` is
  // "critical=SEV-1,error=SEV-2" (others keep their default) or "".
  Result<store::EventIntegration> AddIntegration(const std::string& service,
                                                 const std::string& severity_map,
                                                 const std::string& name);

  // Validates and applies one request body. kInvalidArgument errors come back as a refusal;
  // store failures as an Error (→ 5xx, the sender retries).
  struct Outcome {
    std::optional<EventAccepted> accepted;
    std::optional<EventRefusal> refused;
  };
  Result<Outcome> Enqueue(std::string_view body);
  // The same for PagerDuty's Events API v1 (`/generic/2010-04-15/create_event.json`):
  // service_key, event_type, incident_key, description, details, client, client_url. A
  // trigger gets severity "error" and source "events-v1" unless its client names one.
  Result<Outcome> EnqueueV1(std::string_view body);
  // Enqueue without waiting for the disk: the body is checked on the calling thread, the
  // change joins the store's next group commit, and `done` gets the outcome (on the store's
  // writer thread) once it is durable. `done` must only hand the result on.
  void EnqueueAsync(std::string_view body, std::function<void(Result<Outcome>)> done);

 private:
  // A checked event and its integration, ready to apply.
  struct Prepared {
    std::string action, dedup, summary, severity, details;
    store::EventIntegration integration;
  };
  Result<std::variant<EventRefusal, Prepared>> Prepare(std::string_view body);
  Result<int64_t> Apply(const Prepared& p, int64_t open, store::Tx& tx, EventAccepted& accepted);

  store::MonitorStore& store_;
  const Clock& clock_;
};

}  // namespace im::monitor
