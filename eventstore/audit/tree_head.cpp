#include "eventstore/audit/tree_head.hpp"
#include "base/encoding.hpp"

#include <openssl/sha.h>
#include <simdjson.h>
#include <sodium.h>

#include "base/clock.hpp"
#include "base/json_writer.hpp"

namespace stradia::eventstore::audit {

namespace {

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

}  // namespace

std::string signed_message(const tree_head& head) {
  std::string out = "stradia-tree-head-v1";
  out += '\0';
  out += head.tenant_id;
  put_u64(out, static_cast<std::uint64_t>(head.tree_size));
  out.append(reinterpret_cast<const char*>(head.root_hash.data()), head.root_hash.size());
  put_u64(out, static_cast<std::uint64_t>(head.signed_at_ms));
  return out;
}

std::string key_id_of(const std::string& public_key) {
  unsigned char sum[32];
  SHA256(reinterpret_cast<const unsigned char*>(public_key.data()), public_key.size(), sum);
  digest d{};
  std::copy(sum, sum + 32, d.begin());
  return to_hex(d).substr(0, 16);
}

std::optional<head_signer> head_signer::from_seed(const std::string& seed) {
  if (seed.size() != crypto_sign_SEEDBYTES || sodium_init() < 0) return std::nullopt;
  head_signer out;
  out.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  out.secret_key_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(out.public_key_.data()),
                           reinterpret_cast<unsigned char*>(out.secret_key_.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  out.key_id_ = key_id_of(out.public_key_);
  return out;
}

tree_head head_signer::sign(std::string tenant_id, std::int64_t tree_size, const digest& root,
                            std::int64_t now_ms) const {
  tree_head head{std::move(tenant_id), tree_size, root, now_ms, key_id_, std::string(crypto_sign_BYTES, '\0')};
  const auto message = signed_message(head);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(head.signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  return head;
}

bool verify_head(const tree_head& head, const std::string& public_key) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || head.signature.size() != crypto_sign_BYTES ||
      sodium_init() < 0)
    return false;
  const auto message = signed_message(head);
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(head.signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

std::string head_json(const tree_head& head) {
  base::json_writer j;
  j.begin_object().field("tenant_id", head.tenant_id).field("tree_size", head.tree_size);
  j.field("root_hash", to_hex(head.root_hash));
  j.field("timestamp", base::format_rfc3339(base::timestamp(std::chrono::milliseconds(head.signed_at_ms))));
  j.field("signed_at_ms", head.signed_at_ms)
      .field("key_id", head.key_id)
      .field("signature", base::base64_encode(head.signature));
  j.end_object();
  return j.take();
}

std::optional<tree_head> parse_head_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return std::nullopt;
  std::string_view tenant, hash, key_id, signature;
  std::int64_t size = 0, at = 0;
  if (root["tenant_id"].get(tenant) || root["tree_size"].get(size) || root["root_hash"].get(hash) ||
      root["signed_at_ms"].get(at) || root["key_id"].get(key_id) || root["signature"].get(signature))
    return std::nullopt;
  tree_head out;
  out.tenant_id = std::string(tenant);
  out.tree_size = size;
  out.signed_at_ms = at;
  out.key_id = std::string(key_id);
  auto raw = base::base64_decode(signature);
  if (!raw || !from_hex(hash, out.root_hash)) return std::nullopt;
  out.signature = std::move(*raw);
  return out;
}

}  // namespace stradia::eventstore::audit
