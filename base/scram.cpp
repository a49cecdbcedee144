#include "base/scram.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "base/encoding.hpp"

namespace stradia::base {

namespace {

using digest = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

digest hmac(const digest& key, std::string_view message) {
  digest out;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, out.data());
  return out;
}

std::string text_of(const digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

}  // namespace

std::string scram_sha256_verifier(std::string_view password, std::string_view salt, int iterations) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
  // Hi(password, salt, i): PBKDF2 with HMAC-SHA-256, one block (the output is one digest).
  crypto_auth_hmacsha256_state state;
  digest u, salted;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(password.data()), password.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(salt.data()), salt.size());
  const unsigned char block_one[4] = {0, 0, 0, 1};
  crypto_auth_hmacsha256_update(&state, block_one, sizeof block_one);
  crypto_auth_hmacsha256_final(&state, u.data());
  salted = u;
  for (int i = 1; i < iterations; ++i) {
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(password.data()), password.size());
    crypto_auth_hmacsha256_update(&state, u.data(), u.size());
    crypto_auth_hmacsha256_final(&state, u.data());
    for (std::size_t k = 0; k < salted.size(); ++k) salted[k] ^= u[k];
  }
  const auto client_key = hmac(salted, "Client Key");
  digest stored_key;
  crypto_hash_sha256(stored_key.data(), client_key.data(), client_key.size());
  const auto server_key = hmac(salted, "Server Key");
  sodium_memzero(salted.data(), salted.size());
  return "SCRAM-SHA-256$" + std::to_string(iterations) + ":" + base64_encode(salt) + "$" +
         base64_encode(text_of(stored_key)) + ":" + base64_encode(text_of(server_key));
}

std::string scram_sha256_verifier(std::string_view password, int iterations) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
  std::array<unsigned char, 16> salt;
  randombytes_buf(salt.data(), salt.size());
  return scram_sha256_verifier(password, {reinterpret_cast<const char*>(salt.data()), salt.size()}, iterations);
}

}  // namespace stradia::base
