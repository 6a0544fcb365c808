// Checked access to untrusted JSON (Boost.JSON): every miss becomes an Error naming the field,
// never an escaped exception.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace im::json {

using boost::json::array;
using boost::json::object;
using boost::json::value;

Result<value> Parse(std::string_view text);
// Parse for what a client or a person wrote (API request bodies, --config): also refuses a key
// given twice in one object, naming it ("custom.service_id"), where Parse keeps the last.
// Not for provider payloads, which are taken as the provider sends them.
Result<value> ParseStrict(std::string_view text);
std::string Serialize(const value& v);

// Reads `field` of `obj`. Missing → kInvalidArgument "missing field 'x'"; wrong type →
// "field 'x' must be a string". The Optional forms return nullopt when absent or null.
Result<std::string> GetString(const object& obj, std::string_view field);
Result<std::optional<std::string>> GetOptionalString(const object& obj, std::string_view field);
// The string at `field`, or "" when it is missing or not a string: for reading untrusted provider
// objects where an absent or odd field is simply unknown.
std::string StringOr(const object& obj, std::string_view field);
Result<int64_t> GetInt(const object& obj, std::string_view field);
Result<std::optional<int64_t>> GetOptionalInt(const object& obj, std::string_view field);
Result<std::optional<bool>> GetOptionalBool(const object& obj, std::string_view field);
Result<const object*> GetObject(const object& obj, std::string_view field);
Result<const object*> GetOptionalObject(const object& obj, std::string_view field);
Result<const array*> GetOptionalArray(const object& obj, std::string_view field);

// Fails naming the first key of `obj` not in `allowed`.
Result<void> RejectUnknownFields(const object& obj,
                                 std::initializer_list<std::string_view> allowed);

Result<const object*> AsObject(const value& v, std::string_view what);

}  // namespace im::json
