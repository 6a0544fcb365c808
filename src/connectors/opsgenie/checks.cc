// The checks of `im connector test` and `health`, item by item: the API answers, the key is
// taken (and, when it is refused, whether the other region takes it), the Incident API is on
// this plan, and which teams the key sees. Each request is tried once with short timeouts
// (OneShot) and no check starts after 6 s, so the diagnostic answers within 10 s.
#include <set>

#include "connectors/opsgenie/opsgenie_connector.h"

namespace im::connectors::opsgenie {
namespace {

constexpr auto kOgStartChecksWithin = std::chrono::seconds(6);

std::string OgRegionName(const std::string& region) { return region == "eu" ? "EU" : "US"; }

}  // namespace

std::vector<Check> OpsgenieConnector::Test() {
  std::vector<Check> checks;
  auto add = [&](std::string name, bool ok, std::string detail) {
    checks.push_back({std::move(name), ok, std::move(detail)});
  };
  Time start = ctx_.clock.Now();
  auto in_time = [&](const std::string& name) {
    if (ctx_.clock.Now() - start <= kOgStartChecksWithin) return true;
    add(name, false, "not checked: Opsgenie answers too slowly (the checks stop after 10 s)");
    return false;
  };
  auto done = [&] {
    FlushStats(nullptr, false, 0);
    return checks;
  };
  auto alerts = quick_.Get("/v2/alerts", {{"limit", "1"}});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock.Now() - start);
  const bool answered = alerts || alerts.error().code == ErrorCode::kUnauthenticated ||
                        alerts.error().code == ErrorCode::kPermissionDenied ||
                        alerts.error().code == ErrorCode::kFailedPrecondition;
  if (!answered) {
    add("API reachable", false, alerts.error().message);
    return done();
  }
  add("API reachable", true,
      config_.base_url + " answered in " + std::to_string(ms.count()) + " ms");
  const std::string other = settings_.region == "eu" ? "us" : "eu";
  if (!alerts && alerts.error().code == ErrorCode::kUnauthenticated) {
    // A key works on its own region only, and the wrong one answers 401 as for a bad key
    // (providers.md §8.10): ask the other region's host once.
    bool other_takes_it = false;
    if (config_.base_url == hosts_.For(settings_.region)) {
      RestOptions o = OneShot(OptionsForHost(hosts_.For(other)));
      RestClient probe(o, ctx_.http, client_.budget(), ctx_.waiter, ctx_.clock, ctx_.log);
      other_takes_it = probe.Get("/v2/alerts", {{"limit", "1"}}).has_value();
      (void)probe.TakeStats();
    }
    if (other_takes_it) {
      add("API key valid", true,
          "the key is valid in Opsgenie's " + OgRegionName(other) + " region");
      add("region right", false,
          "this key belongs to the " + OgRegionName(other) + " region, set region: " + other +
              " (custom.region: \"" + other + "\")");
    } else {
      add("API key valid", false, alerts.error().message);
    }
    return done();
  }
  if (!alerts && alerts.error().code == ErrorCode::kPermissionDenied) {
    add("API key valid", false, alerts.error().message + " (the key needs read access to alerts)");
    return done();
  }
  add("API key valid", true, "the key can list alerts");
  add("region right", true,
      config_.base_url == hosts_.For(settings_.region)
          ? "region " + settings_.region + " (" + config_.base_url + ")"
          : "base_url " + config_.base_url + " (set explicitly)");
  const std::string incident_check = "Incident API available";
  if (in_time(incident_check)) {
    auto inc = quick_.Get("/v1/incidents", {{"query", "status:open"}, {"limit", "1"}});
    if (inc) {
      add(incident_check, true,
          settings_.import_incidents ? "incidents and alerts are imported"
                                     : "available, but custom.import is \"alerts\"");
    } else if (inc.error().code == ErrorCode::kFailedPrecondition ||
               inc.error().code == ErrorCode::kPermissionDenied) {
      // Alerts alone still give MTTA and MTTR: not a failure unless incidents were all it
      // was asked to import.
      add(incident_check, settings_.import_alerts,
          std::string("not on this plan or not for this key (") + inc.error().message + "): " +
              (settings_.import_alerts
                   ? "the import falls back to alerts only"
                   : "nothing to import: set custom.import to \"alerts\" or \"both\""));
    } else {
      add(incident_check, false, inc.error().message);
    }
  }
  const std::string team_check = "teams visible to the key";
  if (in_time(team_check)) {
    auto teams = quick_.Get("/v2/teams");
    std::map<std::string, std::string> names;  // id → name
    if (teams) {
      if (auto data = DataOf(*teams, "GET /v2/teams"); data && (*data)->is_array()) {
        for (const auto& t : (*data)->as_array()) {
          if (t.is_object()) {
            names[json::StringOr(t.as_object(), "id")] = json::StringOr(t.as_object(), "name");
          }
        }
      }
    }
    // A team-scoped key lists every team but sees only its own team's escalations, schedules,
    // alerts and incidents: the owner teams of what it sees tell which.
    std::set<std::string> owners;
    bool any_unowned = false;
    auto escalations = quick_.Get("/v2/escalations");
    if (escalations) {
      if (auto data = DataOf(*escalations, "GET /v2/escalations"); data && (*data)->is_array()) {
        for (const auto& e : (*data)->as_array()) {
          if (!e.is_object()) continue;
          auto it = e.as_object().find("ownerTeam");
          if (it != e.as_object().end() && it->value().is_object()) {
            owners.insert(json::StringOr(it->value().as_object(), "id"));
          } else {
            any_unowned = true;
          }
        }
      }
    }
    if (!teams) {
      add(team_check, false, teams.error().message);
    } else {
      std::string list;
      for (const auto& [id, name] : names) list += (list.empty() ? "" : ", ") + name;
      if (names.size() > 1 && owners.size() == 1 && !any_unowned) {
        std::string team =
            names.contains(*owners.begin()) ? names[*owners.begin()] : *owners.begin();
        add(team_check, true,
            "the key appears to be scoped to team " + team +
                ": Opsgenie returns only that team's alerts and incidents to it (use an account "
                "API key to import every team)");
      } else {
        add(team_check, true,
            std::to_string(names.size()) + " team(s): " + (list.empty() ? "none" : list) +
                (settings_.teams.empty() ? "" : " (imported: those in custom.teams)"));
      }
    }
  }
  if (!config_.enable_webhook) {
    add("webhook header configured", true,
        "webhooks are off (enable_webhook: false): changes arrive by polling every " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::minutes>(config_.sync_interval).count()) +
            " min");
  } else if (config_.webhook_secrets.empty()) {
    add("webhook header configured", false,
        "no secret header: set custom.webhook_header {\"name\", \"value\"} with `im connector "
        "update` and add the same header to Opsgenie's webhook integration");
  } else {
    add("webhook header configured", true,
        "deliveries must carry the " + settings_.webhook_header + " header; they go to " +
            (config_.public_url.empty()
                 ? std::string("(custom.public_url not set)")
                 : config_.public_url + "/connectors/" + config_.name + "/webhook"));
  }
  return done();
}

}  // namespace im::connectors::opsgenie
