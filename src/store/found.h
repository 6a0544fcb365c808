// What the schedule stores answer for a lookup of one row, alike on both backends.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace im::store {

// The one row a lookup by id found; none is kNotFound naming `what` ("schedule") and `id`.
template <typename T>
Result<T> OneFound(Result<std::vector<T>> rows, std::string_view what, std::string_view id) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) {
    return Fail(ErrorCode::kNotFound, std::string(what) + " '" + std::string(id) +
                                          "' does not exist; list them with `im oncall`");
  }
  return std::move(rows->front());
}

// The first row a lookup found, if any.
template <typename T>
Result<std::optional<T>> FirstFound(Result<std::vector<T>> rows) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

}  // namespace im::store
