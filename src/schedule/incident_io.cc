#include "schedule/incident_io.h"

#include <numeric>

#include "schedule/opsgenie.h"
#include "schedule/valid_schedule.h"
#include "schedule/week_windows.h"

namespace im::schedule {
namespace {

using std::chrono::seconds;

std::unexpected<Error> BadIncidentIoRotation(const std::string& field, const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument, "rotations." + field + ": " + what);
}

// users[(m * step + offset) % n] for m = 0, 1, ... until the pattern repeats.
std::vector<std::string> Sequence(const std::vector<std::string>& users, int64_t step,
                                  int64_t offset) {
  const auto n = static_cast<int64_t>(users.size());
  const int64_t period = n / std::gcd(n, step % n == 0 ? n : step % n);
  std::vector<std::string> out;
  for (int64_t m = 0; m < period; ++m)
    out.push_back(users[static_cast<size_t>((m * step + offset) % n)]);
  return out;
}

Result<WeekWindows> WorkingWindows(const IncidentIoRotation& rotation) {
  std::vector<Restriction> restrictions;
  for (size_t i = 0; i < rotation.working_intervals.size(); ++i) {
    const auto& w = rotation.working_intervals[i];
    const std::string field = "working_intervals[" + std::to_string(i) + "]";
    const int day = IsoDayFromName(w.weekday);
    if (day == 0) return BadIncidentIoRotation(field + ".weekday", "use monday..sunday");
    auto start = ParseTimeOfDay(w.start_time);
    auto end = ParseTimeOfDay(w.end_time);
    if (!start || !end) return BadIncidentIoRotation(field, "times are HH:MM");
    seconds duration = (*end - *start + kDay) % kDay;
    if (duration == seconds(0)) duration = kDay;
    restrictions.push_back({Restriction::Type::kWeekly, *start, duration, day});
  }
  return ToWeekWindows(restrictions);
}

}  // namespace

Result<std::vector<Layer>> LayersFromIncidentIo(const IncidentIoRotation& rotation, int layer_index,
                                                Zone zone) {
  if (rotation.users.empty()) return BadIncidentIoRotation("users", "needs at least one user");
  if (rotation.layer_count < 1) return BadIncidentIoRotation("layers", "needs at least one layer");
  if (layer_index < 0 || layer_index >= rotation.layer_count) {
    return BadIncidentIoRotation("layers",
                                 "layer " + std::to_string(layer_index) + " does not exist");
  }
  if (rotation.handovers.empty())
    return BadIncidentIoRotation("handovers", "needs at least one handover");
  std::vector<seconds> lengths;
  for (size_t i = 0; i < rotation.handovers.size(); ++i) {
    const auto& h = rotation.handovers[i];
    const std::string field = "handovers[" + std::to_string(i) + "]";
    seconds unit{0};
    if (h.interval_type == "hourly")
      unit = std::chrono::hours(1);
    else if (h.interval_type == "daily")
      unit = kDay;
    else if (h.interval_type == "weekly")
      unit = kWeek;
    else
      return BadIncidentIoRotation(field + ".interval_type", "unknown '" + h.interval_type + "'");
    if (h.interval <= 0) return BadIncidentIoRotation(field + ".interval", "must be positive");
    lengths.push_back(unit * h.interval);
  }
  auto working = WorkingWindows(rotation);
  if (!working) return std::unexpected(working.error());

  Layer base;
  base.name = rotation.name;
  base.start = rotation.effective_from.value_or(rotation.handover_start_at);
  base.end = rotation.effective_to;
  const int64_t layers = rotation.layer_count;
  const bool uniform =
      std::all_of(lengths.begin(), lengths.end(), [&](seconds l) { return l == lengths.front(); });
  if (uniform) {
    base.rotation_virtual_start = rotation.handover_start_at;
    base.rotation_turn_length = lengths.front();
    base.users = Sequence(rotation.users, layers, layer_index);
    if (!rotation.working_intervals.empty()) base.restrictions = ToWeeklyRestrictions(*working);
    return std::vector<Layer>{base};
  }

  // Uneven hand-overs: slot j of every cycle is its own layer with a cycle-long turn,
  // restricted to the slot's wall-clock window.
  const seconds cycle = std::accumulate(lengths.begin(), lengths.end(), seconds(0));
  if (cycle != kDay && cycle != kWeek) {
    return BadIncidentIoRotation("handovers",
                                 "uneven handovers must add up to one day or one week");
  }
  const auto slots = static_cast<int64_t>(lengths.size());
  std::vector<Layer> out;
  seconds offset{0};
  for (int64_t j = 0; j < slots; ++j) {
    Layer layer = base;
    layer.rotation_virtual_start = rotation.handover_start_at + offset;
    layer.rotation_turn_length = cycle;
    layer.users = Sequence(rotation.users, slots * layers, j * layers + layer_index);
    const LocalTime local = ToLocal(layer.rotation_virtual_start, zone);
    const LocalDays day = LocalDay(local);
    const auto tod = std::chrono::duration_cast<seconds>(local - day);
    Restriction slot{cycle == kDay ? Restriction::Type::kDaily : Restriction::Type::kWeekly, tod,
                     lengths[static_cast<size_t>(j)], IsoWeekday(day)};
    if (rotation.working_intervals.empty()) {
      layer.restrictions = {slot};
    } else {
      layer.restrictions = ToWeeklyRestrictions(Intersect(ToWeekWindows({slot}), *working));
    }
    offset += lengths[static_cast<size_t>(j)];
    // A slot that never meets a working interval puts nobody on call.
    if (!layer.restrictions.empty()) out.push_back(std::move(layer));
  }
  return out;
}

}  // namespace im::schedule
