#include "core/incident.h"

#include <charconv>

namespace im::core {

Result<Status> ParseStatus(std::string_view text) {
  if (text == "open") return Status::kOpen;
  if (text == "mitigated" || text == "acknowledged") return Status::kMitigated;
  if (text == "resolved") return Status::kResolved;
  if (text == "closed") return Status::kClosed;
  return Fail(ErrorCode::kInvalidArgument, "unknown status '" + std::string(text) +
                                               "': use open, mitigated, resolved or closed");
}

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::kOpen: return "open";
    case Status::kMitigated: return "mitigated";
    case Status::kResolved: return "resolved";
    case Status::kClosed: return "closed";
  }
  return "open";
}

namespace {
constexpr std::pair<EntryKind, std::string_view> kKinds[] = {
    {EntryKind::kDeclared, "declared"},
    {EntryKind::kAcknowledged, "acknowledged"},
    {EntryKind::kResolved, "resolved"},
    {EntryKind::kClosed, "closed"},
    {EntryKind::kReopened, "reopened"},
    {EntryKind::kNote, "note"},
    {EntryKind::kStatusChange, "status_change"},
    {EntryKind::kSlaBreach, "sla_breach"},
    {EntryKind::kAssigned, "assigned"},
    {EntryKind::kFieldChanged, "field_changed"},
    {EntryKind::kSeverityChanged, "severity_changed"},
    {EntryKind::kSynced, "synced"},
};
}  // namespace

std::string_view EntryKindName(EntryKind k) {
  for (auto [kind, name] : kKinds) {
    if (kind == k) return name;
  }
  return "note";
}

Result<EntryKind> ParseEntryKind(std::string_view text) {
  for (auto [kind, name] : kKinds) {
    if (name == text) return kind;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown timeline entry kind '" + std::string(text) + "'");
}

std::string IncidentId(int64_t number) { return "INC-" + std::to_string(number); }

Result<int64_t> ParseIncidentId(std::string_view text) {
  std::string_view digits = text;
  if (digits.size() > 4 && (digits.substr(0, 4) == "INC-" || digits.substr(0, 4) == "inc-")) {
    digits.remove_prefix(4);
  }
  int64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || n <= 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(text) + "' is not an incident id: use the form INC-42");
  }
  return n;
}

}  // namespace im::core
