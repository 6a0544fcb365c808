// Reading and writing on-call definitions as SQLite rows (migration 3): schedules and policies as
// JSON definitions keyed by id and by (source, external_id), the services a policy pages for as
// rows of their own (for lookup by service), and people.
#include "store/sqlite/schedule_rows.h"

#include "common/json.h"
#include "common/time.h"
#include "schedule/schedule_json.h"

namespace im::store::sqlite {
namespace {

std::string Sql(const Kind& k, const std::string& pattern) {
  std::string out = pattern;
  for (size_t at; (at = out.find("$T")) != std::string::npos;) out.replace(at, 2, k.table);
  return out;
}

Result<std::optional<std::string>> IdOf(Connection& c, const Kind& k, std::string_view source,
                                        std::string_view external_id) {
  auto st = c.Prepare(Sql(k, "SELECT id FROM $T WHERE source = ?1 AND external_id = ?2"));
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, source).Bind(2, external_id);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  return *row ? std::optional<std::string>((*st)->Text(0)) : std::nullopt;
}

// Where the definition goes: the id of the row to update (nullopt = insert) and the final id.
struct Target {
  std::optional<std::string> existing;
  std::string id;
  std::string external_id;
};

Result<Target> Locate(Connection& c, const Kind& k, const std::string& id,
                      const std::string& source, const std::string& external_id) {
  Target t{.external_id = external_id.empty() ? id : external_id};
  if (t.external_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string("a ") + k.what + " needs an id");
  }
  auto existing = IdOf(c, k, source, t.external_id);
  if (!existing) return std::unexpected(existing.error());
  t.existing = *existing;
  t.id = id.empty() ? existing->value_or("") : id;
  if (t.id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string("a new ") + k.what + " needs an id");
  }
  if (t.id != existing->value_or("")) {
    auto st = c.Prepare(Sql(k, "SELECT source, external_id FROM $T WHERE id = ?1"));
    if (!st) return std::unexpected(st.error());
    auto row = (*st)->Bind(1, t.id).Step();
    if (!row) return std::unexpected(row.error());
    if (*row) {
      return Fail(ErrorCode::kAlreadyExists,
                  std::string(k.what) + " id '" + t.id + "' is already used by '" + (*st)->Text(1) +
                      "' from " + (*st)->Text(0) + "; choose another id");
    }
  }
  return t;
}

Result<void> UnlinkServices(Connection& c, const std::string& policy_id) {
  auto del = c.Prepare("DELETE FROM escalation_policy_services WHERE policy_id = ?1");
  if (!del) return std::unexpected(del.error());
  return (*del)->Bind(1, policy_id).Run();
}

Result<void> InsertLinks(Connection& c, const std::string& id,
                         const std::vector<std::string>& services) {
  for (const auto& s : std::set<std::string>(services.begin(), services.end())) {
    auto ins =
        c.Prepare("INSERT INTO escalation_policy_services (service, policy_id) VALUES (?1, ?2)");
    if (!ins) return std::unexpected(ins.error());
    if (auto ok = (*ins)->Bind(1, s).Bind(2, id).Run(); !ok) return ok;
  }
  return Ok();
}

}  // namespace

const Kind kSchedules{"oncall_schedules", "schedule"};
const Kind kPolicies{"escalation_policies", "escalation policy"};

Result<std::string> WriteSchedule(Connection& c, const StoredSchedule& r) {
  auto t = Locate(c, kSchedules, r.schedule.id, r.source, r.external_id);
  if (!t) return std::unexpected(t.error());
  schedule::Schedule s = r.schedule;
  s.id = t->id;
  auto st = c.Prepare(
      t->existing ? "UPDATE oncall_schedules SET id = ?1, name = ?2, time_zone = ?3, "
                    "definition = ?4, updated_at = ?5 WHERE source = ?6 AND external_id = ?7"
                  : "INSERT INTO oncall_schedules (id, name, time_zone, definition, updated_at, "
                    "source, external_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return std::unexpected(st.error());
  auto ok = (*st)
                ->Bind(1, t->id)
                .Bind(2, s.name)
                .Bind(3, s.time_zone)
                .Bind(4, json::Serialize(schedule::ScheduleToJson(s)))
                .Bind(5, ToUnixMicros(r.updated_at))
                .Bind(6, r.source)
                .Bind(7, t->external_id)
                .Run();
  if (!ok) return std::unexpected(ok.error());
  return t->id;
}

Result<std::string> WritePolicy(Connection& c, const StoredPolicy& r) {
  auto t = Locate(c, kPolicies, r.policy.id, r.source, r.external_id);
  if (!t) return std::unexpected(t.error());
  schedule::EscalationPolicy p = r.policy;
  p.id = t->id;
  if (t->existing) {  // links first: the old id may be about to change
    if (auto ok = UnlinkServices(c, *t->existing); !ok) return std::unexpected(ok.error());
  }
  auto st = c.Prepare(
      t->existing ? "UPDATE escalation_policies SET id = ?1, name = ?2, definition = ?3, "
                    "updated_at = ?4 WHERE source = ?5 AND external_id = ?6"
                  : "INSERT INTO escalation_policies (id, name, definition, updated_at, source, "
                    "external_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return std::unexpected(st.error());
  auto ok = (*st)
                ->Bind(1, t->id)
                .Bind(2, p.name)
                .Bind(3, json::Serialize(schedule::PolicyToJson(p)))
                .Bind(4, ToUnixMicros(r.updated_at))
                .Bind(5, r.source)
                .Bind(6, t->external_id)
                .Run();
  if (!ok) return std::unexpected(ok.error());
  if (auto linked = InsertLinks(c, t->id, p.services); !linked) {
    return std::unexpected(linked.error());
  }
  return t->id;
}

Result<void> WritePerson(Connection& c, const Person& p) {
  if (p.email.empty()) return Fail(ErrorCode::kInvalidArgument, "a person needs an email");
  auto st = c.Prepare(
      "INSERT INTO people (email, name, time_zone) VALUES (?1, ?2, ?3) ON CONFLICT (email) "
      "DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone");
  if (!st) return std::unexpected(st.error());
  return (*st)->Bind(1, p.email).Bind(2, p.name).Bind(3, p.time_zone).Run();
}

Result<void> DeleteRow(Connection& c, const Kind& k, std::string_view id) {
  auto st = c.Prepare(Sql(k, "DELETE FROM $T WHERE id = ?1"));
  if (!st) return std::unexpected(st.error());
  if (auto ok = (*st)->Bind(1, id).Run(); !ok) return ok;
  if (sqlite3_changes(c.raw()) == 0) {
    return Fail(ErrorCode::kNotFound, std::string("no ") + k.what + " with id '" + std::string(id) +
                                          "'; list them with `im oncall`");
  }
  return Ok();
}

namespace {

// Rows of `k` matching `where` (bound to `args` in order), sorted by id, each decoded by
// `decode(definition JSON, row id)` into T with its source, external id and updated_at set.
template <typename T, typename Decode>
Result<std::vector<T>> Query(Connection& c, const Kind& k, const std::string& where,
                             const std::vector<std::string>& args, Decode decode) {
  auto st = c.Prepare(Sql(k, "SELECT id, source, external_id, definition, updated_at FROM $T " +
                                 where + " ORDER BY id"));
  if (!st) return std::unexpected(st.error());
  for (size_t i = 0; i < args.size(); ++i) (*st)->Bind(static_cast<int>(i + 1), args[i]);
  std::vector<T> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    const std::string id = (*st)->Text(0);
    auto v = json::Parse((*st)->Text(3));
    if (!v)
      return Fail(ErrorCode::kInternal,
                  std::string("stored ") + k.what + " '" + id + "' is not JSON");
    auto item = decode(*v, id);
    if (!item) return std::unexpected(item.error().Wrap(std::string("stored ") + k.what));
    item->source = (*st)->Text(1);
    item->external_id = (*st)->Text(2);
    item->updated_at = FromUnixMicros((*st)->Int(4));
    out.push_back(std::move(*item));
  }
}

}  // namespace

Result<std::vector<StoredSchedule>> QuerySchedules(Connection& c, const std::string& where,
                                                   const std::vector<std::string>& args) {
  return Query<StoredSchedule>(
      c, kSchedules, where, args,
      [](const json::value& v, const std::string& id) -> Result<StoredSchedule> {
        auto s = schedule::ScheduleFromJson(v, id);
        if (!s) return std::unexpected(s.error());
        return StoredSchedule{.schedule = std::move(*s)};
      });
}

Result<std::vector<StoredPolicy>> QueryPolicies(Connection& c, const std::string& where,
                                                const std::vector<std::string>& args) {
  return Query<StoredPolicy>(
      c, kPolicies, where, args,
      [](const json::value& v, const std::string& id) -> Result<StoredPolicy> {
        auto p = schedule::PolicyFromJson(v, id);
        if (!p) return std::unexpected(p.error());
        return StoredPolicy{.policy = std::move(*p)};
      });
}

Result<int> RemoveOthers(Connection& c, const Kind& k, const std::string& source,
                         const std::set<std::string>& keep) {
  auto st = c.Prepare(Sql(k, "SELECT id FROM $T WHERE source = ?1"));
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, source);
  std::vector<std::string> gone;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    if (!keep.contains((*st)->Text(0))) gone.push_back((*st)->Text(0));
  }
  st->reset();
  for (const auto& id : gone) {
    if (auto ok = DeleteRow(c, k, id); !ok) return std::unexpected(ok.error());
  }
  return static_cast<int>(gone.size());
}

Result<std::vector<Person>> QueryPeople(Connection& c) {
  auto st = c.Prepare("SELECT email, name, time_zone FROM people ORDER BY email");
  if (!st) return std::unexpected(st.error());
  std::vector<Person> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(Person{(*st)->Text(0), (*st)->Text(1), (*st)->Text(2)});
  }
}

}  // namespace im::store::sqlite
