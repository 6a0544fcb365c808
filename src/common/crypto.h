// Hashes, HMAC and encodings (OpenSSL), used for webhook signatures and token storage.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace im {

// Raw HMAC-SHA256 bytes of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
// Raw SHA-256 bytes.
std::string Sha256(std::string_view data);

std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
// Accepts padded and unpadded standard base64.
Result<std::string> Base64Decode(std::string_view text);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `n` bytes from the operating system's CSPRNG.
std::string RandomBytes(size_t n);

}  // namespace im
