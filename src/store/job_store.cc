#include "store/job_store.h"

#include <charconv>

namespace im::store {

std::string FormatModules(const std::map<std::string, int>& modules) {
  std::string out;
  for (const auto& [name, version] : modules) {
    if (!out.empty()) out += ',';
    out += name + "=" + std::to_string(version);
  }
  return out;
}

std::map<std::string, int> ParseModules(std::string_view text) {
  std::map<std::string, int> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    int v = 0;
    auto digits = item.substr(eq + 1);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), v).ec != std::errc()) {
      continue;
    }
    out[std::string(item.substr(0, eq))] = v;
  }
  return out;
}

}  // namespace im::store
