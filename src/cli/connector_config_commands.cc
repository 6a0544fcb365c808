// im connector update|remove|metrics|webhook|config|map-service|list-mappings|map-escalation|
//              list-escalations
#include <iostream>

#include "app/connector_runtime.h"
#include "cli/connector_metrics.h"
#include "cli/context.h"
#include "common/time.h"
#include "connectors/registry.h"
#include "connectors/webhook_setup.h"

namespace im::cli {
namespace {

struct Args {
  std::string name, api_key, url, escalation_policy, service_id, sla_mapping, a, b;
  std::vector<std::string> webhook_secrets;
  bool enable = false, test = false;
};

int WithManager(GlobalOptions& g,
                const std::function<int(app::Runtime&, app::ConnectorRuntime&)>& fn) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto cr = app::OpenConnectors(**rt);
  if (!cr) return ReportError(cr.error());
  return fn(**rt, **cr);
}

int PrintConfig(GlobalOptions& g, const connectors::ConnectorConfig& c, const std::string& what) {
  if (g.json) {
    PrintJson(connectors::ConnectorConfigToJson(c, false));
  } else {
    std::cout << what << "\n"
              << json::Serialize(connectors::ConnectorConfigToJson(c, false)) << "\n";
  }
  return 0;
}

// "PagerDuty" for "pagerduty": how messages name the provider of a connector type.
std::string ProviderDisplayName(const std::string& type) {
  auto entry = connectors::BuiltinConnectorTypes().Find(type);
  return entry ? (*entry)->display_name : type;
}

// Refuses, naming what the connector's type does instead, when the type does not map im's
// services to the provider's (`--service-id`, `map-service`, `map-escalation`).
Result<void> CheckMapsServices(app::ConnectorRuntime& cr, const std::string& name,
                               const std::string& what) {
  auto config = cr.manager->Config(name);
  if (!config) return std::unexpected(config.error());
  auto entry = cr.registry->Find(config->type);
  if (!entry) return std::unexpected(entry.error());
  if ((*entry)->capabilities.maps_services) return Ok();
  return Fail(ErrorCode::kInvalidArgument,
              what + ": " + (*entry)->display_name + " connectors do not map im services to " +
                  (*entry)->display_name +
                  " ones; incidents take their service from the provider, by name");
}

// custom.<field>[key] = value (or custom.<field> = value without a key), for Manager::Update
// to check with the type's own rules.
void SetCustom(connectors::ConnectorConfig& c, const std::string& field, const std::string& key,
               const std::string& value) {
  if (key.empty()) {
    c.custom[field] = value;
    return;
  }
  json::value& map = c.custom[field];
  if (!map.is_object()) map = json::object{};
  map.as_object()[key] = value;
}

// Asks the provider whether `id` (given with `flag`) exists before it is stored: refused when
// the provider says it does not; stored with a warning when it cannot be asked.
Result<void> CheckProviderId(app::ConnectorRuntime& cr, const std::string& connector,
                             connectors::ReferenceKind kind, const std::string& id,
                             const std::string& flag) {
  auto c = cr.manager->Open(connector);
  if (!c) return std::unexpected(c.error());
  const std::string provider = ProviderDisplayName((*c)->config().type);
  const std::string what = std::string(connectors::ReferenceKindName(kind));
  auto check = (*c)->CheckReference(kind, id);
  if (!check) return std::unexpected(check.error().Wrap(flag));
  using Outcome = connectors::ReferenceCheck::Outcome;
  switch (check->outcome) {
    case Outcome::kFound:
    case Outcome::kUnsupported: return Ok();
    case Outcome::kNotFound:
      return Fail(ErrorCode::kNotFound, flag + ": " + provider + " has no " + what + " " + id +
                                            " (" + check->detail + "); check the id in " +
                                            provider + ". Nothing was changed");
    case Outcome::kUnreachable:
      std::cerr << "warning: " << flag << ": could not check " << what << " " << id << " with "
                << provider << " (" << check->detail << "); saved anyway. `im connector test "
                << connector << "` checks it again\n";
      return Ok();
  }
  return Ok();
}

int Update(GlobalOptions& g, const Args& a) {
  return WithManager(g, [&](app::Runtime&, app::ConnectorRuntime& cr) {
    auto c = cr.manager->Update(a.name, [&](connectors::ConnectorConfig& c) -> Result<void> {
      if (!a.api_key.empty()) c.api_key = a.api_key;
      if (!a.webhook_secrets.empty()) c.webhook_secrets = a.webhook_secrets;
      if (a.api_key.empty() && a.webhook_secrets.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "nothing to update: give --api-key or --webhook-secret");
      }
      return Ok();
    });
    if (!c) return ReportError(c.error());
    return PrintConfig(g, *c, "connector " + a.name + " updated");
  });
}

int Config(GlobalOptions& g, const Args& a) {
  return WithManager(g, [&](app::Runtime&, app::ConnectorRuntime& cr) {
    if (a.escalation_policy.empty() && a.service_id.empty() && a.sla_mapping.empty()) {
      auto c = cr.manager->Config(a.name);
      if (!c) return ReportError(c.error());
      return PrintConfig(g, *c, "connector " + a.name);
    }
    if (!a.service_id.empty() || !a.escalation_policy.empty()) {
      auto ok = CheckMapsServices(cr, a.name,
                                  a.service_id.empty() ? "--escalation-policy" : "--service-id");
      if (!ok) return ReportError(ok.error());
    }
    // The ids first, without holding anything: asking the provider may take seconds.
    if (!a.service_id.empty()) {
      auto ok = CheckProviderId(cr, a.name, connectors::ReferenceKind::kService, a.service_id,
                                "--service-id");
      if (!ok) return ReportError(ok.error());
    }
    if (!a.escalation_policy.empty()) {
      auto ok = CheckProviderId(cr, a.name, connectors::ReferenceKind::kEscalationPolicy,
                                a.escalation_policy, "--escalation-policy");
      if (!ok) return ReportError(ok.error());
    }
    auto c = cr.manager->Update(a.name, [&](connectors::ConnectorConfig& c) -> Result<void> {
      if (!a.escalation_policy.empty())
        SetCustom(c, "escalation_policy_id", "", a.escalation_policy);
      if (!a.service_id.empty()) SetCustom(c, "service_id", "", a.service_id);
      if (!a.sla_mapping.empty()) {
        auto v = json::ParseStrict(a.sla_mapping);
        if (!v) {
          return Fail(ErrorCode::kInvalidArgument,
                      "--sla-mapping: " + v.error().message +
                          R"(; write it like '{"SEV-1":{"acknowledge":"5m","resolve":"30m"}}')");
        }
        auto overlay = core::ParseSlaOverlay(*v, "--sla-mapping");
        if (!overlay) return std::unexpected(overlay.error());
        c.sla_mapping = *overlay;  // '{}' clears it: the server's policy applies again
      }
      return Ok();
    });
    if (!c) return ReportError(c.error());
    return PrintConfig(g, *c, "connector " + a.name + " updated");
  });
}

int Map(GlobalOptions& g, const Args& a, bool escalation) {
  const char* service_flag = escalation ? "--service" : "--im-service";
  const char* id_flag = escalation ? "--escalation-policy" : "--pd-service";
  if (a.a.empty() || a.b.empty()) {
    std::cerr << "error: give the im service and the provider's "
              << (escalation ? "escalation policy" : "service") << ": `im connector "
              << (escalation ? "map-escalation " : "map-service ")
              << (a.name.empty() ? "NAME" : a.name) << " " << service_flag << " api " << id_flag
              << (escalation ? " PXXXXXX" : " PAPI001") << "`\n";
    return 2;
  }
  if (auto ok = CheckServiceNames({a.a}, service_flag); !ok) return ReportError(ok.error());
  return WithManager(g, [&](app::Runtime&, app::ConnectorRuntime& cr) {
    if (auto ok = CheckMapsServices(cr, a.name, escalation ? "map-escalation" : "map-service");
        !ok) {
      return ReportError(ok.error());
    }
    auto kind = escalation ? connectors::ReferenceKind::kEscalationPolicy
                           : connectors::ReferenceKind::kService;
    if (auto ok = CheckProviderId(cr, a.name, kind, a.b, id_flag); !ok) {
      return ReportError(ok.error());
    }
    auto c = cr.manager->Update(a.name, [&](connectors::ConnectorConfig& c) -> Result<void> {
      SetCustom(c, escalation ? "escalation_mappings" : "service_mappings", a.a, a.b);
      return Ok();
    });
    if (!c) return ReportError(c.error());
    if (!g.json) {
      std::cout << (escalation ? "escalation policy " : ProviderDisplayName(c->type) + " service ")
                << a.b << " mapped to " << a.a << "\n";
      return 0;
    }
    return PrintConfig(g, *c, "");
  });
}

int ListMap(GlobalOptions& g, const Args& a, bool escalation) {
  return WithManager(g, [&](app::Runtime&, app::ConnectorRuntime& cr) {
    auto c = cr.manager->Config(a.name);
    if (!c) return ReportError(c.error());
    // The type's own mapping field, absent for types that do not map services.
    const json::value* field =
        c->custom.if_contains(escalation ? "escalation_mappings" : "service_mappings");
    std::map<std::string, std::string> m;
    if (field && field->is_object()) {
      for (const auto& kv : field->as_object()) {
        if (kv.value().is_string()) m[kv.key()] = kv.value().as_string();
      }
    }
    // The provider's names, as the last sync read them.
    std::map<std::string, std::string> names;
    if (auto dir = cr.store->Directory(a.name, escalation ? "escalation_policy" : "service")) {
      for (const auto& e : *dir) names[e.external_id] = e.name;
    }
    json::object o;
    std::vector<std::vector<std::string>> rows;
    for (const auto& [ours, theirs] : m) {
      o[ours] = theirs;
      rows.push_back({ours, theirs, names.contains(theirs) ? names[theirs] : "-"});
    }
    if (g.json) {
      PrintJson(o);
    } else {
      // The product documentation's headings.
      PrintTable({"IM Service",
                  escalation ? "Escalation Policy" : ProviderDisplayName(c->type) + " Service",
                  escalation ? "Policy Name" : "Service Name"},
                 rows);
    }
    return 0;
  });
}

int Webhook(GlobalOptions& g, const Args& a, bool rotate_secret) {
  return WithManager(g, [&](app::Runtime& rt, app::ConnectorRuntime& cr) {
    auto config = cr.manager->Config(a.name);
    if (!config) return ReportError(config.error());
    std::string base = a.url.empty() ? config->public_url : a.url;
    if (rotate_secret && !a.enable) {
      return ReportError({ErrorCode::kInvalidArgument, "--rotate-secret goes with --enable"});
    }
    auto entry = cr.registry->Find(config->type);
    if (!entry) return ReportError(entry.error());
    const std::string provider = (*entry)->display_name;
    if (a.enable) {
      if (!(*entry)->capabilities.manages_webhooks) {
        return ReportError({ErrorCode::kInvalidArgument,
                            "im cannot set up " + provider + "'s webhooks: configure them in " +
                                provider + " to deliver to " +
                                (base.empty() ? std::string("https://<im>") : base) +
                                "/connectors/" + a.name + "/webhook (docs/connectors.md)"});
      }
      if (base.empty()) {
        return ReportError({ErrorCode::kInvalidArgument,
                            "no public URL: pass --url https://im.example.com (where " + provider +
                                " can reach im) or set custom.public_url"});
      }
      auto set_up =
          connectors::SetUpWebhook(*cr.manager, a.name, base, rotate_secret, rt.clock.Now());
      if (!set_up) return ReportError(set_up.error());
      if (g.json) {
        json::array removed;
        for (const auto& id : set_up->removed) removed.emplace_back(id);
        PrintJson(json::object{{"url", set_up->url},
                               {"subscription", set_up->subscription},
                               {"action", set_up->action},
                               {"removed", std::move(removed)}});
        return 0;
      }
      std::cout << "webhook subscription " << set_up->subscription << " " << set_up->action
                << " for " << set_up->url;
      if (set_up->action == "created" || set_up->action == "replaced") {
        std::cout << "; its signing secret is stored";
      }
      if (set_up->action == "replaced") {
        std::cout << " (the old secret is accepted until the new one is in use, at most 48 h)";
      }
      std::cout << "\n";
      for (const auto& id : set_up->removed) std::cout << "deleted subscription " << id << "\n";
      return 0;
    }
    if (!a.test) return ReportError({ErrorCode::kInvalidArgument, "give --enable or --test"});
    if (!(*entry)->sample_webhook) {
      return ReportError({ErrorCode::kInvalidArgument, provider + " connectors take no webhooks"});
    }
    if (base.empty()) base = "http://" + rt.config.listen;
    std::string id = "im-test-" + std::to_string(rt.clock.Now().time_since_epoch().count());
    auto sample = (*entry)->sample_webhook(*config, id, rt.clock.Now());
    if (!sample) return ReportError(sample.error());
    net::ClientRequest request{.method = "POST",
                               .url = base + "/connectors/" + a.name + "/webhook",
                               .headers = {{"Content-Type", "application/json"}},
                               .body = std::move(sample->body)};
    for (auto& h : sample->headers) request.headers.push_back(std::move(h));
    auto res = cr.http->Send(request);
    if (!res) return ReportError(res.error().Wrap("sending the test event"));
    std::cout << (res->status < 300 ? "✓ " : "✗ ") << "test event answered " << res->status << ": "
              << res->body << "\n";
    return res->status < 300 ? 0 : 7;
  });
}

}  // namespace

void AddConnectorConfigCommands(CLI::App& connector, GlobalOptions& g) {
  auto a = std::make_shared<Args>();
  auto* update = connector.add_subcommand("update", "Replace the API key or webhook secret(s)");
  update->add_option("name", a->name)->required();
  update->add_option("--api-key", a->api_key);
  update->add_option("--webhook-secret", a->webhook_secrets, "Repeat during secret rotation");
  update->callback([&g, a] { g.exit_code = Update(g, *a); });

  auto* remove = connector.add_subcommand("remove", "Remove a connector (its incidents stay)");
  remove->add_option("name", a->name)->required();
  remove->callback([&g, a] {
    g.exit_code = WithManager(g, [&](app::Runtime&, app::ConnectorRuntime& cr) {
      if (auto ok = cr.manager->Remove(a->name); !ok) return ReportError(ok.error());
      std::cout << "connector " << a->name << " removed\n";
      return 0;
    });
  });

  auto* metrics = connector.add_subcommand("metrics", "Sync success, API calls, rate-limit usage");
  metrics->add_option("name", a->name)->required();
  metrics->callback([&g, a] { g.exit_code = RunConnectorMetrics(g, a->name); });

  auto* webhook =
      connector.add_subcommand("webhook", "Create the webhook subscription, or test it");
  webhook->add_option("name", a->name)->required();
  webhook->add_flag(
      "--enable", a->enable,
      "Make sure one provider subscription (PagerDuty v3) delivers to our URL (reused if there)");
  auto rotate = std::make_shared<bool>(false);
  webhook->add_flag("--rotate-secret", *rotate,
                    "With --enable: replace the subscription with a new one and a new secret");
  webhook->add_flag("--test", a->test, "Send a signed test event to our own endpoint");
  webhook->add_option("--url", a->url, "im's public base URL, e.g. https://im.example.com");
  webhook->callback([&g, a, rotate] { g.exit_code = Webhook(g, *a, *rotate); });

  auto* config = connector.add_subcommand("config", "Show or change the configuration");
  config->add_option("name", a->name)->required();
  config->add_option("--escalation-policy", a->escalation_policy, "Default escalation policy id");
  config->add_option("--service-id", a->service_id, "Default PagerDuty service id");
  config->add_option("--sla-mapping", a->sla_mapping,
                     R"(SLA targets for this connector's incidents, replacing the server's for )"
                     R"(the severities named: '{"SEV-1":{"acknowledge":"5m","resolve":"30m"}}')");
  config->callback([&g, a] { g.exit_code = Config(g, *a); });

  for (bool escalation : {false, true}) {
    auto* map =
        connector.add_subcommand(escalation ? "map-escalation" : "map-service",
                                 escalation ? "Use a PagerDuty escalation policy for a service"
                                            : "Map an im service to a PagerDuty service");
    map->add_option("name", a->name)->required();
    map->add_option("service", a->a, "im service name (or 'default')");
    map->add_option("id", a->b,
                    escalation ? "PagerDuty escalation policy id" : "PagerDuty service id");
    // The named forms of the product documentation; the positional ones work too.
    map->add_option(escalation ? "--service" : "--im-service", a->a,
                    "im service name (or 'default')");
    map->add_option(escalation ? "--escalation-policy" : "--pd-service", a->b,
                    escalation ? "PagerDuty escalation policy id" : "PagerDuty service id");
    map->callback([&g, a, escalation] { g.exit_code = Map(g, *a, escalation); });
    auto* list = connector.add_subcommand(escalation ? "list-escalations" : "list-mappings",
                                          "Show the mappings");
    list->add_option("name", a->name)->required();
    list->callback([&g, a, escalation] { g.exit_code = ListMap(g, *a, escalation); });
  }
}

}  // namespace im::cli
