// Helpers for the on-call engine tests: instants from RFC 3339 text, small schedule builders.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "schedule/model.h"
#include "schedule/valid_schedule.h"

namespace im::schedule::testing {

inline Time At(std::string_view rfc3339) {
  auto t = ParseTime(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(Time{});
}

inline Zone ZoneOf(std::string_view name) {
  auto z = LocateZone(name);
  EXPECT_TRUE(z.has_value()) << name;
  return z.value_or(nullptr);
}

inline Layer MakeLayer(std::string_view virtual_start, std::chrono::seconds turn,
                       std::vector<std::string> users) {
  Layer layer;
  layer.start = At(virtual_start);
  layer.rotation_virtual_start = layer.start;
  layer.rotation_turn_length = turn;
  layer.users = std::move(users);
  return layer;
}

inline ValidSchedule MustValidate(Schedule schedule) {
  auto valid = Validate(std::move(schedule));
  if (!valid) ADD_FAILURE() << valid.error().message;
  return std::move(valid).value();
}

inline ValidSchedule OneLayer(std::string zone, Layer layer) {
  Schedule s;
  s.id = "s1";
  s.time_zone = std::move(zone);
  s.layers.push_back(std::move(layer));
  return MustValidate(std::move(s));
}

inline Restriction Daily(std::chrono::seconds start, std::chrono::seconds duration) {
  return {Restriction::Type::kDaily, start, duration, 1};
}

inline Restriction Weekly(int day, std::chrono::seconds start, std::chrono::seconds duration) {
  return {Restriction::Type::kWeekly, start, duration, day};
}

// "user start end" with instants in UTC, for readable expectations.
inline std::string Describe(const Shift& s) {
  return s.user + " " + FormatTime(s.start) + " " + FormatTime(s.end);
}

inline std::vector<std::string> Describe(const std::vector<Shift>& shifts) {
  std::vector<std::string> out;
  for (const Shift& s : shifts) out.push_back(Describe(s));
  return out;
}

}  // namespace im::schedule::testing
