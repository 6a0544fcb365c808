// Small string helpers shared by the CLI and the HTTP API.
#pragma once

#include <string>
#include <vector>

namespace im {

// "a,b" and repeated values ("a", "b,c") as one list, items trimmed, empty ones dropped.
std::vector<std::string> SplitCommaLists(const std::vector<std::string>& values);

}  // namespace im
