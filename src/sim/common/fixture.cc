// Fixture files and checked reads of their objects (see the header).
#include "sim/common/fixture.h"

#include <date/tz.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/time.h"

namespace im::sim {
namespace {

constexpr std::string_view kTimeHint =
    "an RFC 3339 time (\"2026-11-20T09:30:00Z\") or one relative to the simulator's start "
    "(\"-2h\", \"-3d\", \"-1h30m\", \"now\")";

std::string_view TypeName(const json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "true or false";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "something else";
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A relative time ("-2h30m") small enough that its microseconds cannot overflow: at most 16
// characters, no number over 6 digits (999,999 weeks is about 19,000 years).
bool SmallRelative(std::string_view text) {
  if (text.empty() || (text[0] != '-' && text[0] != '+')) return true;
  size_t run = 0;
  for (char c : text) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    if (run > 6) return false;
  }
  return text.size() <= 16;
}

// "line L, column C" of byte `offset` of `text`.
std::string Position(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  size_t last_newline = before.rfind('\n');
  size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Result<json::value> ParseWithPosition(std::string_view text) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument,
                "not valid JSON at " + Position(text, used) + ": " + ec.message());
  }
  return parser.release();
}

const json::object& EmptyObject() {
  static const json::object kEmpty;
  return kEmpty;
}

}  // namespace

std::string FixtureObject::PathTo(std::string_view field) const {
  return path_.empty() ? std::string(field) : path_ + "." + std::string(field);
}

const json::value* FixtureObject::Find(std::string_view field) const {
  const json::value* v = o_->if_contains(field);
  return v && !v->is_null() ? v : nullptr;
}

bool FixtureObject::Has(std::string_view field) const { return Find(field) != nullptr; }

bool FixtureObject::HasString(std::string_view field) const {
  const json::value* v = Find(field);
  return v && v->is_string();
}

void FixtureObject::Record(const std::string& path, std::string_view problem) const {
  if (!ctx_->error)
    ctx_->error = Error{ErrorCode::kInvalidArgument, path + " " + std::string(problem)};
}

bool FixtureObject::Fail(std::string_view field, std::string_view problem) const {
  Record(PathTo(field), problem);
  return false;
}

bool FixtureObject::Fail(const Error& error) const {
  if (!ctx_->error) ctx_->error = error;
  return false;
}

void FixtureObject::Missing(std::string_view field, std::string_view hint) const {
  Fail(field, "is missing: write " + std::string(hint));
}

void FixtureObject::WrongType(std::string_view field, std::string_view type,
                              std::string_view hint) const {
  Fail(field, "must be " + std::string(type) + ", not " + std::string(TypeName(*Find(field))) +
                  ": write " + std::string(hint));
}

std::optional<std::string> FixtureObject::OptionalString(std::string_view field,
                                                         std::string_view hint) const {
  const json::value* v = Find(field);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    WrongType(field, "a string", hint);
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::string FixtureObject::StringOr(std::string_view field, std::string fallback,
                                    std::string_view hint) const {
  return OptionalString(field, hint).value_or(std::move(fallback));
}

std::string FixtureObject::String(std::string_view field, std::string_view hint) const {
  auto s = OptionalString(field, hint);
  if (s && !s->empty()) return *s;
  if (!Has(field) || s) Missing(field, hint);
  return "";
}

std::optional<int64_t> FixtureObject::OptionalInt(std::string_view field,
                                                  std::string_view hint) const {
  const json::value* v = Find(field);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  WrongType(field, "an integer", hint);
  return std::nullopt;
}

std::optional<bool> FixtureObject::OptionalBool(std::string_view field) const {
  const json::value* v = Find(field);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    WrongType(field, "true or false", "true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<Time> FixtureObject::OptionalTime(std::string_view field) const {
  auto s = OptionalString(field, kTimeHint);
  if (!s) return std::nullopt;
  if (SmallRelative(*s)) {
    if (auto t = ParseTimeRelative(*s, ctx_->now)) return *t;
  }
  Fail(field, Quoted(*s) + " is not a time: write " + std::string(kTimeHint));
  return std::nullopt;
}

Time FixtureObject::TimeAt(std::string_view field) const {
  auto t = OptionalTime(field);
  if (!t && !Has(field)) Missing(field, kTimeHint);
  return t.value_or(ctx_->now);
}

std::optional<FixtureObject> FixtureObject::OptionalObject(std::string_view field,
                                                           std::string_view hint) const {
  const json::value* v = Find(field);
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    WrongType(field, "an object", hint);
    return std::nullopt;
  }
  return FixtureObject(v->get_object(), PathTo(field), *ctx_);
}

std::optional<std::string> FixtureObject::OptionalRefId(std::string_view field,
                                                        std::string_view hint) const {
  auto o = OptionalObject(field, hint);
  if (!o) return std::nullopt;
  return o->String("id", hint);
}

std::string FixtureObject::RefId(std::string_view field, std::string_view hint) const {
  if (!Has(field)) {
    FixtureObject(EmptyObject(), PathTo(field), *ctx_).Missing("id", hint);
    return "";
  }
  return OptionalRefId(field, hint).value_or("");
}

std::vector<FixtureObject> FixtureObject::Objects(std::string_view field,
                                                  std::string_view hint) const {
  std::vector<FixtureObject> out;
  const json::value* v = Find(field);
  if (!v) return out;
  if (!v->is_array()) {
    WrongType(field, "an array", hint);
    return out;
  }
  const json::array& a = v->get_array();
  for (size_t i = 0; i < a.size(); ++i) {
    std::string at = PathTo(field) + "[" + std::to_string(i) + "]";
    if (!a[i].is_object()) {
      Record(at, "must be an object, not " + std::string(TypeName(a[i])) + ": write " +
                     std::string(hint));
      return {};
    }
    out.emplace_back(a[i].get_object(), at, *ctx_);
  }
  return out;
}

std::vector<std::string> FixtureObject::Strings(std::string_view field,
                                                std::string_view hint) const {
  std::vector<std::string> out;
  const json::value* v = Find(field);
  if (!v) return out;
  if (!v->is_array()) {
    WrongType(field, "an array", hint);
    return out;
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) {
      Fail(field, "must be an array of strings: write " + std::string(hint));
      return {};
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

std::string FixtureObject::OneOf(std::string_view field, const std::vector<std::string>& allowed,
                                 std::string fallback) const {
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + Quoted(a);
  auto s = OptionalString(field, "one of " + list);
  if (!s) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    Fail(field, Quoted(*s) + " is not allowed: write one of " + list);
    return fallback;
  }
  return *s;
}

std::string FixtureObject::Zone(std::string_view field, std::string fallback) const {
  auto s = OptionalString(field, "an IANA time zone such as \"Europe/Berlin\"");
  if (!s) return fallback;
  try {
    date::locate_zone(*s);
  } catch (const std::exception&) {  // date throws for names it does not know
    Fail(field, Quoted(*s) + " is not an IANA time zone: write one such as \"Europe/Berlin\"");
    return fallback;
  }
  return *s;
}

Result<Fixture> ParseFixture(std::string_view text, const std::vector<std::string>& collections,
                             Time now) {
  auto v = ParseWithPosition(text);
  if (!v) return std::unexpected(v.error());
  if (!v->is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the top level must be an object such as {\"mode\": \"replace\", \"" +
                    collections.front() + "\": [...]}, not " + std::string(TypeName(*v)));
  }
  // Relative times count from the whole second, as the providers' own times do.
  Fixture f{std::move(v->get_object()),
            FixtureMode::kReplace,
            {std::chrono::floor<std::chrono::seconds>(now), std::nullopt}};
  std::string known = "\"mode\"";
  for (const auto& c : collections) known += ", " + Quoted(c);
  for (const auto& [key, value] : f.root) {
    if (key != "mode" &&
        std::find(collections.begin(), collections.end(), key) == collections.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  Quoted(key) + " is not a fixture key: write only " + known);
    }
  }
  std::string mode = f.Root().OneOf("mode", {"replace", "extend"}, "replace");
  if (f.ctx.error) return std::unexpected(*f.ctx.error);
  f.mode = mode == "extend" ? FixtureMode::kExtend : FixtureMode::kReplace;
  return f;
}

Result<Fixture> ReadFixture(const std::string& path, const std::vector<std::string>& collections,
                            Time now) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidArgument, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return ParseFixture(text.str(), collections, now);
}

void FixtureIds::AddGenerated(const std::string& id) {
  where_.emplace(id, "");
  any_generated_ = true;
}

bool FixtureIds::Add(const FixtureObject& at, std::string_view field, const std::string& id) {
  auto [it, added] = where_.emplace(id, at.PathTo(field));
  if (added) return true;
  if (it->second.empty()) {
    return at.Fail(field, Quoted(id) + " is already the id of a generated " + kind_ +
                              " (extend mode keeps the generated data): write another id");
  }
  return at.Fail(field, Quoted(id) + " is already the id of " + it->second + ": write another id");
}

bool FixtureIds::Resolve(const FixtureObject& at, std::string_view field,
                         const std::string& id) const {
  if (id.empty() || where_.contains(id)) return true;  // empty: its own error was recorded
  std::string where = collection_ + "[].id";
  if (any_generated_) where += " or a generated " + kind_;
  return at.Fail(field, Quoted(id) + " is not the id of any " + kind_ + " (" + where +
                            "): write one of those ids, or add a " + kind_ + " with this id");
}

}  // namespace im::sim
