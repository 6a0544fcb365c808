// Sends a connector's durable outbox (store::Tx::EnqueueOutbound): only the process holding
// the outbox lease sends, messages of one incident go in queue order, a failed message waits
// with growing backoff (and holds back the later ones of its incident), and one that fails for
// good or too often is parked. A connector supplies only how to send one message.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "connectors/connector.h"
#include "store/connector_store.h"

namespace spdlog {
class logger;
}

namespace im::connectors {

// Deliveries of one outbox message before it is parked.
inline constexpr int kMaxOutboundAttempts = 10;

// What sending one message came to, when it did not fail.
enum class Delivery {
  kSent,
  kSkipped,  // nothing to do at the provider (not mapped, not linked, switched off)
};

// Sends one message to the provider. A failure is retried later with backoff, unless
// `permanent` (OutboxRunnerOptions) says sending again cannot fix it: then it is parked at once.
// Sending must be safe to repeat: a message whose answer was lost is sent again.
using SendMessage = std::function<Result<Delivery>(const store::OutboxMessage&)>;

// Refusals sending again cannot fix: kInvalidArgument, kNotFound, kPermissionDenied,
// kUnauthenticated, kFailedPrecondition.
bool PermanentFailure(const Error& e);

// Retry delay after `attempts` failed deliveries: 5 s doubling, at most 10 min.
Duration OutboxBackoff(int attempts);

// "host:pid:random": this process as the holder of outbox leases.
const std::string& ThisProcessOwner();

struct OutboxRunnerOptions {
  std::string connector;  // whose outbox
  std::string provider;   // "PagerDuty": names it in log lines
  int max_attempts = kMaxOutboundAttempts;
  std::function<bool(const Error&)> permanent = PermanentFailure;
  std::function<Duration(int attempts)> backoff = OutboxBackoff;
  // Asked before each message is sent: false ends the pass there (a throttled destination;
  // the message and those after it wait for the next pass, so order is kept). Unset: always.
  std::function<bool(const store::OutboxMessage&)> admit;
  // Asked before `admit`: true holds this one message (and the later ones of its incident) for
  // a later pass while the pass goes on with the others (a throttled person). Unset: never.
  std::function<bool(const store::OutboxMessage&)> defer;
  // Who this runner is as a lease holder; another process's runner has another owner.
  std::string owner = ThisProcessOwner();
};

class OutboxRunner {
 public:
  OutboxRunner(OutboxRunnerOptions options, store::ConnectorStore& store, const Clock& clock,
               std::shared_ptr<spdlog::logger> log);

  // One pass: sends what is due while this process holds the lease (`busy` in the report when
  // another live process holds it; it sends ours too). A pass with nothing pending costs one
  // read and takes no lease. Passes over one connector in this process run one at a time.
  Result<OutboxReport> Flush(const SendMessage& send);

 private:
  Result<void> FlushLeased(const SendMessage& send, OutboxReport& report, Time leased_until);

  OutboxRunnerOptions options_;
  store::ConnectorStore& store_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace im::connectors
