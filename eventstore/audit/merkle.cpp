#include "eventstore/audit/merkle.hpp"

#include <openssl/sha.h>

#include <bit>

#include "base/encoding.hpp"

namespace stradia::eventstore::audit {

namespace {

// The largest power of two strictly below n (n > 1).
std::int64_t split_of(std::int64_t n) {
  return std::int64_t{1} << (std::bit_width(static_cast<std::uint64_t>(n - 1)) - 1);
}

bool is_power_of_two(std::int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// MTH(D[start:start+size]); `start` is a multiple of the largest power of two ≤ size here.
digest range_root(std::int64_t start, std::int64_t size, const subtree_source& subtree) {
  if (is_power_of_two(size)) {
    const int level = std::countr_zero(static_cast<std::uint64_t>(size));
    return subtree(level, start >> level);
  }
  const auto k = split_of(size);
  return node_hash(range_root(start, k, subtree), range_root(start + k, size - k, subtree));
}

void path_of(std::int64_t m, std::int64_t start, std::int64_t size, const subtree_source& subtree,
             std::vector<digest>& out) {
  if (size <= 1) return;
  const auto k = split_of(size);
  if (m < k) {
    path_of(m, start, k, subtree, out);
    out.push_back(range_root(start + k, size - k, subtree));
  } else {
    path_of(m - k, start + k, size - k, subtree, out);
    out.push_back(range_root(start, k, subtree));
  }
}

void subproof_of(std::int64_t m, std::int64_t start, std::int64_t size, bool whole, const subtree_source& subtree,
                 std::vector<digest>& out) {
  if (m == size) {
    if (!whole) out.push_back(range_root(start, size, subtree));
    return;
  }
  const auto k = split_of(size);
  if (m <= k) {
    subproof_of(m, start, k, whole, subtree, out);
    out.push_back(range_root(start + k, size - k, subtree));
  } else {
    subproof_of(m - k, start + k, size - k, false, subtree, out);
    out.push_back(range_root(start, k, subtree));
  }
}

}  // namespace

digest leaf_hash(std::string_view canonical_bytes) {
  thread_local std::string buffer;  // 0x00 ‖ bytes, reused: one allocation per thread
  buffer.assign(1, '\0');
  buffer.append(canonical_bytes);
  digest out;
  SHA256(reinterpret_cast<const unsigned char*>(buffer.data()), buffer.size(), out.data());
  return out;
}

digest node_hash(const digest& left, const digest& right) {
  unsigned char buffer[65];
  buffer[0] = 0x01;
  std::copy(left.begin(), left.end(), buffer + 1);
  std::copy(right.begin(), right.end(), buffer + 33);
  digest out;
  SHA256(buffer, sizeof buffer, out.data());
  return out;
}

digest empty_tree_root() {
  digest out;
  SHA256(nullptr, 0, out.data());
  return out;
}

digest fold_complete(std::vector<digest> leaves) {
  for (auto width = leaves.size(); width > 1; width /= 2)
    for (std::size_t i = 0; i < width / 2; ++i) leaves[i] = node_hash(leaves[2 * i], leaves[2 * i + 1]);
  return leaves.empty() ? empty_tree_root() : leaves.front();
}

digest tree_root(std::int64_t size, const subtree_source& subtree) {
  return size <= 0 ? empty_tree_root() : range_root(0, size, subtree);
}

std::vector<digest> inclusion_proof(std::int64_t leaf_index, std::int64_t size, const subtree_source& subtree) {
  std::vector<digest> out;
  if (leaf_index >= 0 && leaf_index < size) path_of(leaf_index, 0, size, subtree, out);
  return out;
}

std::vector<digest> consistency_proof(std::int64_t from_size, std::int64_t to_size, const subtree_source& subtree) {
  std::vector<digest> out;
  if (from_size > 0 && from_size < to_size) subproof_of(from_size, 0, to_size, true, subtree, out);
  return out;
}

bool verify_inclusion(std::int64_t leaf_index, std::int64_t size, const digest& leaf, const std::vector<digest>& path,
                      const digest& root) {
  if (leaf_index < 0 || leaf_index >= size) return false;
  std::int64_t fn = leaf_index, sn = size - 1;
  digest r = leaf;
  for (const auto& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1))
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::int64_t from_size, std::int64_t to_size, const digest& from_root, const digest& to_root,
                        const std::vector<digest>& proof) {
  if (from_size <= 0 || from_size > to_size) return false;
  if (from_size == to_size) return proof.empty() && from_root == to_root;
  if (proof.empty()) return false;
  std::vector<digest> path = proof;
  if (is_power_of_two(from_size)) path.insert(path.begin(), from_root);
  std::int64_t fn = from_size - 1, sn = to_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  digest fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    if (sn == 0) return false;
    const auto& c = path[i];
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!(fn & 1))
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == from_root && sr == to_root;
}

merkle_frontier::merkle_frontier(std::int64_t size, const subtree_source& stored) : size_(size) {
  std::int64_t start = 0;
  for (int level = 62; level >= 0; --level) {
    const auto width = std::int64_t{1} << level;
    if (!(size & width)) continue;
    edge_.push_back({level, start >> level, stored(level, start >> level)});
    start += width;
  }
}

void merkle_frontier::append(const digest& leaf, const std::function<void(const subtree&)>& completed) {
  edge_.push_back({0, size_, leaf});
  ++size_;
  while (edge_.size() >= 2 && edge_[edge_.size() - 1].level == edge_[edge_.size() - 2].level) {
    const auto right = edge_.back();
    edge_.pop_back();
    auto& left = edge_.back();
    left = {left.level + 1, left.index >> 1, node_hash(left.hash, right.hash)};
    completed(left);
  }
}

digest merkle_frontier::root() const {
  if (edge_.empty()) return empty_tree_root();
  digest r = edge_.back().hash;
  for (auto it = edge_.rbegin() + 1; it != edge_.rend(); ++it) r = node_hash(it->hash, r);
  return r;
}

std::string to_hex(const digest& d) {
  return base::hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

bool from_hex(std::string_view text, digest& out) {
  if (text.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace stradia::eventstore::audit
