// Errors as values: one small set of canonical codes and a message a user can act on.
// Every fallible function returns Result<T>; transports map codes to statuses in one place each.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace im {

enum class ErrorCode {
  kInvalidArgument,     // the caller sent something malformed; fix the input
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kFailedPrecondition,  // valid input, but the current state forbids it (e.g. a bad transition)
  kUnauthenticated,     // no or bad credentials
  kPermissionDenied,    // credentials fine, not allowed
  kResourceExhausted,   // rate limit, size limit
  kUnavailable,         // try again later (peer down, database busy)
  kDeadlineExceeded,    // took too long
  kInternal,            // a bug or an unexpected environment failure
};

std::string_view ErrorCodeName(ErrorCode code);  // "invalid_argument", ...

struct [[nodiscard]] Error {
  ErrorCode code;
  std::string message;

  // Adds context in front of the message: "reading config: <message>".
  Error Wrap(std::string_view context) const;
};

template <typename T>
using Result = std::expected<T, Error>;

// A Result<void> that succeeded.
inline Result<void> Ok() { return {}; }

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

// An InvalidArgument naming where the bad input is: "<where>: <what>".
inline std::unexpected<Error> InvalidAt(std::string_view where, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument, std::string(where) + ": " + std::string(what));
}

}  // namespace im
