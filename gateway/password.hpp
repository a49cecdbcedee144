#pragma once
// Passwords are stored only as Argon2id hashes (libsodium crypto_pwhash_str).
#include <optional>
#include <string>
#include <string_view>

namespace stradia::gateway {

// nullopt when libsodium cannot hash (out of memory).
std::optional<std::string> hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

}  // namespace stradia::gateway
