// incident.io schedules into im's on-call store (source "incidentio:<connector>"), replacing
// what an earlier sync stored. incident.io puts every rotation, and every layer of a rotation,
// on call at once, while an im schedule has one person on call: each rotation layer becomes a
// schedule of its own, its turns from the rotation's configuration (LayersFromIncidentIo), and
// the schedule's final entries (/v2/schedule_entries, overrides applied by incident.io) from a
// day ago to two weeks ahead laid over them as overrides, so who im says is on call is who
// incident.io says is, and the rotation carries on beyond the window.
#include <cctype>
#include <set>

#include "common/time.h"
#include "connectors/incidentio/incidentio_connector.h"
#include "schedule/escalation.h"
#include "schedule/incident_io.h"
#include "schedule/oncall.h"

namespace im::connectors::incidentio {
namespace {

constexpr auto kIioEntriesBack = std::chrono::days(1);
constexpr auto kIioEntriesAhead = std::chrono::days(14);
constexpr int kIioMaxEntryPages = 50;

const json::array* IioArray(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

std::string IioSlug(const std::string& name) {
  std::string slug;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

struct IioEntry {
  std::string rotation_id, layer_id, email, fingerprint;
  Time start, end;
};

}  // namespace

Result<int> IncidentIoConnector::ImportOnCall(SyncReport& report) {
  if (!ctx_.schedules) return 0;
  const std::string source = "incidentio:" + config_.name;
  const Time now = ctx_.clock.Now();
  store::SourceContents contents;
  std::vector<json::object> schedules;
  auto listed = ForEachPage(
      client_, "/v2/schedules", {}, "schedules",
      [&](const json::object& s) -> Result<bool> {
        schedules.push_back(s);
        return true;
      },
      &report.requests);
  if (!listed) return std::unexpected(listed.error().Wrap("listing incident.io schedules"));
  int imported = 0;
  std::set<std::string> used_ids;
  schedule::ScheduleIndex index;
  std::map<std::string, std::vector<std::string>> by_schedule;  // incident.io id → im ids
  for (const auto& s : schedules) {
    const std::string sid = json::StringOr(s, "id");
    const std::string name = json::StringOr(s, "name");
    if (sid.empty()) continue;
    auto zone = schedule::LocateZone(json::StringOr(s, "timezone"), "timezone");
    if (!zone) {
      ctx_.log->warn("skipping incident.io schedule {}: {}", name, zone.error().message);
      continue;
    }
    // The final entries (what incident.io will do, overrides applied), page by page.
    std::vector<IioEntry> entries;
    std::string start = FormatTime(now - kIioEntriesBack);
    const std::string end = FormatTime(now + kIioEntriesAhead);
    for (int page = 0; page < kIioMaxEntryPages; ++page) {
      auto got = client_.Get(
          "/v2/schedule_entries",
          {{"schedule_id", sid}, {"entry_window_start", start}, {"entry_window_end", end}});
      report.requests++;
      if (!got) return std::unexpected(got.error().Wrap("reading entries of schedule " + name));
      if (auto se = got->find("schedule_entries"); se != got->end() && se->value().is_object()) {
        for (const auto& v : IioArray(se->value().as_object(), "final")
                                 ? *IioArray(se->value().as_object(), "final")
                                 : json::array{}) {
          if (!v.is_object()) continue;
          const auto& e = v.as_object();
          auto a = ParseTime(json::StringOr(e, "start_at"));
          auto b = ParseTime(json::StringOr(e, "end_at"));
          std::string email;
          if (auto u = e.find("user"); u != e.end() && u->value().is_object()) {
            email = json::StringOr(u->value().as_object(), "email");
          }
          if (!a || !b || *b <= *a || email.find('@') == std::string::npos) continue;
          entries.push_back({json::StringOr(e, "rotation_id"), json::StringOr(e, "layer_id"), email,
                             json::StringOr(e, "fingerprint"), *a, *b});
        }
      }
      std::string after;
      if (auto meta = got->find("pagination_meta");
          meta != got->end() && meta->value().is_object()) {
        after = json::StringOr(meta->value().as_object(), "after");
      }
      if (after.empty() || after == start) break;
      start = after;  // incident.io pages entries by passing `after` back as the window start
    }
    const json::array* rotations = nullptr;
    if (auto c = s.find("config"); c != s.end() && c->value().is_object()) {
      rotations = IioArray(c->value().as_object(), "rotations");
    }
    std::string base = "iio-" + config_.name + "-" + (IioSlug(name).empty() ? sid : IioSlug(name));
    if (!used_ids.insert(base).second) base += "-" + sid.substr(0, 8);
    for (size_t k = 0; rotations && k < rotations->size(); ++k) {
      if (!(*rotations)[k].is_object()) continue;
      const json::object& r = (*rotations)[k].as_object();
      const std::string rid = json::StringOr(r, "id");
      const std::string where =
          "incident.io schedule " + name + " rotation " + json::StringOr(r, "name");
      schedule::IncidentIoRotation rot;
      rot.name = json::StringOr(r, "name");
      auto handover = ParseTime(json::StringOr(r, "handover_start_at"));
      if (!handover) {
        ctx_.log->warn("skipping {}: handover_start_at is not a time", where);
        continue;
      }
      rot.handover_start_at = *handover;
      if (auto ef = ParseTime(json::StringOr(r, "effective_from"))) rot.effective_from = *ef;
      for (const auto& h : IioArray(r, "handovers") ? *IioArray(r, "handovers") : json::array{}) {
        if (!h.is_object()) continue;
        auto interval = json::GetOptionalInt(h.as_object(), "interval");
        rot.handovers.push_back(
            {.interval = interval && *interval ? static_cast<int>(**interval) : 1,
             .interval_type = json::StringOr(h.as_object(), "interval_type")});
      }
      for (const auto& u : IioArray(r, "users") ? *IioArray(r, "users") : json::array{}) {
        if (u.is_object()) rot.users.push_back(json::StringOr(u.as_object(), "email"));
      }
      for (const auto& w :
           IioArray(r, "working_intervals") ? *IioArray(r, "working_intervals") : json::array{}) {
        if (!w.is_object()) continue;
        rot.working_intervals.push_back({json::StringOr(w.as_object(), "weekday"),
                                         json::StringOr(w.as_object(), "start_time"),
                                         json::StringOr(w.as_object(), "end_time")});
      }
      std::vector<std::string> layer_ids;
      for (const auto& l : IioArray(r, "layers") ? *IioArray(r, "layers") : json::array{}) {
        if (l.is_object()) layer_ids.push_back(json::StringOr(l.as_object(), "id"));
      }
      if (layer_ids.empty()) layer_ids.push_back("");
      rot.layer_count = static_cast<int>(layer_ids.size());
      for (size_t L = 0; L < layer_ids.size(); ++L) {
        auto layers = schedule::LayersFromIncidentIo(rot, static_cast<int>(L), *zone);
        if (!layers) {
          ctx_.log->warn("skipping {}: {}", where, layers.error().message);
          continue;
        }
        schedule::Schedule mine{
            .id = base + "-" + std::to_string(k + 1) +
                  (layer_ids.size() > 1 ? "-" + std::to_string(L + 1) : ""),
            .name = name + " / " + rot.name +
                    (layer_ids.size() > 1 ? " / layer " + std::to_string(L + 1) : ""),
            .time_zone = (*zone)->name(),
            .layers = std::move(*layers),
            .overrides = {}};
        for (const auto& e : entries) {
          bool mine_entry = e.rotation_id == rid || (e.rotation_id.empty() && k == 0);
          if (!mine_entry) continue;
          if (!e.layer_id.empty() && !layer_ids[L].empty() && e.layer_id != layer_ids[L]) continue;
          mine.overrides.push_back(
              {.id = e.fingerprint.empty() ? e.email + "@" + FormatTime(e.start) : e.fingerprint,
               .start = e.start,
               .end = e.end,
               .user = e.email});
        }
        auto valid = schedule::Validate(mine);
        if (!valid) {
          ctx_.log->warn("skipping {}: {}", where, valid.error().message);
          continue;
        }
        index.emplace(mine.id, std::move(*valid));
        by_schedule[sid].push_back(mine.id);
        contents.schedules.push_back({.schedule = std::move(mine),
                                      .source = source,
                                      .external_id = sid + "/" + rid + "/" + layer_ids[L]});
        ++imported;
      }
    }
  }
  if (auto paths = ImportEscalationPaths(index, by_schedule, report); !paths) {
    return std::unexpected(paths.error());
  } else {
    for (auto& p : *paths) {
      contents.policies.push_back(
          {.policy = std::move(p.second), .source = source, .external_id = p.first});
    }
  }
  auto replaced = ctx_.schedules->ReplaceSource(source, contents);
  if (!replaced) return std::unexpected(replaced.error());
  return imported;
}

Result<std::vector<std::pair<std::string, schedule::EscalationPolicy>>>
IncidentIoConnector::ImportEscalationPaths(
    const schedule::ScheduleIndex& index,
    const std::map<std::string, std::vector<std::string>>& by_schedule, SyncReport& report) {
  std::map<std::string, std::string> email_of;  // user id → email, from the directory
  auto users = ctx_.connectors.Directory(config_.name, "user");
  if (!users) return std::unexpected(users.error());
  for (const auto& u : *users) email_of[u.external_id] = u.name;
  std::vector<std::pair<std::string, schedule::EscalationPolicy>> out;
  std::set<std::string> used;
  auto listed = ForEachPage(
      client_, "/v2/escalation_paths", {}, "escalation_paths",
      [&](const json::object& p) -> Result<bool> {
        const std::string id = json::StringOr(p, "id");
        const std::string name = json::StringOr(p, "name");
        if (id.empty()) return true;
        std::string pid =
            "iio-" + config_.name + "-" + (IioSlug(name).empty() ? id : IioSlug(name));
        if (!used.insert(pid).second) pid += "-" + id.substr(0, 8);
        schedule::EscalationPolicy policy{.id = pid, .name = name};
        bool skipped_branch = false;
        for (const auto& n : IioArray(p, "path") ? *IioArray(p, "path") : json::array{}) {
          if (!n.is_object()) continue;
          const json::object& node = n.as_object();
          std::string type = json::StringOr(node, "type");
          if (type == "repeat") {
            if (auto r = node.find("repeat"); r != node.end() && r->value().is_object()) {
              auto times = json::GetOptionalInt(r->value().as_object(), "repeat_times");
              if (times && *times)
                policy.num_loops = static_cast<int>(std::max<int64_t>(0, **times));
            }
            continue;
          }
          if (type != "level") {
            skipped_branch = skipped_branch || type == "if_else" || type == "escalation_path";
            continue;  // delays, channels: nothing im pages
          }
          auto lv = node.find("level");
          if (lv == node.end() || !lv->value().is_object()) continue;
          const json::object& level = lv->value().as_object();
          schedule::EscalationRule rule;
          auto ack = json::GetOptionalInt(level, "time_to_ack_seconds");
          int64_t seconds = ack && *ack ? **ack : 300;
          rule.delay = std::chrono::minutes(std::max<int64_t>(1, (seconds + 59) / 60));
          for (const auto& t :
               IioArray(level, "targets") ? *IioArray(level, "targets") : json::array{}) {
            if (!t.is_object()) continue;
            std::string ttype = json::StringOr(t.as_object(), "type");
            std::string tid = json::StringOr(t.as_object(), "id");
            if (ttype == "user") {
              if (auto e = email_of.find(tid); e != email_of.end()) {
                rule.targets.push_back({schedule::EscalationTarget::Type::kUser, e->second});
              }
            } else if (ttype == "schedule") {
              if (auto s = by_schedule.find(tid); s != by_schedule.end()) {
                for (const auto& mine : s->second) {
                  rule.targets.push_back({schedule::EscalationTarget::Type::kSchedule, mine});
                }
              }
            }
          }
          if (!rule.targets.empty()) policy.rules.push_back(std::move(rule));
        }
        if (skipped_branch) {
          ctx_.log->warn(
              "incident.io escalation path {}: conditional branches are not modelled; "
              "only its top-level levels are imported",
              name);
        }
        if (auto ok = schedule::ValidatePolicy(policy, index); !ok) {
          ctx_.log->warn("skipping incident.io escalation path {}: {}", name, ok.error().message);
          return true;
        }
        out.emplace_back(id, std::move(policy));
        return true;
      },
      &report.requests, 25);
  if (!listed) return std::unexpected(listed.error().Wrap("listing incident.io escalation paths"));
  return out;
}

}  // namespace im::connectors::incidentio
