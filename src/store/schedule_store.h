// Storage of on-call data: schedules, escalation policies (with the services they page for) and
// people (their time zone splits on-call hours). Every schedule and policy has a source — "im"
// for those defined here (YAML file, API), "pagerduty:<connector>" for imported ones — and an id
// in that source (external_id), so an import can upsert by (source, external_id) and replace
// all of one source at once without touching the others. Backends pass
// tests/store/schedule_store_contract.h. Writes are durable when they return ok.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "schedule/escalation.h"
#include "schedule/model.h"

namespace im::store {

inline constexpr std::string_view kImSource = "im";

struct StoredSchedule {
  schedule::Schedule schedule;  // schedule.id is im's id, unique across sources
  std::string source{kImSource};
  std::string external_id;  // the id in `source`; "" = schedule.id
  Time updated_at{};

  bool operator==(const StoredSchedule&) const = default;
};

struct StoredPolicy {
  schedule::EscalationPolicy policy;  // policy.services are the service → policy links
  std::string source{kImSource};
  std::string external_id;  // "" = policy.id
  Time updated_at{};
};

struct Person {
  std::string email;
  std::string name;
  std::string time_zone;  // IANA; "" = unknown (the schedule's zone is used)

  bool operator==(const Person&) const = default;
};

// Everything one source holds, for ReplaceSource.
struct SourceContents {
  std::vector<StoredSchedule> schedules;
  std::vector<StoredPolicy> policies;
  std::vector<Person> people;  // upserted; people are shared by all sources and never removed
};

struct ReplaceCounts {
  int schedules_saved = 0, schedules_removed = 0;
  int policies_saved = 0, policies_removed = 0;
  int people_saved = 0;
};

class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;

  // Inserts, or updates the schedule with the same (source, external_id) in place. An update
  // keeps the stored id when schedule.id is "" (an importer need not remember ids). A new
  // schedule needs an id; kAlreadyExists when another (source, external_id) holds that id.
  // Returns the stored id.
  virtual Result<std::string> UpsertSchedule(const StoredSchedule& schedule) = 0;
  virtual Result<std::string> UpsertPolicy(const StoredPolicy& policy) = 0;
  virtual Result<void> UpsertPerson(const Person& person) = 0;
  // kNotFound when there is no such id.
  virtual Result<void> DeleteSchedule(std::string_view id) = 0;
  virtual Result<void> DeletePolicy(std::string_view id) = 0;

  // In one transaction: upserts everything in `contents` (each record's source is set to
  // `source`) and removes this source's schedules and policies that are not in it. Other
  // sources are untouched. On error nothing changes.
  virtual Result<ReplaceCounts> ReplaceSource(std::string_view source,
                                              const SourceContents& contents) = 0;

  // Sorted by id.
  virtual Result<std::vector<StoredSchedule>> ListSchedules() = 0;
  virtual Result<StoredSchedule> GetSchedule(std::string_view id) = 0;  // kNotFound
  virtual Result<std::optional<StoredSchedule>> FindSchedule(std::string_view source,
                                                             std::string_view external_id) = 0;
  virtual Result<std::vector<StoredPolicy>> ListPolicies() = 0;     // sorted by id
  virtual Result<StoredPolicy> GetPolicy(std::string_view id) = 0;  // kNotFound
  virtual Result<std::optional<StoredPolicy>> FindPolicy(std::string_view source,
                                                         std::string_view external_id) = 0;
  // The policy with the smallest id among those linked to `service`; nullopt when none is.
  virtual Result<std::optional<StoredPolicy>> PolicyForService(std::string_view service) = 0;
  virtual Result<std::vector<Person>> ListPeople() = 0;  // sorted by email
};

}  // namespace im::store
