// The checks of `im connector test` and `health`, item by item. A diagnostic answers within
// 10 s whatever the network does: each request is tried once with short timeouts (OneShot), and
// no check starts after 6 s, so the last one ends by about 9 s.
#include "common/time.h"
#include "connectors/pagerduty/pagerduty_connector.h"

namespace im::connectors::pagerduty {
namespace {

constexpr auto kStartChecksWithin = std::chrono::seconds(6);

}  // namespace

std::vector<Check> PagerDutyConnector::Test() {
  std::vector<Check> checks;
  auto add = [&](std::string name, bool ok, std::string detail) {
    checks.push_back({std::move(name), ok, std::move(detail)});
  };
  Time start = ctx_.clock.Now();
  // False (and the check recorded as not done) once the diagnostic has used its time.
  auto in_time = [&](const std::string& name) {
    if (ctx_.clock.Now() - start <= kStartChecksWithin) return true;
    add(name, false, "not checked: PagerDuty answers too slowly (the checks stop after 10 s)");
    return false;
  };
  auto abilities = quick_.Get("/services", {{"limit", "1"}});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock.Now() - start);
  if (!abilities && abilities.error().code != ErrorCode::kUnauthenticated &&
      abilities.error().code != ErrorCode::kPermissionDenied) {
    add("API reachable", false, abilities.error().message);
    FlushStats(nullptr, false, 0);
    return checks;
  }
  add("API reachable", true,
      config_.base_url + " answered in " + std::to_string(ms.count()) + " ms");
  if (!abilities) {
    add("API key valid", false, abilities.error().message);
    FlushStats(nullptr, false, 0);
    return checks;
  }
  add("API key valid", true, "the key can list services");
  const std::string service_check = "default service accessible";
  if (settings_.service_id.empty()) {
    add(service_check, false, "no custom.service_id configured");
  } else if (in_time(service_check)) {
    auto s = quick_.Get("/services/" + net::UrlEncode(settings_.service_id));
    std::string name;
    if (s) {
      if (auto svc = json::GetObject(*s, "service")) name = json::StringOr(**svc, "name");
    }
    add(service_check, s.has_value(),
        s ? "service " + settings_.service_id + ": " + name : s.error().message);
  }
  const std::string user_check = "from email is a PagerDuty user";
  if (settings_.from_email.empty()) {
    add(user_check, false, "no custom.from_email configured");
  } else if (in_time(user_check)) {
    bool found = false;
    auto users = quick_.ForEach("/users", {{"query", settings_.from_email}}, "users",
                                [&](const json::object& u) -> Result<bool> {
                                  if (json::StringOr(u, "email") == settings_.from_email)
                                    found = true;
                                  return !found;
                                });
    add(user_check, users && found,
        !users  ? users.error().message
        : found ? settings_.from_email + " is a user"
                : settings_.from_email + " is not a user of this PagerDuty account");
  }
  const std::string policy_check = "escalation policy found";
  if (settings_.escalation_policy_id.empty()) {
    // Optional: without one, PagerDuty routes what im creates by the service's own policy.
    add(policy_check, true,
        "none configured (optional): incidents im creates follow their PagerDuty service's "
        "escalation policy");
  } else if (in_time(policy_check)) {
    auto p = quick_.Get("/escalation_policies/" + net::UrlEncode(settings_.escalation_policy_id));
    add(policy_check, p.has_value(),
        p ? "escalation policy " + settings_.escalation_policy_id : p.error().message);
  }
  if (!config_.enable_webhook) {
    add("webhook endpoint configured", true,
        "webhooks are off (enable_webhook: false): changes made in PagerDuty arrive by polling "
        "every " +
            FormatDuration(config_.sync_interval));
  } else if (config_.webhook_secrets.empty()) {
    add("webhook endpoint configured", false,
        "no webhook secret: run `im connector webhook " + config_.name +
            " --enable` or set one with `im connector update " + config_.name +
            " --webhook-secret`");
  } else {
    add("webhook endpoint configured", true,
        std::to_string(config_.webhook_secrets.size()) + " signing secret(s); deliveries go to " +
            (config_.public_url.empty()
                 ? std::string("(custom.public_url not set)")
                 : config_.public_url + "/connectors/" + config_.name + "/webhook"));
  }
  FlushStats(nullptr, false, 0);
  return checks;
}

}  // namespace im::connectors::pagerduty
