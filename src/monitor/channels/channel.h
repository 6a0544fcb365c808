// Notification channels: where a monitor's outages are sent. A channel type is one folder
// entry here (PagerDuty now; Slack, email, SMS next) registered by name in channel_types.cc:
// it reads and checks its config, and opens a Channel that delivers one Notification. Every
// delivery goes through the channel's durable outbox (channel_outbox.h), so a type only says
// how to send one message and whether a failure is worth retrying.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "connectors/outbox_runner.h"
#include "connectors/secret_box.h"
#include "monitor/notification.h"
#include "net/http_client.h"

namespace im::monitor {

class Channel {
 public:
  virtual ~Channel() = default;
  // Delivers one notification. Safe to repeat (the outbox sends again when an answer was
  // lost). kSkipped when there is nothing to send (a resolve with auto_resolve off).
  // Errors: kInvalidArgument for a refusal sending again cannot fix (parked and shown),
  // kResourceExhausted / kUnavailable / kDeadlineExceeded to retry later.
  virtual Result<connectors::Delivery> Send(const Notification& n) = 0;
};

// What a channel type needs from the process.
struct ChannelContext {
  net::HttpClient& http;
  // Seals secret config fields at rest (the connectors' key: IM_SECRET_KEY or
  // <data dir>/secret.key). Required to add, test or send.
  const connectors::SecretBox* box = nullptr;
};

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
