#include "connectors/outbox_runner.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <random>
#include <set>

namespace im::connectors {
namespace {

// The outbox lease: taken for three minutes and renewed before each message once a minute of it
// is used, so even a send that waits a whole rate-limit window (60 s) keeps it.
constexpr auto kOutboxLease = std::chrono::minutes(3);
constexpr auto kOutboxRenewBelow = std::chrono::minutes(2);

// True when `owner` (host:pid:random) is a process of this host that no longer runs: a crashed
// or killed im whose lease would otherwise hold the outbox up for minutes.
bool OwnerIsDeadHere(const std::string& owner) {
  const std::string& me = ThisProcessOwner();
  std::string host = me.substr(0, me.find(':'));
  if (!owner.starts_with(host + ":")) return false;
  size_t start = host.size() + 1, end = owner.find(':', start);
  if (end == std::string::npos) return false;
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stol(owner.substr(start, end - start)));
  } catch (const std::exception&) {
    return false;  // not a pid: not one of ours to judge
  }
  return pid > 0 && kill(pid, 0) == -1 && errno == ESRCH;
}

// One flush per connector at a time in this process (the server's outbox thread, its poller
// and a re-opened connector may all try); the store lease covers other processes.
std::mutex& FlushLockFor(const std::string& connector) {
  static std::mutex mu;
  static std::map<std::string, std::mutex> locks;
  std::lock_guard lock(mu);
  return locks[connector];
}

}  // namespace

bool PermanentFailure(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kNotFound ||
         e.code == ErrorCode::kPermissionDenied || e.code == ErrorCode::kUnauthenticated ||
         e.code == ErrorCode::kFailedPrecondition;
}

Duration OutboxBackoff(int attempts) {
  Duration d = std::chrono::seconds(5);
  for (int i = 1; i < attempts && d < std::chrono::minutes(10); ++i) d *= 2;
  return std::min<Duration>(d, std::chrono::minutes(10));
}

const std::string& ThisProcessOwner() {
  // Host, pid and a random part (pids are reused).
  static const std::string id = [] {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::random_device rd;
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd());
  }();
  return id;
}

OutboxRunner::OutboxRunner(OutboxRunnerOptions options, store::ConnectorStore& store,
                           const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)), store_(store), clock_(clock), log_(std::move(log)) {}

Result<OutboxReport> OutboxRunner::Flush(const SendMessage& send) {
  OutboxReport report;
  const std::string& connector = options_.connector;
  // Most calls find nothing to send: that costs one read, no lease (a write) at all.
  auto peek = store_.ListOutbound(connector, "pending", 1);
  if (!peek) return std::unexpected(peek.error());
  if (peek->empty()) return report;
  std::lock_guard flushing(FlushLockFor(connector));
  Time leased_until = clock_.Now() + kOutboxLease;
  auto held = store_.LeaseOutbox(connector, options_.owner, clock_.Now(), leased_until);
  if (!held) return std::unexpected(held.error());
  if (!*held) {
    auto holder = store_.OutboxLeaseHolder(connector, clock_.Now());
    if (!holder) return std::unexpected(holder.error());
    if (OwnerIsDeadHere(*holder)) {
      log_->warn("outbox of {}: taking over the lease of {}, which no longer runs", connector,
                 *holder);
      held = store_.LeaseOutbox(connector, options_.owner, clock_.Now(), leased_until, *holder);
      if (!held) return std::unexpected(held.error());
    }
  }
  if (!*held) {
    report.busy = true;  // another process is sending this outbox; it will send ours too
    return report;
  }
  auto result = FlushLeased(send, report, leased_until);
  if (auto released = store_.ReleaseOutbox(connector, options_.owner); !released) {
    // Not lost: the lease expires by itself and the next pass takes it.
    log_->warn("outbox of {}: cannot release the lease: {}", connector, released.error().message);
  }
  if (!result) return std::unexpected(result.error());
  return report;
}

Result<void> OutboxRunner::FlushLeased(const SendMessage& send, OutboxReport& report,
                                       Time leased_until) {
  const std::string& connector = options_.connector;
  auto pending = store_.ListOutbound(connector, "pending", 500);
  if (!pending) return std::unexpected(pending.error());
  std::set<int64_t> blocked;  // incidents with an earlier message still waiting: keep order
  for (const auto& m : *pending) {
    if (blocked.contains(m.incident)) continue;
    Time now = clock_.Now();
    if (m.next_attempt_at > now) {
      blocked.insert(m.incident);
      continue;
    }
    if (leased_until - now < kOutboxRenewBelow) {
      leased_until = now + kOutboxLease;
      auto held = store_.LeaseOutbox(connector, options_.owner, now, leased_until);
      if (!held) return std::unexpected(held.error());
      if (!*held) return Ok();  // lost it (we stalled for minutes): the new holder goes on
    }
    if (options_.defer && options_.defer(m)) {
      blocked.insert(m.incident);
      continue;
    }
    if (options_.admit && !options_.admit(m)) return Ok();
    auto outcome = send(m);
    now = clock_.Now();
    int attempts = m.attempts + 1;
    Result<void> saved = Ok();
    if (outcome) {
      bool sent = *outcome == Delivery::kSent;
      saved = store_.FinishOutbound(m.seq, sent ? "sent" : "skipped", attempts, now, "", now);
      (sent ? report.sent : report.skipped)++;
    } else if (options_.permanent(outcome.error()) || attempts >= options_.max_attempts) {
      log_->error("outbox: {} of INC-{} to {} parked after {} attempt(s): {}", m.kind, m.incident,
                  options_.provider, attempts, outcome.error().message);
      saved = store_.FinishOutbound(m.seq, "parked", attempts, now, outcome.error().message, now);
      report.parked++;
      blocked.insert(m.incident);
    } else {
      log_->warn("outbox: {} of INC-{} to {} failed (attempt {}), retrying: {}", m.kind, m.incident,
                 options_.provider, attempts, outcome.error().message);
      saved = store_.FinishOutbound(m.seq, "pending", attempts, now + options_.backoff(attempts),
                                    outcome.error().message, now);
      report.retrying++;
      blocked.insert(m.incident);
    }
    if (!saved) return std::unexpected(saved.error());
  }
  return Ok();
}

}  // namespace im::connectors
