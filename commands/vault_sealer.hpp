#pragma once
// Seals vault tokens before they become events: XChaCha20-Poly1305 (libsodium) under the
// tenant's data key, itself wrapped by the master key. The ciphertext is bound to its
// tenant, market and platform (associated data), so it cannot be replayed elsewhere.
// Deleting a tenant's data key makes its tokens unreadable forever. Thread-safe.
#include <optional>
#include <string>

#include "eventstore/store_error.hpp"
#include "eventstore/tenant_key_store.hpp"

namespace stradia::commands {

inline constexpr const char* vault_key_id = "tenant-data-key/xchacha20poly1305/v1";

class vault_sealer {
 public:
  // `master_key` is 32 raw bytes; nullopt from make() when it is not.
  static std::optional<vault_sealer> make(std::string master_key, eventstore::tenant_key_store& keys);

  eventstore::result<std::string> seal(const std::string& tenant_id, const std::string& plaintext,
                                       const std::string& context);
  // nullopt when the data key is gone (shredded) or the ciphertext was not sealed for this context.
  eventstore::result<std::optional<std::string>> open(const std::string& tenant_id, const std::string& sealed,
                                                      const std::string& context);

 private:
  vault_sealer(std::string master_key, eventstore::tenant_key_store& keys)
      : master_key_(std::move(master_key)), keys_(&keys) {}
  eventstore::result<std::optional<std::string>> data_key(const std::string& tenant_id, bool create);

  std::string master_key_;
  eventstore::tenant_key_store* keys_;
};

}  // namespace stradia::commands
