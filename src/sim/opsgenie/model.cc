// Look-ups, indexes and ids of the Opsgenie simulator's account.
#include "sim/opsgenie/model.h"

#include <algorithm>

namespace im::sim::opsgenie {
namespace {

template <typename T>
T* FindIn(std::vector<T>& v, std::string_view key, bool by_name) {
  auto it = std::find_if(v.begin(), v.end(),
                         [&](const T& x) { return (by_name ? x.name : x.id) == key; });
  return it == v.end() ? nullptr : &*it;
}

template <typename T>
const T* FindIn(const std::vector<T>& v, std::string_view key, bool by_name) {
  return FindIn(const_cast<std::vector<T>&>(v), key, by_name);
}

}  // namespace

const User* World::FindUser(std::string_view id_or_username) const {
  auto it = std::find_if(users.begin(), users.end(), [&](const User& u) {
    return u.id == id_or_username || u.username == id_or_username;
  });
  return it == users.end() ? nullptr : &*it;
}

const Team* World::FindTeam(std::string_view id, bool by_name) const {
  return FindIn(teams, id, by_name);
}
Schedule* World::FindSchedule(std::string_view id, bool by_name) {
  return FindIn(schedules, id, by_name);
}
const Escalation* World::FindEscalation(std::string_view id, bool by_name) const {
  return FindIn(escalations, id, by_name);
}
const Service* World::FindService(std::string_view id) const { return FindIn(services, id, false); }

Alert* World::FindAlert(std::string_view identifier, std::string_view identifier_type) {
  const std::string key(identifier);
  const std::unordered_map<std::string, size_t>* index = &alert_by_id_;
  if (identifier_type == "tiny") index = &alert_by_tiny_;
  if (identifier_type == "alias") {
    auto open = alias_open_.find(key);
    index = open != alias_open_.end() ? &alias_open_ : &alias_last_;
    // An alias left to its default (the id) is not indexed twice: find it by id.
    if (index == &alias_last_ && !alias_last_.contains(key)) {
      auto by_id = alert_by_id_.find(key);
      if (by_id == alert_by_id_.end() || alerts[by_id->second].alias != key) return nullptr;
      index = &alert_by_id_;
    }
  }
  auto it = index->find(key);
  if (it == index->end() || alerts[it->second].deleted) return nullptr;
  return &alerts[it->second];
}

Incident* World::FindIncident(std::string_view identifier, std::string_view identifier_type) {
  const auto& index = identifier_type == "tiny" ? incident_by_tiny_ : incident_by_id_;
  auto it = index.find(std::string(identifier));
  if (it == index.end() || incidents[it->second].deleted) return nullptr;
  return &incidents[it->second];
}

Alert& World::AddAlert(Alert alert) {
  size_t i = alerts.size();
  alert_by_id_[alert.id] = i;
  alert_by_tiny_[alert.tiny_id] = i;
  alerts.push_back(std::move(alert));
  Reindex(alerts.back());
  return alerts.back();
}

Incident& World::AddIncident(Incident incident) {
  size_t i = incidents.size();
  incident_by_id_[incident.id] = i;
  incident_by_tiny_[incident.tiny_id] = i;
  incidents.push_back(std::move(incident));
  return incidents.back();
}

void World::Reindex(const Alert& a) {
  if (a.alias.empty() || a.alias == a.id) return;
  size_t i = alert_by_id_.at(a.id);
  auto open = alias_open_.find(a.alias);
  bool is_open = a.status == "open" && !a.deleted;
  if (is_open) {
    alias_open_[a.alias] = i;
  } else if (open != alias_open_.end() && open->second == i) {
    alias_open_.erase(open);
  }
  auto last = alias_last_.find(a.alias);
  if (!a.deleted && (last == alias_last_.end() || last->second <= i)) alias_last_[a.alias] = i;
}

void World::SortByCreation() {
  auto by_time = [](const auto& a, const auto& b) { return a.created_at < b.created_at; };
  std::vector<Alert> all_alerts = std::move(alerts);
  std::vector<Incident> all_incidents = std::move(incidents);
  std::stable_sort(all_alerts.begin(), all_alerts.end(), by_time);
  std::stable_sort(all_incidents.begin(), all_incidents.end(), by_time);
  alerts.clear();
  incidents.clear();
  for (auto* index : {&alert_by_id_, &alert_by_tiny_, &alias_open_, &alias_last_, &incident_by_id_,
                      &incident_by_tiny_}) {
    index->clear();
  }
  alerts.reserve(all_alerts.size());
  for (auto& a : all_alerts) AddAlert(std::move(a));
  for (auto& i : all_incidents) AddIncident(std::move(i));
}

std::string NewUuid(Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = rng.Next(), lo = rng.Next();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant 10
  std::string out;
  out.reserve(36);
  for (int i = 15; i >= 0; --i) {
    out += kHex[(hi >> (i * 4)) & 0xF];
    if (i == 8 || i == 4) out += '-';
  }
  out += '-';
  for (int i = 15; i >= 0; --i) {
    out += kHex[(lo >> (i * 4)) & 0xF];
    if (i == 12) out += '-';
  }
  return out;
}

int64_t EpochMillis(Time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace im::sim::opsgenie
