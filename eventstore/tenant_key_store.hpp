#pragma once
// Where each tenant's wrapped data key is kept (table tenant_data_keys, under the tenant's
// row-level security). The first key stored for a tenant wins; later callers get it.
// Thread-safe.
#include <memory>
#include <optional>
#include <string>

#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

class connection_pool;

class tenant_key_store {
 public:
  explicit tenant_key_store(std::string app_conninfo);
  ~tenant_key_store();

  result<std::optional<std::string>> find(const std::string& tenant_id);
  // Stores `wrapped_key` unless the tenant has one already; returns the tenant's key.
  result<std::string> keep_first(const std::string& tenant_id, const std::string& wrapped_key);

 private:
  std::unique_ptr<connection_pool> pool_;
};

}  // namespace stradia::eventstore
