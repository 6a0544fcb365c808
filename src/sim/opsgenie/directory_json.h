// Opsgenie JSON of the configuration objects: User, Team (TeamMember, UserMeta), TeamMeta,
// Schedule, ScheduleRotation (participants, both timeRestriction forms), ScheduleOverride,
// Escalation (EscalationRule, Duration, EscalationRepeat), per swagger.json.
#pragma once

#include "common/json.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

json::object UserJson(const User& u);
json::object TeamJson(const World& w, const Team& t);
json::object TeamMetaJson(const World& w, const std::string& team_id);
// A participant or recipient with the name Opsgenie adds (username, team name, ...).
json::object RecipientJson(const World& w, const Participant& p);
json::object RotationJson(const World& w, const Rotation& r);
json::object ScheduleJson(const World& w, const Schedule& s);
json::object ScheduleMetaJson(const Schedule& s);  // ScheduleMeta {id, name, enabled}
json::object OverrideJson(const World& w, const Schedule& s, const Override& o);
json::object EscalationJson(const World& w, const Escalation& e);

}  // namespace im::sim::opsgenie
