#include "core/incident.h"

#include <gtest/gtest.h>

namespace im::core {
namespace {

TEST(IncidentIdTest, ParsesTheUsualForms) {
  EXPECT_EQ(*ParseIncidentId("INC-42"), 42);
  EXPECT_EQ(*ParseIncidentId("inc-42"), 42);
  EXPECT_EQ(*ParseIncidentId("42"), 42);
  EXPECT_FALSE(ParseIncidentId("INC-"));
  EXPECT_FALSE(ParseIncidentId("INC-0"));
  EXPECT_FALSE(ParseIncidentId("INC-4x"));
  EXPECT_EQ(IncidentId(42), "INC-42");
}

TEST(SeverityTest, ParsesAndNames) {
  EXPECT_EQ(*ParseSeverity("SEV-1"), Severity::kSev1);
  EXPECT_EQ(*ParseSeverity("sev2"), Severity::kSev2);
  EXPECT_EQ(*ParseSeverity("4"), Severity::kSev4);
  EXPECT_FALSE(ParseSeverity("SEV-5"));
  EXPECT_EQ(SeverityName(Severity::kSev3), "SEV-3");
  EXPECT_EQ(DefaultUrgency(Severity::kSev2), Urgency::kHigh);
  EXPECT_EQ(DefaultUrgency(Severity::kSev3), Urgency::kLow);
}

TEST(StatusTest, RoundTrips) {
  for (auto s : {Status::kOpen, Status::kMitigated, Status::kResolved, Status::kClosed}) {
    EXPECT_EQ(*ParseStatus(StatusName(s)), s);
  }
  EXPECT_FALSE(ParseStatus("done"));
}

}  // namespace
}  // namespace im::core
