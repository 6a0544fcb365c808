// Opsgenie schedules and escalations into im's on-call store (source "opsgenie:<connector>").
#include "connectors/opsgenie/opsgenie_connector.h"

namespace im::connectors::opsgenie {

Result<int> OpsgenieConnector::ImportOnCall(SyncReport& /*report*/) { return 0; }

}  // namespace im::connectors::opsgenie
