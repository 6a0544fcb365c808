// Renders Opsgenie rotations the way the Schedule API documents them (providers.md §4.5):
// turns of `length` × `type` from `startDate`, participants in order, clipped to startDate /
// endDate and to the `timeRestriction` windows (wall-clock in the schedule's time zone, so they
// follow DST). Every rotation of a schedule is on call at once; overrides replace a rotation's
// participant where they overlap (the newest override wins). Written from Opsgenie's
// documentation, independent of src/schedule, so the simulator can catch our engine's mistakes
// (as the PagerDuty simulator's schedule_render does).
// Assumptions (Opsgenie does not document them): daily and weekly turns hand over at the same
// wall-clock time as startDate across DST, hourly turns are elapsed time; an override only
// replaces time someone was on call in a rotation, it adds no coverage to its gaps.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

struct Period {
  Time start{}, end{};
  Participant recipient;
  bool is_override = false;  // timeline period type "override" (else "default")
};

// The rotation's own turns over [since, until), clipped to it, in time order ("none" turns
// produce no period). An unknown zone renders in UTC.
std::vector<Period> RenderRotation(const Rotation& r, const std::string& time_zone, Time since,
                                   Time until);

// The override periods of `s` that replace someone in rotation `r` over [since, until).
std::vector<Period> OverridePeriods(const Schedule& s, const Rotation& r, Time since, Time until);

// RenderRotation with the schedule's overrides applied.
std::vector<Period> RenderFinal(const Schedule& s, const Rotation& r, Time since, Time until);

// Everyone on call in `s` at `at` (each rotation's final recipient), without repeats.
std::vector<Participant> OnCallAt(const Schedule& s, Time at);

// One on-call turn in an .ics export.
struct IcsEvent {
  std::string uid, summary;
  Time start{}, end{};
};

// An iCalendar (RFC 5545) VCALENDAR named `name` with one VEVENT per event: DTSTART/DTEND in
// UTC ("20260615T090000Z"), DTSTAMP `stamp`, CRLF line endings, long lines folded at 75 octets,
// text escaped.
std::string IcsCalendar(const std::string& name, const std::vector<IcsEvent>& events, Time stamp);

}  // namespace im::sim::opsgenie
