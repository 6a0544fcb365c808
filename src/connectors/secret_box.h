// Encryption at rest for connector secrets (API keys, webhook secrets): libsodium's
// crypto_secretbox (XSalsa20-Poly1305) under one 32-byte key, taken from IM_SECRET_KEY
// (base64) or from <data_dir>/secret.key, created with 0600 permissions on first use.
#pragma once

#include <string>

#include "common/error.h"
#include "common/strings.h"

namespace im::connectors {

class SecretBox {
 public:
  // `env_key` is IM_SECRET_KEY's value ("" when unset); `key_file` is used otherwise.
  static Result<SecretBox> Open(const std::string& env_key, const std::string& key_file);
  static SecretBox FromKey(std::string key);  // 32 raw bytes (tests)

  // "sb1:" + base64(nonce || ciphertext).
  std::string Seal(const std::string& plaintext) const;
  Result<std::string> Unseal(const std::string& sealed) const;
  // A 32-byte key for `purpose` (HMAC-SHA256 of the purpose under this key): other secrets
  // that must hold across restarts and instances (dashboard session cookies, acknowledge
  // links) without sharing this key itself.
  std::string DeriveKey(std::string_view purpose) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

// What to show instead of a secret (common/strings.h).
using im::Redact;

}  // namespace im::connectors
