// KeyStore and the CLI form of a key.
#include "sim/common/api_keys.h"

namespace im::sim {

Result<ApiKey> ParseApiKey(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    if (text.empty()) return Fail(ErrorCode::kInvalidArgument, "an API key cannot be empty");
    return ApiKey{std::string(text), false};
  }
  std::string_view mode = text.substr(colon + 1);
  if (mode != "read-only" && mode != "rw" && mode != "public-only") {
    return Fail(ErrorCode::kInvalidArgument,
                "API key '" + std::string(text) + "': write KEY, KEY:read-only or KEY:public-only");
  }
  if (colon == 0) return Fail(ErrorCode::kInvalidArgument, "an API key cannot be empty");
  ApiKey key{std::string(text.substr(0, colon)), mode == "read-only"};
  key.private_access = mode != "public-only";
  return key;
}

void KeyStore::Set(const std::vector<ApiKey>& keys) {
  std::lock_guard lock(mu_);
  keys_.clear();
  for (const auto& k : keys) keys_[k.key] = k;
}

void KeyStore::Add(const ApiKey& key) {
  std::lock_guard lock(mu_);
  keys_[key.key] = key;
}

bool KeyStore::Remove(const std::string& key) {
  std::lock_guard lock(mu_);
  return keys_.erase(key) > 0;
}

std::vector<ApiKey> KeyStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<ApiKey> out;
  for (const auto& [k, key] : keys_) out.push_back(key);
  return out;
}

std::optional<bool> KeyStore::Lookup(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return it->second.read_only;
}

std::optional<ApiKey> KeyStore::Find(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace im::sim
