// Small string helpers shared by the CLI and the HTTP API.
#pragma once

#include <string>
#include <vector>

namespace im {

// "a,b" and repeated values ("a", "b,c") as one list, items trimmed, empty ones dropped.
std::vector<std::string> SplitCommaLists(const std::vector<std::string>& values);

// What every output (CLI text, --json, API, logs) shows instead of a secret (API keys,
// webhook secrets, tokens): "****" and its last 4 characters, or "****" alone when the
// secret is shorter than 12 characters (4 of them would give away too much); "" for "".
std::string Redact(const std::string& secret);

// Text as HTML element content or a double-quoted attribute value (&, <, >, ").
std::string HtmlEscape(const std::string& s);

}  // namespace im
