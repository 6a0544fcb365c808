// The two buckets of each request domain (numbers and reasons in the header).
#include "sim/opsgenie/rate_limits.h"

namespace im::sim::opsgenie {
namespace {

// One account: every key shares the buckets (Opsgenie limits per account and domain).
constexpr char kAccount[] = "account";

}  // namespace

DomainLimit LimitOf(Domain d) {
  switch (d) {
    case Domain::kAlert: return {1200, 50};
    case Domain::kIncident: return {300, 15};
    case Domain::kConfiguration: return {600, 25};
    case Domain::kSearch: return {300, 15};
    case Domain::kScheduleOnCalls: return {300, 15};
  }
  return {};
}

std::string_view DomainName(Domain d) {
  switch (d) {
    case Domain::kAlert: return "Alert";
    case Domain::kIncident: return "Incident";
    case Domain::kConfiguration: return "Configuration";
    case Domain::kSearch: return "Search";
    case Domain::kScheduleOnCalls: return "Schedule-oncalls";
  }
  return "";
}

DomainLimiter::DomainLimiter(const Clock& clock) {
  for (size_t i = 0; i < kDomains; ++i) {
    DomainLimit l = LimitOf(static_cast<Domain>(i));
    minute_[i] = std::make_unique<RateLimiter>(
        clock, RatePolicy{RateLimitKind::kTokenBucket, l.per_minute, std::chrono::minutes(1)});
    second_[i] = std::make_unique<RateLimiter>(
        clock, RatePolicy{RateLimitKind::kTokenBucket, l.per_second, std::chrono::seconds(1)});
  }
}

int DomainLimiter::Take(Domain d) {
  auto i = static_cast<size_t>(d);
  if (!second_[i]->Take(kAccount).allowed) return 1;
  if (!minute_[i]->Take(kAccount).allowed) return 60;
  return 0;
}

DomainLimiter::Hold DomainLimiter::Reserve(Domain d) {
  auto i = static_cast<size_t>(d);
  Duration second = second_[i]->Reserve(kAccount), minute = minute_[i]->Reserve(kAccount);
  if (minute > second) return {minute, 60};
  if (second > Duration::zero()) return {second, 1};
  return {};
}

}  // namespace im::sim::opsgenie
