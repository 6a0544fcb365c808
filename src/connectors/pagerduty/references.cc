// Whether PagerDuty knows a service or escalation policy id: one GET, not retried, bounded by
// the request timeout (10 s), so `im connector map-service`, `map-escalation` and `config` can
// refuse a typo without hanging when PagerDuty cannot be reached.
#include "connectors/pagerduty/pagerduty_connector.h"

namespace im::connectors::pagerduty {
namespace {

struct ReferencePath {
  const char* collection;  // GET /<collection>/{id}
  const char* key;         // the object's key in the answer
};

ReferencePath PagerDutyPathOf(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kService: return {"services", "service"};
    case ReferenceKind::kEscalationPolicy: return {"escalation_policies", "escalation_policy"};
  }
  return {"services", "service"};
}

}  // namespace

Result<ReferenceCheck> PagerDutyConnector::CheckReference(ReferenceKind kind,
                                                          const std::string& id) {
  using Outcome = ReferenceCheck::Outcome;
  if (id.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the PagerDuty " + std::string(ReferenceKindName(kind)) + " id is empty");
  }
  // A client of its own with one attempt: a PagerDuty that fails or limits us is reported at
  // once rather than retried for two minutes. It spends from the key's shared budget.
  Client probe(ClientOptions{.base_url = config_.base_url,
                             .api_key = config_.api_key,
                             .max_attempts = 1,
                             .debug = config_.debug || ctx_.debug},
               ctx_.http, client_.budget(), ctx_.waiter, ctx_.clock, ctx_.log);
  const ReferencePath path = PagerDutyPathOf(kind);
  auto got = probe.Get(std::string("/") + path.collection + "/" + net::UrlEncode(id));
  CallStats calls = probe.TakeStats();
  Time minute = std::chrono::floor<std::chrono::minutes>(ctx_.clock.Now());
  if (auto ok = ctx_.connectors.AddActivity(config_.name, minute,
                                            {.api_calls = calls.calls,
                                             .api_errors = calls.errors,
                                             .rate_limited = calls.rate_limited,
                                             .api_latency_us = calls.latency_us});
      !ok) {
    ctx_.log->error("cannot record connector activity: {}", ok.error().message);
  }
  if (got) {
    std::string name;
    if (auto obj = json::GetOptionalObject(*got, path.key); obj && *obj) {
      name = json::StringOr(**obj, "name");
      if (name.empty()) name = json::StringOr(**obj, "summary");
    }
    return ReferenceCheck{Outcome::kFound, name};
  }
  if (got.error().code == ErrorCode::kNotFound) {
    return ReferenceCheck{Outcome::kNotFound, got.error().message};
  }
  return ReferenceCheck{Outcome::kUnreachable, got.error().message};
}

}  // namespace im::connectors::pagerduty
