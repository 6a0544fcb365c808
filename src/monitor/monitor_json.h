// The JSON form of a monitor definition, the only one: the API's bodies, the YAML config's
// `monitors:` entries (converted to JSON), the CLI's flags (gathered into JSON) and the store.
#pragma once

#include "common/error.h"
#include "common/json.h"
#include "monitor/monitor.h"

namespace im::monitor {

// Reads and validates a definition. Every refusal is kInvalidArgument naming the field and
// what to write instead; unknown fields are refused. `id`, `paused` and `heartbeat_token` are
// not read (the store owns them).
Result<Monitor> MonitorFromJson(const json::object& o);

// The definition as JSON (without id, paused and heartbeat_token), read back by
// MonitorFromJson to the same monitor.
json::object MonitorToJson(const Monitor& m);

// `base` with the fields of `changes` laid over it (an edit): a field set to null goes back
// to its default.
json::object MergeDefinition(const json::object& base, const json::object& changes);

}  // namespace im::monitor
