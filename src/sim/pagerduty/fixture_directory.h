// The PagerDuty directory of a fixture (fixture.h): teams, users, priorities, schedules,
// escalation policies and services in their REST API v2 shapes, each appended to the world
// once its own references were checked. Read in that order, every reference points back.
#pragma once

#include "sim/common/fixture.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

// The ids in use while a fixture is read, to refuse clashes and resolve references.
struct FixtureRefs {
  FixtureIds teams{"team", "teams"};
  FixtureIds users{"user", "users"};
  FixtureIds priorities{"priority", "priorities"};
  FixtureIds schedules{"schedule", "schedules"};
  FixtureIds policies{"escalation policy", "escalation_policies"};
  FixtureIds services{"service", "services"};
  FixtureIds incidents{"incident", "incidents"};
  FixtureIds numbers{"incident number", "incidents"};

  // Registers what `w` already holds (extend mode's generated data).
  void AddGenerated(const World& w);
};

// Reads the directory collections of `root` into `w`; problems are recorded in root's context.
void ReadDirectory(const FixtureObject& root, World& w, FixtureRefs& refs);

}  // namespace im::sim::pagerduty
