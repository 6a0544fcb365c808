#include "connectors/incidentio/mapping.h"

#include <algorithm>

#include "common/time.h"

namespace im::connectors::incidentio {
namespace {

std::string IioLowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Result<Time> IioTimeField(const json::object& o, std::string_view field, std::string_view what) {
  std::string text = json::StringOr(o, field);
  auto t = ParseTime(text);
  if (!t) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " has no valid " + std::string(field) + " (\"" + text + "\")");
  }
  return *t;
}

const json::object* IioObjectField(const json::object& o, std::string_view field) {
  auto it = o.find(field);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

const json::array* IioArrayField(const json::object& o, std::string_view field) {
  auto it = o.find(field);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

// The email of an ActorV2 ({"user": {...}}) or a UserV2.
std::string IioActorEmail(const json::object* actor) {
  if (!actor) return "";
  if (const auto* user = IioObjectField(*actor, "user")) return json::StringOr(*user, "email");
  return json::StringOr(*actor, "email");
}

bool IioOpenCategory(const std::string& c) {
  return c == "triage" || c == "live" || c == "paused" || !KnownCategory(c);
}

std::string IioActor(const std::string& email, const IioContext& ctx) {
  return email.find('@') != std::string::npos ? email : ctx.fallback_actor;
}

}  // namespace

bool KnownCategory(const std::string& c) {
  static const char* kKnown[] = {"triage", "declined", "merged", "canceled",
                                 "live",   "learning", "closed", "paused"};
  return std::any_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return c == k; });
}

bool ExcludedCategory(const std::string& c) {
  return c == "declined" || c == "canceled" || c == "merged";
}

Result<IioSeverity> ParseSeverity(const json::object& o) {
  IioSeverity s{json::StringOr(o, "id"), json::StringOr(o, "name"), 0};
  if (s.id.empty()) return Fail(ErrorCode::kInvalidArgument, "an incident.io severity has no id");
  if (auto rank = json::GetOptionalInt(o, "rank"); rank && *rank) s.rank = **rank;
  return s;
}

Result<IioUpdate> ParseUpdate(const json::object& o) {
  IioUpdate u;
  u.id = json::StringOr(o, "id");
  if (u.id.empty()) return Fail(ErrorCode::kInvalidArgument, "an incident update has no id");
  auto at = IioTimeField(o, "created_at", "incident update " + u.id);
  if (!at) return std::unexpected(at.error());
  u.created_at = *at;
  if (const auto* st = IioObjectField(o, "new_incident_status")) {
    u.status_name = json::StringOr(*st, "name");
    u.category = json::StringOr(*st, "category");
  }
  u.message = json::StringOr(o, "message");
  u.updater_email = IioActorEmail(IioObjectField(o, "updater"));
  u.merged_into = json::StringOr(o, "merged_into_incident_id");
  return u;
}

Result<IioIncident> ParseIncident(const json::object& o) {
  IioIncident i;
  i.id = json::StringOr(o, "id");
  if (i.id.empty()) return Fail(ErrorCode::kInvalidArgument, "an incident.io incident has no id");
  std::string what = "incident.io incident " + i.id;
  auto created = IioTimeField(o, "created_at", what);
  if (!created) return std::unexpected(created.error());
  i.created_at = *created;
  auto updated = IioTimeField(o, "updated_at", what);
  i.updated_at = updated ? *updated : i.created_at;
  i.reference = json::StringOr(o, "reference");
  i.name = json::StringOr(o, "name");
  i.summary = json::StringOr(o, "summary");
  i.permalink = json::StringOr(o, "permalink");
  if (std::string mode = json::StringOr(o, "mode"); !mode.empty()) i.mode = mode;
  if (std::string v = json::StringOr(o, "visibility"); !v.empty()) i.visibility = v;
  if (const auto* st = IioObjectField(o, "incident_status")) {
    i.status_name = json::StringOr(*st, "name");
    i.category = json::StringOr(*st, "category");
  }
  if (const auto* sev = IioObjectField(o, "severity")) {
    if (auto s = ParseSeverity(*sev)) i.severity = *s;
  }
  if (const auto* type = IioObjectField(o, "incident_type")) i.type = json::StringOr(*type, "name");
  if (const auto* roles = IioArrayField(o, "incident_role_assignments")) {
    for (const auto& r : *roles) {
      if (!r.is_object()) continue;
      std::string email = IioActorEmail(IioObjectField(r.as_object(), "assignee"));
      if (email.find('@') == std::string::npos) continue;
      if (std::find(i.responders.begin(), i.responders.end(), email) != i.responders.end()) {
        continue;
      }
      std::string role;
      if (const auto* role_obj = IioObjectField(r.as_object(), "role")) {
        role = json::StringOr(*role_obj, "role_type");
      }
      if (role == "lead") {
        i.responders.insert(i.responders.begin(), email);
      } else {
        i.responders.push_back(email);
      }
    }
  }
  if (const auto* fields = IioArrayField(o, "custom_field_entries")) {
    for (const auto& f : *fields) {
      if (!f.is_object()) continue;
      const auto* field = IioObjectField(f.as_object(), "custom_field");
      if (!field ||
          IioLowerCase(json::StringOr(*field, "name")).find("service") == std::string::npos) {
        continue;
      }
      for (const auto& v : IioArrayField(f.as_object(), "values")
                               ? *IioArrayField(f.as_object(), "values")
                               : json::array{}) {
        if (!v.is_object()) continue;
        if (const auto* entry = IioObjectField(v.as_object(), "value_catalog_entry")) {
          std::string name = json::StringOr(*entry, "name");
          if (!name.empty()) i.services.push_back(name);
        }
      }
    }
  }
  return i;
}

core::Severity SeverityFor(const std::optional<IioSeverity>& severity,
                           const std::vector<IioSeverity>& all, const Settings& s) {
  if (!severity) return core::Severity::kSev3;
  if (auto it = s.severity_mapping.find(severity->name); it != s.severity_mapping.end()) {
    return it->second;
  }
  const std::string lower = IioLowerCase(severity->name);
  for (const auto& [name, sev] : s.severity_mapping) {
    if (IioLowerCase(name) == lower) return sev;
  }
  if (lower == "critical") return core::Severity::kSev1;
  if (lower == "major") return core::Severity::kSev2;
  if (lower == "minor") return core::Severity::kSev3;
  if (lower == "informational") return core::Severity::kSev4;
  // By rank among the organisation's severities: the most severe quarter is SEV-1, and so on.
  std::vector<int64_t> ranks;
  for (const auto& x : all) ranks.push_back(x.rank);
  if (std::find(ranks.begin(), ranks.end(), severity->rank) == ranks.end()) {
    ranks.push_back(severity->rank);
  }
  std::sort(ranks.begin(), ranks.end(), std::greater<>());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  auto pos =
      static_cast<int64_t>(std::find(ranks.begin(), ranks.end(), severity->rank) - ranks.begin());
  int64_t n = static_cast<int64_t>(ranks.size());
  int64_t level = 1 + pos * 4 / std::max<int64_t>(n, 1);
  return static_cast<core::Severity>(std::clamp<int64_t>(level, 1, 4));
}

std::string IioServiceName(const std::string& name) {
  size_t start = 0;
  while (start < name.size() && !std::isalnum(static_cast<unsigned char>(name[start]))) ++start;
  std::string out;
  for (size_t i = start; i < name.size() && out.size() < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    out += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

ObservedIncident Observe(const IioIncident& i, const Settings& s, const IioContext& ctx) {
  ObservedIncident o;
  o.provider = "incident.io";
  o.source = "incidentio";
  o.external_id = i.id;
  o.key_prefix = "iio:" + i.id;
  o.label = "incident.io incident " + (i.reference.empty() ? i.id : i.reference);
  o.title = i.name.empty() ? o.label : i.name;
  o.severity = SeverityFor(i.severity, ctx.severities, s);
  o.urgency = core::DefaultUrgency(o.severity);
  for (const auto& name : i.services) {
    if (std::string svc = IioServiceName(name); !svc.empty()) {
      o.service = svc;
      break;
    }
  }
  if (o.service.empty()) o.service = ctx.default_service;
  o.created_at = i.created_at;
  o.assignees = i.responders;
  o.fallback_actor = ctx.fallback_actor;
  o.custom_fields["incidentio_id"] = i.id;
  if (!i.reference.empty()) o.custom_fields["incidentio_reference"] = i.reference;
  if (!i.permalink.empty()) o.custom_fields["incidentio_url"] = i.permalink;
  o.custom_fields["incidentio_status"] = i.status_name;
  o.custom_fields["incidentio_category"] = i.category;
  if (!i.type.empty()) o.custom_fields["incidentio_type"] = i.type;
  if (i.visibility == "private") o.custom_fields["incidentio_visibility"] = "private";

  // The times, from the updates: the first time it went live, the last time it left the open
  // categories (a reopened incident is resolved again later).
  std::optional<Time> resolved_at;
  Time closed_at{};  // valid when `closing_since`
  bool closing_since = false;
  std::string resolved_by;
  std::string merged_into;
  bool open_before = true;
  for (const auto& u : i.updates) {
    if (u.category.empty()) continue;
    if (u.category == "live" && !o.acknowledged_at) {
      o.acknowledged_at = u.created_at;
      o.acknowledged_by = IioActor(u.updater_email, ctx);
    }
    const bool open = IioOpenCategory(u.category);
    if (!open && open_before) {
      resolved_at = u.created_at;
      resolved_by = IioActor(u.updater_email, ctx);
    }
    // Closed when it last entered a closing category (closed, declined, canceled, merged).
    const bool closing = !open && u.category != "learning";
    if (closing && !closing_since) closed_at = u.created_at;
    closing_since = closing;
    if (!u.merged_into.empty()) merged_into = u.merged_into;
    open_before = open;
  }
  // An incident declared live (no update read, or none before) was acknowledged by declaring.
  if (!o.acknowledged_at && i.category == "live") o.acknowledged_at = i.created_at;
  const std::string& c = i.category;
  if (c == "triage" || c == "live" || c == "paused" || !KnownCategory(c)) {
    o.status =
        c == "live" && s.Mitigated(i.status_name) ? core::Status::kMitigated : core::Status::kOpen;
  } else {
    o.status = c == "learning" ? core::Status::kResolved : core::Status::kClosed;
    o.resolved_at = resolved_at.value_or(i.updated_at);
    o.resolved_by = resolved_by;
    if (o.status == core::Status::kClosed) o.closed_at = closing_since ? closed_at : i.updated_at;
  }
  // Set either way: what an earlier sync stored is replaced, never left behind.
  o.custom_fields["incidentio_paused"] = c == "paused" ? "true" : "false";
  o.in_metrics = !ExcludedCategory(c);
  if (ExcludedCategory(c)) {
    o.custom_fields["mttr"] = "excluded";
    if (!merged_into.empty()) o.custom_fields["incidentio_merged_into"] = merged_into;
  } else {
    o.custom_fields["mttr"] = "included";
  }
  return o;
}

std::optional<Time> LastReopen(const IioIncident& i) {
  std::optional<Time> reopened;
  bool was_done = false;
  for (const auto& u : i.updates) {
    if (u.category.empty()) continue;
    const bool open = IioOpenCategory(u.category);
    if (open && was_done) reopened = u.created_at;
    was_done = !open;
  }
  return reopened;
}

std::vector<core::TimelineEntry> UpdateEntries(const IioIncident& i, const IioContext& ctx) {
  std::vector<core::TimelineEntry> out;
  for (const auto& u : i.updates) {
    if (u.message.empty()) continue;
    std::string text = "incident.io update";
    if (!u.status_name.empty()) text += " (" + u.status_name + ")";
    out.push_back({.at = u.created_at,
                   .kind = core::EntryKind::kNote,
                   .actor = IioActor(u.updater_email, ctx),
                   .message = text + ": " + u.message,
                   .source = "incidentio",
                   .external_key = "iio:" + i.id + ":update:" + u.id});
  }
  return out;
}

}  // namespace im::connectors::incidentio
