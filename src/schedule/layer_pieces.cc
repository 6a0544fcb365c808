#include "schedule/layer_pieces.h"

#include <algorithm>

namespace im::schedule {
namespace {

void AddWindow(LocalTime local_start, std::chrono::seconds length, ZoneCursor& zone, Time since,
               Time until, std::vector<Window>& out) {
  const Time start = std::max(zone.ToInstant(local_start), since);
  const Time end = std::min(zone.ToInstant(local_start + length), until);
  if (start < end) out.push_back({start, end});
}

}  // namespace

std::vector<Window> RestrictionWindows(const std::vector<Restriction>& restrictions, Zone tz,
                                       Time since, Time until) {
  std::vector<Window> windows;
  if (since >= until) return windows;
  ZoneCursor zone(tz);
  // A daily window starting the day before `since`, or a weekly one up to a week before, can
  // still reach into it.
  const LocalDays first = LocalDay(zone.ToLocal(since)) - date::days(1);
  const LocalDays last = LocalDay(zone.ToLocal(until));
  for (const Restriction& r : restrictions) {
    if (r.type == Restriction::Type::kDaily) {
      for (LocalDays d = first; d <= last; d += date::days(1)) {
        AddWindow(LocalTime(d) + r.start_time_of_day, r.duration, zone, since, until, windows);
      }
      continue;
    }
    // Monday of the week before `first`, then every week.
    const LocalDays monday = first - date::days(IsoWeekday(first) - 1) - date::days(7);
    for (LocalDays w = monday; w <= last; w += date::days(7)) {
      const LocalDays d = w + date::days(r.start_day_of_week - 1);
      AddWindow(LocalTime(d) + r.start_time_of_day, r.duration, zone, since, until, windows);
    }
  }
  std::sort(windows.begin(), windows.end(),
            [](const Window& a, const Window& b) { return a.start < b.start; });
  std::vector<Window> merged;
  merged.reserve(windows.size());
  for (const Window& w : windows) {
    if (!merged.empty() && w.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, w.end);
    } else {
      merged.push_back(w);
    }
  }
  return merged;
}

void AppendLayerPieces(const Layer& layer, Zone zone, int priority, Time since, Time until,
                       std::vector<Piece>& out) {
  const Time from = std::max(since, layer.start);
  const Time to = layer.end ? std::min(until, *layer.end) : until;
  if (from >= to) return;

  std::vector<Window> windows;
  if (layer.restrictions.empty()) {
    windows.push_back({from, to});
  } else {
    windows = RestrictionWindows(layer.restrictions, zone, from, to);
  }
  if (windows.empty()) return;

  const Rotation rotation(layer, zone);
  size_t w = 0;
  int64_t k = rotation.TurnAt(from);
  Time turn_start = rotation.TurnStart(k);
  while (turn_start < to && w < windows.size()) {
    const Time turn_end = rotation.TurnStart(k + 1);
    const std::string& user = rotation.UserOf(k);
    // Skip whole turns that no window touches (long restricted gaps).
    if (turn_end <= windows[w].start) {
      k = rotation.TurnAt(windows[w].start);
      turn_start = rotation.TurnStart(k);
      continue;
    }
    while (w < windows.size() && windows[w].start < turn_end) {
      const Time s = std::max(turn_start, windows[w].start);
      const Time e = std::min(turn_end, windows[w].end);
      if (s < e && !user.empty()) out.push_back({s, e, &user, priority});
      if (windows[w].end > turn_end) break;  // the window continues into the next turn
      ++w;
    }
    ++k;
    turn_start = turn_end;
  }
}

}  // namespace im::schedule
