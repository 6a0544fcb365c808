// How the CLI writes values for people: names quoted for the shell when a hint prints a
// command. --json output never goes through these.
#pragma once

#include <string>

namespace im::cli {

// `word` as one shell word: as it is when it holds only letters, digits and -_./:@,+=%,
// otherwise in single quotes ("API Gateway" → 'API Gateway'), so a printed command can be
// copied and run.
std::string ShellWord(const std::string& word);

}  // namespace im::cli
