#pragma once
// What a tenant's auditors ask of the trail (API.md §6), read as the app role under
// row-level security: the latest signed head, an inclusion proof of an event, a
// consistency proof between two sizes. Each proof reads O(log n) stored subtrees.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <memory>
#include "base/expected.hpp"
#include "eventstore/audit/tree_head.hpp"

namespace stradia::eventstore {
class connection_pool;
}

namespace stradia::eventstore::audit {

struct audit_refusal {
  enum class kind { not_found, out_of_range, unavailable };
  kind why;
  std::string detail;
};

struct inclusion {
  std::int64_t global_position = 0;
  std::int64_t leaf_index = 0;
  std::int64_t tree_size = 0;
  digest leaf_hash{};
  std::vector<digest> path;
};

class audit_reader {
 public:
  explicit audit_reader(std::string app_conninfo);
  ~audit_reader();

  base::expected<std::optional<tree_head>, audit_refusal> latest_head(const std::string& tenant_id);
  // `tree_size` 0: the latest signed head's.
  base::expected<inclusion, audit_refusal> inclusion_of(const std::string& tenant_id, std::int64_t global_position,
                                                        std::int64_t tree_size);
  base::expected<std::vector<digest>, audit_refusal> consistency(const std::string& tenant_id, std::int64_t from_size,
                                                                 std::int64_t to_size);

 private:
  std::unique_ptr<connection_pool> pool_;
};

}  // namespace stradia::eventstore::audit
