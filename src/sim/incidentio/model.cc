// Look-ups, ids and rotation shifts of the incident.io simulator's organisation.
#include "sim/incidentio/model.h"

#include <algorithm>

namespace im::sim::incidentio {

template <typename T>
static const T* FindIn(const std::vector<T>& v, std::string_view id) {
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.id == id; });
  return it == v.end() ? nullptr : &*it;
}

const User* World::FindUser(std::string_view id) const { return FindIn(users, id); }
const Severity* World::FindSeverity(std::string_view id) const { return FindIn(severities, id); }
const Status* World::FindStatus(std::string_view id) const { return FindIn(statuses, id); }
const Schedule* World::FindSchedule(std::string_view id) const { return FindIn(schedules, id); }
const CatalogEntry* World::FindService(std::string_view id) const { return FindIn(services, id); }
Incident* World::FindIncident(std::string_view id) {
  return const_cast<Incident*>(FindIn(incidents, id));
}

const Status* World::DeclaredStatus() const {
  for (const auto& s : statuses) {
    if (s.category == "live") return &s;
  }
  return statuses.empty() ? nullptr : &statuses.front();
}

std::string World::NewId() {
  // Crockford base32, as ULIDs: a fixed prefix then the serial, so ids sort by creation.
  static constexpr char kDigits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string id(26, '0');
  id[0] = '0';
  id[1] = '1';
  uint64_t n = next_serial++ * 0x9E3779B1ULL;  // spread, still unique per serial
  uint64_t serial = next_serial - 1;
  for (size_t i = 25; i >= 14; --i) {
    id[i] = kDigits[n % 32];
    n /= 32;
  }
  for (size_t i = 13; i >= 2; --i) {
    id[i] = kDigits[serial % 32];
    serial /= 32;
  }
  return id;
}

int64_t HandoverSeconds(const Rotation& r) {
  int64_t unit = r.interval_type == "hourly" ? 3600 : r.interval_type == "daily" ? 86400 : 604800;
  return std::max<int64_t>(1, r.interval) * unit;
}

std::vector<Entry> RotationEntries(const Rotation& r, Time since, Time until) {
  std::vector<Entry> out;
  if (r.user_ids.empty() || until <= since) return out;
  auto turn = std::chrono::seconds(HandoverSeconds(r));
  int64_t k = (since - r.handover_start_at) / turn;
  if (since < r.handover_start_at) k = 0;
  for (Time start = r.handover_start_at + k * turn; start < until; start += turn, ++k) {
    Time end = start + turn;
    if (end <= since) continue;
    size_t who = static_cast<size_t>(
        ((k % static_cast<int64_t>(r.user_ids.size())) + static_cast<int64_t>(r.user_ids.size())) %
        static_cast<int64_t>(r.user_ids.size()));
    out.push_back({start, end, r.user_ids[who], r.id, r.id + "-L1"});
  }
  return out;
}

}  // namespace im::sim::incidentio
