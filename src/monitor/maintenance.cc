#include "monitor/maintenance.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <sstream>

#include "common/time.h"
#include "schedule/zone.h"

namespace im::monitor {
namespace {

constexpr std::array<std::string_view, 7> kMaintDayNames = {"mon", "tue", "wed", "thu",
                                                            "fri", "sat", "sun"};

std::vector<std::string> MaintWords(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

Result<std::chrono::minutes> ParseClock(std::string_view s, std::string_view field) {
  int h = -1, m = -1;
  if (s.size() == 5 && s[2] == ':') {
    std::from_chars(s.data(), s.data() + 2, h);
    std::from_chars(s.data() + 3, s.data() + 5, m);
  }
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
    return InvalidAt(field, "'" + std::string(s) + "' is not a time of day; write HH:MM (24 h)");
  }
  return std::chrono::minutes(h * 60 + m);
}

}  // namespace

Result<MaintenanceWindow> ParseMaintenanceWindow(std::string_view text, std::string_view field) {
  const std::string usage =
      "write 'once START END' (RFC 3339) or 'weekly DAYS HH:MM-HH:MM ZONE', e.g. 'weekly "
      "sat,sun 02:00-04:00 Europe/Berlin'";
  auto w = MaintWords(text);
  MaintenanceWindow out;
  if (w.size() == 3 && w[0] == "once") {
    auto start = ParseTime(w[1]);
    if (!start) return InvalidAt(field, "start '" + w[1] + "' is not a time; " + usage);
    auto end = ParseTime(w[2]);
    if (!end) return InvalidAt(field, "end '" + w[2] + "' is not a time; " + usage);
    if (*end <= *start) return InvalidAt(field, "the end must come after the start");
    out.kind = MaintenanceWindow::Kind::kOnce;
    out.start = *start;
    out.end = *end;
    out.text = "once " + FormatTime(*start) + " " + FormatTime(*end);
    return out;
  }
  if (w.size() == 4 && w[0] == "weekly") {
    out.kind = MaintenanceWindow::Kind::kWeekly;
    std::string days = w[1];
    std::transform(days.begin(), days.end(), days.begin(), ::tolower);
    std::istringstream in(days);
    for (std::string d; std::getline(in, d, ',');) {
      auto it = std::find(kMaintDayNames.begin(), kMaintDayNames.end(), d.substr(0, 3));
      if (d.size() < 3 || it == kMaintDayNames.end()) {
        return InvalidAt(field, "'" + d + "' is not a day; use mon,tue,wed,thu,fri,sat,sun");
      }
      int iso = static_cast<int>(it - kMaintDayNames.begin()) + 1;
      if (std::find(out.weekdays.begin(), out.weekdays.end(), iso) == out.weekdays.end()) {
        out.weekdays.push_back(iso);
      }
    }
    std::sort(out.weekdays.begin(), out.weekdays.end());
    if (out.weekdays.empty()) return InvalidAt(field, "no days given; " + usage);
    auto dash = w[2].find('-');
    if (dash == std::string::npos) return InvalidAt(field, "time range '" + w[2] + "': " + usage);
    auto from = ParseClock(std::string_view(w[2]).substr(0, dash), field);
    if (!from) return std::unexpected(from.error());
    auto to = ParseClock(std::string_view(w[2]).substr(dash + 1), field);
    if (!to) return std::unexpected(to.error());
    if (*from == *to) return InvalidAt(field, "the window starts and ends at the same time");
    auto zone = schedule::LocateZone(w[3], std::string(field) + " zone");
    if (!zone) return std::unexpected(zone.error());
    out.local_start = *from;
    out.local_end = *to;
    out.time_zone = w[3];
    std::string day_list;
    for (int d : out.weekdays) {
      day_list += (day_list.empty() ? "" : ",") + std::string(kMaintDayNames[d - 1]);
    }
    out.text = "weekly " + day_list + " " + w[2] + " " + w[3];
    return out;
  }
  return InvalidAt(field, "'" + std::string(text) + "' is not a maintenance window; " + usage);
}

bool InWindow(const MaintenanceWindow& w, Time t) {
  if (w.kind == MaintenanceWindow::Kind::kOnce) return t >= w.start && t < w.end;
  auto zone = schedule::LocateZone(w.time_zone);
  if (!zone) return false;  // validated when stored; a zone gone from tzdata ends the window
  const auto today = schedule::LocalDay(schedule::ToLocal(t, *zone));
  // A window that started yesterday may still run past midnight.
  for (auto day : {today - date::days(1), today}) {
    if (std::find(w.weekdays.begin(), w.weekdays.end(), schedule::IsoWeekday(day)) ==
        w.weekdays.end()) {
      continue;
    }
    const schedule::LocalTime local_start = day + w.local_start;
    const schedule::LocalTime local_end =
        (w.local_end > w.local_start ? day : day + date::days(1)) + w.local_end;
    Time start = schedule::ToInstant(local_start, *zone);
    Time end = schedule::ToInstant(local_end, *zone);
    if (t >= start && t < end) return true;
  }
  return false;
}

bool InMaintenance(const std::vector<MaintenanceWindow>& windows, Time t) {
  return std::any_of(windows.begin(), windows.end(),
                     [&](const MaintenanceWindow& w) { return InWindow(w, t); });
}

}  // namespace im::monitor
