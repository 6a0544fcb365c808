#include "core/email.h"

#include <cctype>
#include <string>

namespace im::core {

Result<void> ValidateEmail(std::string_view email, std::string_view what) {
  auto at = email.find('@');
  bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
            email.find('@', at + 1) == std::string_view::npos && email.size() <= 254;
  for (char c : email) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      ok = false;
    }
  }
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " '" + std::string(email) +
                    "' is not an email address: people are identified by email, like "
                    "alice@example.com");
  }
  return Ok();
}

Result<void> ValidateServiceName(std::string_view name) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  bool ok = !name.empty() && name.size() <= 100 && alnum(name.front()) && name.back() != ' ';
  for (char c : name) {
    if (!(alnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == ' ')) ok = false;
  }
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                "service name '" + std::string(name) +
                    "' is not valid: use 1-100 letters, digits, spaces, '-', '_', '.' or '/', "
                    "starting with a letter or digit (like api or payments-db)");
  }
  return Ok();
}

}  // namespace im::core
