// im's own escalation: an unacknowledged incident walks its service's escalation policy
// (schedule::EscalationPlan: every level after the previous level's delay, for 1 + num_loops
// passes), each level paging its on-call people through the escalation channels with a signed
// one-time acknowledge link. Each step is taken in one transaction that queues its pages,
// writes its timeline line and moves the escalation to the next step, so a crash (kill -9)
// between steps neither skips nor repeats a level. Acknowledging or resolving the incident
// stops it (Notifier, in the acknowledgement's own transaction).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/oncall.h"
#include "notify/ack_link.h"
#include "store/monitor_store.h"
#include "store/notify_store.h"
#include "store/store.h"

namespace spdlog {
class logger;
}

namespace im::notify {

struct EscalatorOptions {
  std::string install_id;
  std::string public_url;             // acknowledge links need it ("" = pages carry none)
  std::vector<std::string> channels;  // channel names that page a person
  Duration link_ttl = std::chrono::hours(24);
};

class Escalator {
 public:
  Escalator(store::Store& store, store::NotifyStore& notify, store::MonitorStore& channels,
            engine::OnCall& oncall, const AckLinks* links, const Clock& clock,
            EscalatorOptions options, std::shared_ptr<spdlog::logger> log);

  // Takes every step that is due (several of one escalation when im was down through them, in
  // order); returns how many were taken.
  Result<int> RunDue();
  // Takes the next step of `incident`'s escalation if it is due; true when one was taken.
  Result<bool> Step(const store::Escalation& seen);

 private:
  store::Store& store_;
  store::NotifyStore& notify_;
  store::MonitorStore& channels_;
  engine::OnCall& oncall_;
  const AckLinks* links_;
  const Clock& clock_;
  EscalatorOptions options_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace im::notify
