// Coordination of several `im serve` processes on one database: which instances are alive
// (each heartbeats its row), which instance runs each background job (a claim that expires,
// so a dead instance's jobs pass to the others without pid or host checks), the version of
// each job module the newest binary expects (a rolling upgrade: old binaries stop running a
// job whose module a newer one bumped), and a check value proving every instance seals secrets
// with the same key. Times are the callers' clocks: instances must agree on the time to well
// within a claim's ttl (NTP).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace im::store {

struct InstanceRecord {
  std::string id;  // "host:pid:random", made at start
  Time started_at{};
  Time last_seen{};
  std::string version;                 // the binary's version
  std::map<std::string, int> modules;  // job module → the version this binary runs
};

struct JobClaim {
  std::string job;
  std::string owner;  // an instance id; "" when nobody holds it
  Time claimed_at{};
  Time expires_at{};
  std::optional<Time> finished_at;  // when a run of the job last ended
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Records that `instance` is alive at `instance.last_seen` (inserted or updated).
  virtual Result<void> Heartbeat(const InstanceRecord& instance) = 0;
  // Forgets the instance and lets go of its claims (a clean stop), so others take over now.
  virtual Result<void> Leave(const std::string& id) = 0;
  // Instances seen within `ttl` before `now`, sorted by id; older rows are deleted.
  virtual Result<std::vector<InstanceRecord>> ListLive(Time now, Duration ttl) = 0;

  // Takes or renews `job` for `owner` until now + ttl. Granted when nobody holds it, when the
  // holder's claim expired (at or before `now`), or when `owner` holds it already (a renewal);
  // with `every` > 0 a claim not already held by `owner` is granted only when the job last
  // finished at least `every` before `now` (so it runs once per `every` across instances).
  // Atomic: of two instances racing for one job exactly one gets true.
  virtual Result<bool> TryClaim(const std::string& job, const std::string& owner, Time now,
                                Duration ttl, Duration every = Duration::zero()) = 0;
  // Lets go of `job` if `owner` holds it; `finished_at` records the end of a run (for `every`).
  virtual Result<void> Release(const std::string& job, const std::string& owner,
                               std::optional<Time> finished_at = std::nullopt) = 0;
  virtual Result<std::vector<JobClaim>> ListClaims() = 0;

  // The stored module versions.
  virtual Result<std::map<std::string, int>> ModuleVersions() = 0;
  // Raises each stored version to at least the given one (never lowers); returns them all.
  virtual Result<std::map<std::string, int>> RaiseModuleVersions(
      const std::map<std::string, int>& versions) = 0;

  // The secret-key check value: stores `check` when none is stored yet; returns the stored one
  // (the caller compares).
  virtual Result<std::string> AgreeKeyCheck(const std::string& check) = 0;
};

// "a=1,b=2" and back (instances' module lists as stored).
std::string FormatModules(const std::map<std::string, int>& modules);
std::map<std::string, int> ParseModules(std::string_view text);

}  // namespace im::store
