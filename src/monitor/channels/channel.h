// Notification channels: where monitors' outages and incidents' changes are sent. A channel
// type is one file pair here (PagerDuty, Slack, Teams, email, SMS, webhook) registered by
// name in channel_types.cc:
// it reads and checks its config, and opens a Channel that delivers one Notification. Every
// delivery goes through the channel's durable outbox (channel_outbox.h), so a type only says
// how to send one message and whether a failure is worth retrying.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "connectors/outbox_runner.h"
#include "connectors/secret_box.h"
#include "monitor/notification.h"
#include "net/http_client.h"
#include "store/notify_store.h"
#include "store/store.h"

namespace im::monitor {

class Channel {
 public:
  virtual ~Channel() = default;
  // Delivers one notification. Safe to repeat (the outbox sends again when an answer was
  // lost). kSkipped when there is nothing to send (a resolve with auto_resolve off).
  // Errors: kInvalidArgument for a refusal sending again cannot fix (parked and shown),
  // kResourceExhausted / kUnavailable / kDeadlineExceeded to retry later.
  virtual Result<connectors::Delivery> Send(const Notification& n) = 0;

  // How long the provider asked to wait (a 429's Retry-After) after the last failed Send;
  // cleared by reading. nullopt: use the type's backoff.
  std::optional<Duration> TakeRetryAfter() {
    auto d = retry_after_;
    retry_after_.reset();
    return d;
  }

 protected:
  std::optional<Duration> retry_after_;
};

// What a channel type needs from the process.
struct ChannelContext {
  net::HttpClient& http;
  // Seals secret config fields at rest (the connectors' key: IM_SECRET_KEY or
  // <data dir>/secret.key). Required to add, test or send.
  const connectors::SecretBox* box = nullptr;
  // For incident notifications (src/notify): claims that make a SEV-1 war room exactly once
  // across processes, and the incident timeline that records every notification. nullptr
  // where they are not needed (a one-shot `im channel test`).
  store::NotifyStore* notify = nullptr;
  store::Store* incidents = nullptr;
  // The clock (set by ChannelOutbox and Channels); nullptr: the system clock.
  const Clock* clock = nullptr;
};

// ctx.clock's time, or the system clock's.
Time ChannelNow(const ChannelContext& ctx);

struct ChannelType {
  std::string name;  // what `im channel add TYPE NAME` takes
  // The flags `im channel add` takes for this type, as config fields: {"--integration-key",
  // "integration_key"}.
  std::vector<std::pair<std::string, std::string>> flags;
  // Checks and normalizes a config (defaults filled in); errors name the field.
  std::function<Result<json::object>(const json::object& config)> parse_config;
  // The config with secrets shown as **** and their last 4 characters.
  std::function<json::object(const json::object& config)> redact;
  // Config fields that are secrets: sealed in the store, unsealed only to send.
  std::vector<std::string> secret_fields;
  std::function<std::unique_ptr<Channel>(const json::object& config, ChannelContext& ctx)> open;
  // Retry delay after `attempts` failed deliveries of one message.
  std::function<Duration(int attempts)> backoff;
  // The destination's rate: at most this many messages a minute, in bursts of up to
  // `default_burst` (a config's "rate_per_minute" and "burst" override them). 0: no limit.
  int default_rate_per_minute = 0;
  int default_burst = 1;
  // Each person's own limit (a page or a message to one person's phone, address or Slack id;
  // "person_rate_per_minute" overrides it), in bursts of up to 3. 0: none.
  int default_person_rate_per_minute = 0;
};

// A config with `type`'s secret fields sealed (to store) or unsealed (to send; a value that is
// not sealed, from before sealing, is taken as it is).
Result<json::object> SealChannelSecrets(const ChannelType& type, json::object config,
                                        const ChannelContext& ctx);
Result<json::object> UnsealChannelSecrets(const ChannelType& type, json::object config,
                                          const ChannelContext& ctx);

// The built-in channel types; nullptr when `name` is none of them.
const ChannelType* FindChannelType(std::string_view name);
std::vector<std::string> ChannelTypeNames();

}  // namespace im::monitor
