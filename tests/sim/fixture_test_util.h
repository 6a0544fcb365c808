// What the simulators' fixture tests share: the shipped example files, and a temporary file for
// a fixture written in the test.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/json.h"
#include "fakes/temp_dir.h"

namespace im::sim::testing {

// `docs/fixtures/<name>` in the source tree (IM_SOURCE_DIR overrides where that is).
inline std::string ShippedFixture(const std::string& name) {
  const char* src = std::getenv("IM_SOURCE_DIR");
  return std::string(src ? src : IM_TEST_SOURCE_DIR) + "/docs/fixtures/" + name;
}

// The file at `path` parsed as a JSON object ({} and a test failure when it is not one).
inline json::object JsonFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto v = json::Parse(text.str());
  EXPECT_TRUE(v && v->is_object()) << path;
  return v && v->is_object() ? v->as_object() : json::object{};
}

// A fixture file with `text` in a fresh directory.
class FixtureFile {
 public:
  explicit FixtureFile(const std::string& text) {
    std::ofstream(dir_.File("fixture.json")) << text;
  }
  std::string path() const { return dir_.File("fixture.json"); }

 private:
  im::testing::TempDir dir_;
};

}  // namespace im::sim::testing
