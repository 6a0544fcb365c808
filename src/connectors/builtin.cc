// The connector types built into im: adding a provider adds its folder and one line here.
#include "connectors/incidentio/incidentio_connector.h"
#include "connectors/opsgenie/opsgenie_connector.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "connectors/registry.h"

namespace im::connectors {

const Registry& BuiltinConnectorTypes() {
  static const Registry registry = [] {
    Registry r;
    for (auto* type : {&pagerduty::Type, &opsgenie::Type, &incidentio::Type}) {
      if (auto ok = r.Register(type()); !ok) std::abort();  // a programming error
    }
    return r;
  }();
  return registry;
}

}  // namespace im::connectors
