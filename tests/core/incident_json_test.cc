#include "core/incident_json.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::core {
namespace {

Incident Sample() {
  Incident i;
  i.number = 42;
  i.title = "Checkout \"down\"\n\x80\xff not UTF-8";  // a title typed in another encoding
  i.severity = Severity::kSev1;
  i.urgency = Urgency::kHigh;
  i.status = Status::kMitigated;
  i.services = {"api", "db"};
  i.custom_fields = {{"region", "eu-west-1"}, {"odd \"key\"\t", "v"}};
  i.created_at = *ParseTime("2026-11-22T10:00:00Z");
  i.created_by = "alice@example.com";
  i.acknowledged_at = *ParseTime("2026-11-22T10:05:00.250000Z");
  i.acknowledged_by = "bob@example.com";
  i.updated_at = *i.acknowledged_at;
  i.version = 2;
  return i;
}

TEST(IncidentJsonTest, TextAndTreeSayTheSameAndKeepBytesThatAreNotUtf8) {
  Incident i = Sample();
  SlaStatus sla;
  std::vector<TimelineEntry> timeline = {{.id = 1,
                                          .at = i.created_at,
                                          .kind = EntryKind::kDeclared,
                                          .actor = "alice@example.com",
                                          .message = "declared"},
                                         {.id = 2,
                                          .at = *i.acknowledged_at,
                                          .kind = EntryKind::kAcknowledged,
                                          .actor = "bob@example.com",
                                          .message = "on it"}};
  json::object tree = IncidentToJson(i, sla, timeline);  // does not throw on the bad bytes
  EXPECT_EQ(std::string(tree.at("title").as_string()), i.title);
  EXPECT_EQ(tree.at("id").as_string(), "INC-42");
  EXPECT_EQ(tree.at("status").as_string(), "mitigated");
  EXPECT_EQ(tree.at("acknowledged_at").as_string(), "2026-11-22T10:05:00.250000Z");
  EXPECT_TRUE(tree.at("resolved_at").is_null());
  EXPECT_TRUE(tree.at("resolved_by").is_null());
  EXPECT_EQ(tree.at("custom_fields").as_object().at("odd \"key\"\t").as_string(), "v");
  EXPECT_EQ(tree.at("timeline").as_array().size(), 2u);
  EXPECT_EQ(tree.at("timeline").as_array()[1].as_object().at("kind").as_string(), "acknowledged");
  EXPECT_EQ(tree.at("sla").as_object().at("policy").as_string(), "default");

  std::string text;
  AppendIncidentJson(text, i, sla, timeline);
  EXPECT_EQ(text, json::Serialize(tree));  // the tree is the text, read back

  std::string without;
  AppendIncidentJson(without, i, sla);
  tree.erase("timeline");
  EXPECT_EQ(without, json::Serialize(tree));
  EXPECT_EQ(json::Serialize(TimelineEntryToJson(timeline[0])),
            R"({"id":1,"at":"2026-11-22T10:00:00Z","kind":"declared",)"
            R"("actor":"alice@example.com","message":"declared","source":"im"})");
}

}  // namespace
}  // namespace im::core
