#include "app/jobs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <random>

namespace im::app {

const std::map<std::string, int>& JobModuleVersions() {
  static const std::map<std::string, int> kModules = {
      {"connectors", 1}, {"dora", 1}, {"escalation", 1},      {"monitors", 1},
      {"retention", 1},  {"sla", 1},  {"webhook-secrets", 1},
  };
  return kModules;
}

namespace {

uint64_t JobsFnv(std::string_view s, uint64_t h = 14695981039346656037ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // Finalizer (splitmix64): the weights of nearby keys are unrelated.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::string MakeInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return fmt::format("{}:{}:{:08x}", host[0] ? host : "host", getpid(), rd());
}

}  // namespace

std::string RendezvousOwner(const std::vector<std::string>& instances, int64_t key) {
  std::string best;
  uint64_t best_weight = 0;
  const std::string k = std::to_string(key);
  for (const auto& id : instances) {
    uint64_t w = JobsFnv(k, JobsFnv(id));
    if (best.empty() || w > best_weight || (w == best_weight && id < best)) {
      best = id;
      best_weight = w;
    }
  }
  return best;
}

struct Jobs::Job {
  JobSpec spec;
  bool removed = false;  // GUARDED_BY(Jobs::mu_)
  std::thread thread;
};

Jobs::Jobs(store::JobStore& store, const Clock& clock, JobsOptions options,
           std::shared_ptr<spdlog::logger> log)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      log_(std::move(log)),
      started_at_(clock.Now()) {
  if (options_.instance_id.empty()) options_.instance_id = MakeInstanceId();
}

Jobs::~Jobs() { Stop(); }

Result<void> Jobs::Start() {
  auto stored = store_.RaiseModuleVersions(options_.modules);
  if (!stored) return std::unexpected(stored.error().Wrap("recording the job module versions"));
  {
    std::lock_guard lock(mu_);
    stored_modules_ = *stored;
  }
  for (const auto& [module, version] : *stored) {
    auto mine = options_.modules.find(module);
    if (mine != options_.modules.end() && mine->second < version) {
      log_->warn(
          "jobs of module {} are run by newer instances (version {}, this im has {}): this "
          "instance leaves them to those",
          module, version, mine->second);
    }
  }
  Beat();
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
  return Ok();
}

void Jobs::Add(JobSpec spec) {
  Remove(spec.name);
  std::lock_guard lock(mu_);
  if (stopping_) return;
  auto job = std::make_unique<Job>();
  job->spec = std::move(spec);
  Job* raw = job.get();
  job->thread = std::thread([this, raw] { JobLoop(*raw); });
  jobs_[raw->spec.name] = std::move(job);
}

void Jobs::Remove(const std::string& name) {
  std::unique_ptr<Job> job;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(name);
    if (it == jobs_.end()) return;
    it->second->removed = true;
    job = std::move(it->second);
    jobs_.erase(it);
  }
  cv_.notify_all();
  if (job->thread.joinable()) job->thread.join();
}

std::set<std::string> Jobs::Names() const {
  std::lock_guard lock(mu_);
  std::set<std::string> out;
  for (const auto& [name, job] : jobs_) out.insert(name);
  return out;
}

void Jobs::RequestStop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

void Jobs::Stop() {
  RequestStop();
  std::map<std::string, std::unique_ptr<Job>> jobs;
  {
    std::lock_guard lock(mu_);
    jobs.swap(jobs_);
  }
  for (auto& [name, job] : jobs) {
    if (job->thread.joinable()) job->thread.join();
  }
  if (heartbeat_.joinable()) {
    heartbeat_.join();
    // Others take over this instance's jobs and shards now, not after the ttl.
    if (auto ok = store_.Leave(options_.instance_id); !ok) {
      log_->error("jobs: leaving: {}", ok.error().message);
    }
  }
}

bool Jobs::Runs(const std::string& module) const {
  std::lock_guard lock(mu_);
  auto mine = options_.modules.find(module);
  if (mine == options_.modules.end()) return false;
  auto stored = stored_modules_.find(module);
  return stored == stored_modules_.end() || stored->second == mine->second;
}

std::vector<std::string> Jobs::LiveRunning(const std::string& module) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto stored = stored_modules_.find(module);
  for (const auto& i : live_) {
    auto v = i.modules.find(module);
    if (v == i.modules.end()) continue;
    if (stored != stored_modules_.end() && v->second != stored->second) continue;
    out.push_back(i.id);
  }
  return out;
}

bool Jobs::OwnsShard(const std::string& module, int64_t key) const {
  if (!Runs(module)) return false;
  auto live = LiveRunning(module);
  if (live.empty()) return true;  // not yet seen in the store: alone
  return RendezvousOwner(live, key) == options_.instance_id;
}

std::map<std::string, int64_t> Jobs::RunCounts() const {
  std::lock_guard lock(mu_);
  return runs_;
}

size_t Jobs::LiveCount() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

void Jobs::JobLoop(Job& job) {
  const JobSpec& spec = job.spec;
  std::unique_lock lock(mu_);
  while (!stopping_ && !job.removed) {
    lock.unlock();
    if (Runs(spec.module)) {
      auto granted =
          store_.TryClaim(spec.name, options_.instance_id, clock_.Now(), options_.ttl, spec.every);
      if (!granted) {
        log_->error("job {}: claiming it: {}", spec.name, granted.error().message);
      } else if (*granted) {
        {
          std::lock_guard running(claims_mu_);
          running_.insert(spec.name);
        }
        spec.run();
        {
          std::lock_guard running(claims_mu_);
          running_.erase(spec.name);
        }
        {
          std::lock_guard counted(mu_);
          runs_[spec.name]++;
        }
        if (auto ok = store_.Release(spec.name, options_.instance_id, clock_.Now()); !ok) {
          log_->error("job {}: letting go of its claim: {}", spec.name, ok.error().message);
        }
      }
    }
    lock.lock();
    cv_.wait_for(lock, options_.tick, [&] { return stopping_ || job.removed; });
  }
}

void Jobs::Beat() {
  Time now = clock_.Now();
  auto ok = store_.Heartbeat({.id = options_.instance_id,
                              .started_at = started_at_,
                              .last_seen = now,
                              .version = options_.version,
                              .modules = options_.modules});
  if (!ok) log_->error("jobs: heartbeat: {}", ok.error().message);
  auto live = store_.ListLive(now, options_.instance_ttl);
  if (!live) log_->error("jobs: listing live instances: {}", live.error().message);
  auto modules = store_.ModuleVersions();
  if (!modules) log_->error("jobs: reading module versions: {}", modules.error().message);
  {
    std::lock_guard lock(mu_);
    if (live) live_ = std::move(*live);
    if (modules) {
      for (const auto& [module, version] : *modules) {
        auto mine = options_.modules.find(module);
        auto before = stored_modules_.find(module);
        if (mine != options_.modules.end() && version != mine->second &&
            (before == stored_modules_.end() || before->second != version)) {
          log_->warn("jobs of module {} are now at version {} (this im runs {}): left to others",
                     module, version, mine->second);
        }
      }
      stored_modules_ = std::move(*modules);
    }
  }
  // A run that outlasts the ttl (a 90-day import) keeps its claim.
  std::lock_guard claims(claims_mu_);
  for (const auto& name : running_) {
    auto renewed = store_.TryClaim(name, options_.instance_id, now, options_.ttl);
    if (!renewed) {
      log_->error("job {}: renewing its claim: {}", name, renewed.error().message);
    } else if (!*renewed) {
      log_->error("job {}: its claim passed to another instance while it ran", name);
    }
  }
}

void Jobs::HeartbeatLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.heartbeat, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Beat();
    lock.lock();
  }
}

}  // namespace im::app
