#include "monitor/channels/channel.h"
#include "monitor/channels/email_channel.h"
#include "monitor/channels/pagerduty_channel.h"
#include "monitor/channels/slack_channel.h"
#include "monitor/channels/sms_channel.h"
#include "monitor/channels/teams_channel.h"
#include "monitor/channels/webhook_channel.h"

namespace im::monitor {
namespace {

// The one startup list of channel types.
const std::vector<const ChannelType*>& AllChannelTypes() {
  static const std::vector<const ChannelType*> types = {
      &PagerDutyChannelType(), &SlackChannelType(), &TeamsChannelType(),
      &EmailChannelType(),     &SmsChannelType(),   &WebhookChannelType()};
  return types;
}

}  // namespace

Time ChannelNow(const ChannelContext& ctx) {
  static const SystemClock system;
  return ctx.clock ? ctx.clock->Now() : system.Now();
}

Result<json::object> SealChannelSecrets(const ChannelType& type, json::object config,
                                        const ChannelContext& ctx) {
  if (!ctx.box) return Fail(ErrorCode::kInternal, "no secret key to seal channel secrets with");
  for (const auto& f : type.secret_fields) {
    auto it = config.find(f);
    if (it == config.end() || !it->value().is_string()) continue;
    it->value() = ctx.box->Seal(std::string(it->value().as_string()));
  }
  return config;
}

Result<json::object> UnsealChannelSecrets(const ChannelType& type, json::object config,
                                          const ChannelContext& ctx) {
  for (const auto& f : type.secret_fields) {
    auto it = config.find(f);
    if (it == config.end() || !it->value().is_string()) continue;
    std::string value(it->value().as_string());
    if (!value.starts_with("sb1:")) continue;
    if (!ctx.box) return Fail(ErrorCode::kInternal, "no secret key to open channel secrets with");
    auto plain = ctx.box->Unseal(value);
    if (!plain) {
      return std::unexpected(plain.error().Wrap("channel secret " + f +
                                                " (was IM_SECRET_KEY or secret.key changed?)"));
    }
    it->value() = *plain;
  }
  return config;
}

const ChannelType* FindChannelType(std::string_view name) {
  for (const auto* t : AllChannelTypes()) {
    if (t->name == name) return t;
  }
  return nullptr;
}

std::vector<std::string> ChannelTypeNames() {
  std::vector<std::string> out;
  for (const auto* t : AllChannelTypes()) out.push_back(t->name);
  return out;
}

}  // namespace im::monitor
