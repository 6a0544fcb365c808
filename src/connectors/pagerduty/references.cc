// Whether PagerDuty knows a service or escalation policy id: one GET, not retried, with the
// diagnostics client's short timeouts (checks.cc), so `im connector map-service`, `map-escalation`
// and `config` can refuse a typo without hanging when PagerDuty cannot be reached.
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
  // The diagnostics client: one attempt and short timeouts, so a PagerDuty that fails or
  // limits us is reported at once rather than retried for minutes. Its calls count in the
  // connector's activity like every other call.
  const ReferencePath path = PagerDutyPathOf(kind);
  auto got = quick_.Get(std::string("/") + path.collection + "/" + net::UrlEncode(id));
  FlushStats(nullptr, false, 0);
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
