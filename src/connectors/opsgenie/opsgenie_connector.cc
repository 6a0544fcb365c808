#include "connectors/opsgenie/opsgenie_connector.h"

#include <cstdlib>

#include "common/time.h"
#include "connectors/history_import.h"
#include "schedule/zone.h"

namespace im::connectors::opsgenie {
namespace {

// Listings cover a week of createdAt at a time (100,000 alerts in 90 days is about 7,800 a
// week, well under the 20,000 offset cap); a fuller window is halved down to an hour.
constexpr auto kOgSlice = std::chrono::days(7);
constexpr auto kOgSmallestSlice = std::chrono::hours(1);
constexpr size_t kOgBatch = 1000;

// OPSGENIE_DEBUG=true: this type's own switch for logging requests and responses.
constexpr char kOgDebugSwitch[] = "OPSGENIE_DEBUG";

RestOptions OgOptionsFor(const ConnectorConfig& config, const ConnectorContext& ctx) {
  return OpsgenieOptions(config.base_url, config.api_key,
                         DebugLogging(config, ctx.debug, kOgDebugSwitch));
}

// `field >= from AND field < until` in Opsgenie's search syntax (dates as epoch ms).
std::string OgWindowQuery(const char* field, Time from, Time until) {
  return std::string(field) + " >= " + EpochMillisText(from) + " AND " + field + " < " +
         EpochMillisText(until);
}

bool OgIncidentApiRefused(const Error& e) {
  return e.code == ErrorCode::kFailedPrecondition || e.code == ErrorCode::kPermissionDenied;
}

}  // namespace

OpsgenieConnector::OpsgenieConnector(ConnectorConfig config, ConnectorContext& ctx,
                                     RegionHosts hosts)
    : config_(std::move(config)),
      // Checked when the config was parsed: an error here cannot happen.
      settings_(ParseSettings(config_.custom).value_or(Settings{})),
      ctx_(ctx),
      hosts_(std::move(hosts)),
      client_(OgOptionsFor(config_, ctx), ctx.http,
              ctx.budgets.For(config_.api_key, config_.rate_limit_per_minute), ctx.waiter,
              ctx.clock, ctx.log),
      quick_(OneShot(OgOptionsFor(config_, ctx)), ctx.http,
             ctx.budgets.For(config_.api_key, config_.rate_limit_per_minute), ctx.waiter, ctx.clock,
             ctx.log) {
  if (!settings_.import_incidents) incident_api_ = false;
}

Result<std::vector<WebhookSubscriptionInfo>> OpsgenieConnector::ListWebhooks(const std::string&) {
  return Fail(ErrorCode::kFailedPrecondition,
              "Opsgenie's outgoing webhook integration is set up in Opsgenie (Settings → "
              "Integrations → Webhook), with the secret header of custom.webhook_header: see "
              "docs/opsgenie.md");
}

Result<std::pair<WebhookSubscriptionInfo, std::string>> OpsgenieConnector::CreateWebhook(
    const std::string& url) {
  auto r = ListWebhooks(url);
  return std::unexpected(r.error());
}

Result<void> OpsgenieConnector::EnableWebhook(const std::string& id) {
  auto r = ListWebhooks(id);
  return std::unexpected(r.error());
}

Result<void> OpsgenieConnector::DeleteWebhook(const std::string& id) {
  auto r = ListWebhooks(id);
  return std::unexpected(r.error());
}

Result<std::shared_ptr<const OgDirectory>> OpsgenieConnector::CurrentDirectory() {
  std::lock_guard lock(dir_mu_);
  if (dir_) return dir_;
  auto dir = std::make_shared<OgDirectory>();
  dir->fallback_actor = "opsgenie@" + config_.name + ".connector";
  for (auto [kind, target] :
       {std::pair{"user", &dir->user_email}, std::pair{"team", &dir->team_name},
        std::pair{"service", &dir->service_name}}) {
    auto entries = ctx_.connectors.Directory(config_.name, kind);
    if (!entries) return std::unexpected(entries.error());
    for (const auto& e : *entries) {
      const bool service = std::string(kind) == "service";
      (*target)[e.external_id] = service ? OgServiceName(e.name) : e.name;
      if (!service) continue;
      if (auto data = json::Parse(e.data); data && data->is_object()) {
        std::string team = json::StringOr(data->as_object(), "teamId");
        if (!team.empty()) dir->service_team[e.external_id] = team;
      }
    }
  }
  dir_ = std::move(dir);
  return dir_;
}

Result<void> OpsgenieConnector::FetchDirectory(SyncReport& report) {
  std::vector<store::DirectoryEntry> entries;
  std::vector<store::Person> people;
  std::vector<std::string> services;
  auto users = ForEachPage(
      client_, "/v2/users", {{"sortField", "username"}, {"order", "asc"}},
      [&](const json::object& u) -> Result<bool> {
        std::string id = json::StringOr(u, "id");
        std::string email = json::StringOr(u, "username");
        if (id.empty() || email.empty()) return true;
        entries.push_back({"user", id, email, json::Serialize(u)});
        if (email.find('@') != std::string::npos) {
          // A zone the system tzdata does not know is left empty (the schedule's is used).
          std::string zone = json::StringOr(u, "timeZone");
          if (!zone.empty() && !schedule::LocateZone(zone)) zone.clear();
          people.push_back(
              {.email = email, .name = json::StringOr(u, "fullName"), .time_zone = zone});
        }
        return true;
      },
      &report.requests);
  if (!users) return std::unexpected(users.error().Wrap("listing Opsgenie users"));
  auto teams = client_.Get("/v2/teams", {{"expand", "member"}});
  report.requests++;
  if (!teams) return std::unexpected(teams.error().Wrap("listing Opsgenie teams"));
  auto team_data = DataOf(*teams, "GET /v2/teams");
  if (!team_data) return std::unexpected(team_data.error());
  if ((*team_data)->is_array()) {
    for (const auto& t : (*team_data)->as_array()) {
      if (!t.is_object()) continue;
      std::string id = json::StringOr(t.as_object(), "id");
      if (!id.empty()) {
        entries.push_back({"team", id, json::StringOr(t.as_object(), "name"), json::Serialize(t)});
      }
    }
  }
  // Opsgenie services (Service API): optional; an account or simulator without it, or a key
  // that may not read it, leaves services named after teams (docs/opsgenie.md).
  auto listed = ForEachPage(
      client_, "/v1/services", {},
      [&](const json::object& s) -> Result<bool> {
        std::string id = json::StringOr(s, "id");
        std::string name = json::StringOr(s, "name");
        if (id.empty() || name.empty()) return true;
        entries.push_back({"service", id, name, json::Serialize(s)});
        services.push_back(OgServiceName(name));
        return true;
      },
      &report.requests);
  if (!listed && listed.error().code != ErrorCode::kNotFound &&
      listed.error().code != ErrorCode::kPermissionDenied &&
      listed.error().code != ErrorCode::kFailedPrecondition) {
    return std::unexpected(listed.error().Wrap("listing Opsgenie services"));
  }
  if (auto ok = ctx_.connectors.SaveDirectory(config_.name, entries); !ok) return ok;
  if (ctx_.schedules) {
    for (const auto& p : people) {
      if (auto ok = ctx_.schedules->UpsertPerson(p); !ok) return ok;
    }
  }
  Time now = ctx_.clock.Now();
  auto ok = ctx_.store.Transact([&](store::Tx& tx) -> Result<void> {
    for (const auto& s : services) {
      if (auto created = tx.EnsureService(s, now); !created) {
        return std::unexpected(created.error());
      }
    }
    return Ok();
  });
  if (!ok) return ok;
  std::lock_guard lock(dir_mu_);
  dir_.reset();  // read again, with what was just saved, on next use
  return Ok();
}

OpsgenieConnector::Decide OpsgenieConnector::AlertDecider(const OgAlert& a,
                                                          const OgDirectory& dir) const {
  return [observed = ObserveAlert(a, settings_, dir), event_at = a.updated_at,
          connector =
              config_.name](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
    if (linked.incident) {
      // An alert Opsgenie made for one of its incidents is part of that incident (linked to
      // it by LinkResponderAlerts): the incident's own state counts, not the alert's, except
      // that a responder acknowledging it is the incident's acknowledgement (MTTA).
      auto kind = linked.incident->custom_fields.find("opsgenie_kind");
      if (kind != linked.incident->custom_fields.end() && kind->second == "incident") {
        return opsgenie::AcknowledgedThroughAlert(*linked.incident, observed, linked.last_event_at);
      }
      // What we hold is as new or newer: importing again changes nothing.
      if (linked.last_event_at && event_at <= *linked.last_event_at) {
        return store::ProviderUpdate{.skip = true};
      }
    }
    return Converge(observed, linked.incident, connector, event_at);
  };
}

OpsgenieConnector::Decide OpsgenieConnector::IncidentDecider(const OgIncident& i,
                                                             const OgDirectory& dir) const {
  return [observed = ObserveIncident(i, settings_, dir), event_at = i.updated_at,
          connector =
              config_.name](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
    if (linked.incident && linked.last_event_at && event_at <= *linked.last_event_at) {
      return store::ProviderUpdate{.skip = true};
    }
    return Converge(observed, linked.incident, connector, event_at);
  };
}

Result<void> OpsgenieConnector::ReadTimeline(OgIncident& incident, SyncReport* report) {
  json::array entries;
  std::string offset;
  for (int pages = 0; pages < 100; ++pages) {
    Query q{{"limit", "100"}};
    if (!offset.empty()) q.emplace_back("offset", offset);
    auto got = client_.Get("/v2/incident-timelines/" + net::UrlEncode(incident.id) + "/entries", q);
    if (report) report->requests++;
    if (!got) return std::unexpected(got.error());
    auto data = DataOf(*got, "GET /v2/incident-timelines/{id}/entries");
    if (!data) return std::unexpected(data.error());
    if (!(*data)->is_object()) break;
    const auto& d = (*data)->as_object();
    if (auto it = d.find("entries"); it != d.end() && it->value().is_array()) {
      for (const auto& e : it->value().as_array()) entries.push_back(e);
    }
    offset = json::StringOr(d, "nextOffset");
    if (offset.empty()) break;
  }
  opsgenie::ReadTimeline(entries, incident);
  if (report) report->log_entries += static_cast<int64_t>(entries.size());
  return Ok();
}

Result<void> OpsgenieConnector::LinkResponderAlerts(const std::string& id, RestClient& client,
                                                    SyncReport* report) {
  if (!responder_alert_ids_) return Ok();
  // data is the list of alert ids (the Go SDK's GetResponderAlertsResult), a page at a time.
  constexpr size_t kPage = 100;
  std::vector<std::string> alert_ids;
  for (size_t offset = 0;; offset += kPage) {
    auto got = client.Get("/v1/incidents/" + net::UrlEncode(id) + "/responder-alert-ids",
                          {{"identifierType", "id"},
                           {"order", "asc"},
                           {"offset", std::to_string(offset)},
                           {"limit", std::to_string(kPage)}});
    if (report) report->requests++;
    if (!got) {
      if (got.error().code != ErrorCode::kNotFound) return std::unexpected(got.error());
      // Deleted since it was listed: nothing to link.
      if (got.error().message.find("Incident does not exist") != std::string::npos) return Ok();
      // Not served here (the endpoint is the official Go SDK's, not in the OAS): the alerts
      // stay incidents of their own (docs/opsgenie.md).
      responder_alert_ids_ = false;
      return Ok();
    }
    auto data = DataOf(*got, "GET /v1/incidents/{id}/responder-alert-ids");
    if (!data) return std::unexpected(data.error());
    if (!(*data)->is_array()) break;
    const auto& page = (*data)->as_array();
    for (const auto& a : page) {
      if (a.is_string() && !a.as_string().empty()) alert_ids.emplace_back(a.as_string());
    }
    if (page.size() < kPage || offset + kPage >= 10'000) break;
  }
  if (alert_ids.empty()) return Ok();
  auto number = ctx_.connectors.FindLinkedIncident(config_.name, IncidentKey(id));
  if (!number) return std::unexpected(number.error());
  if (!*number) return Ok();
  for (const auto& a : alert_ids) {
    if (auto ok = ctx_.connectors.LinkIncident(config_.name, AlertKey(a), **number, {}); !ok) {
      return ok;
    }
  }
  return Ok();
}

Result<void> OpsgenieConnector::ImportIncidents(Time from, Time until, bool polling,
                                                SyncReport& report) {
  if (!incident_api_) return Ok();
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const OgDirectory& dir = **snapshot;
  auto ok = SplitOnCap(from, until, kOgSmallestSlice, [&](Time f, Time u) -> Result<void> {
    std::vector<OgIncident> incidents;
    auto listed = ForEachPage(
        client_, "/v1/incidents",
        {{"query", OgWindowQuery(polling ? "updatedAt" : "createdAt", f, u)},
         {"sort", "createdAt"},
         {"order", "asc"}},
        [&](const json::object& o) -> Result<bool> {
          auto i = ParseIncident(o);
          if (!i) {
            ctx_.log->warn("skipping an Opsgenie incident: {}", i.error().message);
            return true;
          }
          if (!settings_.WantsTeam(i->owner_team_id, dir.TeamName(i->owner_team_id))) return true;
          incidents.push_back(std::move(*i));
          return true;
        },
        &report.requests);
    if (!listed) return listed;
    BatchWriter batch(ctx_.connectors, config_.name, kOgBatch);
    for (auto& i : incidents) {
      if (auto t = ReadTimeline(i, &report); !t) return t;
      report.incidents++;
      if (auto added = batch.Add({IncidentKey(i.id), IncidentDecider(i, dir)}); !added) {
        return added;
      }
    }
    if (auto flushed = batch.Flush(); !flushed) return flushed;
    if (settings_.import_alerts) {
      for (const auto& i : incidents) {
        if (auto linked = LinkResponderAlerts(i.id, client_, &report); !linked) return linked;
      }
    }
    return Ok();
  });
  if (!ok && OgIncidentApiRefused(ok.error())) {
    if (!settings_.import_alerts) return ok;  // nothing else to import: the config is wrong
    ctx_.log->warn("opsgenie {}: the Incident API is not available ({}); importing alerts only",
                   config_.name, ok.error().message);
    incident_api_ = false;
    return Ok();
  }
  return ok;
}

Result<void> OpsgenieConnector::ImportAlerts(Time from, Time until, bool polling,
                                             SyncReport& report) {
  if (!settings_.import_alerts) return Ok();
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const OgDirectory& dir = **snapshot;
  return SplitOnCap(from, until, kOgSmallestSlice, [&](Time f, Time u) -> Result<void> {
    BatchWriter batch(ctx_.connectors, config_.name, kOgBatch);
    auto listed = ForEachPage(
        client_, "/v2/alerts",
        {{"query", OgWindowQuery(polling ? "updatedAt" : "createdAt", f, u)},
         {"sort", polling ? "updatedAt" : "createdAt"},
         {"order", "asc"}},
        [&](const json::object& o) -> Result<bool> {
          auto a = ParseAlert(o);
          if (!a) {
            ctx_.log->warn("skipping an Opsgenie alert: {}", a.error().message);
            return true;
          }
          if (!settings_.teams.empty()) {
            bool wanted = false;
            for (const auto& t : a->team_ids) {
              wanted = wanted || settings_.WantsTeam(t, dir.TeamName(t));
            }
            if (!wanted) return true;
          }
          report.incidents++;
          if (auto added = batch.Add({AlertKey(a->id), AlertDecider(*a, dir)}); !added) {
            return std::unexpected(added.error());
          }
          return true;
        },
        &report.requests);
    if (!listed) return listed;
    return batch.Flush();
  });
}

Result<void> OpsgenieConnector::ImportWindow(Time from, Time until, bool polling,
                                             SyncReport& report) {
  if (auto ok = ImportIncidents(from, until, polling, report); !ok) return ok;
  return ImportAlerts(from, until, polling, report);
}

Result<void> OpsgenieConnector::FetchOne(const std::string& key, RestClient& client,
                                         SyncReport* report) {
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const OgDirectory& dir = **snapshot;
  Decide decide;
  if (key.starts_with("incident:")) {
    std::string id = key.substr(9);
    auto got = client.Get("/v1/incidents/" + net::UrlEncode(id));
    if (report) report->requests++;
    if (!got) return std::unexpected(got.error());
    auto data = DataOf(*got, "GET /v1/incidents/{id}");
    if (!data) return std::unexpected(data.error());
    auto obj = json::AsObject(**data, "Opsgenie incident");
    if (!obj) return std::unexpected(obj.error());
    auto i = ParseIncident(**obj);
    if (!i) return std::unexpected(i.error());
    if (auto t = ReadTimeline(*i, report); !t) return t;
    decide = IncidentDecider(*i, dir);
    auto r = ctx_.connectors.ApplyProviderIncident(config_.name, key, std::nullopt, decide);
    if (!r) return std::unexpected(r.error());
    if (report) report->incidents++;
    if (!settings_.import_alerts) return Ok();
    return LinkResponderAlerts(i->id, client, report);
  } else {
    std::string id = key.starts_with("alert:") ? key.substr(6) : key;
    auto got = client.Get("/v2/alerts/" + net::UrlEncode(id));
    if (report) report->requests++;
    if (!got) return std::unexpected(got.error());
    auto data = DataOf(*got, "GET /v2/alerts/{id}");
    if (!data) return std::unexpected(data.error());
    auto obj = json::AsObject(**data, "Opsgenie alert");
    if (!obj) return std::unexpected(obj.error());
    auto a = ParseAlert(**obj);
    if (!a) return std::unexpected(a.error());
    decide = AlertDecider(*a, dir);
  }
  if (report) report->incidents++;
  std::string external =
      key.starts_with("incident:") || key.starts_with("alert:") ? key : AlertKey(key);
  auto r = ctx_.connectors.ApplyProviderIncident(config_.name, external, std::nullopt, decide);
  if (!r) return std::unexpected(r.error());
  return Ok();
}

Result<SyncReport> OpsgenieConnector::Sync(const SyncOptions& options) {
  SyncReport report;
  Time start = ctx_.clock.Now();
  auto run = [&]() -> Result<void> {
    if (!options.incident_id.empty()) {
      if (auto ok = FetchDirectory(report); !ok) return ok;
      return FetchOne(options.incident_id, client_, &report);
    }
    if (auto ok = FetchDirectory(report); !ok) return ok;
    if (auto ok = ImportOnCall(report); !ok) return std::unexpected(ok.error());
    auto plan = PlanHistory(ctx_.connectors, config_, ctx_.clock.Now());
    if (!plan) return std::unexpected(plan.error());
    if (auto fetched = FollowUp(); !fetched) return std::unexpected(fetched.error());
    if (!options.history && !plan->polling) return Ok();
    return ImportSlices(ctx_.connectors, config_.name, *plan, kOgSlice, options, "opsgenie",
                        [&](Time from, Time until) -> Result<void> {
                          return ImportWindow(from, until, plan->polling, report);
                        });
  };
  auto ok = run();
  report.took = ctx_.clock.Now() - start;
  if (options.incident_id.empty()) {
    (void)ctx_.connectors.RecordSync(config_.name, ctx_.clock.Now(), ok ? "" : ok.error().message);
    FlushStats(&report, !ok, 0);
  } else {
    FlushStats(nullptr, false, 0);
  }
  if (!ok) return std::unexpected(ok.error());
  return report;
}

RestOptions OpsgenieConnector::OptionsForHost(const std::string& base_url) const {
  return OpsgenieOptions(base_url, config_.api_key,
                         DebugLogging(config_, ctx_.debug, kOgDebugSwitch));
}

void OpsgenieConnector::FlushStats(const SyncReport* report, bool failed, int64_t webhook_events) {
  RecordActivity(ctx_, config_.name, {client_.TakeStats(), quick_.TakeStats()}, report, failed,
                 webhook_events);
}

}  // namespace im::connectors::opsgenie
