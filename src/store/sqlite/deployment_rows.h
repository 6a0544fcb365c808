// Rows of the deployments table (migration 5): insert, find, list. Used by the deployment store
// and the attribution code beside it.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "dora/deployment.h"
#include "store/deployment_store.h"
#include "store/sqlite/connection.h"

namespace im::store::sqlite {

using SeqDeployment = std::pair<int64_t, dora::Deployment>;  // (seq, deployment)

extern const char* const kDeploymentColumns;           // seq first, then the fields
dora::Deployment ReadDeployment(const Statement& st);  // a row of kDeploymentColumns

Result<std::optional<SeqDeployment>> FindDeployment(Connection& conn, std::string_view id);
// Inserts; kAlreadyExists when the id is taken. Returns the seq.
Result<int64_t> InsertDeployment(Connection& conn, const dora::Deployment& d);
// Newest first, or oldest first when `oldest_first`.
Result<std::vector<SeqDeployment>> QueryDeployments(Connection& conn, const DeploymentFilter& f,
                                                    bool oldest_first = false);
// Adds the service to the catalog (name only) when it is not there.
Result<void> EnsureServiceRow(Connection& conn, std::string_view name, Time now);
Result<std::vector<std::string>> TeamServices(Connection& conn, std::string_view team);

// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
std::string JsonList(const std::vector<std::string>& items);

}  // namespace im::store::sqlite
