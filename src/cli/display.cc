#include "cli/display.h"

#include <string_view>

namespace im::cli {

std::string ShellWord(const std::string& word) {
  constexpr std::string_view kPlain = "-_./:@,+=%";
  bool plain = !word.empty();
  for (char c : word) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kPlain.find(c) == std::string_view::npos) plain = false;
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace im::cli
