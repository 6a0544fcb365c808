#include "monitor/channels/channel.h"
#include "monitor/channels/pagerduty_channel.h"

namespace im::monitor {
namespace {

// The one startup list of channel types (Slack, email and SMS come next).
const std::vector<const ChannelType*>& AllChannelTypes() {
  static const std::vector<const ChannelType*> types = {&PagerDutyChannelType()};
  return types;
}

}  // namespace

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
