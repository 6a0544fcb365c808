// Lookups and ids of the PagerDuty world.
#include "sim/pagerduty/model.h"

#include <algorithm>

namespace im::sim::pagerduty {
namespace {

template <typename T>
const T* FindById(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}

// SplitMix64's finaliser is a bijection on 64-bit values: distinct serials, distinct ids.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

const User* World::FindUser(std::string_view id) const { return FindById(users, id); }

const User* World::FindUserByEmail(std::string_view email) const {
  for (const auto& u : users) {
    if (u.email.size() == email.size() &&
        std::equal(u.email.begin(), u.email.end(), email.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return &u;
    }
  }
  return nullptr;
}

const Service* World::FindService(std::string_view id) const { return FindById(services, id); }

const Service* World::FindServiceByRoutingKey(std::string_view key) const {
  for (const auto& s : services) {
    if (s.integration_key == key) return &s;
  }
  return nullptr;
}

Incident* World::FindIncident(const std::string& id) {
  auto it = incident_index.find(id);
  return it == incident_index.end() ? nullptr : &incidents[it->second];
}

void World::AddIncident(Incident incident) {
  incident_index.emplace(incident.id, incidents.size());
  incidents.push_back(std::move(incident));
}

std::string World::NewId(char prefix, size_t length) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  uint64_t v = Mix(next_serial++);
  std::string id(length, '0');
  id[0] = prefix;
  for (size_t i = length - 1; i > 0; --i) {
    id[i] = kDigits[v % 36];
    v /= 36;
  }
  return id;
}

}  // namespace im::sim::pagerduty
