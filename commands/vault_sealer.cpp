#include "commands/vault_sealer.hpp"

#include <sodium.h>

namespace stradia::commands {

namespace {

constexpr std::size_t key_bytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

// nonce || ciphertext || tag
std::string encrypt(const std::string& key, const std::string& plaintext, const std::string& ad) {
  std::string out(nonce_bytes + plaintext.size() + tag_bytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, nonce_bytes);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(bytes + nonce_bytes, &length,
                                             reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
                                             bytes, reinterpret_cast<const unsigned char*>(key.data()));
  out.resize(nonce_bytes + length);
  return out;
}

std::optional<std::string> decrypt(const std::string& key, const std::string& sealed, const std::string& ad) {
  if (sealed.size() < nonce_bytes + tag_bytes) return std::nullopt;
  std::string out(sealed.size() - nonce_bytes - tag_bytes, '\0');
  unsigned long long length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &length, nullptr,
                                                 bytes + nonce_bytes, sealed.size() - nonce_bytes,
                                                 reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), bytes,
                                                 reinterpret_cast<const unsigned char*>(key.data())) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

}  // namespace

std::optional<vault_sealer> vault_sealer::make(std::string master_key, eventstore::tenant_key_store& keys) {
  if (sodium_init() < 0 || master_key.size() != key_bytes) return std::nullopt;
  return vault_sealer(std::move(master_key), keys);
}

eventstore::result<std::optional<std::string>> vault_sealer::data_key(const std::string& tenant_id, bool create) {
  auto wrapped = keys_->find(tenant_id);
  if (!wrapped) return base::unexpected(wrapped.error());
  if (!*wrapped && create) {
    std::string fresh(key_bytes, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    auto kept = keys_->keep_first(tenant_id, encrypt(master_key_, fresh, tenant_id));
    if (!kept) return base::unexpected(kept.error());
    *wrapped = std::move(*kept);
  }
  if (!*wrapped) return std::optional<std::string>{};
  return decrypt(master_key_, **wrapped, tenant_id);
}

eventstore::result<std::string> vault_sealer::seal(const std::string& tenant_id, const std::string& plaintext,
                                                   const std::string& context) {
  auto key = data_key(tenant_id, true);
  if (!key) return base::unexpected(key.error());
  if (!*key) return eventstore::fail(eventstore::store_errc::invalid_request, "the tenant's data key cannot be opened");
  return encrypt(**key, plaintext, tenant_id + "|" + context);
}

eventstore::result<std::optional<std::string>> vault_sealer::open(const std::string& tenant_id,
                                                                  const std::string& sealed,
                                                                  const std::string& context) {
  auto key = data_key(tenant_id, false);
  if (!key) return base::unexpected(key.error());
  if (!*key) return std::optional<std::string>{};
  return decrypt(**key, sealed, tenant_id + "|" + context);
}

}  // namespace stradia::commands
