#pragma once
// RFC 9162 Merkle tree hashing over a tenant's events in log order: leaf = SHA-256(0x00 ‖
// canonical bytes), node = SHA-256(0x01 ‖ left ‖ right), the root of n leaves MTH(D[0:n])
// split at the largest power of two below n. Roots, inclusion and consistency proofs are
// built from complete subtrees (2^level leaves starting at index·2^level), the only nodes
// the store keeps, so each needs O(log n) of them, never a rehash of the log. Pure: the
// subtrees come from a function.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace stradia::eventstore::audit {

using digest = std::array<unsigned char, 32>;

digest leaf_hash(std::string_view canonical_bytes);
digest node_hash(const digest& left, const digest& right);
digest empty_tree_root();  // SHA-256 of nothing

// The complete subtree of 2^level leaves starting at leaf index·2^level.
using subtree_source = std::function<digest(int level, std::int64_t index)>;

// The store keeps the subtrees of this level and above (and every leaf); a lower one is
// folded from its at most 2^(level) leaves: one node row per 16 events instead of one per event.
inline constexpr int lowest_stored_level = 4;
// The root of a complete subtree from its leaves, in order (their count a power of two).
digest fold_complete(std::vector<digest> leaves);

digest tree_root(std::int64_t size, const subtree_source& subtree);
// PATH(m, D[0:n]) of RFC 9162 §2.1.3.1, leaf side first.
std::vector<digest> inclusion_proof(std::int64_t leaf_index, std::int64_t size, const subtree_source& subtree);
// PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1; empty when m == n or m == 0.
std::vector<digest> consistency_proof(std::int64_t from_size, std::int64_t to_size, const subtree_source& subtree);

// RFC 9162 §2.1.3.2 and §2.1.4.2.
bool verify_inclusion(std::int64_t leaf_index, std::int64_t size, const digest& leaf, const std::vector<digest>& path,
                      const digest& root);
bool verify_consistency(std::int64_t from_size, std::int64_t to_size, const digest& from_root, const digest& to_root,
                        const std::vector<digest>& proof);

// A tree grown one leaf at a time, keeping only its right edge (at most log2(n) complete
// subtrees): what the sealer holds per tenant. `completed` is told of every complete
// subtree above the leaves that an append finishes (to be stored).
class merkle_frontier {
 public:
  struct subtree {
    int level = 0;
    std::int64_t index = 0;
    digest hash{};
  };
  merkle_frontier() = default;
  // The frontier of a tree of `size` leaves, from its stored subtrees.
  merkle_frontier(std::int64_t size, const subtree_source& stored);

  void append(const digest& leaf, const std::function<void(const subtree&)>& completed);
  std::int64_t size() const { return size_; }
  digest root() const;

 private:
  std::vector<subtree> edge_;  // highest level first
  std::int64_t size_ = 0;
};

std::string to_hex(const digest& d);
bool from_hex(std::string_view text, digest& out);

}  // namespace stradia::eventstore::audit
