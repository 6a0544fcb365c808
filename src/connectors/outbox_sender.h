// Sends the connectors' outboxes from one thread of the server: at once when this process
// queued a change (Kick, wired to engine::Incidents::SetOnQueued), and every second for changes
// queued by other processes (an `im declare` on the command line). A long import or poll never
// holds a declare back, since polling runs on its own thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "connectors/manager.h"
#include "store/connector_store.h"

namespace spdlog {
class logger;
}

namespace im::connectors {

class OutboxSender {
 public:
  OutboxSender(store::ConnectorStore& store, Manager& manager, std::shared_ptr<spdlog::logger> log,
               std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  void Start();
  // Something was queued: send now (or right after the pass in progress).
  void Kick();
  void Stop();
  // Sends every outbound connector's outbox once, on the calling thread.
  void SendAll();
  // Waits until `n` passes over the connectors have finished since Start, or `timeout` passed;
  // true when they have. For tests and benchmarks that must know a kick was acted on.
  bool WaitForPasses(uint64_t n, std::chrono::milliseconds timeout);
  uint64_t passes();

 private:
  void Loop();

  store::ConnectorStore& store_;
  Manager& manager_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool kicked_ = false;    // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  uint64_t passes_ = 0;    // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace im::connectors
