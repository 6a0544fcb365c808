#include "connectors/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace im::connectors {
namespace {

constexpr std::string_view kPrefix = "sb1:";

Result<std::string> ReadOrCreateKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    auto key = Base64Decode(ss.str().substr(0, ss.str().find('\n')));
    if (!key || key->size() != crypto_secretbox_KEYBYTES) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "secret key file " + path +
                      " is damaged (expected 32 bytes in base64); restore it from a backup — "
                      "without it stored connector secrets cannot be read");
    }
    return *key;
  }
  std::string key = RandomBytes(crypto_secretbox_KEYBYTES);
  // O_EXCL: if another process created it meanwhile, read theirs instead of overwriting.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ReadOrCreateKeyFile(path);
    return Fail(ErrorCode::kUnavailable, "cannot create secret key file " + path +
                                             ": check the data directory's permissions");
  }
  std::string text = Base64Encode(key) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return Fail(ErrorCode::kUnavailable, "cannot write secret key file " + path);
  return key;
}

}  // namespace

Result<SecretBox> SecretBox::Open(const std::string& env_key, const std::string& key_file) {
  if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to initialise");
  if (!env_key.empty()) {
    auto key = Base64Decode(env_key);
    if (!key || key->size() != crypto_secretbox_KEYBYTES) {
      return Fail(ErrorCode::kInvalidArgument,
                  "IM_SECRET_KEY must be 32 random bytes in base64 (e.g. `head -c32 /dev/urandom "
                  "| base64`)");
    }
    return SecretBox(*key);
  }
  auto key = ReadOrCreateKeyFile(key_file);
  if (!key) return std::unexpected(key.error());
  return SecretBox(*key);
}

SecretBox SecretBox::FromKey(std::string key) {
  if (sodium_init() < 0) std::abort();  // no crypto library: a broken environment
  return SecretBox(std::move(key));
}

std::string SecretBox::Seal(const std::string& plaintext) const {
  std::string nonce = RandomBytes(crypto_secretbox_NONCEBYTES);
  std::string out(crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()),
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return std::string(kPrefix) + Base64Encode(nonce + out);
}

Result<std::string> SecretBox::Unseal(const std::string& sealed) const {
  auto fail = [] {
    return Fail(ErrorCode::kFailedPrecondition,
                "a stored secret cannot be decrypted: the secret key (IM_SECRET_KEY or "
                "secret.key) is not the one it was stored with; set it back, or re-enter the "
                "secret with `im connector update`");
  };
  if (!sealed.starts_with(kPrefix)) return fail();
  auto raw = Base64Decode(std::string_view(sealed).substr(kPrefix.size()));
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return fail();
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const auto* box = nonce + crypto_secretbox_NONCEBYTES;
  size_t box_len = raw->size() - crypto_secretbox_NONCEBYTES;
  std::string out(box_len - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()), box, box_len, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return fail();
  }
  return out;
}

}  // namespace im::connectors

namespace im::connectors {

std::string SecretBox::DeriveKey(std::string_view purpose) const {
  return HmacSha256(key_, purpose);
}

}  // namespace im::connectors
