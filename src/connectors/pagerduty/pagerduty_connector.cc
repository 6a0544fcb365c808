#include "connectors/pagerduty/pagerduty_connector.h"

#include <cstdlib>
#include <set>

#include "common/time.h"
#include "connectors/history_import.h"
#include "schedule/zone.h"

namespace im::connectors::pagerduty {
namespace {

constexpr auto kWindow = std::chrono::days(30);  // PagerDuty allows up to 6 months per query
// Updates stored per transaction during an import: one sync to disk for ten pages.
constexpr size_t kBatch = 1000;

RestOptions OptionsFor(const ConnectorConfig& config, const ConnectorContext& ctx) {
  // PAGERDUTY_DEBUG=true: this type's own switch for logging requests and responses.
  return PagerDutyOptions(config.base_url, config.api_key,
                          DebugLogging(config, ctx.debug, "PAGERDUTY_DEBUG"));
}

bool ChangesStatus(const std::string& type) {
  return type == "acknowledge_log_entry" || type == "resolve_log_entry" ||
         type == "unacknowledge_log_entry" || type == "trigger_log_entry";
}

}  // namespace

PagerDutyConnector::PagerDutyConnector(ConnectorConfig config, ConnectorContext& ctx)
    : config_(std::move(config)),
      // Checked when the config was parsed: an error here cannot happen.
      settings_(ParseSettings(config_.custom).value_or(Settings{})),
      ctx_(ctx),
      client_(OptionsFor(config_, ctx), ctx.http,
              ctx.budgets.For(config_.api_key, config_.rate_limit_per_minute), ctx.waiter,
              ctx.clock, ctx.log),
      quick_(OneShot(OptionsFor(config_, ctx)), ctx.http,
             ctx.budgets.For(config_.api_key, config_.rate_limit_per_minute), ctx.waiter, ctx.clock,
             ctx.log),
      outbox_({.connector = config_.name, .provider = "PagerDuty"}, ctx.connectors, ctx.clock,
              ctx.log) {}

Result<std::shared_ptr<const Directory>> PagerDutyConnector::CurrentDirectory() {
  std::lock_guard lock(dir_mu_);
  if (dir_) return dir_;
  auto dir = std::make_shared<Directory>();
  dir->fallback_actor = "pagerduty@" + config_.name + ".connector";
  for (const auto& [ours, pd] : settings_.service_mappings) {
    if (ours != "default") dir->service_name[pd] = ours;
  }
  auto users = ctx_.connectors.Directory(config_.name, "user");
  if (!users) return std::unexpected(users.error());
  for (const auto& u : *users) dir->user_email[u.external_id] = u.name;
  auto services = ctx_.connectors.Directory(config_.name, "service");
  if (!services) return std::unexpected(services.error());
  for (const auto& s : *services) {
    if (!dir->service_name.contains(s.external_id)) {
      dir->service_name[s.external_id] = SanitizeServiceName(s.name);
    }
  }
  dir_ = std::move(dir);
  return dir_;
}

Result<void> PagerDutyConnector::FetchDirectory(SyncReport& report) {
  std::vector<store::DirectoryEntry> entries;
  std::vector<core::Service> services;
  std::vector<store::Person> people;
  struct Kind {
    const char* path;
    const char* key;
    const char* kind;
  };
  for (auto k : {Kind{"/services", "services", "service"}, Kind{"/users", "users", "user"},
                 Kind{"/teams", "teams", "team"},
                 Kind{"/escalation_policies", "escalation_policies", "escalation_policy"}}) {
    auto ok = client_.ForEach(k.path, {}, k.key, [&](const json::object& o) -> Result<bool> {
      std::string id = json::StringOr(o, "id");
      if (id.empty()) return true;
      std::string name =
          std::string(k.kind) == "user" ? json::StringOr(o, "email") : json::StringOr(o, "name");
      if (name.empty()) name = json::StringOr(o, "summary");
      entries.push_back({k.kind, id, name, json::Serialize(o)});
      if (std::string(k.kind) == "user" && name.find('@') != std::string::npos) {
        // PagerDuty users become im people, matched by email. A zone the system tzdata does
        // not know is left empty (the schedule's zone is used) rather than stored unusable.
        std::string zone = json::StringOr(o, "time_zone");
        if (!zone.empty() && !schedule::LocateZone(zone)) zone.clear();
        people.push_back({.email = name, .name = json::StringOr(o, "name"), .time_zone = zone});
      }
      if (std::string(k.kind) == "service") {
        services.push_back({.name = SanitizeServiceName(name),
                            .description = json::StringOr(o, "description").substr(0, 1000),
                            .created_at = ctx_.clock.Now()});
      }
      return true;
    });
    report.requests++;
    if (!ok) return std::unexpected(ok.error().Wrap(std::string("listing PagerDuty ") + k.key));
  }
  if (auto ok = ctx_.connectors.SaveDirectory(config_.name, entries); !ok) return ok;
  if (ctx_.schedules) {
    for (const auto& p : people) {
      if (auto ok = ctx_.schedules->UpsertPerson(p); !ok) return ok;
    }
  }
  auto ok = ctx_.store.Transact([&](store::Tx& tx) -> Result<void> {
    for (const auto& s : services) {
      // Keep a description someone wrote in im; only fill what is empty.
      auto created = tx.EnsureService(s.name, s.created_at);
      if (!created) return std::unexpected(created.error());
      if (*created && !s.description.empty()) {
        if (auto r = tx.UpsertService(s); !r) return r;
      }
    }
    return Ok();
  });
  if (!ok) return ok;
  std::lock_guard lock(dir_mu_);
  dir_.reset();  // read again, with what was just saved, on next use
  return Ok();
}

Result<PagerDutyConnector::Decide> PagerDutyConnector::IncidentDecider(
    PdIncident pd, std::optional<Time> event_at) {
  auto dir = CurrentDirectory();
  if (!dir) return std::unexpected(dir.error());
  // The one rule for conflicts (docs/pagerduty.md): while changes made in im to an incident
  // still wait in the outbox, PagerDuty's state of it is not applied — im's change is on its
  // way and PagerDuty will follow; otherwise the latest event wins. An incident im created
  // and not linked yet (its create's answer is still on the way) is left to the outbox.
  // The outbox is read inside the write, so a change queued meanwhile cannot slip past.
  auto prefix = KeyPrefix();
  if (!prefix) return std::unexpected(prefix.error());
  // The incident im created, when PagerDuty's key names one of ours (not another install's).
  int64_t key_number = OurIncidentNumber(pd.incident_key, *prefix);
  // Everything by value: the store may call this later, on its writer thread.
  return [pd = std::move(pd), event_at, key_number, dir = std::move(*dir),
          connector =
              config_.name](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
    if (linked.incident && event_at && linked.last_event_at && *event_at < *linked.last_event_at) {
      return store::ProviderUpdate{.skip = true};  // older than what we hold
    }
    int64_t ours = linked.incident ? linked.incident->number : key_number;
    if (ours > 0) {
      auto outbound = linked.outbound(ours);
      if (!outbound) return std::unexpected(outbound.error());
      if (linked.incident ? outbound->pending > 0 : outbound->created_here) {
        return store::ProviderUpdate{.skip = true};
      }
    }
    auto update = UpdateFromIncident(pd, linked.incident, *dir, connector, event_at);
    // A webhook about an incident im did not have: its full state is fetched too (the payload
    // lacks acknowledgements, resolve time, first trigger).
    update.refetch = !linked.incident;
    return update;
  };
}

Result<void> PagerDutyConnector::ApplyIncident(
    const PdIncident& pd, std::optional<Time> event_at,
    const std::optional<store::WebhookEventRecord>& event) {
  auto decide = IncidentDecider(pd, event_at);
  if (!decide) return std::unexpected(decide.error());
  auto r = ctx_.connectors.ApplyProviderIncident(config_.name, pd.id, event, *decide);
  if (!r) return std::unexpected(r.error());
  return Ok();
}

Result<void> PagerDutyConnector::ImportPaged(const std::string& path, const std::string& key,
                                             const Query& extra, Time since, Time until,
                                             const ItemMaker& make) {
  // Past the offset cap a window is listed in halves, down to an hour.
  return SplitOnCap(since, until, std::chrono::hours(1), [&](Time from, Time to) -> Result<void> {
    Query query{{"since", QueryTime(from, false)},
                {"until", QueryTime(to, true)},
                {"time_zone", "UTC"},
                {"total", "true"}};
    query.insert(query.end(), extra.begin(), extra.end());
    // Updates are stored kBatch at a time: one transaction (one sync to disk) for ten pages.
    BatchWriter batch(ctx_.connectors, config_.name, kBatch);
    auto ok = client_.ForEach(path, query, key, [&](const json::object& o) -> Result<bool> {
      if (auto item = make(o)) {
        if (auto added = batch.Add(std::move(*item)); !added) {
          return std::unexpected(added.error());
        }
      }
      return true;
    });
    if (!ok) return ok;
    return batch.Flush();
  });
}

Result<void> PagerDutyConnector::ImportIncidents(Time since, Time until, SyncReport& report) {
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const Directory& dir = **snapshot;
  return ImportPaged(
      "/incidents", "incidents", {{"sort_by", "created_at:asc"}}, since, until,
      [&](const json::object& o) -> std::optional<store::ConnectorStore::Item> {
        auto pd = ParseIncident(o);
        if (!pd) {
          ctx_.log->warn("skipping a PagerDuty incident: {}", pd.error().message);
          return std::nullopt;
        }
        report.incidents++;
        return store::ConnectorStore::Item{
            pd->id,
            [&dir, pd = *pd,
             this](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
              // The conflict rule of ApplyIncident: im's change waiting in the
              // outbox wins over the state read back (the outbox is sent from
              // another thread of the server).
              if (linked.incident) {
                auto o = linked.outbound(linked.incident->number);
                if (!o) return std::unexpected(o.error());
                if (o->pending > 0) return store::ProviderUpdate{.skip = true};
              }
              return UpdateFromIncident(pd, linked.incident, dir, config_.name, {});
            }};
      });
}

Result<void> PagerDutyConnector::ImportLogEntries(Time since, Time until, bool refetch_changed,
                                                  SyncReport& report) {
  std::set<std::string> changed;
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const Directory& dir = **snapshot;
  auto ok = ImportPaged(
      "/log_entries", "log_entries", {{"is_overview", "false"}}, since, until,
      [&](const json::object& o) -> std::optional<store::ConnectorStore::Item> {
        auto e = ParseLogEntry(o);
        if (!e || e->incident_id.empty()) return std::nullopt;
        report.log_entries++;
        return store::ConnectorStore::Item{
            e->incident_id,
            [&, e = *e](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
              if (!linked.incident) return store::ProviderUpdate{.skip = true};
              std::vector<store::SentChange> ours;
              if (MayEchoOurChange(e) && linked.sent_changes) {
                auto sent = linked.sent_changes();
                if (!sent) return std::unexpected(sent.error());
                ours = std::move(*sent);
              }
              auto u = UpdateFromLogEntry(e, *linked.incident, dir, ours);
              u.event_at = linked.last_event_at;
              if (refetch_changed && !u.skip && ChangesStatus(e.type)) {
                changed.insert(e.incident_id);
              }
              return u;
            }};
      });
  if (!ok) return ok;
  for (const auto& id : changed) {
    if (auto r = SyncOne(id, report); !r) return r;
  }
  return Ok();
}

Result<void> PagerDutyConnector::SyncOne(const std::string& id, SyncReport& report) {
  auto got = client_.Get("/incidents/" + net::UrlEncode(id));
  if (!got) return std::unexpected(got.error());
  auto obj = json::GetObject(*got, "incident");
  if (!obj) return std::unexpected(obj.error());
  auto pd = ParseIncident(**obj);
  if (!pd) return std::unexpected(pd.error());
  report.incidents++;
  return ApplyIncident(*pd, ctx_.clock.Now(), std::nullopt);
}

Result<void> PagerDutyConnector::ImportRange(Time since, Time until, bool refetch_changed,
                                             SyncReport& report, const SyncOptions& options) {
  return ImportSlices(ctx_.connectors, config_.name,
                      HistoryPlan{.from = since, .until = until, .polling = refetch_changed},
                      kWindow, options, "incidents", [&](Time s, Time e) -> Result<void> {
                        if (auto ok = ImportIncidents(s, e, report); !ok) return ok;
                        return ImportLogEntries(s, e, refetch_changed, report);
                      });
}

Result<SyncReport> PagerDutyConnector::Sync(const SyncOptions& options) {
  SyncReport report;
  Time start = ctx_.clock.Now();
  auto run = [&]() -> Result<void> {
    if (!options.incident_id.empty()) return SyncOne(options.incident_id, report);
    if (auto ok = FetchDirectory(report); !ok) return ok;
    if (auto ok = ImportOnCall(report); !ok) return std::unexpected(ok.error());
    auto plan = PlanHistory(ctx_.connectors, config_, ctx_.clock.Now());
    if (!plan) return std::unexpected(plan.error());
    if (auto fetched = FollowUp(); !fetched) return std::unexpected(fetched.error());
    if (!options.history && !plan->polling) return Ok();
    if (auto ok = ImportRange(plan->from, plan->until, plan->polling, report, options); !ok) {
      return ok;
    }
    return ImportChangeEvents(plan->from, plan->until, report);
  };
  auto ok = run();
  report.took = ctx_.clock.Now() - start;
  if (options.incident_id.empty()) {
    (void)ctx_.connectors.RecordSync(config_.name, ctx_.clock.Now(), ok ? "" : ok.error().message);
    FlushStats(&report, !ok, 0);
  } else {
    // One incident on request is not a sync of the connector: it does not move the last sync
    // time, and a failed look-up (a wrong id) does not mark the connector as failing.
    FlushStats(nullptr, false, 0);
  }
  if (!ok) return std::unexpected(ok.error());
  return report;
}

void PagerDutyConnector::FlushStats(const SyncReport* report, bool failed, int64_t webhook_events) {
  RecordActivity(ctx_, config_.name, {client_.TakeStats(), quick_.TakeStats()}, report, failed,
                 webhook_events);
}

}  // namespace im::connectors::pagerduty
