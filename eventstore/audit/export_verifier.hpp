#pragma once
// `stradia audit verify`, offline: reads an export line by line, recomputes every event's
// leaf from its canonical bytes and the tree's root, compares each leaf with the hash
// sealed when the event committed (naming the first position that differs), the root with
// the signed head's, and checks the head's Ed25519 signature; given an older head, that the
// log extends it (its root is the root of the first tree_size leaves). No database.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/audit/export_format.hpp"

namespace stradia::eventstore::audit {

struct verify_options {
  std::string public_key;          // raw; empty: the key the export names (reported as such)
  std::optional<tree_head> since;  // an older head this log must extend
};

struct verify_report {
  bool verified = false;
  std::string tenant_id;
  std::int64_t events = 0;
  std::optional<tree_head> head;
  bool key_from_export = false;
  std::optional<std::int64_t> first_bad_position;
  std::string problem;  // what failed, in words; empty when verified
};

// Lines are taken in batches: each batch is parsed and its leaves hashed on two threads,
// then folded into the tree in order.
class export_verifier {
 public:
  explicit export_verifier(verify_options options) : options_(std::move(options)) {}
  void feed(std::string line);
  verify_report finish();

 private:
  void process_batch();
  void take(std::optional<export_line> parsed, const digest& recomputed);
  void fail_at(std::int64_t position, std::string why);
  void fail(std::string why);

  std::vector<std::string> batch_;
  verify_options options_;
  std::optional<export_header> header_;
  merkle_frontier tree_;
  std::optional<digest> root_at_since_;
  std::int64_t lines_ = 0;
  verify_report report_;
};

}  // namespace stradia::eventstore::audit
