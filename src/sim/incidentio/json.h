// incident.io v1/v2 JSON for the simulator's objects, and its error body
// {"type","status","request_id","errors":[{"code","message"}]} (providers.md §5.1).
#pragma once

#include <string>

#include "common/json.h"
#include "net/http_message.h"
#include "sim/incidentio/model.h"

namespace im::sim::incidentio {

json::object UserJson(const User& u);           // UserV2
json::object UserWithRolesJson(const User& u);  // UserWithRolesV2 (GET /v2/users)
json::object SeverityJson(const Severity& s, Time at);
json::object StatusJson(const Status& s, Time at);
json::object IncidentJson(const World& w, const Incident& inc);
json::object UpdateJson(const World& w, const Update& u);
json::object ScheduleJson(const World& w, const Schedule& s, Time now);
json::object EntryJson(const World& w, const Entry& e);
json::object CatalogEntryJson(const World& w, const CatalogEntry& e);  // CatalogEntryV2
json::object ServiceTypeJson(const World& w);                          // CatalogTypeV2
json::object EscalationPathJson(const EscalationPath& p);              // EscalationPathV2
json::array CustomFieldEntriesJson(const World& w, const Incident& inc);

// The error body with `status`; `type` e.g. "validation_error", "authentication_error"; the
// error's `code` is `code`, else `type`. Each answer gets its own request_id.
net::HttpResponse ErrorResponse(int status, std::string_view type, std::string_view message,
                                std::string_view code = "");
std::string NewRequestId();
net::HttpResponse NotFound();

}  // namespace im::sim::incidentio
