#include "common/json.h"

#include <algorithm>

namespace im::json {
namespace {

std::unexpected<Error> WrongType(std::string_view field, std::string_view type) {
  return Fail(ErrorCode::kInvalidArgument,
              "field '" + std::string(field) + "' must be " + std::string(type));
}

}  // namespace

Result<value> Parse(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  value v = boost::json::parse(text, ec, {}, opts);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "body is not valid JSON: " + ec.message());
  return v;
}

std::string Serialize(const value& v) { return boost::json::serialize(v); }

Result<std::string> GetString(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) {
    return Fail(ErrorCode::kInvalidArgument, "missing field '" + std::string(field) + "'");
  }
  if (!it->value().is_string()) return WrongType(field, "a string");
  return std::string(it->value().get_string());
}

Result<std::optional<std::string>> GetOptionalString(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return WrongType(field, "a string");
  return std::optional<std::string>(std::string(it->value().get_string()));
}

std::string StringOr(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  return it != obj.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

Result<int64_t> GetInt(const object& obj, std::string_view field) {
  auto v = GetOptionalInt(obj, field);
  if (!v) return std::unexpected(v.error());
  if (!*v) return Fail(ErrorCode::kInvalidArgument, "missing field '" + std::string(field) + "'");
  return **v;
}

Result<std::optional<int64_t>> GetOptionalInt(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return std::optional<int64_t>();
  const value& v = it->value();
  if (v.is_int64()) return std::optional<int64_t>(v.get_int64());
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v.get_uint64()));
  }
  return WrongType(field, "an integer");
}

Result<std::optional<bool>> GetOptionalBool(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) return WrongType(field, "true or false");
  return std::optional<bool>(it->value().get_bool());
}

Result<const object*> GetObject(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) {
    return Fail(ErrorCode::kInvalidArgument, "missing field '" + std::string(field) + "'");
  }
  if (!it->value().is_object()) return WrongType(field, "an object");
  return &it->value().get_object();
}

Result<const object*> GetOptionalObject(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return static_cast<const object*>(nullptr);
  if (!it->value().is_object()) return WrongType(field, "an object");
  return &it->value().get_object();
}

Result<const array*> GetOptionalArray(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return static_cast<const array*>(nullptr);
  if (!it->value().is_array()) return WrongType(field, "an array");
  return &it->value().get_array();
}

Result<void> RejectUnknownFields(const object& obj,
                                 std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : obj) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown field '" + std::string(kv.key()) + "'; allowed fields are: " + list);
    }
  }
  return Ok();
}

Result<const object*> AsObject(const value& v, std::string_view what) {
  if (!v.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " must be a JSON object");
  }
  return &v.get_object();
}

}  // namespace im::json
