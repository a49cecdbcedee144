#include "commands/uuid.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "base/uuid_text.hpp"

namespace stradia::commands {

namespace {

std::string formatted(unsigned char* b, unsigned char version) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  std::string out;
  base::format_uuid(b, out);
  return out;
}

}  // namespace

std::string new_uuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("the system random source failed");
  return formatted(b, 4);
}

std::string derived_uuid(std::string_view name) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  return formatted(digest, 5);
}

}  // namespace stradia::commands
