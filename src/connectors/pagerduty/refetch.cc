// The incidents webhook events asked to fetch again (webhook.cc queues them in the write that
// records the event): each is read from GET /incidents/{id} and applied as polling applies it.
// One attempt per pass (the store keeps the retry, 5 s doubling to 10 min), so a PagerDuty that
// does not answer holds up neither the poller nor a shutdown; what a pass finished is removed
// from the queue in one write.
#include "connectors/pagerduty/pagerduty_connector.h"

namespace im::connectors::pagerduty {
namespace {

constexpr int64_t kRefetchesPerPass = 50;

Duration RefetchBackoff(int attempts) {
  Duration d = std::chrono::seconds(5);
  for (int i = 1; i < attempts && d < std::chrono::minutes(10); ++i) d *= 2;
  return std::min<Duration>(d, std::chrono::minutes(10));
}

}  // namespace

Result<int> PagerDutyConnector::FollowUp() {
  auto due = ctx_.connectors.DueRefetches(config_.name, ctx_.clock.Now(), kRefetchesPerPass);
  if (!due) return std::unexpected(due.error());
  if (due->empty()) return 0;
  int fetched = 0;
  std::vector<store::Refetch> done;
  Result<void> failed = Ok();  // the queue could not be written
  for (const auto& r : *due) {
    auto fetch = [&]() -> Result<void> {
      auto got = quick_.Get("/incidents/" + net::UrlEncode(r.external_id));
      if (!got) return std::unexpected(got.error());
      auto obj = json::GetObject(*got, "incident");
      if (!obj) return std::unexpected(obj.error().Wrap("PagerDuty's answer"));
      auto pd = ParseIncident(**obj);
      if (!pd) return std::unexpected(pd.error());
      return ApplyIncident(*pd, ctx_.clock.Now(), std::nullopt);
    };
    auto ok = fetch();
    if (ok) {
      ++fetched;
      done.push_back(r);
      continue;
    }
    if (ok.error().code == ErrorCode::kNotFound) {
      ctx_.log->info("incident {} named by a {} webhook is not in PagerDuty; nothing to fetch",
                     r.external_id, r.reason);
      done.push_back(r);
      continue;
    }
    int attempts = r.attempts + 1;
    ctx_.log->warn("fetching incident {} (asked by a {} webhook) failed, attempt {}: {}",
                   r.external_id, r.reason, attempts, ok.error().message);
    failed = ctx_.connectors.RetryRefetch(config_.name, r.external_id, attempts,
                                          ctx_.clock.Now() + RefetchBackoff(attempts),
                                          ok.error().message);
    // PagerDuty unreachable or refusing: the rest waits for the next pass.
    if (!failed || ok.error().code != ErrorCode::kInvalidArgument) break;
  }
  auto finished = ctx_.connectors.FinishRefetches(config_.name, done);
  FlushStats(nullptr, false, 0);
  if (!failed) return std::unexpected(failed.error());
  if (!finished) return std::unexpected(finished.error());
  return fetched;
}

}  // namespace im::connectors::pagerduty
