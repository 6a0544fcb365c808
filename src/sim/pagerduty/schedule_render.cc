// Layer, override and final-schedule rendering (see the header for the rules).
#include "sim/pagerduty/schedule_render.h"

#include <date/tz.h>

#include <algorithm>

namespace im::sim::pagerduty {
namespace {

using std::chrono::seconds;

const date::time_zone* Zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {  // unknown zone: render in UTC rather than fail
    return date::locate_zone("UTC");
  }
}

// Windows allowed by the restrictions that overlap [since, until).
std::vector<Span> RestrictionWindows(const Layer& layer, const std::string& tz, Time since,
                                     Time until) {
  const date::time_zone* zone = Zone(tz);
  auto local_day = [&](Time t) {
    return date::floor<date::days>(zone->to_local(std::chrono::floor<seconds>(t)));
  };
  std::vector<Span> out;
  for (auto day = local_day(since) - date::days(7); day <= local_day(until); day += date::days(1)) {
    unsigned iso = date::weekday(day).iso_encoding();
    for (const auto& r : layer.restrictions) {
      if (r.type == "weekly_restriction" && static_cast<int>(iso) != r.start_day_of_week) continue;
      // PagerDuty's restriction is a "from" and "to" time of day (its support article sets
      // "19:00-07:00"): both ends are wall-clock, so 22:00 + 10 h ends at 08:00 local, 9 or 11
      // elapsed hours on a DST night. A local time the clocks skip is the instant they jump;
      // one they repeat is its first occurrence.
      auto local = date::local_seconds(day) + seconds(r.start_second_of_day);
      Time start = zone->to_sys(local, date::choose::earliest);
      Time end = zone->to_sys(local + seconds(r.duration_seconds), date::choose::earliest);
      if (end > since && start < until) out.push_back({start, end, ""});
    }
  }
  std::sort(out.begin(), out.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  return out;
}

}  // namespace

std::vector<Span> RenderLayer(const Layer& layer, const std::string& tz, Time since, Time until) {
  std::vector<Span> out;
  if (layer.user_ids.empty() || layer.rotation_turn_length_seconds <= 0) return out;
  Time lo = std::max(since, layer.start);
  Time hi = layer.end ? std::min(until, *layer.end) : until;
  if (lo >= hi) return out;
  const Duration turn = seconds(layer.rotation_turn_length_seconds);
  int64_t k = (lo - layer.rotation_virtual_start) / turn;
  if (lo < layer.rotation_virtual_start) --k;
  // PagerDuty's docs describe a layer's hand-off as a local time of day ("shifts rotate
  // automatically every morning at 9:00 AM"): turns of whole days start at the same wall-clock
  // time in the schedule's zone across DST; other lengths are elapsed time.
  const bool whole_days = layer.rotation_turn_length_seconds % 86400 == 0;
  const date::time_zone* zone = Zone(tz);
  const auto local_anchor =
      zone->to_local(std::chrono::floor<seconds>(layer.rotation_virtual_start));
  auto turn_start = [&](int64_t i) -> Time {
    if (!whole_days) return layer.rotation_virtual_start + i * turn;
    auto local = local_anchor + std::chrono::duration_cast<seconds>(i * turn);
    return zone->to_sys(local, date::choose::earliest);
  };
  if (whole_days) --k;  // a wall-clock start may lie up to an hour from the elapsed one
  std::vector<Span> windows;
  if (!layer.restrictions.empty()) windows = RestrictionWindows(layer, tz, lo, hi);
  const auto n = static_cast<int64_t>(layer.user_ids.size());
  for (;; ++k) {
    Time s = turn_start(k), e = turn_start(k + 1);
    if (s >= hi) break;
    const std::string& user = layer.user_ids[static_cast<size_t>(((k % n) + n) % n)];
    Time cs = std::max(s, lo), ce = std::min(e, hi);
    if (cs >= ce) continue;
    if (layer.restrictions.empty()) {
      out.push_back({cs, ce, user});
      continue;
    }
    for (const auto& w : windows) {
      Time a = std::max(cs, w.start), b = std::min(ce, w.end);
      if (a < b) out.push_back({a, b, user});
    }
  }
  return out;
}

std::vector<Span> RenderOverrides(const Schedule& s, Time since, Time until) {
  std::vector<Span> out;
  for (const auto& o : s.overrides) {
    Time a = std::max(o.start, since), b = std::min(o.end, until);
    if (a < b) out.push_back({a, b, o.user_id});
  }
  return out;  // in creation order: the newest override wins (RenderFinal searches backwards)
}

std::vector<Span> RenderFinal(const Schedule& s, Time since, Time until) {
  // Candidates by priority: layer 0 lowest, then later layers, overrides highest.
  std::vector<std::vector<Span>> levels;
  for (const auto& layer : s.layers)
    levels.push_back(RenderLayer(layer, s.time_zone, since, until));
  levels.push_back(RenderOverrides(s, since, until));
  std::vector<Time> cuts{since, until};
  for (const auto& level : levels) {
    for (const auto& sp : level) {
      cuts.push_back(sp.start);
      cuts.push_back(sp.end);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Span> out;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    Time a = cuts[i], b = cuts[i + 1];
    const std::string* who = nullptr;
    for (auto level = levels.rbegin(); level != levels.rend() && !who; ++level) {
      for (auto sp = level->rbegin(); sp != level->rend(); ++sp) {
        if (sp->start <= a && sp->end >= b) {
          who = &sp->user_id;
          break;
        }
      }
    }
    if (!who) continue;
    if (!out.empty() && out.back().end == a && out.back().user_id == *who) {
      out.back().end = b;
    } else {
      out.push_back({a, b, *who});
    }
  }
  return out;
}

double Coverage(const std::vector<Span>& spans, Time since, Time until) {
  if (until <= since) return 0;
  Duration covered{};
  for (const auto& s : spans) covered += std::min(s.end, until) - std::max(s.start, since);
  return 100.0 * static_cast<double>(covered.count()) /
         static_cast<double>((until - since).count());
}

}  // namespace im::sim::pagerduty
