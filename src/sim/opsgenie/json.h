// Opsgenie JSON of alerts, incidents, request statuses, logs, notes, timeline entries and the
// webhook integration's payload. Field names follow swagger.json (BaseAlert, Alert,
// AlertReport, AlertRequestStatus, AlertLog, AlertNote, BaseIncident, IncidentRequestStatus)
// and providers.md §4; times are printed with milliseconds.
#pragma once

#include <string>

#include "common/json.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

// BaseAlert (lists); `full` adds Alert's actions, entity, description and details (GET).
json::object AlertJson(const World& w, const Alert& a, bool full);
// AlertRequestStatus / IncidentRequestStatus, with both `success` and `isSuccess`.
json::object RequestStatusJson(const World& w, const Request& r);
// AlertLog / AlertNote; `offset` is the line's cursor.
json::object LogJson(const LogLine& l);
json::object NoteJson(const LogLine& l);
std::string LineOffset(const LogLine& l);
// BaseIncident (+ serviceId, as the official Go SDK reads it).
json::object IncidentJson(const World& w, const Incident& i);
json::object TimelineEntryJson(const TimelineEntry& e);
json::object ResponderJson(const Participant& p);
// {"action","alert":{...},"source":{...},"integrationName","integrationId","integrationType"}.
json::object WebhookJson(const World& w, const std::string& action, const Alert& a,
                         const std::string& user, const std::string& note);

}  // namespace im::sim::opsgenie
