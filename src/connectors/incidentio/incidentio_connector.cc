#include "connectors/incidentio/incidentio_connector.h"

#include <algorithm>

#include "common/time.h"
#include "connectors/history_import.h"
#include "schedule/zone.h"

namespace im::connectors::incidentio {
namespace {

// A week of created_at at a time: one checkpoint a week of history, and the listing's date
// filters (whole days) read at most a day on either side again.
constexpr auto kIioSlice = std::chrono::days(7);
constexpr size_t kIioBatch = 250;

// INCIDENTIO_DEBUG=true: this type's own switch for logging requests and responses.
constexpr char kIioDebugSwitch[] = "INCIDENTIO_DEBUG";

RestOptions IioOptionsFor(const ConnectorConfig& config, const ConnectorContext& ctx) {
  return IncidentIoOptions(config.base_url, config.api_key,
                           DebugLogging(config, ctx.debug, kIioDebugSwitch));
}

// incident.io's date filters take days ("2026-06-01"), in UTC.
std::string IioDay(Time t) { return FormatTime(t).substr(0, 10); }

}  // namespace

IncidentIoConnector::IncidentIoConnector(ConnectorConfig config, ConnectorContext& ctx)
    : config_(std::move(config)),
      // Checked when the config was parsed: an error here cannot happen.
      settings_(ParseSettings(config_.custom).value_or(Settings{})),
      ctx_(ctx),
      client_(IioOptionsFor(config_, ctx), ctx.http,
              ctx.budgets.For(config_.api_key, config_.rate_limit_per_minute), ctx.waiter,
              ctx.clock, ctx.log),
      quick_(OneShot(IioOptionsFor(config_, ctx)), ctx.http,
             ctx.budgets.For(config_.api_key, config_.rate_limit_per_minute), ctx.waiter, ctx.clock,
             ctx.log) {}

Result<std::vector<WebhookSubscriptionInfo>> IncidentIoConnector::ListWebhooks(const std::string&) {
  return Fail(ErrorCode::kFailedPrecondition,
              "incident.io webhook endpoints are set up in incident.io (Settings → Webhooks): "
              "paste the URL `im connector status " +
                  config_.name + "` shows and set its signing secret with `im connector update " +
                  config_.name + " --webhook-secret whsec_…` (docs/incidentio.md)");
}

Result<std::pair<WebhookSubscriptionInfo, std::string>> IncidentIoConnector::CreateWebhook(
    const std::string& url) {
  auto r = ListWebhooks(url);
  return std::unexpected(r.error());
}

Result<void> IncidentIoConnector::EnableWebhook(const std::string& id) {
  auto r = ListWebhooks(id);
  return std::unexpected(r.error());
}

Result<void> IncidentIoConnector::DeleteWebhook(const std::string& id) {
  auto r = ListWebhooks(id);
  return std::unexpected(r.error());
}

IioCounts IncidentIoConnector::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

Result<void> IncidentIoConnector::FetchDirectory(SyncReport& report) {
  std::vector<store::DirectoryEntry> entries;
  std::vector<store::Person> people;
  auto users = ForEachPage(
      client_, "/v2/users", {}, "users",
      [&](const json::object& u) -> Result<bool> {
        std::string id = json::StringOr(u, "id");
        std::string email = json::StringOr(u, "email");
        if (id.empty() || email.find('@') == std::string::npos) return true;
        entries.push_back({"user", id, email, json::Serialize(u)});
        people.push_back({.email = email, .name = json::StringOr(u, "name"), .time_zone = ""});
        return true;
      },
      &report.requests);
  if (!users) return std::unexpected(users.error().Wrap("listing incident.io users"));
  auto sev = client_.Get("/v1/severities");
  report.requests++;
  if (!sev) return std::unexpected(sev.error().Wrap("listing incident.io severities"));
  std::vector<IioSeverity> severities;
  if (auto it = sev->find("severities"); it != sev->end() && it->value().is_array()) {
    for (const auto& s : it->value().as_array()) {
      if (!s.is_object()) continue;
      auto parsed = ParseSeverity(s.as_object());
      if (!parsed) continue;
      entries.push_back({"severity", parsed->id, parsed->name, json::Serialize(s)});
      severities.push_back(*parsed);
    }
  }
  if (auto ok = ctx_.connectors.SaveDirectory(config_.name, entries); !ok) return ok;
  if (ctx_.schedules) {
    for (const auto& p : people) {
      if (auto ok = ctx_.schedules->UpsertPerson(p); !ok) return ok;
    }
  }
  auto services = ctx_.store.ListServices();
  if (!services) return std::unexpected(services.error());
  std::lock_guard lock(mu_);
  severities_ = std::move(severities);
  directory_read_ = true;
  for (const auto& svc : *services) known_services_.insert(svc.name);
  return Ok();
}

Result<IioContext> IncidentIoConnector::Context() {
  IioContext c{.connector = config_.name,
               .fallback_actor = "incidentio@" + config_.name + ".connector",
               .severities = {},
               .default_service = "incidentio"};
  {
    std::lock_guard lock(mu_);
    if (directory_read_) {
      c.severities = severities_;
      return c;
    }
  }
  // After a restart, before a sync: the severities the last sync stored.
  auto stored = ctx_.connectors.Directory(config_.name, "severity");
  if (!stored) return std::unexpected(stored.error());
  for (const auto& e : *stored) {
    auto v = json::Parse(e.data);
    if (!v || !v->is_object()) continue;
    if (auto s = ParseSeverity(v->as_object())) c.severities.push_back(*s);
  }
  return c;
}

void IncidentIoConnector::Note(const IioIncident& i) {
  std::lock_guard lock(mu_);
  for (const auto& name : i.services) {
    std::string mine = IioServiceName(name);
    if (mine.empty() || !directory_read_ || known_services_.contains(mine)) continue;
    known_services_.insert(mine);
    counts_.unmatched_services++;
    ctx_.log->warn(
        "incidentio {}: incident.io service \"{}\" matches no service in im's catalog; its "
        "incidents go to a new service \"{}\" (rename one side to link them)",
        config_.name, name, mine);
  }
  if (ExcludedCategory(i.category)) counts_.excluded_from_mttr++;
  if (!KnownCategory(i.category)) {
    counts_.unknown_values++;
    if (reported_.insert("category:" + i.category).second) {
      ctx_.log->warn(
          "incidentio {}: status category \"{}\" (status \"{}\") is new to im; its incidents "
          "are treated as open until im knows it",
          config_.name, i.category, i.status_name);
    }
  }
}

IncidentIoConnector::Decide IncidentIoConnector::Decider(const IioIncident& i,
                                                         const IioContext& ctx) {
  Note(i);
  return [observed = Observe(i, settings_, ctx), entries = UpdateEntries(i, ctx),
          reopened = LastReopen(i), event_at = i.updated_at, connector = config_.name](
             const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
    // What we hold is as new or newer (a delivery or a page read late): nothing to change.
    if (linked.incident && linked.last_event_at && event_at <= *linked.last_event_at) {
      return store::ProviderUpdate{.skip = true};
    }
    auto done = [](core::Status s) {
      return s == core::Status::kResolved || s == core::Status::kClosed;
    };
    std::optional<core::Incident> current = linked.incident;
    store::ProviderUpdate u;
    // Resolved here, reopened and resolved again there since (seen only in its updates): reopen
    // first, so the resolve time is incident.io's last one.
    if (current && done(current->status) && done(observed.status) && reopened &&
        current->resolved_at && *reopened > *current->resolved_at) {
      ObservedIncident open = observed;
      open.status = core::Status::kOpen;
      u = Converge(open, current, connector, *reopened);
      current = u.incident;
    }
    store::ProviderUpdate last = Converge(observed, current, connector, event_at);
    last.entries.insert(last.entries.begin(), u.entries.begin(), u.entries.end());
    last.entries.insert(last.entries.end(), entries.begin(), entries.end());
    return last;
  };
}

Result<void> IncidentIoConnector::ReadUpdates(IioIncident& incident, RestClient& client,
                                              SyncReport* report) {
  std::vector<IioUpdate> updates;
  int64_t requests = 0;
  auto ok = ForEachPage(
      client, "/v2/incident_updates", {{"incident_id", incident.id}}, "incident_updates",
      [&](const json::object& o) -> Result<bool> {
        auto u = ParseUpdate(o);
        if (!u) {
          ctx_.log->warn("incidentio {}: skipping an update of {}: {}", config_.name, incident.id,
                         u.error().message);
          return true;
        }
        updates.push_back(std::move(*u));
        return true;
      },
      &requests);
  if (report) report->requests += requests;
  if (!ok) return ok;
  std::stable_sort(updates.begin(), updates.end(), [](const IioUpdate& a, const IioUpdate& b) {
    return a.created_at < b.created_at;
  });
  if (report) report->log_entries += static_cast<int64_t>(updates.size());
  incident.updates = std::move(updates);
  return Ok();
}

Result<void> IncidentIoConnector::CountLeftOut(Time from, Time until, SyncReport& report) {
  int64_t n = 0;
  auto ok = ForEachPage(
      client_, "/v2/incidents",
      {{"mode[one_of]", "test"},
       {"mode[one_of]", "tutorial"},
       {"created_at[gte]", IioDay(from)},
       {"created_at[lte]", IioDay(until)}},
      "incidents",
      [&](const json::object& o) -> Result<bool> {
        auto t = ParseTime(json::StringOr(o, "created_at"));
        if (t && *t >= from && *t < until && LeftOutMode(json::StringOr(o, "mode"))) ++n;
        return true;
      },
      &report.requests);
  if (!ok) return ok;
  std::lock_guard lock(mu_);
  counts_.left_out_test += n;
  return Ok();
}

Result<void> IncidentIoConnector::ImportWindow(Time from, Time until, bool polling,
                                               SyncReport& report) {
  auto ctx = Context();
  if (!ctx) return std::unexpected(ctx.error());
  Query q{{"sort_by", "created_at_oldest_first"}};
  if (polling) {
    q.emplace_back("updated_at[gte]", IioDay(from));
  } else {
    q.emplace_back("created_at[gte]", IioDay(from));
    q.emplace_back("created_at[lte]", IioDay(until));
  }
  BatchWriter batch(ctx_.connectors, config_.name, kIioBatch);
  auto listed = ForEachPage(
      client_, "/v2/incidents", q, "incidents",
      [&](const json::object& o) -> Result<bool> {
        auto i = ParseIncident(o);
        if (!i) {
          ctx_.log->warn("incidentio {}: skipping an incident: {}", config_.name,
                         i.error().message);
          return true;
        }
        // The filters take whole days: what lies outside the window is another slice's.
        if (polling ? i->updated_at < from : (i->created_at < from || i->created_at >= until)) {
          return true;
        }
        if (LeftOutMode(i->mode)) {
          if (polling) {
            std::lock_guard lock(mu_);
            counts_.left_out_test++;
          }
          return true;
        }
        if (auto ok = ReadUpdates(*i, client_, &report); !ok) return std::unexpected(ok.error());
        report.incidents++;
        if (auto added = batch.Add({i->id, Decider(*i, *ctx)}); !added) {
          return std::unexpected(added.error());
        }
        return true;
      },
      &report.requests);
  if (!listed) return listed;
  if (auto flushed = batch.Flush(); !flushed) return flushed;
  if (!polling) return CountLeftOut(from, until, report);
  return Ok();
}

Result<void> IncidentIoConnector::FetchOne(const std::string& id, RestClient& client,
                                           SyncReport* report) {
  auto ctx = Context();
  if (!ctx) return std::unexpected(ctx.error());
  auto got = client.Get("/v2/incidents/" + net::UrlEncode(id));
  if (report) report->requests++;
  if (!got) return std::unexpected(got.error());
  auto obj = json::GetObject(*got, "incident");
  if (!obj) return std::unexpected(obj.error().Wrap("incident.io's answer"));
  auto i = ParseIncident(**obj);
  if (!i) return std::unexpected(i.error());
  if (LeftOutMode(i->mode)) {
    std::lock_guard lock(mu_);
    counts_.left_out_test++;
    return Ok();
  }
  if (auto ok = ReadUpdates(*i, client, report); !ok) return ok;
  if (report) report->incidents++;
  auto r =
      ctx_.connectors.ApplyProviderIncident(config_.name, i->id, std::nullopt, Decider(*i, *ctx));
  if (!r) return std::unexpected(r.error());
  return Ok();
}

Result<SyncReport> IncidentIoConnector::Sync(const SyncOptions& options) {
  SyncReport report;
  Time start = ctx_.clock.Now();
  if (options.incident_id.empty()) {
    std::lock_guard lock(mu_);
    counts_ = {};  // what this sync leaves out and marks
  }
  auto run = [&]() -> Result<void> {
    if (auto ok = FetchDirectory(report); !ok) return ok;
    if (!options.incident_id.empty()) return FetchOne(options.incident_id, client_, &report);
    if (auto ok = ImportOnCall(report); !ok) return std::unexpected(ok.error());
    auto plan = PlanHistory(ctx_.connectors, config_, ctx_.clock.Now());
    if (!plan) return std::unexpected(plan.error());
    if (auto fetched = FollowUp(); !fetched) return std::unexpected(fetched.error());
    if (!options.history && !plan->polling) return Ok();
    return ImportSlices(ctx_.connectors, config_.name, *plan,
                        plan->polling ? plan->until - plan->from : kIioSlice, options, "incidentio",
                        [&](Time from, Time until) -> Result<void> {
                          return ImportWindow(from, until, plan->polling, report);
                        });
  };
  auto ok = run();
  report.took = ctx_.clock.Now() - start;
  if (options.incident_id.empty()) {
    (void)ctx_.connectors.RecordSync(config_.name, ctx_.clock.Now(), ok ? "" : ok.error().message);
    IioCounts c = counts();
    if (c.left_out_test || c.excluded_from_mttr || c.private_unreadable || c.unknown_values ||
        c.unmatched_services) {
      ctx_.log->info(
          "incidentio {}: {} test/tutorial incident(s) left out, {} declined/canceled/merged "
          "kept and excluded from MTTR, {} private incident(s) the key may not read, {} with a "
          "status category new to im, {} service name(s) not in im's catalog",
          config_.name, c.left_out_test, c.excluded_from_mttr, c.private_unreadable,
          c.unknown_values, c.unmatched_services);
    }
    FlushStats(&report, !ok, 0);
  } else {
    FlushStats(nullptr, false, 0);
  }
  if (!ok) return std::unexpected(ok.error());
  return report;
}

void IncidentIoConnector::FlushStats(const SyncReport* report, bool failed,
                                     int64_t webhook_events) {
  RecordActivity(ctx_, config_.name, {client_.TakeStats(), quick_.TakeStats()}, report, failed,
                 webhook_events);
}

}  // namespace im::connectors::incidentio
