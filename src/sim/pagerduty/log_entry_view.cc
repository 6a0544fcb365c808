// Log-entry views: overview filtering, include[] expansion and time_zone rendering.
#include "sim/pagerduty/log_entry_view.h"

#include <date/tz.h>

#include "common/time.h"
#include "sim/common/json_response.h"

namespace im::sim::pagerduty {

std::variant<LogEntryView, net::HttpResponse> ParseLogEntryView(const net::HttpRequest& req) {
  LogEntryView v;
  v.overview = QueryBool(req, "is_overview", false);
  if (auto tz = req.Query("time_zone"); tz && !tz->empty() && *tz != "UTC" && *tz != "Etc/UTC") {
    try {
      v.zone = date::locate_zone(*tz);
    } catch (const std::exception&) {  // date throws for names it does not know
      return InvalidInput("time_zone '" + *tz + "' is not a known tzinfo zone");
    }
  }
  for (const auto& inc : QueryList(req, "include")) {
    if (inc == "incidents") {
      v.incidents = true;
    } else if (inc == "services") {
      v.services = true;
    } else if (inc == "channels") {
      v.channels = true;
    } else if (inc == "teams") {
      v.teams = true;
    } else {
      return InvalidInput("include[] must be one of incidents, services, channels, teams");
    }
  }
  return v;
}

bool ShownInOverview(const LogEntry& e) {
  return e.type != "notify_log_entry" && e.type != "assign_log_entry";
}

std::string FormatTimeIn(Time t, const date::time_zone* zone) {
  if (!zone) return FormatTime(t);
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  return date::format("%FT%T%Ez", date::make_zoned(zone, secs));
}

json::object RenderLogEntry(const World& w, const Urls& urls, const Incident& inc,
                            const LogEntry& e, const LogEntryView& view) {
  json::object o = LogEntryJson(w, urls, inc, e);
  if (view.zone) o["created_at"] = FormatTimeIn(e.created_at, view.zone);
  if (view.incidents) o["incident"] = IncidentJson(w, urls, inc);
  if (view.services) {
    if (const Service* s = w.FindService(inc.service_id)) o["service"] = ServiceJson(w, urls, *s);
  }
  if (view.channels) {
    o["channel"] = json::object{{"type", e.channel}, {"summary", "The PagerDuty website or APIs"}};
  }
  if (view.teams) {
    json::array teams;
    if (const Service* s = w.FindService(inc.service_id)) {
      for (const auto& id : s->team_ids) {
        for (const auto& t : w.teams) {
          if (t.id == id) teams.push_back(TeamJson(urls, t));
        }
      }
    }
    o["teams"] = std::move(teams);
  }
  return o;
}

}  // namespace im::sim::pagerduty
