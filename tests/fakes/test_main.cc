// The main() of every test binary: GoogleTest's, plus one rule. Under CI=true a skipped test
// fails the binary, so a check that cannot run (missing data, missing tool) is never counted
// as passed in CI. Outside CI a skip stays a skip, with its reason printed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace {

class SkipsFailInCi : public testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const testing::TestInfo& info) override {
    if (!info.result()->Skipped()) return;
    std::cerr << "CI=true: " << info.test_suite_name() << "." << info.name()
              << " was skipped; in CI every test must run\n";
    skipped_ = true;
  }
  bool skipped() const { return skipped_; }

 private:
  bool skipped_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const char* ci = std::getenv("CI");
  SkipsFailInCi* listener = nullptr;
  if (ci != nullptr && std::strcmp(ci, "true") == 0) {
    listener = new SkipsFailInCi;  // owned by GoogleTest's listener list
    testing::UnitTest::GetInstance()->listeners().Append(listener);
  }
  int failed = RUN_ALL_TESTS();
  if (listener != nullptr && listener->skipped()) return 1;
  return failed;
}
