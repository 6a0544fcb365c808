// Schedule validation: every check names the field it rejects.
#include <algorithm>
#include <charconv>
#include <string>

#include "schedule/valid_schedule.h"

namespace im::schedule {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

// Longer turns than this are certainly a unit mistake (milliseconds given as seconds).
constexpr seconds kMaxTurn = days(366);

Result<void> CheckRestriction(const Restriction& r, const std::string& field) {
  if (r.start_time_of_day < seconds(0) || r.start_time_of_day >= kDay) {
    return InvalidAt(field + ".start_time_of_day", "must be within 00:00:00..23:59:59");
  }
  if (r.duration <= seconds(0)) {
    return InvalidAt(field + ".duration_seconds",
                     "must be positive (got " + std::to_string(r.duration.count()) + ")");
  }
  if (r.type == Restriction::Type::kDaily && r.duration > kDay) {
    return InvalidAt(field + ".duration_seconds",
                     "a daily restriction lasts at most 86400 seconds (got " +
                         std::to_string(r.duration.count()) + ")");
  }
  if (r.type == Restriction::Type::kWeekly) {
    if (r.duration > kWeek) {
      return InvalidAt(field + ".duration_seconds",
                       "a weekly restriction lasts at most 7 days (604800 seconds; got " +
                           std::to_string(r.duration.count()) + ")");
    }
    if (r.start_day_of_week < 1 || r.start_day_of_week > 7) {
      return InvalidAt(field + ".start_day_of_week", "must be 1 (Monday) to 7 (Sunday) (got " +
                                                         std::to_string(r.start_day_of_week) + ")");
    }
  }
  return Ok();
}

Result<void> CheckLayer(const Layer& layer, const std::string& field) {
  const auto turn = layer.rotation_turn_length;
  if (turn <= seconds(0)) {
    return InvalidAt(field + ".rotation_turn_length_seconds",
                     "must be positive (got " + std::to_string(turn.count()) + ")");
  }
  if (turn > kMaxTurn) {
    return InvalidAt(field + ".rotation_turn_length_seconds",
                     "must be at most 366 days (got " + std::to_string(turn.count()) + " seconds)");
  }
  if (layer.users.empty()) return InvalidAt(field + ".users", "needs at least one user");
  if (layer.end && *layer.end <= layer.start) {
    return InvalidAt(field + ".end", "must be after start");
  }
  for (size_t i = 0; i < layer.restrictions.size(); ++i) {
    auto ok =
        CheckRestriction(layer.restrictions[i], field + ".restrictions[" + std::to_string(i) + "]");
    if (!ok) return ok;
  }
  return Ok();
}

}  // namespace

Result<ValidSchedule> Validate(Schedule schedule) {
  auto zone = LocateZone(schedule.time_zone, "time_zone");
  if (!zone) return std::unexpected(zone.error());
  Duration horizon = kDay;
  for (size_t i = 0; i < schedule.layers.size(); ++i) {
    const auto& layer = schedule.layers[i];
    auto ok = CheckLayer(layer, "schedule_layers[" + std::to_string(i) + "]");
    if (!ok) return std::unexpected(ok.error());
    // A wall-clock turn can be longer than its nominal length by a DST shift; add a day.
    horizon = std::max<Duration>(horizon, layer.rotation_turn_length + kDay);
  }
  for (size_t i = 0; i < schedule.overrides.size(); ++i) {
    const auto& o = schedule.overrides[i];
    const std::string field = "overrides[" + std::to_string(i) + "]";
    if (o.end <= o.start) return InvalidAt(field + ".end", "must be after start");
    if (o.user.empty()) return InvalidAt(field + ".user", "is empty; give the user's email");
    horizon = std::max<Duration>(horizon, o.end - o.start);
  }
  return ValidSchedule(std::move(schedule), *zone, horizon);
}

Result<seconds> ParseTimeOfDay(std::string_view text) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  size_t pos = 0;
  while (count < 3) {
    const size_t colon = text.find(':', pos);
    const std::string_view piece =
        text.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    auto [p, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), parts[count]);
    if (piece.size() != 2 || ec != std::errc() || p != piece.data() + piece.size()) break;
    ++count;
    if (colon == std::string_view::npos) {
      pos = text.size();
      break;
    }
    pos = colon + 1;
  }
  if (count < 2 || pos != text.size() || parts[0] > 23 || parts[1] > 59 || parts[2] > 59) {
    return Fail(ErrorCode::kInvalidArgument,
                "start_time_of_day: cannot read '" + std::string(text) + "'; use HH:MM:SS");
  }
  return hours(parts[0]) + std::chrono::minutes(parts[1]) + seconds(parts[2]);
}

}  // namespace im::schedule
