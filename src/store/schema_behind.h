// The refusal of a database whose schema is behind the binary's when the binary may not
// migrate it (`im serve --no-migrate`), shared by both backends.
#pragma once

#include <string>

#include "common/error.h"

namespace im::store {

inline Result<void> SchemaBehind(int version, int latest) {
  return Fail(ErrorCode::kFailedPrecondition,
              "the database has schema version " + std::to_string(version) +
                  " but this im needs version " + std::to_string(latest) +
                  ": run `im db migrate` once with this im (instances still running keep "
                  "working), then start it again; nothing was changed");
}

}  // namespace im::store
