// The on-call schedule model, as plain data: PagerDuty's layer-based ("v2") schedules. Opsgenie and
// incident.io rotations convert into the same shapes (opsgenie.h, incident_io.h).
// The rules that turn this data into who-is-on-call are written in docs/oncall.md.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace im::schedule {

// Lengths of a day and a week in seconds, for arithmetic on times of day and of the week.
inline constexpr std::chrono::seconds kDay{86400};
inline constexpr std::chrono::seconds kWeek{7 * 86400};

// A window of the day or week during which a layer may put someone on call. Interpreted in
// wall-clock time of the schedule's zone (PagerDuty `restrictions[]`).
struct Restriction {
  enum class Type { kDaily, kWeekly };
  Type type = Type::kDaily;
  std::chrono::seconds start_time_of_day{0};  // seconds after local midnight, [0, 24h)
  std::chrono::seconds duration{0};           // wall-clock length; daily ≤ 24h, weekly ≤ 7 days
  int start_day_of_week = 1;                  // ISO 1 = Monday .. 7 = Sunday; weekly only
};

// One rotation (PagerDuty `schedule_layers[]`).
struct Layer {
  std::string name;
  Time start;                   // nobody is on call on this layer before it
  std::optional<Time> end;      // nothing after it; nullopt = no end
  Time rotation_virtual_start;  // the instant turn 0 begins; may be before `start`
  std::chrono::seconds rotation_turn_length{0};
  std::vector<std::string> users;         // emails, in rotation order; "" = a turn with nobody
  std::vector<Restriction> restrictions;  // empty = on call around the clock
};

// A person put on call over everything else for [start, end).
struct Override {
  std::string id;
  Time start;
  Time end;
  std::string user;  // email
};

struct Schedule {
  std::string id;
  std::string name;
  std::string time_zone;      // IANA name, e.g. "Europe/Berlin"
  std::vector<Layer> layers;  // a later layer wins over an earlier one where both have someone
  std::vector<Override> overrides;  // in creation order: a later override wins over an earlier one
};

// Someone on call for [start, end). The offsets are those of the render zone at start and end;
// they only change how the instants are printed (FormatInOffset), never the instants themselves.
struct Shift {
  std::string user;
  Time start;
  Time end;
  std::chrono::seconds start_utc_offset{0};
  std::chrono::seconds end_utc_offset{0};

  bool operator==(const Shift&) const = default;
};

// The on-call person changes at `at`; an empty from/to means nobody.
struct Handoff {
  Time at;
  std::string from;
  std::string to;

  bool operator==(const Handoff&) const = default;
};

// A stretch of time with nobody on call.
struct Gap {
  Time start;
  Time end;

  bool operator==(const Gap&) const = default;
};

}  // namespace im::schedule
