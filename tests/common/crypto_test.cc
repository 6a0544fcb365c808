#include "common/crypto.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "common/webhook_signature.h"

namespace im {
namespace {

TEST(CryptoTest, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, Base64RoundTripsAndAcceptsUnpadded) {
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(*Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(*Base64Decode("aGVsbG8"), "hello");
  EXPECT_FALSE(Base64Decode("!!!!"));
}

TEST(CryptoTest, HexRoundTrips) {
  EXPECT_EQ(*HexDecode(HexEncode("\x01\xff")), "\x01\xff");
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(CryptoTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

// The official vectors, copied verbatim into the project's test data (tests/testdata/README.md).
std::filesystem::path TestData() {
  const char* src = std::getenv("IM_SOURCE_DIR");
  return std::filesystem::path(src ? src : IM_TEST_SOURCE_DIR) / "tests" / "testdata";
}

std::optional<json::value> ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  auto v = json::Parse(ss.str());
  if (!v) return std::nullopt;
  return *v;
}

TEST(WebhookSignatureTest, PagerDutyVectorFromGoPagerDuty) {
  auto v = ReadJson(TestData() / "pagerduty/webhook-v3-signature.json");
  ASSERT_TRUE(v) << "tests/testdata/pagerduty/webhook-v3-signature.json is missing or not JSON";
  const auto& o = v->as_object();
  std::string secret(o.at("secret").as_string());
  std::string body(o.at("raw_body").as_string());
  std::string good = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
  EXPECT_EQ(PagerDutySignature(secret, body), good);
  EXPECT_TRUE(VerifyPagerDutySignature(good, {secret}, body));
  EXPECT_TRUE(VerifyPagerDutySignature(
      "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5, " + good, {secret},
      body));
  EXPECT_TRUE(VerifyPagerDutySignature(good, {"old-secret", secret}, body));
  EXPECT_FALSE(VerifyPagerDutySignature(
      "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5", {secret}, body));
  EXPECT_FALSE(VerifyPagerDutySignature("", {secret}, body));
  EXPECT_FALSE(VerifyPagerDutySignature(good, {secret}, body + " "));
}

TEST(WebhookSignatureTest, StandardWebhooksVectors) {
  auto v = ReadJson(TestData() / "incident-io/standard-webhooks-signature-vectors.json");
  ASSERT_TRUE(v)
      << "tests/testdata/incident-io/standard-webhooks-signature-vectors.json is missing";
  int checked = 0;
  for (const auto& item : v->as_object().at("vectors").as_array()) {
    const auto& o = item.as_object();
    if (!o.contains("payload") || !o.at("payload").is_string()) continue;
    std::string secret(o.at("secret").as_string());
    std::string id(o.at("webhook_id").as_string());
    int64_t ts = o.at("webhook_timestamp").to_number<int64_t>();
    std::string body(o.at("payload").as_string());
    std::string expected(o.at("expected_signature").as_string());
    EXPECT_EQ(*StandardWebhookSignature(secret, id, ts, body), expected);
    EXPECT_TRUE(VerifyStandardWebhook(secret, id, std::to_string(ts), expected, body, ts + 10));
    EXPECT_FALSE(VerifyStandardWebhook(secret, id, std::to_string(ts), expected, body, ts + 301));
    ++checked;
  }
  EXPECT_GE(checked, 2);
  // Negative example from the same tests: last character changed.
  EXPECT_FALSE(VerifyStandardWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", "{\"test\": 2432232314}", 1614265330));
  EXPECT_TRUE(VerifyStandardWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                    "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                                    "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
                                    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                                    "{\"test\": 2432232314}", 1614265330));
}

// During a rotation PagerDuty signs with each secret; which one matched says whether the newest
// is in use yet (the last that matched counts).
TEST(WebhookSignatureTest, MatchNamesTheLastSecretThatSigned) {
  const std::string body = R"({"event":{"id":"e1"}})";
  const std::string old_sig = PagerDutySignature("old", body);
  const std::string new_sig = PagerDutySignature("new", body);
  EXPECT_EQ(MatchPagerDutySignature(old_sig, {"old", "new"}, body), 0);
  EXPECT_EQ(MatchPagerDutySignature(new_sig, {"old", "new"}, body), 1);
  EXPECT_EQ(MatchPagerDutySignature(old_sig + ", " + new_sig, {"old", "new"}, body), 1);
  EXPECT_EQ(MatchPagerDutySignature(new_sig, {"other"}, body), -1);
  EXPECT_EQ(MatchPagerDutySignature("", {"old"}, body), -1);
  EXPECT_EQ(MatchPagerDutySignature(new_sig, {"new"}, body + " "), -1);
}

}  // namespace
}  // namespace im
