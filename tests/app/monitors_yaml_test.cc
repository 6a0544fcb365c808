#include "app/monitors_yaml.h"

#include <gtest/gtest.h>

namespace im::app {
namespace {

TEST(MonitorsYamlTest, ReadsDefinitionsWithNumbersAndLists) {
  auto node = YAML::Load(R"(
- name: web
  url: https://shop.example.com/health
  interval: 30s
  failure_threshold: 2
  follow_redirects: false
  expected_status: [200, "300-399"]
  maintenance:
    - weekly sun 02:00-04:00 Europe/Berlin
- name: db
  type: tcp
  target: db.internal:5432
)");
  auto list = ReadMonitorsYaml(node, "im.yaml");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].at("failure_threshold").as_int64(), 2);
  EXPECT_FALSE((*list)[0].at("follow_redirects").as_bool());
  EXPECT_EQ((*list)[1].at("target").as_string(), "db.internal:5432");
}

TEST(MonitorsYamlTest, ABadMonitorIsRefusedNamingItsIndexAndField) {
  auto node = YAML::Load(R"(
- name: web
  url: https://shop.example.com/health
- name: api
  url: https://api.example.com/
  interval: 1s
)");
  auto list = ReadMonitorsYaml(node, "im.yaml");
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message.find("im.yaml: monitors[1].interval:"), std::string::npos)
      << list.error().message;
}

}  // namespace
}  // namespace im::app
