// The Opsgenie directory of a fixture (fixture.h): users, teams, services, schedules (their
// rotations read by the same reader as POST /v2/schedules) and escalations in the shapes the
// API answers with, each appended to the world once its own references were checked. Read in
// that order, every reference points back.
#pragma once

#include "sim/common/fixture.h"
#include "sim/common/random.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

// The ids in use while a fixture is read, to refuse clashes and resolve references.
struct FixtureRefs {
  FixtureIds users{"user", "users"};
  FixtureIds usernames{"username", "users"};
  FixtureIds teams{"team", "teams"};
  FixtureIds services{"service", "services"};
  FixtureIds schedules{"schedule", "schedules"};
  FixtureIds escalations{"escalation", "escalations"};
  FixtureIds alerts{"alert", "alerts"};
  FixtureIds alert_tiny_ids{"alert tinyId", "alerts"};
  FixtureIds incidents{"incident", "incidents"};
  FixtureIds incident_tiny_ids{"incident tinyId", "incidents"};

  // Registers what `w` already holds (extend mode's generated data).
  void AddGenerated(const World& w);
  // The id of the user `key` names (an id or a username, as Opsgenie takes either); "" and the
  // error recorded when there is none.
  std::string UserId(const World& w, const FixtureObject& at, std::string_view field,
                     const std::string& key) const;
  // False (and the error recorded) unless `p` (read from `at`) names a known user, team,
  // escalation or schedule; a user named by username gets its id.
  bool ResolveParticipant(const World& w, const FixtureObject& at, Participant& p) const;
};

// Reads the directory collections of `root` into `w`; problems are recorded in root's context.
void ReadDirectory(const FixtureObject& root, World& w, Rng& rng, FixtureRefs& refs);

}  // namespace im::sim::opsgenie
