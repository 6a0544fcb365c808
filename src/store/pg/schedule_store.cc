// PgScheduleStore: schedules and policies as JSON definitions keyed by id and by
// (source, external_id), the services a policy pages for as rows of their own, and people;
// the same rows and rules as store/sqlite/schedule_rows.cc.
#include "store/pg/schedule_store.h"

#include <set>

#include "common/json.h"
#include "common/time.h"
#include "schedule/schedule_json.h"
#include "store/found.h"

namespace im::store::pg {
namespace {

struct PgKind {
  const char* table;
  const char* what;  // for messages
};
const PgKind kPgSchedules{"oncall_schedules", "schedule"};
const PgKind kPgPolicies{"escalation_policies", "escalation policy"};

std::string KindSql(const PgKind& k, const std::string& pattern) {
  std::string out = pattern;
  for (size_t at; (at = out.find("$T")) != std::string::npos;) out.replace(at, 2, k.table);
  return out;
}

struct PgTarget {
  std::optional<std::string> existing;
  std::string id;
  std::string external_id;
};

// Where the definition goes: the id of the row to update (nullopt = insert) and the final id.
// The row of (source, external_id), if any, is locked until the transaction ends.
Result<PgTarget> LocateRow(Connection& c, const PgKind& k, const std::string& id,
                           const std::string& source, const std::string& external_id) {
  PgTarget t{.external_id = external_id.empty() ? id : external_id};
  if (t.external_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string("a ") + k.what + " needs an id");
  }
  auto existing =
      c.Query(KindSql(k, "SELECT id FROM $T WHERE source = $1 AND external_id = $2 FOR UPDATE"),
              Params().Add(source).Add(t.external_id));
  if (!existing) return std::unexpected(existing.error());
  if (existing->rows() > 0) t.existing = existing->Text(0, 0);
  t.id = id.empty() ? t.existing.value_or("") : id;
  if (t.id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string("a new ") + k.what + " needs an id");
  }
  if (t.id != t.existing.value_or("")) {
    auto other =
        c.Query(KindSql(k, "SELECT source, external_id FROM $T WHERE id = $1"), Params().Add(t.id));
    if (!other) return std::unexpected(other.error());
    if (other->rows() > 0) {
      return Fail(ErrorCode::kAlreadyExists,
                  std::string(k.what) + " id '" + t.id + "' is already used by '" +
                      other->Text(0, 1) + "' from " + other->Text(0, 0) + "; choose another id");
    }
  }
  return t;
}

Result<std::string> PgWriteSchedule(Connection& c, const StoredSchedule& r) {
  auto t = LocateRow(c, kPgSchedules, r.schedule.id, r.source, r.external_id);
  if (!t) return std::unexpected(t.error());
  schedule::Schedule s = r.schedule;
  s.id = t->id;
  auto ok = c.Run(
      t->existing ? "UPDATE oncall_schedules SET id = $1, name = $2, time_zone = $3, "
                    "definition = $4, updated_at = $5 WHERE source = $6 AND external_id = $7"
                  : "INSERT INTO oncall_schedules (id, name, time_zone, definition, updated_at, "
                    "source, external_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      Params()
          .Add(t->id)
          .Add(s.name)
          .Add(s.time_zone)
          .Add(json::Serialize(schedule::ScheduleToJson(s)))
          .Add(ToUnixMicros(r.updated_at))
          .Add(r.source)
          .Add(t->external_id));
  if (!ok) return std::unexpected(ok.error());
  return t->id;
}

Result<std::string> PgWritePolicy(Connection& c, const StoredPolicy& r) {
  auto t = LocateRow(c, kPgPolicies, r.policy.id, r.source, r.external_id);
  if (!t) return std::unexpected(t.error());
  schedule::EscalationPolicy p = r.policy;
  p.id = t->id;
  if (t->existing) {  // links first: the old id may be about to change
    if (auto ok = c.Run("DELETE FROM escalation_policy_services WHERE policy_id = $1",
                        Params().Add(*t->existing));
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  auto ok = c.Run(
      t->existing ? "UPDATE escalation_policies SET id = $1, name = $2, definition = $3, "
                    "updated_at = $4 WHERE source = $5 AND external_id = $6"
                  : "INSERT INTO escalation_policies (id, name, definition, updated_at, source, "
                    "external_id) VALUES ($1, $2, $3, $4, $5, $6)",
      Params()
          .Add(t->id)
          .Add(p.name)
          .Add(json::Serialize(schedule::PolicyToJson(p)))
          .Add(ToUnixMicros(r.updated_at))
          .Add(r.source)
          .Add(t->external_id));
  if (!ok) return std::unexpected(ok.error());
  for (const auto& s : std::set<std::string>(p.services.begin(), p.services.end())) {
    if (auto linked =
            c.Run("INSERT INTO escalation_policy_services (service, policy_id) VALUES ($1, $2)",
                  Params().Add(s).Add(t->id));
        !linked) {
      return std::unexpected(linked.error());
    }
  }
  return t->id;
}

Result<void> PgWritePerson(Connection& c, const Person& p) {
  if (p.email.empty()) return Fail(ErrorCode::kInvalidArgument, "a person needs an email");
  return c.Run(
      "INSERT INTO people (email, name, time_zone) VALUES ($1, $2, $3) ON CONFLICT (email) "
      "DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone",
      Params().Add(p.email).Add(p.name).Add(p.time_zone));
}

Result<void> PgDeleteRow(Connection& c, const PgKind& k, std::string_view id) {
  auto r = c.Query(KindSql(k, "DELETE FROM $T WHERE id = $1"), Params().Add(id));
  if (!r) return std::unexpected(r.error());
  if (r->affected() == 0) {
    return Fail(ErrorCode::kNotFound, std::string("no ") + k.what + " with id '" + std::string(id) +
                                          "'; list them with `im oncall`");
  }
  return Ok();
}

Result<int> PgRemoveOthers(Connection& c, const PgKind& k, const std::string& source,
                           const std::set<std::string>& keep) {
  auto r = c.Query(KindSql(k, "SELECT id FROM $T WHERE source = $1"), Params().Add(source));
  if (!r) return std::unexpected(r.error());
  std::vector<std::string> gone;
  for (int i = 0; i < r->rows(); ++i) {
    if (!keep.contains(r->Text(i, 0))) gone.push_back(r->Text(i, 0));
  }
  for (const auto& id : gone) {
    if (auto ok = PgDeleteRow(c, k, id); !ok) return std::unexpected(ok.error());
  }
  return static_cast<int>(gone.size());
}

// Rows of `k` matching `where` ($1.. bound to `args` in order), sorted by id, each decoded by
// `decode(definition JSON, row id)` into T with its source, external id and updated_at set.
template <typename T, typename Decode>
Result<std::vector<T>> QueryKind(Connection& c, const PgKind& k, const std::string& where,
                                 const std::vector<std::string>& args, Decode decode) {
  Params p;
  for (const auto& a : args) p.Add(a);
  auto r = c.Query(KindSql(k, "SELECT id, source, external_id, definition, updated_at FROM $T " +
                                  where + " ORDER BY id"),
                   p);
  if (!r) return std::unexpected(r.error());
  std::vector<T> out;
  for (int i = 0; i < r->rows(); ++i) {
    const std::string id = r->Text(i, 0);
    auto v = json::Parse(r->Text(i, 3));
    if (!v) {
      return Fail(ErrorCode::kInternal,
                  std::string("stored ") + k.what + " '" + id + "' is not JSON");
    }
    auto item = decode(*v, id);
    if (!item) return std::unexpected(item.error().Wrap(std::string("stored ") + k.what));
    item->source = r->Text(i, 1);
    item->external_id = r->Text(i, 2);
    item->updated_at = FromUnixMicros(r->Int(i, 4));
    out.push_back(std::move(*item));
  }
  return out;
}

Result<std::vector<StoredSchedule>> PgQuerySchedules(Connection& c, const std::string& where,
                                                     const std::vector<std::string>& args) {
  return QueryKind<StoredSchedule>(
      c, kPgSchedules, where, args,
      [](const json::value& v, const std::string& id) -> Result<StoredSchedule> {
        auto s = schedule::ScheduleFromJson(v, id);
        if (!s) return std::unexpected(s.error());
        return StoredSchedule{.schedule = std::move(*s)};
      });
}

Result<std::vector<StoredPolicy>> PgQueryPolicies(Connection& c, const std::string& where,
                                                  const std::vector<std::string>& args) {
  return QueryKind<StoredPolicy>(
      c, kPgPolicies, where, args,
      [](const json::value& v, const std::string& id) -> Result<StoredPolicy> {
        auto p = schedule::PolicyFromJson(v, id);
        if (!p) return std::unexpected(p.error());
        return StoredPolicy{.policy = std::move(*p)};
      });
}

}  // namespace

Result<std::string> PgScheduleStore::UpsertSchedule(const StoredSchedule& schedule) {
  return WriteValue(store_, [&](Connection& c) { return PgWriteSchedule(c, schedule); });
}

Result<std::string> PgScheduleStore::UpsertPolicy(const StoredPolicy& policy) {
  return WriteValue(store_, [&](Connection& c) { return PgWritePolicy(c, policy); });
}

Result<void> PgScheduleStore::UpsertPerson(const Person& person) {
  return store_.WriteWith([&](Connection& c) { return PgWritePerson(c, person); });
}

Result<void> PgScheduleStore::DeleteSchedule(std::string_view id) {
  return store_.WriteWith([&](Connection& c) { return PgDeleteRow(c, kPgSchedules, id); });
}

Result<void> PgScheduleStore::DeletePolicy(std::string_view id) {
  return store_.WriteWith([&](Connection& c) { return PgDeleteRow(c, kPgPolicies, id); });
}

Result<ReplaceCounts> PgScheduleStore::ReplaceSource(std::string_view source_view,
                                                     const SourceContents& contents) {
  const std::string source(source_view);
  return WriteValue(store_, [&](Connection& c) -> Result<ReplaceCounts> {
    std::set<std::string> schedules, policies;
    for (StoredSchedule s : contents.schedules) {
      s.source = source;
      auto id = PgWriteSchedule(c, s);
      if (!id) return std::unexpected(id.error().Wrap("schedule '" + s.schedule.id + "'"));
      schedules.insert(*id);
    }
    for (StoredPolicy p : contents.policies) {
      p.source = source;
      auto id = PgWritePolicy(c, p);
      if (!id) return std::unexpected(id.error().Wrap("escalation policy '" + p.policy.id + "'"));
      policies.insert(*id);
    }
    for (const auto& person : contents.people) {
      if (auto ok = PgWritePerson(c, person); !ok) return std::unexpected(ok.error());
    }
    auto removed_schedules = PgRemoveOthers(c, kPgSchedules, source, schedules);
    if (!removed_schedules) return std::unexpected(removed_schedules.error());
    auto removed_policies = PgRemoveOthers(c, kPgPolicies, source, policies);
    if (!removed_policies) return std::unexpected(removed_policies.error());
    return ReplaceCounts{.schedules_saved = static_cast<int>(schedules.size()),
                         .schedules_removed = *removed_schedules,
                         .policies_saved = static_cast<int>(policies.size()),
                         .policies_removed = *removed_policies,
                         .people_saved = static_cast<int>(contents.people.size())};
  });
}

Result<std::vector<StoredSchedule>> PgScheduleStore::ListSchedules() {
  return ReadValue(store_, [&](Connection& c) { return PgQuerySchedules(c, "", {}); });
}

Result<StoredSchedule> PgScheduleStore::GetSchedule(std::string_view id) {
  return OneFound(ReadValue(store_,
                            [&](Connection& c) {
                              return PgQuerySchedules(c, "WHERE id = $1", {std::string(id)});
                            }),
                  kPgSchedules.what, id);
}

Result<std::optional<StoredSchedule>> PgScheduleStore::FindSchedule(std::string_view source,
                                                                    std::string_view external_id) {
  return FirstFound(ReadValue(store_, [&](Connection& c) {
    return PgQuerySchedules(c, "WHERE source = $1 AND external_id = $2",
                            {std::string(source), std::string(external_id)});
  }));
}

Result<std::vector<StoredPolicy>> PgScheduleStore::ListPolicies() {
  return ReadValue(store_, [&](Connection& c) { return PgQueryPolicies(c, "", {}); });
}

Result<StoredPolicy> PgScheduleStore::GetPolicy(std::string_view id) {
  return OneFound(ReadValue(store_,
                            [&](Connection& c) {
                              return PgQueryPolicies(c, "WHERE id = $1", {std::string(id)});
                            }),
                  kPgPolicies.what, id);
}

Result<std::optional<StoredPolicy>> PgScheduleStore::FindPolicy(std::string_view source,
                                                                std::string_view external_id) {
  return FirstFound(ReadValue(store_, [&](Connection& c) {
    return PgQueryPolicies(c, "WHERE source = $1 AND external_id = $2",
                           {std::string(source), std::string(external_id)});
  }));
}

Result<std::optional<StoredPolicy>> PgScheduleStore::PolicyForService(std::string_view service) {
  return FirstFound(ReadValue(store_, [&](Connection& c) {
    return PgQueryPolicies(c,
                           "WHERE id = (SELECT min(policy_id) FROM escalation_policy_services "
                           "WHERE service = $1)",
                           {std::string(service)});
  }));
}

Result<std::vector<Person>> PgScheduleStore::ListPeople() {
  return ReadValue(store_, [&](Connection& c) -> Result<std::vector<Person>> {
    auto r = c.Query("SELECT email, name, time_zone FROM people ORDER BY email");
    if (!r) return std::unexpected(r.error());
    std::vector<Person> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(Person{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2)});
    }
    return out;
  });
}

}  // namespace im::store::pg
