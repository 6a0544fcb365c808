#include "schedule/opsgenie.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace im::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

std::unexpected<Error> BadOpsgenieRotation(const std::string& field, const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument, "rotations." + field + ": " + what);
}

bool ValidClock(int hour, int minute) {
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59;
}

}  // namespace

int IsoDayFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (lower == kNames[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

Result<Layer> LayerFromOpsgenie(const OpsgenieRotation& rotation) {
  seconds unit{0};
  if (rotation.type == "hourly")
    unit = hours(1);
  else if (rotation.type == "daily")
    unit = kDay;
  else if (rotation.type == "weekly")
    unit = kWeek;
  else
    return BadOpsgenieRotation("type",
                               "unknown '" + rotation.type + "'; use hourly, daily or weekly");
  if (rotation.length <= 0) return BadOpsgenieRotation("length", "must be positive");
  if (rotation.participants.empty())
    return BadOpsgenieRotation("participants", "needs at least one participant");

  Layer layer;
  layer.name = rotation.name;
  layer.start = rotation.start_date;
  layer.end = rotation.end_date;
  layer.rotation_virtual_start = rotation.start_date;
  layer.rotation_turn_length = unit * rotation.length;
  for (const auto& p : rotation.participants) {
    if (p.type == "none") {
      layer.users.emplace_back();
    } else if (p.type == "user") {
      if (p.username.empty())
        return BadOpsgenieRotation("participants", "a user participant has no username");
      layer.users.push_back(p.username);
    } else {
      return BadOpsgenieRotation("participants",
                                 "type '" + p.type + "' is not supported; expand it to users");
    }
  }

  if (rotation.time_of_day) {
    const auto& t = *rotation.time_of_day;
    if (!ValidClock(t.start_hour, t.start_min) || !ValidClock(t.end_hour, t.end_min)) {
      return BadOpsgenieRotation("timeRestriction.restriction",
                                 "hours are 0..23 and minutes 0..59");
    }
    const seconds start = hours(t.start_hour) + minutes(t.start_min);
    const seconds end = hours(t.end_hour) + minutes(t.end_min);
    seconds duration = (end - start + kDay) % kDay;
    if (duration == seconds(0)) duration = kDay;
    layer.restrictions.push_back({Restriction::Type::kDaily, start, duration, 1});
  }
  for (const auto& w : rotation.weekday_windows) {
    const int start_day = IsoDayFromName(w.start_day);
    const int end_day = IsoDayFromName(w.end_day);
    if (start_day == 0 || end_day == 0) {
      return BadOpsgenieRotation("timeRestriction.restrictions", "days are monday..sunday");
    }
    if (!ValidClock(w.start_hour, w.start_min) || !ValidClock(w.end_hour, w.end_min)) {
      return BadOpsgenieRotation("timeRestriction.restrictions",
                                 "hours are 0..23 and minutes 0..59");
    }
    const seconds start_tod = hours(w.start_hour) + minutes(w.start_min);
    const seconds start = kDay * (start_day - 1) + start_tod;
    const seconds end = kDay * (end_day - 1) + hours(w.end_hour) + minutes(w.end_min);
    seconds duration = (end - start + kWeek) % kWeek;
    if (duration == seconds(0)) duration = kWeek;
    layer.restrictions.push_back({Restriction::Type::kWeekly, start_tod, duration, start_day});
  }
  return layer;
}

}  // namespace im::schedule
