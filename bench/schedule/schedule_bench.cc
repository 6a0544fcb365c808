// On-call engine benchmarks (targets in docs/benchmarks-schedule.md):
//   who is on call now for 1,000 schedules          ≤ 10 ms in total
//   one year of shifts for 200 schedules × 3 layers ≤ 200 ms
//   on-call hours for 500 engineers over a quarter  ≤ 200 ms
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "common/time.h"
#include "schedule/hours.h"
#include "schedule/oncall.h"
#include "schedule/valid_schedule.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;

constexpr std::array<const char*, 6> kZones = {
    "America/New_York", "Europe/Berlin",    "UTC",
    "Asia/Tokyo",       "Australia/Sydney", "America/Los_Angeles"};

Time At(std::string_view text) { return ParseTime(text).value(); }

// A typical three-layer schedule: a weekly primary rotation, a daily follow-the-sun layer
// restricted to business hours, and a weekend layer with 12-hour (elapsed) turns, plus a few
// overrides. `users_per_schedule` distinct emails, numbered from `first_user`.
Schedule MakeSchedule(int index, int first_user, int users_per_schedule) {
  Schedule s;
  s.id = "sched-" + std::to_string(index);
  s.time_zone = kZones[static_cast<size_t>(index) % kZones.size()];
  std::vector<std::string> users;
  for (int u = 0; u < users_per_schedule; ++u) {
    users.push_back("user" + std::to_string(first_user + u) + "@example.com");
  }
  const Time anchor = At("2025-01-06T09:00:00Z") + std::chrono::hours(index % 24);

  Layer weekly{"primary", anchor, std::nullopt, anchor, 7 * 24h, users, {}};
  Layer business{"business", anchor, std::nullopt, anchor - 48h, 24h, users, {}};
  for (int day = 1; day <= 5; ++day) {
    business.restrictions.push_back({Restriction::Type::kWeekly, 9h, 9h, day});
  }
  Layer weekend{"weekend", anchor, std::nullopt, anchor + 1h, 12h, users, {}};
  weekend.restrictions.push_back({Restriction::Type::kWeekly, 18h, 63h, 5});
  s.layers = {weekly, business, weekend};
  for (int o = 0; o < 4; ++o) {
    const Time start = At("2026-01-01T00:00:00Z") + std::chrono::days(37 * o + index % 7);
    s.overrides.push_back({"o" + std::to_string(o), start, start + 30h, users[o % users.size()]});
  }
  return s;
}

std::vector<ValidSchedule> MakeSchedules(int count, int users_per_schedule) {
  std::vector<ValidSchedule> out;
  out.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    out.push_back(Validate(MakeSchedule(i, i * users_per_schedule, users_per_schedule)).value());
  }
  return out;
}

void BM_OnCallNow1000Schedules(benchmark::State& state) {
  const auto schedules = MakeSchedules(1000, 6);
  const Time now = At("2026-03-08T12:34:56Z");
  for (auto _ : state) {
    int on_call = 0;
    for (const ValidSchedule& s : schedules) on_call += OnCallAt(s, now).has_value();
    benchmark::DoNotOptimize(on_call);
  }
}
BENCHMARK(BM_OnCallNow1000Schedules)->Unit(benchmark::kMillisecond);

// The slowest shape for OnCallAt: weekly turns around the clock, so the look-around has to
// widen to a whole turn to find where the current shift starts and ends.
void BM_OnCallNow1000WeeklySchedules(benchmark::State& state) {
  std::vector<ValidSchedule> schedules;
  for (int i = 0; i < 1000; ++i) {
    Schedule s = MakeSchedule(i, i * 6, 6);
    s.layers.resize(1);
    s.overrides.clear();
    schedules.push_back(Validate(s).value());
  }
  const Time now = At("2026-03-08T12:34:56Z");
  for (auto _ : state) {
    int on_call = 0;
    for (const ValidSchedule& s : schedules) on_call += OnCallAt(s, now).has_value();
    benchmark::DoNotOptimize(on_call);
  }
}
BENCHMARK(BM_OnCallNow1000WeeklySchedules)->Unit(benchmark::kMillisecond);

void BM_ValidateAndOnCallNow1000Schedules(benchmark::State& state) {
  std::vector<Schedule> specs;
  for (int i = 0; i < 1000; ++i) specs.push_back(MakeSchedule(i, i * 6, 6));
  const Time now = At("2026-03-08T12:34:56Z");
  for (auto _ : state) {
    int on_call = 0;
    for (const Schedule& spec : specs) on_call += OnCallAt(Validate(spec).value(), now).has_value();
    benchmark::DoNotOptimize(on_call);
  }
}
BENCHMARK(BM_ValidateAndOnCallNow1000Schedules)->Unit(benchmark::kMillisecond);

void BM_YearOfShifts200Schedules(benchmark::State& state) {
  const auto schedules = MakeSchedules(200, 6);
  const Time since = At("2026-01-01T00:00:00Z");
  const Time until = At("2027-01-01T00:00:00Z");
  size_t shifts = 0;
  for (auto _ : state) {
    shifts = 0;
    for (const ValidSchedule& s : schedules) {
      shifts += RenderShifts(s, since, until, {.overflow = true}).value().size();
    }
    benchmark::DoNotOptimize(shifts);
  }
  state.counters["shifts"] = static_cast<double>(shifts);
}
BENCHMARK(BM_YearOfShifts200Schedules)->Unit(benchmark::kMillisecond);

void BM_QuarterHours500Engineers(benchmark::State& state) {
  // 100 schedules × 5 engineers; each engineer counted in their own zone.
  const auto schedules = MakeSchedules(100, 5);
  std::vector<const ValidSchedule*> pointers;
  for (const ValidSchedule& s : schedules) pointers.push_back(&s);
  std::map<std::string, std::string> user_zones;
  for (int u = 0; u < 500; u += 2) {
    user_zones["user" + std::to_string(u) + "@example.com"] = kZones[(u / 2) % kZones.size()];
  }
  const Time since = At("2026-01-01T00:00:00Z");
  const Time until = At("2026-04-01T00:00:00Z");
  size_t engineers = 0;
  for (auto _ : state) {
    auto hours = OnCallHours(pointers, since, until, user_zones).value();
    engineers = hours.size();
    benchmark::DoNotOptimize(hours);
  }
  state.counters["engineers"] = static_cast<double>(engineers);
}
BENCHMARK(BM_QuarterHours500Engineers)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace im::schedule

BENCHMARK_MAIN();
