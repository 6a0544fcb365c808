#include "core/email.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace im::core {
namespace {

TEST(ServiceNameTest, AcceptsTheDocumentedSetOnly) {
  for (const std::string& good :
       std::vector<std::string>{"api", "payments-db", "API Gateway", "billing_worker", "web.v2",
                                "team/app", "9lives", std::string(100, 'a')}) {
    EXPECT_TRUE(ValidateServiceName(good)) << good;
  }
  for (const std::string& bad :
       std::vector<std::string>{std::string(), " api", "api ", "-api", ".hidden", "/root", "_x",
                                "a;b", "a,b", "caf\xc3\xa9", "tab\there", std::string(101, 'a')}) {
    auto ok = ValidateServiceName(bad);
    ASSERT_FALSE(ok) << bad;
    EXPECT_EQ(ok.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(ok.error().message.find("starting with a letter or digit"), std::string::npos);
  }
}

}  // namespace
}  // namespace im::core
