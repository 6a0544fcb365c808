// What the incident.io simulator's handlers share: the organisation behind one mutex, the
// webhook queue, and the incident changes that record incident updates and emit the Standard
// Webhooks deliveries ({"event_type":"<name>","<name>":{...}}). *Locked methods expect `mu`.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "sim/common/random.h"
#include "sim/common/webhook_queue.h"
#include "sim/incidentio/model.h"

namespace im::sim::incidentio {

struct State {
  State(const Clock& c, WebhookQueue* q, uint64_t seed) : clock(c), webhooks(q), rng(seed) {}

  const Clock& clock;
  WebhookQueue* webhooks;  // may be null (no delivery)
  std::mutex mu;
  World world;  // GUARDED_BY(mu)
  Rng rng;      // GUARDED_BY(mu)

  // Declares an incident (`prepare` sets what the request chose: visibility, mode, creator)
  // and emits public_incident.incident_created_v2, or private_incident.incident_created_v2
  // carrying only {"id"} for a private one.
  Incident& DeclareLocked(std::string name, std::string severity_id, const std::string& by, Time at,
                          const std::function<void(Incident&)>& prepare = {});
  // Applies a status change (and emits incident_status_updated_v2 and incident_updated_v2).
  bool ChangeStatusLocked(Incident& inc, const std::string& status_id, const std::string& by,
                          Time at, std::string message);
  // Any other edit: emits public_incident.incident_updated_v2.
  void TouchLocked(Incident& inc, Time at);
  // A follow-up on the incident: public_incident.follow_up_created_v2 with the follow-up
  // (FollowUpV2: id, incident_id, title, status "outstanding", creator, times), or
  // private_incident.follow_up_created_v2 with only its {"id"}. Returns the follow-up's id.
  std::string AddFollowUpLocked(Incident& inc, std::string title, const std::string& by, Time at);
  // Hands every rotation of the schedule to `user_ids` from `at`: emits schedule.updated_v1
  // (the schedule's id, name, timezone, team_ids, times) and, when who is on call at `at`
  // changed, schedule.shift_change_v1 with previous_users and current_users.
  void ChangeScheduleUsersLocked(Schedule& s, const std::vector<std::string>& user_ids, Time at);
  void EmitLocked(const std::string& event_type, const std::string& resource, json::object payload);
  // `event` ("incident_updated_v2") as public_incident.<event> with `payload`, or, for a
  // private incident, private_incident.<event> with only {"id"} (status changes of a private
  // incident are private_incident.incident_updated_v2: there is no private status event).
  void EmitIncidentLocked(const Incident& inc, const std::string& event, json::object payload);
};

}  // namespace im::sim::incidentio
