// im oncall [--service S | --schedule ID] [--at TIME] | hours | shifts | gaps | import FILE |
// policies. Times are printed in the schedule's zone with its offset.
#include <cstdio>
#include <iostream>

#include "app/oncall_yaml.h"
#include "cli/context.h"
#include "common/time.h"
#include "engine/oncall_json.h"
#include "schedule/schedule_json.h"
#include "schedule/zone.h"

namespace im::cli {
namespace {

using engine::FormatInZone;

std::string Users(const std::vector<schedule::OnCallUser>& users) {
  std::string out;
  for (const auto& u : users) out += (out.empty() ? "" : ", ") + u.user;
  return out.empty() ? "nobody" : out;
}

std::string Hours(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f",
                std::chrono::duration<double, std::ratio<3600>>(d).count());
  return buf;
}

// "Current On-Call: …" and "Next On-Call: …" for one schedule.
void PrintCurrentAndNext(const engine::ScheduleOnCall& s) {
  const std::string& zone = s.schedule.schedule.time_zone;
  if (s.current) {
    std::cout << "Current On-Call: " << s.current->user << " (until "
              << FormatInZone(s.current->end, zone) << ")\n";
  } else {
    std::cout << "Current On-Call: nobody\n";
  }
  if (s.next) {
    std::cout << "Next On-Call: " << (s.next->to.empty() ? "nobody" : s.next->to) << " ("
              << FormatInZone(s.next->at, zone) << ")\n";
  } else {
    std::cout << "Next On-Call: none scheduled\n";
  }
}

// Resolves --at (default now) on the runtime's clock.
Result<Time> AtOption(const app::Runtime& rt, const std::string& text) {
  const Time now = rt.clock.Now();
  if (text.empty()) return now;
  auto t = ParseTimeRelative(text, now);
  if (!t) return std::unexpected(t.error().Wrap("--at"));
  return t;
}

struct NowOptions {
  std::string service, schedule, at;
};

int RunNow(GlobalOptions& g, const NowOptions& o) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto at = AtOption(**rt, o.at);
  if (!at) return ReportError(at.error());
  auto& oncall = *(*rt)->oncall;
  if (!o.service.empty()) {
    if (auto ok = CheckServiceNames({o.service}, "--service"); !ok) return ReportError(ok.error());
    auto view = oncall.ForService(o.service, *at);
    if (!view) return ReportError(view.error());
    if (g.json) {
      PrintJson(engine::ServiceOnCallToJson(*view));
      return 0;
    }
    std::cout << "Service: " << view->service << "\n";
    if (view->primary) {
      PrintCurrentAndNext(*view->primary);
    } else {
      std::cout << "Current On-Call: " << Users(view->levels.front().users) << "\n";
    }
    for (const auto& step : view->escalation) {
      if (step.level == 1) continue;
      auto minutes = std::chrono::duration_cast<std::chrono::minutes>(step.notify_at - *at);
      std::cout << "Escalation: After " << minutes.count() << " minutes → " << Users(step.users)
                << "\n";
    }
    return 0;
  }
  if (!o.schedule.empty()) {
    auto view = oncall.ForSchedule(o.schedule, *at);
    if (!view) return ReportError(view.error());
    if (g.json) {
      PrintJson(engine::ScheduleOnCallToJson(*view, *at));
      return 0;
    }
    std::cout << "Schedule: " << view->schedule.schedule.id << " ("
              << view->schedule.schedule.time_zone << ")\n";
    PrintCurrentAndNext(*view);
    return 0;
  }
  auto all = oncall.ForAllSchedules(*at);
  if (!all) return ReportError(all.error());
  if (g.json) {
    json::array items;
    for (const auto& s : *all) items.push_back(engine::ScheduleOnCallToJson(s, *at));
    PrintJson(json::object{{"at", FormatTime(*at)}, {"oncalls", std::move(items)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *all) {
    const std::string& zone = s.schedule.schedule.time_zone;
    rows.push_back({s.schedule.schedule.id, s.current ? s.current->user : "nobody",
                    s.current ? FormatInZone(s.current->end, zone) : "",
                    s.next ? (s.next->to.empty() ? "nobody" : s.next->to) : "", zone});
  }
  PrintTable({"SCHEDULE", "ON CALL", "UNTIL", "NEXT", "TIME ZONE"}, rows);
  if (rows.empty()) std::cerr << "no schedules yet; define some with `im oncall import FILE`\n";
  return 0;
}

struct WindowOptions {
  std::string schedule, since, until, at;
  int days = 30;
};

// --since/--until, each RFC 3339 or relative to now.
Result<std::pair<Time, Time>> Window(const app::Runtime& rt, const WindowOptions& o) {
  const Time now = rt.clock.Now();
  auto since = ParseTimeRelative(o.since, now);
  if (!since) return std::unexpected(since.error().Wrap("--since"));
  auto until = ParseTimeRelative(o.until, now);
  if (!until) return std::unexpected(until.error().Wrap("--until"));
  if (*until <= *since) return Fail(ErrorCode::kInvalidArgument, "--until must be after --since");
  return std::pair{*since, *until};
}

int RunHours(GlobalOptions& g, const WindowOptions& o) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto window = Window(**rt, o);
  if (!window) return ReportError(window.error());
  auto hours = (*rt)->oncall->Hours(window->first, window->second);
  if (!hours) return ReportError(hours.error());
  if (g.json) {
    PrintJson(engine::HoursReportToJson(*hours, window->first, window->second));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [email, h] : *hours) {
    rows.push_back(
        {email, Hours(h.business), Hours(h.evening), Hours(h.night_weekend), Hours(h.Total())});
  }
  PrintTable({"ENGINEER", "BUSINESS", "EVENING", "NIGHT/WEEKEND", "TOTAL"}, rows);
  return 0;
}

int RunShifts(GlobalOptions& g, const WindowOptions& o) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto window = Window(**rt, o);
  if (!window) return ReportError(window.error());
  auto shifts = (*rt)->oncall->Shifts(o.schedule, window->first, window->second);
  if (!shifts) return ReportError(shifts.error());
  if (g.json) {
    json::array items;
    for (const auto& s : *shifts) items.push_back(schedule::ShiftToJson(s));
    PrintJson(json::object{{"schedule_id", o.schedule},
                           {"since", FormatTime(window->first)},
                           {"until", FormatTime(window->second)},
                           {"shifts", std::move(items)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *shifts) {
    rows.push_back({s.user, schedule::FormatInOffset(s.start, s.start_utc_offset),
                    schedule::FormatInOffset(s.end, s.end_utc_offset), Hours(s.end - s.start)});
  }
  PrintTable({"USER", "START", "END", "HOURS"}, rows);
  return 0;
}

int RunGaps(GlobalOptions& g, const WindowOptions& o) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto at = AtOption(**rt, o.at);
  if (!at) return ReportError(at.error());
  if (o.days < 1 || o.days > 366) {
    return ReportError({ErrorCode::kInvalidArgument, "--days must be from 1 to 366"});
  }
  const Time until = *at + std::chrono::days(o.days);
  auto gaps = (*rt)->oncall->Gaps(*at, until, o.schedule);
  if (!gaps) return ReportError(gaps.error());
  if (g.json) {
    PrintJson(engine::GapsToJson(*gaps, *at, until));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *gaps) {
    for (const auto& gap : s.gaps) {
      rows.push_back({s.schedule_id, FormatInZone(gap.start, s.time_zone),
                      FormatInZone(gap.end, s.time_zone), FormatDuration(gap.end - gap.start)});
    }
  }
  PrintTable({"SCHEDULE", "START", "END", "LENGTH"}, rows);
  if (rows.empty()) std::cerr << "no gaps in the next " << o.days << " days\n";
  return 0;
}

int RunImport(GlobalOptions& g, const std::string& path) {
  auto file = app::LoadOnCallYaml(path);
  if (!file) return ReportError(file.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto counts = (*rt)->oncall->Import(file->contents);
  if (!counts) return ReportError(file->Locate(counts.error()));
  if (g.json) {
    PrintJson(json::object{{"schedules_saved", counts->schedules_saved},
                           {"schedules_removed", counts->schedules_removed},
                           {"policies_saved", counts->policies_saved},
                           {"policies_removed", counts->policies_removed},
                           {"people_saved", counts->people_saved}});
    return 0;
  }
  std::cout << "imported " << path << ": " << counts->schedules_saved << " schedule(s), "
            << counts->policies_saved << " escalation policy(ies), " << counts->people_saved
            << " people; removed " << counts->schedules_removed << " schedule(s) and "
            << counts->policies_removed << " policy(ies) no longer in the file\n";
  return 0;
}

int RunPolicies(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto policies = (*rt)->schedules->ListPolicies();
  if (!policies) return ReportError(policies.error());
  if (g.json) {
    json::array items;
    for (const auto& p : *policies) items.push_back(engine::StoredPolicyToJson(p));
    PrintJson(json::object{{"escalation_policies", std::move(items)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : *policies) {
    std::string services;
    for (const auto& s : p.policy.services) services += (services.empty() ? "" : ",") + s;
    rows.push_back(
        {p.policy.id, p.policy.name, services, std::to_string(p.policy.rules.size()), p.source});
  }
  PrintTable({"ID", "NAME", "SERVICES", "LEVELS", "SOURCE"}, rows);
  return 0;
}

}  // namespace

void AddOncallCommands(CLI::App& root, GlobalOptions& g) {
  auto now = std::make_shared<NowOptions>();
  auto* oncall = root.add_subcommand("oncall", "Who is on call now, for a service or a schedule");
  oncall->add_option("--service", now->service, "Service name: its escalation policy, per level");
  oncall->add_option("--schedule", now->schedule, "Schedule id");
  oncall->add_option("--at", now->at, "Instead of now: RFC 3339 or relative (+2h, -1d)");
  oncall->callback([&g, oncall, now] {
    if (oncall->get_subcommands().empty()) g.exit_code = RunNow(g, *now);
  });

  auto hours = std::make_shared<WindowOptions>();
  auto* hours_cmd = oncall->add_subcommand("hours", "On-call hours per engineer, by time of day");
  hours_cmd->add_option("--since", hours->since, "RFC 3339 or relative (-30d)")->required();
  hours_cmd->add_option("--until", hours->until, "RFC 3339 or relative (now)")->required();
  hours_cmd->callback([&g, hours] { g.exit_code = RunHours(g, *hours); });

  auto shifts = std::make_shared<WindowOptions>();
  auto* shifts_cmd = oncall->add_subcommand("shifts", "The final shifts of a schedule");
  shifts_cmd->add_option("--schedule", shifts->schedule, "Schedule id")->required();
  shifts_cmd->add_option("--since", shifts->since, "RFC 3339 or relative (now)")->required();
  shifts_cmd->add_option("--until", shifts->until, "RFC 3339 or relative (+7d)")->required();
  shifts_cmd->callback([&g, shifts] { g.exit_code = RunShifts(g, *shifts); });

  auto gaps = std::make_shared<WindowOptions>();
  auto* gaps_cmd = oncall->add_subcommand("gaps", "Stretches with nobody on call");
  gaps_cmd->add_option("--days", gaps->days, "How far ahead (default 30)");
  gaps_cmd->add_option("--schedule", gaps->schedule, "Only this schedule");
  gaps_cmd->add_option("--at", gaps->at, "Start instead of now");
  gaps_cmd->callback([&g, gaps] { g.exit_code = RunGaps(g, *gaps); });

  auto file = std::make_shared<std::string>();
  auto* import = oncall->add_subcommand(
      "import", "Replace im's own schedules and escalation policies with a YAML file's");
  import->add_option("file", *file, "YAML file (docs/oncall.md)")->required();
  import->callback([&g, file] { g.exit_code = RunImport(g, *file);
});

auto* policies = oncall->add_subcommand("policies", "List escalation policies");
policies->callback([&g] { g.exit_code = RunPolicies(g); });
}  // namespace im::cli

}  // namespace im::cli
