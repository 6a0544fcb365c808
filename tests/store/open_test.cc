// store::Open: one address chooses the backend and yields every store of one database.
#include "store/open.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"

namespace im::store {
namespace {

TEST(StoreOpenTest, ASqliteAddressOrAPathOpensEveryStoreOfOneDatabase) {
  im::testing::TempDir dir;
  im::testing::FakeClock clock(Time{});
  for (const std::string& address : {"sqlite:" + dir.File("a.db"), dir.File("b.db")}) {
    auto stores = Open(address, {}, clock);
    ASSERT_TRUE(stores) << stores.error().message;
    ASSERT_TRUE(stores->main && stores->schedules && stores->connectors && stores->deployments &&
                stores->monitors);
    auto id = stores->main->InstallId();
    ASSERT_TRUE(id);
    EXPECT_FALSE(id->empty());
  }
  // Reopening finds what was stored.
  auto again = Open("sqlite:" + dir.File("a.db"), {}, clock);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->main->SchemaVersion(),
            *Open(dir.File("b.db"), {}, clock)->main->SchemaVersion());
}

TEST(StoreOpenTest, AnAddressOfABackendThisBuildLacksIsRefusedSayingWhatItHas) {
  im::testing::FakeClock clock(Time{});
  auto pg = Open("postgres://im@db.example/im", {}, clock);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(pg.error().message.find("use sqlite:PATH"), std::string::npos) << pg.error().message;
  EXPECT_EQ(pg.error().message.find("db.example"), std::string::npos);  // no address details
  auto other = Open("mysql://im@db.example/im", {}, clock);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("use sqlite:PATH"), std::string::npos);
  EXPECT_FALSE(Open("sqlite:", {}, clock));
}

}  // namespace
}  // namespace im::store
