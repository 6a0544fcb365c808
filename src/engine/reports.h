// The report use case shared by `im report` and GET /api/v1/reports: checks what was asked
// (dates as whole days in a zone, services, team, sources), gathers the period's incidents with
// their SLA state, timelines and attributions, the on-call hours and the DORA figures, and
// hands them to report::Compute (docs/reports.md).
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/deployments.h"
#include "engine/incidents.h"
#include "engine/oncall.h"
#include "report/report.h"
#include "store/store.h"

namespace im::engine {

struct ReportRequest {
  std::string start, end;  // YYYY-MM-DD, both days included
  std::string zone = "UTC";
  std::vector<std::string> services;
  std::string team;
  std::vector<std::string> sources;  // im, pagerduty, opsgenie, incidentio; empty: all
  std::string paper = "a4";
  int64_t timeline_limit = 0;
};

class Reports {
 public:
  // `deployments` and `oncall` may be null: the report then has no DORA or on-call hours.
  Reports(store::Store& store, Incidents& incidents, Deployments* deployments, OnCall* oncall,
          const Clock& clock)
      : store_(store),
        incidents_(incidents),
        deployments_(deployments),
        oncall_(oncall),
        clock_(clock) {}

  // kInvalidArgument (bad date, empty or reversed range, unknown zone, source or paper) or
  // kNotFound (unknown service, a team without services), each saying what to write instead.
  Result<report::Query> Check(const ReportRequest& request);
  Result<report::Report> Build(const report::Query& query);

 private:
  store::Store& store_;
  Incidents& incidents_;
  Deployments* deployments_;
  OnCall* oncall_;
  const Clock& clock_;
};

}  // namespace im::engine
