#include "connectors/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fakes/temp_dir.h"

namespace im::connectors {
namespace {

TEST(SecretBoxTest, SealsAndUnsealsWithoutLeakingThePlaintext) {
  auto box = SecretBox::FromKey(std::string(32, 'x'));
  std::string sealed = box.Seal("u+api-key-123");
  EXPECT_EQ(sealed.find("api-key"), std::string::npos);
  EXPECT_NE(box.Seal("u+api-key-123"), sealed);  // fresh nonce each time
  EXPECT_EQ(*box.Unseal(sealed), "u+api-key-123");
  auto other = SecretBox::FromKey(std::string(32, 'y'));
  auto r = other.Unseal(sealed);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("IM_SECRET_KEY"), std::string::npos);
}

TEST(SecretBoxTest, CreatesAPrivateKeyFileOnceAndReusesIt) {
  im::testing::TempDir dir;
  std::string path = dir.File("secret.key");
  auto a = SecretBox::Open("", path);
  ASSERT_TRUE(a) << a.error().message;
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto b = SecretBox::Open("", path);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b->Unseal(a->Seal("x")), "x");
}

TEST(SecretBoxTest, RejectsABadEnvironmentKey) {
  EXPECT_FALSE(SecretBox::Open("not-base64-32-bytes", "/nonexistent/key"));
}

}  // namespace
}  // namespace im::connectors
