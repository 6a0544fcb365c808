// The config file's `notifications:` section (docs/notifications.md), checked into the
// notifier's options: rules (the same fields as `im notify rule add`), escalation
// (auto|always|off) and escalation_channels. Errors name the field.
#pragma once

#include "common/json.h"
#include "notify/notifier.h"

namespace im::app {

Result<notify::NotifierOptions> ReadNotifyConfig(const json::object& section);

}  // namespace im::app
