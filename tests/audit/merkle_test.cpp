// RFC 9162 hashing, roots and proofs from complete subtrees, checked against the RFC's
// recursive definitions computed directly from the leaves.
#include "eventstore/audit/merkle.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "eventstore/audit/canonical_event.hpp"
#include "eventstore/audit/export_verifier.hpp"

namespace stradia::testing {
namespace {

namespace audit = eventstore::audit;
using audit::digest;

// MTH(D[lo:hi]) straight from RFC 9162 §2.1.1.
digest mth(const std::vector<digest>& leaves, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) return leaves[lo];
  std::size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return audit::node_hash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

struct tree {
  std::vector<digest> leaves;
  std::map<std::pair<int, std::int64_t>, digest> stored;  // what the sealer keeps
  audit::merkle_frontier frontier;
  explicit tree(int n) {
    for (int i = 0; i < n; ++i) {
      leaves.push_back(audit::leaf_hash("event " + std::to_string(i)));
      stored[{0, i}] = leaves.back();
      frontier.append(leaves.back(), [&](const audit::merkle_frontier::subtree& s) {
        stored[{s.level, s.index}] = s.hash;
      });
    }
  }
  // As the store answers: levels 1 to 3 folded from their leaves.
  audit::subtree_source source() const {
    return [this](int level, std::int64_t index) {
      if (level > 0 && level < audit::lowest_stored_level) {
        std::vector<digest> below;
        for (std::int64_t i = index << level; i < (index + 1) << level; ++i) below.push_back(stored.at({0, i}));
        return audit::fold_complete(below);
      }
      return stored.at({level, index});
    };
  }
};

TEST(Merkle, HashesAreRfc9162s) {
  EXPECT_EQ(audit::to_hex(audit::empty_tree_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // SHA-256 of the single byte 0x00: the leaf of empty bytes.
  EXPECT_EQ(audit::to_hex(audit::leaf_hash("")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(Merkle, RootsFromStoredSubtreesEqualTheRecursiveDefinitionAndTheFrontiers) {
  const tree t(70);
  for (int n = 1; n <= 70; ++n) {
    const auto expected = mth(t.leaves, 0, static_cast<std::size_t>(n));
    EXPECT_EQ(audit::tree_root(n, t.source()), expected) << n;
    const audit::merkle_frontier reloaded(n, t.source());
    EXPECT_EQ(reloaded.root(), expected) << n;
  }
  EXPECT_EQ(t.frontier.root(), mth(t.leaves, 0, 70));
}

TEST(Merkle, EveryInclusionAndConsistencyProofVerifiesAndATamperedOneDoesNot) {
  const tree t(45);
  for (int n = 1; n <= 45; ++n) {
    const auto root = audit::tree_root(n, t.source());
    for (int m = 0; m < n; ++m) {
      auto path = audit::inclusion_proof(m, n, t.source());
      ASSERT_TRUE(audit::verify_inclusion(m, n, t.leaves[static_cast<std::size_t>(m)], path, root)) << m << "/" << n;
      if (!path.empty()) {
        path[0][0] ^= 1;
        EXPECT_FALSE(audit::verify_inclusion(m, n, t.leaves[static_cast<std::size_t>(m)], path, root));
      }
      const auto other = t.leaves[static_cast<std::size_t>((m + 1) % 45)];
      if (other != t.leaves[static_cast<std::size_t>(m)]) {
        EXPECT_FALSE(audit::verify_inclusion(m, n, other, audit::inclusion_proof(m, n, t.source()), root));
      }
    }
    for (int m = 1; m <= n; ++m) {
      const auto old_root = audit::tree_root(m, t.source());
      auto proof = audit::consistency_proof(m, n, t.source());
      ASSERT_TRUE(audit::verify_consistency(m, n, old_root, root, proof)) << m << "->" << n;
      if (!proof.empty()) {
        proof.back()[5] ^= 0x80;
        EXPECT_FALSE(audit::verify_consistency(m, n, old_root, root, proof)) << m << "->" << n;
      }
    }
  }
}

TEST(Merkle, TheCanonicalBytesCoverEveryColumn) {
  audit::recorded_event e{42, "e-id", "t-id", "task-1", 3, "TaskMoved", 1, std::string("\0\1bytes", 7), "{}", 1700};
  const auto base = audit::leaf_hash(audit::canonical_bytes(e));
  auto changed = [&](auto mutate) {
    auto copy = e;
    mutate(copy);
    return audit::leaf_hash(audit::canonical_bytes(copy)) != base;
  };
  EXPECT_TRUE(changed([](auto& x) { x.global_position = 43; }));
  EXPECT_TRUE(changed([](auto& x) { x.event_id = "e-iD"; }));
  EXPECT_TRUE(changed([](auto& x) { x.tenant_id = "t-iD"; }));
  EXPECT_TRUE(changed([](auto& x) { x.stream_id = "task-2"; }));
  EXPECT_TRUE(changed([](auto& x) { x.stream_version = 4; }));
  EXPECT_TRUE(changed([](auto& x) { x.event_type = "TaskMoved2"; }));
  EXPECT_TRUE(changed([](auto& x) { x.schema_version = 2; }));
  EXPECT_TRUE(changed([](auto& x) { x.payload[0] = 'x'; }));
  EXPECT_TRUE(changed([](auto& x) { x.metadata = R"({"a": 1})"; }));
  EXPECT_TRUE(changed([](auto& x) { x.recorded_at_us = 1701; }));
  // Length prefixes: moving a byte from one field to the next is a change too.
  EXPECT_TRUE(changed([](auto& x) {
    x.stream_id = "task-";
    x.event_type = "1TaskMoved";
  }));
}

TEST(ExportVerifier, ACutOrGarbledExportIsNamedNotTrusted) {
  audit::export_verifier cut({});
  cut.feed(audit::header_line({"t", 1, "k", ""}));
  const auto report = cut.finish();
  EXPECT_FALSE(report.verified);
  EXPECT_NE(report.problem.find("without its signed head"), std::string::npos) << report.problem;
  audit::export_verifier garbled({});
  garbled.feed(audit::header_line({"t", 1, "k", ""}));
  garbled.feed("{\"leaf_index\":0}");
  const auto unreadable = garbled.finish();
  EXPECT_FALSE(unreadable.verified);
  EXPECT_NE(unreadable.problem.find("line 2 is not a line of a Stradia audit export"), std::string::npos)
      << unreadable.problem;
}

TEST(ExportVerifier, AnEventWithADuplicatedOrUnknownMemberIsNotRead) {
  const std::string event =
      R"({"position":1,"event_id":"e","tenant_id":"t","stream_id":"s","stream_version":1,"event_type":"X",)"
      R"("schema_version":1,"payload":"AA==","metadata":"{}","recorded_at_us":5)";
  const std::string hash(64, '0');
  const auto line = [&](const std::string& extra) {
    return R"({"leaf_index":0,"position":1,"leaf_hash":")" + hash + R"(","event":)" + event + extra + "}}";
  };
  EXPECT_TRUE(audit::parse_export_line(line("")).has_value());
  EXPECT_FALSE(audit::parse_export_line(line(R"(,"payload":"AQ==")")).has_value()) << "a second payload";
  EXPECT_FALSE(audit::parse_export_line(line(R"(,"note":"x")")).has_value()) << "an unknown member";
  auto big = event;
  big.replace(big.find(R"("schema_version":1)"), 18, R"("schema_version":4294967297)");
  EXPECT_FALSE(
      audit::parse_export_line(R"({"leaf_index":0,"position":1,"leaf_hash":")" + hash + R"(","event":)" + big + "}}")
          .has_value())
      << "a schema version past 32 bits";
}

}  // namespace
}  // namespace stradia::testing
