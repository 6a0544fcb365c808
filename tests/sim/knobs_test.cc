// Knob patches and API key parsing.
#include "sim/common/knobs.h"

#include <gtest/gtest.h>

#include "sim/common/api_keys.h"

namespace im::sim {
namespace {

TEST(KnobsTest, PatchChangesOnlyGivenFields) {
  auto patch = json::Parse(R"({"error_rate":0.25,"burst_429":3,"bare_429":true})");
  ASSERT_TRUE(patch);
  auto k = PatchKnobs(Knobs{}, patch->as_object());
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_DOUBLE_EQ(k->error_rate, 0.25);
  EXPECT_EQ(k->burst_429, 3);
  EXPECT_TRUE(k->bare_429);
  EXPECT_TRUE(k->rate_limit);
  auto delay = PatchKnobs(Knobs{}, json::Parse(R"({"async_delay_ms":250})")->as_object());
  ASSERT_TRUE(delay) << delay.error().message;
  EXPECT_EQ(delay->async_delay_ms, 250);
  EXPECT_EQ(KnobsToJson(*delay).at("async_delay_ms").as_int64(), 250);
}

TEST(KnobsTest, RejectsUnknownKnobsAndBadValues) {
  EXPECT_FALSE(PatchKnobs({}, json::Parse(R"({"nope":1})")->as_object()));
  EXPECT_FALSE(PatchKnobs({}, json::Parse(R"({"error_rate":2})")->as_object()));
  EXPECT_FALSE(PatchKnobs({}, json::Parse(R"({"rate_limit":"yes"})")->as_object()));
}

TEST(KnobsTest, BurstCountsDown) {
  KnobStore store(Knobs{.burst_429 = 2});
  EXPECT_TRUE(store.TakeBurst());
  EXPECT_TRUE(store.TakeBurst());
  EXPECT_FALSE(store.TakeBurst());
}

TEST(ApiKeyTest, ParsesReadOnlySuffix) {
  EXPECT_FALSE(ParseApiKey("abc")->read_only);
  EXPECT_TRUE(ParseApiKey("abc:read-only")->read_only);
  EXPECT_EQ(ParseApiKey("abc:read-only")->key, "abc");
  EXPECT_FALSE(ParseApiKey("abc:admin"));
  EXPECT_FALSE(ParseApiKey(""));
}

}  // namespace
}  // namespace im::sim
