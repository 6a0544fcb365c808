// The prompts of `im connector add` fed from a string: a bad answer is asked again at once and
// the good ones are kept.
#include "cli/connector_prompts.h"

#include <gtest/gtest.h>

#include <sstream>

namespace im::cli {
namespace {

struct Asked {
  Result<json::object> config;
  std::string shown;
  int hidden = 0;  // times the echo was turned off
};

Asked Ask(const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out;
  Asked a{.config = json::object{}};
  a.config = AskConnectorConfig("pagerduty", "prod-pagerduty",
                                {in, out, [&](bool hide) { a.hidden += hide; }});
  a.shown = out.str();
  return a;
}

TEST(ConnectorPromptsTest, AsksTheSeedsQuestionsWithDefaults) {
  auto a = Ask("u+key-0123456789\n\nPXXXXXX\nops@company.com\n\n\n");
  ASSERT_TRUE(a.config) << a.config.error().message;
  EXPECT_EQ(json::Serialize(*a.config),
            R"({"api_key":"u+key-0123456789","base_url":"https://api.pagerduty.com",)"
            R"("sync_direction":"bidirectional",)"
            R"("custom":{"service_id":"PXXXXXX","from_email":"ops@company.com"}})");
  EXPECT_EQ(a.hidden, 1);  // the key only
  for (const char* q : {"API Key", "API Base URL", "Default Service ID", "From Email",
                        "Escalation Policy ID", "Sync Direction"}) {
    EXPECT_NE(a.shown.find(q), std::string::npos) << q;
  }
  EXPECT_EQ(a.shown.find("u+key-0123456789"), std::string::npos) << "the key was echoed";
}

TEST(ConnectorPromptsTest, ABadAnswerIsAskedAgainAtOnceAndTheGoodOnesAreKept) {
  // An empty key, a URL without a scheme, an address that is not one, a direction that is
  // none: each asked again right after it was given.
  auto a =
      Ask("\nu+key-0123456789\n"
          "api.pagerduty.com\nhttps://api.eu.pagerduty.com\n"
          "PSVC001\n"
          "ops at company\nops@company.com\n"
          "PEPOL01\n"
          "both\ninbound\n");
  ASSERT_TRUE(a.config) << a.config.error().message << "\n" << a.shown;
  const auto& c = *a.config;
  EXPECT_EQ(c.at("api_key").as_string(), "u+key-0123456789");
  EXPECT_EQ(c.at("base_url").as_string(), "https://api.eu.pagerduty.com");
  EXPECT_EQ(c.at("sync_direction").as_string(), "inbound");
  EXPECT_EQ(c.at("custom").at("service_id").as_string(), "PSVC001");
  EXPECT_EQ(c.at("custom").at("from_email").as_string(), "ops@company.com");
  EXPECT_EQ(c.at("custom").at("escalation_policy_id").as_string(), "PEPOL01");
  for (const char* why : {"'api_key' is required", "'base_url' must start with https://",
                          "'ops at company' is not an email address",
                          "'sync_direction' must be bidirectional, outbound or inbound"}) {
    EXPECT_NE(a.shown.find(why), std::string::npos) << why << "\n" << a.shown;
  }
  // Every question was asked once, and each bad answer's question once more.
  size_t asked = 0;
  for (size_t at = 0; (at = a.shown.find("API Key", at)) != std::string::npos; ++at) ++asked;
  EXPECT_EQ(asked, 2u);
  asked = 0;
  for (size_t at = 0; (at = a.shown.find("Default Service ID", at)) != std::string::npos; ++at) {
    ++asked;
  }
  EXPECT_EQ(asked, 1u);
}

TEST(ConnectorPromptsTest, GivesUpWhenTheInputEndsOrAfterFiveBadAnswers) {
  auto ended = Ask("u+key-0123456789\n");
  ASSERT_FALSE(ended.config);
  EXPECT_NE(ended.config.error().message.find("the input ended"), std::string::npos);
  auto stubborn = Ask("u+key-0123456789\nftp://a\nftp://b\nftp://c\nftp://d\nftp://e\n");
  ASSERT_FALSE(stubborn.config);
  EXPECT_NE(stubborn.config.error().message.find("(5 tries); nothing was added"),
            std::string::npos);
  std::istringstream in("x\n");
  std::ostringstream out;
  auto bad_name = AskConnectorConfig("pagerduty", "Prod PD", {in, out, nullptr});
  ASSERT_FALSE(bad_name);
  EXPECT_NE(bad_name.error().message.find("connector name 'Prod PD'"), std::string::npos);
  EXPECT_EQ(out.str(), "");  // refused before asking
}

}  // namespace
}  // namespace im::cli
