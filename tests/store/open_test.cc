// store::Open: one address chooses the backend and yields every store of one database.
#include "store/open.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/pg_server.h"
#include "fakes/ports.h"
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
  auto other = Open("mysql://im:s3cret@db.example/im", {}, clock);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(other.error().message.find("use sqlite:PATH (or a path) or postgres://"),
            std::string::npos)
      << other.error().message;
  EXPECT_EQ(other.error().message.find("s3cret"), std::string::npos);
  EXPECT_FALSE(Open("sqlite:", {}, clock));
}

TEST(StoreOpenTest, APostgresAddressOpensEveryStoreOfOneDatabase) {
  auto& server = im::testing::PgServer::Shared();
  std::string url = server.NewDatabase();
  ASSERT_TRUE(server.ready()) << server.error();
  im::testing::FakeClock clock(Time{});
  for (const std::string& address :
       {url, "postgres://" + url.substr(std::string("postgresql://").size())}) {
    auto stores = Open(address, {}, clock);
    ASSERT_TRUE(stores) << stores.error().message;
    ASSERT_TRUE(stores->main && stores->schedules && stores->connectors && stores->deployments &&
                stores->monitors && stores->notify);
    EXPECT_EQ(*stores->main->SchemaVersion(), *Open(url, {}, clock)->main->SchemaVersion());
    EXPECT_EQ(stores->main->InstallId()->size(), 8u);
  }
}

TEST(StoreOpenTest, AnUnreachablePostgresIsUnavailableWithoutShowingThePassword) {
  im::testing::FakeClock clock(Time{});
  uint16_t port = im::testing::FreeLoopbackPort();
  auto pg = Open("postgres://im:s3cret@127.0.0.1:" + std::to_string(port) + "/im", {}, clock);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(pg.error().message.find("opening the PostgreSQL database: connecting to PostgreSQL "
                                    "at postgres://im:***@127.0.0.1:"),
            std::string::npos)
      << pg.error().message;
  EXPECT_EQ(pg.error().message.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace im::store
