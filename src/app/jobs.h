// The background work of `im serve` that must run once across every instance on one database
// (docs/deployment.md): each job (a connector's polling, its reconcile, the SLA sweep, the
// escalation steps, retention, the end of webhook secret rotations, DORA attribution) runs on its
// own thread and only under its claim in the JobStore, taken when the job is due and let go when
// the run ends, so one instance runs it at a time and, with `every`, once per `every` across
// instances. A heartbeat thread keeps this instance's row alive, renews the claims of the jobs
// running here (a long import keeps its claim), and reads which instances are alive (monitor
// shards) and the stored module versions (a job runs only while its module's version is this
// binary's).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "store/job_store.h"

namespace spdlog {
class logger;
}

namespace im::app {

// The job modules and the version of each this binary runs. A release that changes what a
// module's jobs do in a way old binaries must not repeat bumps its version here.
const std::map<std::string, int>& JobModuleVersions();

struct JobsOptions {
  std::string instance_id;  // "" → "host:pid:random"
  std::string version;      // the binary's, shown in /api/v1/instances
  std::map<std::string, int> modules = JobModuleVersions();
  Duration heartbeat = std::chrono::seconds(2);
  Duration ttl = std::chrono::seconds(30);  // a claim not renewed this long is free
  // An instance that has not heartbeat this long is dead: its monitor shards move.
  Duration instance_ttl = std::chrono::seconds(10);
  // How often each job looks whether it is due (and may take its claim).
  std::chrono::milliseconds tick{1000};
};

struct JobSpec {
  std::string name;    // the claim: "poll:pd", "sla-sweep"
  std::string module;  // a key of JobsOptions::modules
  // At most once per `every` across instances (0: whenever its thread looks, each tick).
  Duration every{0};
  std::function<void()> run;
};

// The instance that owns `key` among `instances` by rendezvous (highest random weight)
// hashing: when one instance joins or leaves, only the keys it gains or held move.
std::string RendezvousOwner(const std::vector<std::string>& instances, int64_t key);

class Jobs {
 public:
  Jobs(store::JobStore& store, const Clock& clock, JobsOptions options,
       std::shared_ptr<spdlog::logger> log);
  ~Jobs();

  // Registers this instance (its first heartbeat) and raises the stored module versions to
  // this binary's; starts the heartbeat thread.
  Result<void> Start();
  // Starts `spec` on its own thread (a job of the same name is replaced).
  void Add(JobSpec spec);
  // Stops the job: waits for a run in progress to end.
  void Remove(const std::string& name);
  std::set<std::string> Names() const;
  // Asks every job to stop (runs in progress end on their own; see ServerApp::Stop).
  void RequestStop();
  // Stops every job (waiting for runs), lets go of their claims and leaves.
  void Stop();

  const std::string& id() const { return options_.instance_id; }
  // Whether this binary runs `module`'s jobs: its version equals the stored one.
  bool Runs(const std::string& module) const;
  // Live instances running `module` (this one included while it does), sorted by id, as of
  // the last heartbeat.
  std::vector<std::string> LiveRunning(const std::string& module) const;
  // Whether this instance owns `key` of `module`'s shards (RendezvousOwner of LiveRunning).
  bool OwnsShard(const std::string& module, int64_t key) const;
  // Runs of each job on this instance.
  std::map<std::string, int64_t> RunCounts() const;
  // Instances alive as of the last heartbeat.
  size_t LiveCount() const;

 private:
  struct Job;
  void JobLoop(Job& job);
  void HeartbeatLoop();
  void Beat();

  store::JobStore& store_;
  const Clock& clock_;
  JobsOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  const Time started_at_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                             // GUARDED_BY(mu_)
  std::map<std::string, std::unique_ptr<Job>> jobs_;  // GUARDED_BY(mu_)
  std::map<std::string, int> stored_modules_;         // GUARDED_BY(mu_)
  std::vector<store::InstanceRecord> live_;           // GUARDED_BY(mu_)
  std::map<std::string, int64_t> runs_;               // GUARDED_BY(mu_)
  // The claims of the runs in progress, renewed by the heartbeat; held while renewing, so a
  // claim let go after its run is never renewed (taken again) by a late heartbeat.
  std::mutex claims_mu_;
  std::set<std::string> running_;  // GUARDED_BY(claims_mu_)
  std::thread heartbeat_;
};

}  // namespace im::app
