// The API keys a simulator accepts, each full access or read-only, optionally restricted to one
// team or one region (simulators that model such keys read those; the others ignore them);
// changed at run time through /_sim/api_keys. Parsed from the CLI as "KEY" or "KEY:read-only".
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace im::sim {

struct ApiKey {
  std::string key;
  bool read_only = false;
  std::string team;            // not empty: the key sees only this team's objects
  std::string region;          // not empty: the key works only on a simulator serving this region
  bool private_access = true;  // incident.io: false hides private incidents from the key
};

// "KEY", "KEY:read-only" or "KEY:public-only" (no private incidents); anything else after ':'
// is kInvalidArgument.
Result<ApiKey> ParseApiKey(std::string_view text);

class KeyStore {
 public:
  void Set(const std::vector<ApiKey>& keys);
  void Add(const ApiKey& key);
  bool Remove(const std::string& key);
  std::vector<ApiKey> List() const;
  // nullopt: unknown key; otherwise whether it is read-only.
  std::optional<bool> Lookup(std::string_view key) const;
  // nullopt: unknown key.
  std::optional<ApiKey> Find(std::string_view key) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, ApiKey, std::less<>> keys_;  // GUARDED_BY(mu_)
};

}  // namespace im::sim
