#include "schedule/oncall.h"

#include <algorithm>

#include "schedule/final_timeline.h"

namespace im::schedule {
namespace {

// The final timeline around [since, until) with the segments that cross either edge whole,
// widening the look-around until they are (or kMaxReach is hit). Returns the segments that
// overlap [since, until), or the one holding `since` when the window is empty. `reach` is the
// first look-around; it doubles while a shift is cut by it.
std::vector<Segment> WholeSegments(const ValidSchedule& schedule, Time since, Time until,
                                   Duration reach) {
  for (;;) {
    std::vector<Segment> all = FinalTimeline(schedule, since - reach, until + reach);
    // Segments are sorted and disjoint, so the ones overlapping the window are contiguous.
    auto overlaps = [&](const Segment& s) {
      return s.end > since && (s.start < until || s.start <= since);
    };
    auto first = std::find_if(all.begin(), all.end(), overlaps);
    auto last = std::find_if_not(first, all.end(), overlaps);
    const bool cut =
        first != last && (first->start <= since - reach || std::prev(last)->end >= until + reach);
    if (!cut || reach >= kMaxReach) return std::vector<Segment>(first, last);
    reach = std::min(reach * 2, kMaxReach);
  }
}

Shift ToShift(const Segment& s, Zone render_zone) {
  return Shift{*s.user, s.start, s.end, UtcOffset(s.start, render_zone),
               UtcOffset(s.end, render_zone)};
}

}  // namespace

Result<std::vector<Shift>> RenderShifts(const ValidSchedule& schedule, Time since, Time until,
                                        const RenderOptions& options) {
  if (until <= since) return Fail(ErrorCode::kInvalidArgument, "until: must be after since");
  Zone render_zone = schedule.zone();
  if (!options.time_zone.empty()) {
    auto zone = LocateZone(options.time_zone, "time_zone");
    if (!zone) return std::unexpected(zone.error());
    render_zone = *zone;
  }
  std::vector<Segment> segments = options.overflow
                                      ? WholeSegments(schedule, since, until, schedule.horizon())
                                      : FinalTimeline(schedule, since, until);
  std::vector<Shift> shifts;
  shifts.reserve(segments.size());
  for (const Segment& s : segments) shifts.push_back(ToShift(s, render_zone));
  return shifts;
}

std::optional<Shift> OnCallAt(const ValidSchedule& schedule, Time at) {
  // Start narrow: most stretches are short (restrictions, overrides); widen when one is cut.
  const Duration reach = std::min<Duration>(schedule.horizon(), std::chrono::days(1));
  for (const Segment& s : WholeSegments(schedule, at, at, reach)) {
    if (s.start <= at && at < s.end) return ToShift(s, schedule.zone());
  }
  return std::nullopt;
}

std::vector<Handoff> NextHandoffs(const ValidSchedule& schedule, Time after, int count) {
  std::vector<Handoff> out;
  if (count <= 0) return out;
  Duration span = std::min(schedule.horizon() * std::min(count + 1, 1000), kMaxReach);
  for (;;) {
    out.clear();
    const Time until = after + span;
    const std::string* prev = nullptr;
    Time prev_end = after;
    for (const Segment& s : FinalTimeline(schedule, after, until)) {
      if (s.start > prev_end) {  // nobody on call between prev_end and s.start
        if (prev) out.push_back({prev_end, *prev, ""});
        out.push_back({s.start, "", *s.user});
      } else if (s.start > after) {  // merged segments: an abutting one is another user
        out.push_back({s.start, prev ? *prev : "", *s.user});
      }
      prev = s.user;
      prev_end = s.end;
    }
    if (prev && prev_end < until) out.push_back({prev_end, *prev, ""});
    if (static_cast<int>(out.size()) >= count || span >= kMaxReach) break;
    span = std::min(span * 2, kMaxReach);
  }
  if (static_cast<int>(out.size()) > count) out.resize(static_cast<size_t>(count));
  return out;
}

std::vector<Gap> Gaps(const ValidSchedule& schedule, Time since, Time until) {
  std::vector<Gap> gaps;
  Time covered_to = since;
  for (const Segment& s : FinalTimeline(schedule, since, until)) {
    if (s.start > covered_to) gaps.push_back({covered_to, s.start});
    covered_to = s.end;
  }
  if (covered_to < until) gaps.push_back({covered_to, until});
  return gaps;
}

}  // namespace im::schedule
