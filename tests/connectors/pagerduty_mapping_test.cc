// PagerDuty JSON and keys read into im's terms.
#include "connectors/pagerduty/mapping.h"

#include <gtest/gtest.h>

namespace im::connectors::pagerduty {
namespace {

TEST(PagerDutyMappingTest, OnlyThisInstallationsKeysNameOurIncidents) {
  const std::string prefix = "im-1a2b3c4d-";
  struct Case {
    std::string key;
    int64_t number;
  };
  for (const auto& c : std::vector<Case>{{"im-1a2b3c4d-INC-7", 7},
                                         {"INC-12", 12},  // made before keys named the install
                                         {"im-0badc0de-INC-7", 0},  // another installation's
                                         {"im-1a2b3c4d-INC-", 0},
                                         {"im-1a2b3c4d-INC-7x", 0},
                                         {"im-1a2b3c4d-INC--7", 0},
                                         {"INC-0", 0},
                                         {"INC-99999999999999999999", 0},
                                         {"d3640fbd41094207a1c11e58e46b1662", 0},
                                         {"", 0}}) {
    EXPECT_EQ(OurIncidentNumber(c.key, prefix), c.number) << c.key;
  }
}

}  // namespace
}  // namespace im::connectors::pagerduty
