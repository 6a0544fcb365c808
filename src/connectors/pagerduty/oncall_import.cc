// PagerDuty schedules (layers, restrictions, overrides, zone) and escalation policies into
// im's on-call store, so `im oncall` answers for PagerDuty teams. People are emails; schedule
// targets point at the imported schedules.
#include "common/time.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "schedule/schedule_json.h"
#include "schedule/valid_schedule.h"

namespace im::connectors::pagerduty {
namespace {

const json::array* Arr(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

std::string RefId(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  const auto& o = v.as_object();
  auto it = o.find(key);
  if (it != o.end() && it->value().is_object())
    return json::StringOr(it->value().as_object(), "id");
  return json::StringOr(o, "id");
}

}  // namespace

Result<int> PagerDutyConnector::ImportOnCall(SyncReport& report) {
  if (!ctx_.schedules) return 0;
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const Directory& dir = **snapshot;
  const std::string source = "pagerduty:" + config_.name;
  Time now = ctx_.clock.Now();
  std::map<std::string, std::string> schedule_ids;  // PagerDuty id → im id
  int imported = 0;
  std::vector<std::string> ids;
  auto listed =
      client_.ForEach("/schedules", {}, "schedules", [&](const json::object& o) -> Result<bool> {
        ids.push_back(json::StringOr(o, "id"));
        return true;
      });
  report.requests++;
  if (!listed) return std::unexpected(listed.error().Wrap("listing PagerDuty schedules"));
  for (const auto& id : ids) {
    auto got = client_.Get("/schedules/" + net::UrlEncode(id));
    if (!got) return std::unexpected(got.error());
    auto sched = json::GetObject(*got, "schedule");
    if (!sched) return std::unexpected(sched.error());
    const json::object& s = **sched;
    json::array layers;
    if (const auto* pd_layers = Arr(s, "schedule_layers")) {
      for (const auto& l : *pd_layers) {
        if (!l.is_object()) continue;
        json::object layer = l.as_object();
        json::array users;
        if (const auto* us = Arr(l.as_object(), "users")) {
          for (const auto& u : *us) users.emplace_back(dir.Actor(RefId(u, "user")));
        }
        layer["users"] = std::move(users);
        layer.erase("rendered_schedule_entries");
        layer.erase("rendered_coverage_percentage");
        layer.erase("id");
        layers.push_back(std::move(layer));
      }
    }
    json::array overrides;
    auto ov =
        client_.ForEach("/schedules/" + net::UrlEncode(id) + "/overrides",
                        {{"since", QueryTime(now - std::chrono::days(90), false)},
                         {"until", QueryTime(now + std::chrono::days(90), true)}},
                        "overrides", [&](const json::object& o) -> Result<bool> {
                          overrides.push_back(json::object{{"id", json::StringOr(o, "id")},
                                                           {"start", json::StringOr(o, "start")},
                                                           {"end", json::StringOr(o, "end")},
                                                           {"user", dir.Actor(RefId(o, "user"))}});
                          return true;
                        });
    if (!ov) return std::unexpected(ov.error());
    json::object mine{{"id", "pd-" + config_.name + "-" + id},
                      {"name", json::StringOr(s, "name")},
                      {"time_zone", json::StringOr(s, "time_zone")},
                      {"schedule_layers", std::move(layers)},
                      {"overrides", std::move(overrides)}};
    auto parsed = schedule::ScheduleFromJson(mine, "PagerDuty schedule " + id);
    if (!parsed) {
      ctx_.log->warn("skipping PagerDuty schedule {}: {}", id, parsed.error().message);
      continue;
    }
    if (auto valid = schedule::Validate(*parsed); !valid) {
      ctx_.log->warn("skipping PagerDuty schedule {}: {}", id, valid.error().message);
      continue;
    }
    auto stored =
        ctx_.schedules->UpsertSchedule({.schedule = *parsed, .source = source, .external_id = id});
    if (!stored) return std::unexpected(stored.error());
    schedule_ids[id] = *stored;
    ++imported;
  }
  auto policies = client_.ForEach(
      "/escalation_policies", {}, "escalation_policies",
      [&](const json::object& p) -> Result<bool> {
        json::array rules;
        if (const auto* rs = Arr(p, "escalation_rules")) {
          for (const auto& r : *rs) {
            if (!r.is_object()) continue;
            json::array targets;
            if (const auto* ts = Arr(r.as_object(), "targets")) {
              for (const auto& t : *ts) {
                if (!t.is_object()) continue;
                std::string type = json::StringOr(t.as_object(), "type");
                std::string tid = json::StringOr(t.as_object(), "id");
                if (type.starts_with("schedule") && schedule_ids.contains(tid)) {
                  targets.push_back(json::object{{"type", "schedule"}, {"id", schedule_ids[tid]}});
                } else if (type.starts_with("user")) {
                  targets.push_back(json::object{{"type", "user"}, {"id", dir.Actor(tid)}});
                }
              }
            }
            auto delay = r.as_object().find("escalation_delay_in_minutes");
            rules.push_back(json::object{{"escalation_delay_in_minutes",
                                          delay != r.as_object().end() && delay->value().is_int64()
                                              ? delay->value().as_int64()
                                              : 0},
                                         {"targets", std::move(targets)}});
          }
        }
        json::array services;
        if (const auto* ss = Arr(p, "services")) {
          for (const auto& sv : *ss) {
            if (sv.is_object()) {
              services.emplace_back(dir.ServiceName(json::StringOr(sv.as_object(), "id"),
                                                    json::StringOr(sv.as_object(), "summary")));
            }
          }
        }
        auto loops = p.find("num_loops");
        json::object mine{
            {"id", "pd-" + config_.name + "-" + json::StringOr(p, "id")},
            {"name", json::StringOr(p, "name")},
            {"num_loops",
             loops != p.end() && loops->value().is_int64() ? loops->value().as_int64() : 0},
            {"services", std::move(services)},
            {"escalation_rules", std::move(rules)}};
        auto parsed = schedule::PolicyFromJson(
            mine, "PagerDuty escalation policy " + json::StringOr(p, "id"));
        if (!parsed) {
          ctx_.log->warn("skipping PagerDuty escalation policy: {}", parsed.error().message);
          return true;
        }
        auto stored = ctx_.schedules->UpsertPolicy(
            {.policy = *parsed, .source = source, .external_id = json::StringOr(p, "id")});
        if (!stored) return std::unexpected(stored.error());
        return true;
      });
  if (!policies) return std::unexpected(policies.error());
  return imported;
}

}  // namespace im::connectors::pagerduty
