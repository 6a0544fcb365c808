// The checks of `im connector test` and `health`, item by item: the API answers, the key is
// taken, the key can read incidents, severities and schedules, and a webhook signing secret is
// set (and whether a delivery has arrived yet). Each request is tried once with short timeouts
// (OneShot) and no check starts after 6 s, so the diagnostic answers within 10 s.
#include "common/time.h"
#include "connectors/incidentio/incidentio_connector.h"

namespace im::connectors::incidentio {
namespace {

constexpr auto kIioStartChecksWithin = std::chrono::seconds(6);

bool IioAnswered(const Result<json::object>& r) {
  return r || r.error().code == ErrorCode::kUnauthenticated ||
         r.error().code == ErrorCode::kPermissionDenied || r.error().code == ErrorCode::kNotFound ||
         r.error().code == ErrorCode::kInvalidArgument;
}

size_t IioCount(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? it->value().as_array().size() : 0;
}

}  // namespace

std::vector<Check> IncidentIoConnector::Test() {
  std::vector<Check> checks;
  auto add = [&](std::string name, bool ok, std::string detail) {
    checks.push_back({std::move(name), ok, std::move(detail)});
  };
  Time start = ctx_.clock.Now();
  auto in_time = [&](const std::string& name) {
    if (ctx_.clock.Now() - start <= kIioStartChecksWithin) return true;
    add(name, false, "not checked: incident.io answers too slowly (the checks stop after 10 s)");
    return false;
  };
  auto done = [&] {
    FlushStats(nullptr, false, 0);
    return checks;
  };
  auto sev = quick_.Get("/v1/severities");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock.Now() - start);
  if (!IioAnswered(sev)) {
    add("API reachable", false, sev.error().message);
    return done();
  }
  add("API reachable", true,
      config_.base_url + " answered in " + std::to_string(ms.count()) + " ms");
  if (!sev && sev.error().code == ErrorCode::kUnauthenticated) {
    add("API key valid", false, sev.error().message);
    return done();
  }
  add("API key valid", true, "incident.io takes the key");
  if (in_time("key can read incidents")) {
    auto inc = quick_.Get("/v2/incidents", {{"page_size", "1"}});
    if (inc) {
      auto total = inc->find("pagination_meta");
      std::string n;
      if (total != inc->end() && total->value().is_object()) {
        if (auto t = json::GetOptionalInt(total->value().as_object(), "total_record_count");
            t && *t) {
          n = std::to_string(**t) + " incident(s) visible; ";
        }
      }
      add("key can read incidents", true,
          n + "private ones need a key with private incident access");
    } else {
      add("key can read incidents", false, inc.error().message);
    }
  }
  if (in_time("key can read severities")) {
    if (sev) {
      add("key can read severities", true,
          std::to_string(IioCount(*sev, "severities")) +
              " severities (mapped by name, else by rank; custom.severity_mapping overrides)");
    } else {
      add("key can read severities", false, sev.error().message);
    }
  }
  if (in_time("key can read schedules")) {
    auto sch = quick_.Get("/v2/schedules", {{"page_size", "25"}});
    if (sch) {
      add("key can read schedules", true,
          std::to_string(IioCount(*sch, "schedules")) + " schedule(s) feed im oncall");
    } else {
      add("key can read schedules", false, sch.error().message);
    }
  }
  const std::string endpoint =
      config_.public_url.empty() ? "https://<public_url>/connectors/" + config_.name +
                                       "/webhook (set custom.public_url to see the full URL)"
                                 : config_.public_url + "/connectors/" + config_.name + "/webhook";
  if (!config_.enable_webhook) {
    add("webhook secret present", true,
        "webhooks are off (enable_webhook: false): changes arrive by polling every " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::minutes>(config_.sync_interval).count()) +
            " min");
  } else if (config_.webhook_secrets.empty()) {
    add("webhook secret present", false,
        "no signing secret: add an endpoint in incident.io (Settings → Webhooks) for " + endpoint +
            ", then `im connector update " + config_.name +
            " --webhook-secret whsec_…`; until then changes arrive by polling");
  } else {
    std::string arrived = "no delivery has arrived yet";
    if (auto stored = ctx_.connectors.Get(config_.name); stored && stored->last_webhook_at) {
      arrived = "last delivery " + FormatTime(*stored->last_webhook_at);
    }
    add("webhook secret present", true, "endpoint " + endpoint + "; " + arrived);
  }
  IioCounts c = counts();
  if (c.left_out_test || c.excluded_from_mttr || c.private_unreadable || c.unknown_values ||
      c.unmatched_services) {
    add("last sync's exclusions", true,
        std::to_string(c.left_out_test) + " test/tutorial left out, " +
            std::to_string(c.excluded_from_mttr) +
            " declined/canceled/merged excluded from MTTR, " +
            std::to_string(c.private_unreadable) + " private not readable, " +
            std::to_string(c.unknown_values) + " with a new status category, " +
            std::to_string(c.unmatched_services) + " service name(s) not in im's catalog");
  }
  return done();
}

}  // namespace im::connectors::incidentio
