// The channel use cases shared by the CLI and the HTTP API: add (config checked by its type,
// nothing stored when refused), list with each outbox's health, test (a trigger and its
// resolve, sent at once), and remove.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "monitor/channels/channel.h"
#include "monitor/channels/channel_outbox.h"
#include "store/monitor_store.h"

namespace im::monitor {

struct ChannelView {
  std::string name;
  std::string type;
  json::object config;  // secrets redacted
  Time created_at{};
  ChannelHealth health;
};

json::object ChannelViewJson(const ChannelView& v);

struct ChannelTestResult {
  std::string dedup_key;
  std::string trigger;  // "sent", or the error
  std::string resolve;  // "sent", "skipped (auto_resolve is off)", or the error
  bool ok = false;
};

class Channels {
 public:
  Channels(store::MonitorStore& monitors, ChannelOutbox& outbox, ChannelContext ctx,
           const Clock& clock, std::string install_id);

  Result<ChannelView> Add(const std::string& type, const std::string& name,
                          const json::object& config);
  Result<std::vector<ChannelView>> List();
  Result<ChannelTestResult> Test(const std::string& name);
  // Refused while a monitor pages it (the monitor is named).
  Result<void> Remove(const std::string& name);

 private:
  store::MonitorStore& monitors_;
  ChannelOutbox& outbox_;
  ChannelContext ctx_;
  const Clock& clock_;
  std::string install_id_;
};

}  // namespace im::monitor
