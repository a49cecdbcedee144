#pragma once
// A signed tree head: a tenant's tree of `tree_size` leaves has root `root_hash`, signed
// with Ed25519 (libsodium) by the server's audit key. The signed message (version 1):
//
//   "stradia-tree-head-v1" ‖ 0x00 ‖ tenant_id (UUID text) ‖ u64 tree_size ‖ root_hash (32 bytes)
//   ‖ i64 signed_at (milliseconds since 1970-01-01T00:00:00Z)        (big-endian integers)
//
// Its JSON: {"tenant_id","tree_size","root_hash" (hex),"timestamp" (RFC 3339),
// "signed_at_ms","key_id","signature" (base64)}.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/audit/merkle.hpp"

namespace stradia::eventstore::audit {

struct tree_head {
  std::string tenant_id;
  std::int64_t tree_size = 0;
  digest root_hash{};
  std::int64_t signed_at_ms = 0;
  std::string key_id;
  std::string signature;  // 64 raw bytes
};

std::string signed_message(const tree_head& head);

class head_signer {
 public:
  // From a 32-byte Ed25519 seed; nullopt when it is not 32 bytes.
  static std::optional<head_signer> from_seed(const std::string& seed);
  tree_head sign(std::string tenant_id, std::int64_t tree_size, const digest& root, std::int64_t now_ms) const;
  const std::string& public_key() const { return public_key_; }  // 32 raw bytes
  const std::string& key_id() const { return key_id_; }

 private:
  std::string secret_key_, public_key_, key_id_;
};

// The key id of a public key: the first 8 bytes of its SHA-256, in hex.
std::string key_id_of(const std::string& public_key);
bool verify_head(const tree_head& head, const std::string& public_key);

std::string head_json(const tree_head& head);
std::optional<tree_head> parse_head_json(std::string_view json);

}  // namespace stradia::eventstore::audit
