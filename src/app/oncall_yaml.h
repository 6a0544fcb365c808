// The on-call definitions file for teams with no provider (docs/oncall.md, "Configuration"):
// a YAML document {schedules: [...], escalation_policies: [...], people: [...]} whose entries
// are the API's JSON (schedule/schedule_json.h) written in YAML. Loaded by `im oncall import`.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "store/schedule_store.h"

namespace im::app {

struct OnCallFile {
  std::string name;                  // the path, for messages
  store::SourceContents contents;    // source "im"
  std::map<std::string, int> lines;  // field path ("schedules[0].time_zone") → 1-based line

  // "<name>:<line>: <message>" for an error that names a field of this file (checked after
  // loading, e.g. by engine::OnCall::Import); "<name>: <message>" otherwise.
  Error Locate(const Error& error) const;
};

// Errors are kInvalidArgument "<name>:<line>: <field path>: <what>" (kNotFound when the file
// cannot be read). yaml-cpp's exceptions are caught here.
Result<OnCallFile> ParseOnCallYaml(std::string_view text, const std::string& name);
Result<OnCallFile> LoadOnCallYaml(const std::string& path);

}  // namespace im::app
