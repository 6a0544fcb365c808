// Opsgenie schedules and escalations into im's on-call store (source "opsgenie:<connector>"),
// replacing what an earlier sync stored. Opsgenie puts every rotation of a schedule on call at
// once, while an im schedule has one person on call: each rotation becomes a schedule of its
// own (LayerFromOpsgenie, docs/oncall.md). An override replaces the rotations it names (all
// when none) only where the rotation has someone on call, as Opsgenie renders it, so it is
// clipped to the rotation's own shifts. Escalation rules' delays count from the alert's
// creation in Opsgenie and from the previous level in im; team recipients are the team's
// members.
#include <cctype>
#include <set>

#include "common/time.h"
#include "connectors/opsgenie/opsgenie_connector.h"
#include "schedule/escalation.h"
#include "schedule/oncall.h"
#include "schedule/opsgenie.h"

namespace im::connectors::opsgenie {
namespace {

// im's id for an Opsgenie schedule or escalation: it reads like its name
// ("og-<connector>-platform-on-call"); a second name that reads the same also gets the start of
// its Opsgenie id, and a name with no letters or digits the whole id.
std::string OgReadableId(const std::string& connector, const std::string& name,
                         const std::string& id, std::set<std::string>& used) {
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
  std::string out = "og-" + connector + "-" + (slug.empty() ? id : slug);
  if (!used.insert(out).second) {
    out += "-" + id.substr(0, 8);
    used.insert(out);
  }
  return out;
}

// How far overrides are read around now (past imports keep the turns they had).
constexpr auto kOgOverrideReach = std::chrono::days(90);

const json::array* OgArray(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

int OgIntOr(const json::object& o, std::string_view key, int fallback) {
  auto v = json::GetOptionalInt(o, key);
  return v && *v ? static_cast<int>(**v) : fallback;
}

// The email of a recipient {type:user, id, username}; "" when unknown.
std::string OgUserEmail(const json::object& r, const OgDirectory& dir) {
  std::string username = json::StringOr(r, "username");
  if (!username.empty()) return username;
  auto it = dir.user_email.find(json::StringOr(r, "id"));
  return it == dir.user_email.end() ? "" : it->second;
}

Result<schedule::OpsgenieRotation> OgRotation(const json::object& r, const OgDirectory& dir,
                                              const std::string& where,
                                              std::vector<std::string>& warnings) {
  schedule::OpsgenieRotation out;
  out.name = json::StringOr(r, "name");
  auto start = ParseTime(json::StringOr(r, "startDate"));
  if (!start) return Fail(ErrorCode::kInvalidArgument, where + ".startDate: not a date");
  out.start_date = *start;
  if (std::string end = json::StringOr(r, "endDate"); !end.empty()) {
    auto e = ParseTime(end);
    if (!e) return Fail(ErrorCode::kInvalidArgument, where + ".endDate: not a date");
    out.end_date = *e;
  }
  out.type = json::StringOr(r, "type");
  out.length = OgIntOr(r, "length", 1);
  if (const auto* ps = OgArray(r, "participants")) {
    for (const auto& p : *ps) {
      if (!p.is_object()) continue;
      std::string type = json::StringOr(p.as_object(), "type");
      std::string email = type == "user" ? OgUserEmail(p.as_object(), dir) : "";
      if (type != "user" && type != "none") {
        // A team or escalation takes a turn in Opsgenie; im's schedules name people, so the
        // turn is nobody's here (counted as a gap) and said once per rotation.
        warnings.push_back(where + ": a " + type + " participant's turns are left empty");
      }
      out.participants.push_back({email.empty() ? "none" : "user", email});
    }
  }
  if (auto it = r.find("timeRestriction"); it != r.end() && it->value().is_object()) {
    const auto& tr = it->value().as_object();
    std::string type = json::StringOr(tr, "type");
    if (type == "time-of-day") {
      auto res = tr.find("restriction");
      if (res != tr.end() && res->value().is_object()) {
        const auto& x = res->value().as_object();
        out.time_of_day = schedule::OpsgenieRotation::TimeOfDay{
            OgIntOr(x, "startHour", 0), OgIntOr(x, "startMin", 0), OgIntOr(x, "endHour", 0),
            OgIntOr(x, "endMin", 0)};
      }
    } else if (type == "weekday-and-time-of-day") {
      if (const auto* rs = OgArray(tr, "restrictions")) {
        for (const auto& v : *rs) {
          if (!v.is_object()) continue;
          const auto& x = v.as_object();
          out.weekday_windows.push_back({json::StringOr(x, "startDay"), OgIntOr(x, "startHour", 0),
                                         OgIntOr(x, "startMin", 0), json::StringOr(x, "endDay"),
                                         OgIntOr(x, "endHour", 0), OgIntOr(x, "endMin", 0)});
        }
      }
    }
  }
  return out;
}

struct OgOverride {
  std::string alias, user;
  Time start, end;
  std::set<std::string> rotations;  // empty: every rotation
};

}  // namespace

Result<int> OpsgenieConnector::ImportOnCall(SyncReport& report) {
  if (!ctx_.schedules) return 0;
  auto snapshot = CurrentDirectory();
  if (!snapshot) return std::unexpected(snapshot.error());
  const OgDirectory& dir = **snapshot;
  const std::string source = "opsgenie:" + config_.name;
  Time now = ctx_.clock.Now();
  store::SourceContents contents;
  schedule::ScheduleIndex index;
  std::map<std::string, std::vector<std::string>> by_schedule;  // Opsgenie id → im ids
  auto listed = client_.Get("/v2/schedules", {{"expand", "rotation"}});
  report.requests++;
  if (!listed) return std::unexpected(listed.error().Wrap("listing Opsgenie schedules"));
  auto data = DataOf(*listed, "GET /v2/schedules");
  if (!data) return std::unexpected(data.error());
  int imported = 0;
  std::set<std::string> used_ids;
  if ((*data)->is_array()) {
    for (const auto& sv : (*data)->as_array()) {
      if (!sv.is_object()) continue;
      const json::object& s = sv.as_object();
      std::string sid = json::StringOr(s, "id");
      std::string team_id;
      if (auto t = s.find("ownerTeam"); t != s.end() && t->value().is_object()) {
        team_id = json::StringOr(t->value().as_object(), "id");
      }
      if (sid.empty() || !settings_.WantsTeam(team_id, dir.TeamName(team_id))) continue;
      std::vector<OgOverride> overrides;
      auto ov = client_.Get("/v2/schedules/" + net::UrlEncode(sid) + "/overrides");
      report.requests++;
      if (!ov) return std::unexpected(ov.error().Wrap("listing overrides of schedule " + sid));
      if (auto od = DataOf(*ov, "GET /v2/schedules/{id}/overrides"); od && (*od)->is_array()) {
        for (const auto& v : (*od)->as_array()) {
          if (!v.is_object()) continue;
          const auto& o = v.as_object();
          auto start = ParseTime(json::StringOr(o, "startDate"));
          auto end = ParseTime(json::StringOr(o, "endDate"));
          std::string user;
          if (auto u = o.find("user"); u != o.end() && u->value().is_object()) {
            user = OgUserEmail(u->value().as_object(), dir);
          }
          if (!start || !end || user.empty() || *end <= *start) continue;
          if (*end < now - kOgOverrideReach) continue;
          OgOverride x{json::StringOr(o, "alias"), user, *start, *end, {}};
          if (const auto* rs = OgArray(o, "rotations")) {
            for (const auto& r : *rs) {
              if (r.is_object()) x.rotations.insert(json::StringOr(r.as_object(), "id"));
            }
          }
          overrides.push_back(std::move(x));
        }
      }
      const auto* rotations = OgArray(s, "rotations");
      const std::string base_id =
          OgReadableId(config_.name, json::StringOr(s, "name"), sid, used_ids);
      for (size_t k = 0; rotations && k < rotations->size(); ++k) {
        if (!(*rotations)[k].is_object()) continue;
        const json::object& r = (*rotations)[k].as_object();
        std::string rid = json::StringOr(r, "id");
        std::string where = "Opsgenie schedule " + json::StringOr(s, "name") + " rotation " +
                            json::StringOr(r, "name");
        std::vector<std::string> warnings;
        auto rotation = OgRotation(r, dir, where, warnings);
        if (!rotation) {
          ctx_.log->warn("skipping {}: {}", where, rotation.error().message);
          continue;
        }
        if (!warnings.empty()) ctx_.log->warn("{}", warnings.front());
        auto layer = schedule::LayerFromOpsgenie(*rotation);
        if (!layer) {
          ctx_.log->warn("skipping {}: {}", where, layer.error().message);
          continue;
        }
        schedule::Schedule mine{
            .id = base_id + "-" + std::to_string(k + 1),
            .name = json::StringOr(s, "name") + " / " + json::StringOr(r, "name"),
            .time_zone = json::StringOr(s, "timezone"),
            .layers = {*layer},
            .overrides = {}};
        auto base = schedule::Validate(mine);
        if (!base) {
          ctx_.log->warn("skipping {}: {}", where, base.error().message);
          continue;
        }
        // Opsgenie's override replaces whoever the rotation has on call, and only then.
        for (const auto& o : overrides) {
          if (!o.rotations.empty() && !o.rotations.contains(rid)) continue;
          auto shifts = schedule::RenderShifts(*base, o.start, o.end);
          if (!shifts) continue;
          int piece = 0;
          for (const auto& sh : *shifts) {
            if (sh.user.empty()) continue;
            mine.overrides.push_back({.id = o.alias + "#" + std::to_string(piece++),
                                      .start = std::max(sh.start, o.start),
                                      .end = std::min(sh.end, o.end),
                                      .user = o.user});
          }
        }
        auto valid = schedule::Validate(mine);
        if (!valid) {
          ctx_.log->warn("skipping {}: {}", where, valid.error().message);
          continue;
        }
        index.emplace(mine.id, std::move(*valid));
        by_schedule[sid].push_back(mine.id);
        contents.schedules.push_back(
            {.schedule = std::move(mine), .source = source, .external_id = sid + "/" + rid});
        ++imported;
      }
    }
  }
  // Team members by id, for team recipients (the teams' JSON stored by FetchDirectory).
  std::map<std::string, std::vector<std::string>> members;
  if (auto teams = ctx_.connectors.Directory(config_.name, "team")) {
    for (const auto& t : *teams) {
      auto v = json::Parse(t.data);
      if (!v || !v->is_object()) continue;
      if (const auto* ms = OgArray(v->as_object(), "members")) {
        for (const auto& m : *ms) {
          if (!m.is_object()) continue;
          auto u = m.as_object().find("user");
          if (u == m.as_object().end() || !u->value().is_object()) continue;
          std::string email = OgUserEmail(u->value().as_object(), dir);
          if (!email.empty()) members[t.external_id].push_back(email);
        }
      }
    }
  }
  auto escalations = client_.Get("/v2/escalations");
  report.requests++;
  if (!escalations) {
    return std::unexpected(escalations.error().Wrap("listing Opsgenie escalations"));
  }
  auto edata = DataOf(*escalations, "GET /v2/escalations");
  if (!edata) return std::unexpected(edata.error());
  std::set<std::string> used_policy_ids;
  for (const auto& ev : (*edata)->is_array() ? (*edata)->as_array() : json::array{}) {
    if (!ev.is_object()) continue;
    const json::object& e = ev.as_object();
    std::string eid = json::StringOr(e, "id");
    std::string team_id;
    if (auto t = e.find("ownerTeam"); t != e.end() && t->value().is_object()) {
      team_id = json::StringOr(t->value().as_object(), "id");
    }
    if (eid.empty() || !settings_.WantsTeam(team_id, dir.TeamName(team_id))) continue;
    // Opsgenie: each rule's delay counts from the alert's creation. im: a level's delay is the
    // wait before the next level. Rules at the same delay are one level.
    std::map<int64_t, std::vector<schedule::EscalationTarget>> levels;  // minutes → targets
    for (const auto& rv : OgArray(e, "rules") ? *OgArray(e, "rules") : json::array{}) {
      if (!rv.is_object()) continue;
      const json::object& r = rv.as_object();
      int64_t minutes = 0;
      if (auto d = r.find("delay"); d != r.end() && d->value().is_object()) {
        const auto& dd = d->value().as_object();
        int64_t amount = OgIntOr(dd, "timeAmount", 0);
        std::string unit = json::StringOr(dd, "timeUnit");
        minutes = unit == "hours" ? amount * 60 : unit == "days" ? amount * 1440 : amount;
      }
      auto& targets = levels[minutes];
      auto rec = r.find("recipient");
      if (rec == r.end() || !rec->value().is_object()) continue;
      const json::object& to = rec->value().as_object();
      std::string type = json::StringOr(to, "type");
      std::string id = json::StringOr(to, "id");
      if (type == "user") {
        if (std::string email = OgUserEmail(to, dir); !email.empty()) {
          targets.push_back({schedule::EscalationTarget::Type::kUser, email});
        }
      } else if (type == "schedule") {
        for (const auto& mine : by_schedule[id]) {
          targets.push_back({schedule::EscalationTarget::Type::kSchedule, mine});
        }
      } else if (type == "team") {
        for (const auto& email : members[id]) {
          targets.push_back({schedule::EscalationTarget::Type::kUser, email});
        }
      }
    }
    schedule::EscalationPolicy policy{
        .id = OgReadableId(config_.name, json::StringOr(e, "name"), eid, used_policy_ids),
        .name = json::StringOr(e, "name")};
    int64_t wait = 5;
    if (auto rep = e.find("repeat"); rep != e.end() && rep->value().is_object()) {
      wait = std::max(1, OgIntOr(rep->value().as_object(), "waitInterval", 5));
      policy.num_loops = std::max(0, OgIntOr(rep->value().as_object(), "count", 0));
    }
    for (auto it = levels.begin(); it != levels.end(); ++it) {
      if (it->second.empty()) continue;
      auto next = std::next(it);
      int64_t delay = next == levels.end() ? wait : next->first - it->first;
      policy.rules.push_back(
          {.delay = std::chrono::minutes(std::max<int64_t>(1, delay)), .targets = it->second});
    }
    // The escalation pages for its team: the im service named after the team, and the
    // Opsgenie services the team owns (their alerts route to it).
    if (std::string team = dir.TeamName(team_id); !team.empty()) {
      policy.services.push_back(OgServiceName(team));
    }
    for (const auto& [service, owner] : dir.service_team) {
      if (owner != team_id || team_id.empty()) continue;
      if (auto name = dir.service_name.find(service); name != dir.service_name.end()) {
        policy.services.push_back(name->second);
      }
    }
    if (auto ok = schedule::ValidatePolicy(policy, index); !ok) {
      ctx_.log->warn("skipping Opsgenie escalation {}: {}", policy.name, ok.error().message);
      continue;
    }
    contents.policies.push_back(
        {.policy = std::move(policy), .source = source, .external_id = eid});
  }
  auto replaced = ctx_.schedules->ReplaceSource(source, contents);
  if (!replaced) return std::unexpected(replaced.error());
  return imported;
}

}  // namespace im::connectors::opsgenie
