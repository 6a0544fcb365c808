// Reading a simulator fixture (`im sim <provider> --fixture FILE`): the file, its mode, and
// checked reads of its objects that name the JSON path of a problem and what to write instead
// ("incidents[3].service.id is missing: write the id of one of the services, ..."). Times may
// be RFC 3339 or relative to the simulator's start ("-2h", "-3d", "now"), so a shipped example
// stays recent. Unknown fields are ignored: objects pasted from a provider's API answers carry
// many the simulator does not model.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"

namespace im::sim {

enum class FixtureMode {
  kReplace,  // the fixture is the whole data set
  kExtend,   // the seeded data set, then the fixture's objects
};

// What the reads of one fixture share: the instant relative times count from, and the first
// problem found (later reads return defaults and record nothing, as alert_payload.cc does).
struct FixtureContext {
  Time now{};
  std::optional<Error> error;
};

// One object of a fixture at a JSON path ("" for the top level, "incidents[3]"). A read that
// fails records "<path.field> ..." with `hint` (what to write) in the context and returns a
// default: read every field, then check the context once.
class FixtureObject {
 public:
  FixtureObject(const json::object& o, std::string path, FixtureContext& ctx)
      : o_(&o), path_(std::move(path)), ctx_(&ctx) {}

  const std::string& path() const { return path_; }
  std::string PathTo(std::string_view field) const;
  bool Has(std::string_view field) const;
  bool HasString(std::string_view field) const;
  const json::object& json() const { return *o_; }
  Time now() const { return ctx_->now; }
  bool failed() const { return ctx_->error.has_value(); }

  // Required: missing, null or "" is an error.
  std::string String(std::string_view field, std::string_view hint) const;
  Time TimeAt(std::string_view field) const;
  // The "id" of the reference object at `field` ({"id": "..."}, as the providers nest them).
  std::string RefId(std::string_view field, std::string_view hint) const;

  // Optional: absent or null is nullopt (or `fallback`); a wrong type is still an error.
  std::optional<std::string> OptionalString(std::string_view field, std::string_view hint) const;
  std::string StringOr(std::string_view field, std::string fallback, std::string_view hint) const;
  std::optional<int64_t> OptionalInt(std::string_view field, std::string_view hint) const;
  std::optional<bool> OptionalBool(std::string_view field) const;
  std::optional<Time> OptionalTime(std::string_view field) const;
  std::optional<FixtureObject> OptionalObject(std::string_view field, std::string_view hint) const;
  std::optional<std::string> OptionalRefId(std::string_view field, std::string_view hint) const;
  // An array of objects or of strings; absent or null is empty.
  std::vector<FixtureObject> Objects(std::string_view field, std::string_view hint) const;
  std::vector<std::string> Strings(std::string_view field, std::string_view hint) const;
  // A string that must be one of `allowed`; `fallback` when absent.
  std::string OneOf(std::string_view field, const std::vector<std::string>& allowed,
                    std::string fallback) const;
  // An IANA zone name ("Europe/Berlin"); `fallback` when absent.
  std::string Zone(std::string_view field, std::string fallback) const;

  // Records "<path.field> <problem>" for a check the caller makes; returns false.
  bool Fail(std::string_view field, std::string_view problem) const;
  // Records an error a shared reader made (its message names the path already).
  bool Fail(const Error& error) const;

 private:
  const json::value* Find(std::string_view field) const;
  void Record(const std::string& path, std::string_view problem) const;
  void Missing(std::string_view field, std::string_view hint) const;
  void WrongType(std::string_view field, std::string_view type, std::string_view hint) const;

  const json::object* o_;
  std::string path_;
  FixtureContext* ctx_;
};

struct Fixture {
  json::object root;
  FixtureMode mode = FixtureMode::kReplace;
  FixtureContext ctx;

  FixtureObject Root() { return FixtureObject(root, "", ctx); }
};

// Parses fixture text whose top level may hold "mode" and `collections`: not JSON (with the
// line and column), not an object, another top-level key (a typo there would silently load
// nothing) or a bad "mode" fail. `now` anchors relative times.
Result<Fixture> ParseFixture(std::string_view text, const std::vector<std::string>& collections,
                             Time now);
// Reads and parses the file at `path`.
Result<Fixture> ReadFixture(const std::string& path, const std::vector<std::string>& collections,
                            Time now);

// The ids of one kind of object and where each was defined: refuses a second object with an
// id in use and resolves references, naming both places.
class FixtureIds {
 public:
  // e.g. kind "service", collection "services" (where the fixture lists them).
  FixtureIds(std::string kind, std::string collection)
      : kind_(std::move(kind)), collection_(std::move(collection)) {}

  void AddGenerated(const std::string& id);
  // Adds the id read from `at.field`; false (and the error recorded) when it is in use.
  bool Add(const FixtureObject& at, std::string_view field, const std::string& id);
  bool Contains(const std::string& id) const { return where_.contains(id); }
  // False (and the error recorded) unless `id`, read from `at.field`, is one of them.
  bool Resolve(const FixtureObject& at, std::string_view field, const std::string& id) const;

 private:
  std::string kind_, collection_;
  bool any_generated_ = false;
  std::unordered_map<std::string, std::string> where_;  // id → its path ("" = generated)
};

}  // namespace im::sim
