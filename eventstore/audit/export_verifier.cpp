#include "eventstore/audit/export_verifier.hpp"

#include <thread>

namespace stradia::eventstore::audit {

void export_verifier::fail_at(std::int64_t position, std::string why) {
  if (report_.first_bad_position || !report_.problem.empty()) return;
  report_.first_bad_position = position;
  report_.problem = "position " + std::to_string(position) + ": " + std::move(why);
}

void export_verifier::fail(std::string why) {
  if (report_.problem.empty()) report_.problem = std::move(why);
}

void export_verifier::feed(std::string line) {
  batch_.push_back(std::move(line));
  if (batch_.size() == 8192) process_batch();
}

void export_verifier::process_batch() {
  const auto n = batch_.size();
  std::vector<std::optional<export_line>> parsed(n);
  std::vector<digest> hashes(n);
  auto work = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (batch_[i].empty()) continue;
      parsed[i] = parse_export_line(batch_[i]);
      if (parsed[i] && parsed[i]->leaf && parsed[i]->leaf->event)
        hashes[i] = leaf_hash(canonical_bytes(*parsed[i]->leaf->event));
    }
  };
  std::thread helper(work, n / 2, n);
  work(0, n / 2);
  helper.join();
  for (std::size_t i = 0; i < n; ++i) {
    ++lines_;
    if (!batch_[i].empty()) take(std::move(parsed[i]), hashes[i]);
  }
  batch_.clear();
}

void export_verifier::take(std::optional<export_line> parsed, const digest& recomputed_hash) {
  if (!report_.problem.empty() && !report_.first_bad_position) return;  // unreadable: nothing further counts
  if (!parsed) {
    fail("line " + std::to_string(lines_) + " is not a line of a Stradia audit export");
    return;
  }
  if (parsed->header) {
    if (header_) fail("line " + std::to_string(lines_) + ": a second header");
    header_ = std::move(parsed->header);
    report_.tenant_id = header_->tenant_id;
    return;
  }
  if (!header_) {
    fail("the export does not start with its header line");
    return;
  }
  if (parsed->head) {
    if (report_.head) fail("line " + std::to_string(lines_) + ": a second head");
    report_.head = std::move(parsed->head);
    return;
  }
  if (parsed->unsealed_event) {
    fail_at(parsed->unsealed_event->global_position,
            "an event that was never sealed (written at a position the trail had already passed)");
    return;
  }
  const auto& leaf = *parsed->leaf;
  if (report_.head) fail("line " + std::to_string(lines_) + ": an event after the head");
  if (leaf.leaf_index != tree_.size()) {
    fail_at(leaf.position, "leaf " + std::to_string(tree_.size()) + " is missing from the export");
    return;
  }
  digest recomputed = recomputed_hash;
  if (!leaf.event) {
    fail_at(leaf.position, "the event is gone from the log");
    recomputed = leaf_hash("");  // whatever it was, it is not there
  } else if (leaf.event->global_position != leaf.position) {
    fail_at(leaf.position, "the event now sits at position " + std::to_string(leaf.event->global_position));
  } else if (leaf.event->tenant_id != header_->tenant_id) {
    fail_at(leaf.position, "the event belongs to another tenant");
  } else if (recomputed != leaf.sealed_hash) {
    fail_at(leaf.position, "the event differs from what was sealed");
  }
  tree_.append(recomputed, [](const merkle_frontier::subtree&) {});
  ++report_.events;
  if (options_.since && tree_.size() == options_.since->tree_size) root_at_since_ = tree_.root();
}

verify_report export_verifier::finish() {
  process_batch();
  if (!header_) fail("the export has no header line");
  if (!report_.head) fail("the export ends without its signed head (cut short?)");
  if (report_.problem.empty()) {
    const auto& head = *report_.head;
    std::string key = options_.public_key;
    if (key.empty()) {
      key = header_->public_key;
      report_.key_from_export = true;
    }
    if (head.tenant_id != header_->tenant_id)
      fail("the head is another tenant's");
    else if (head.tree_size != tree_.size())
      fail("the head covers " + std::to_string(head.tree_size) + " events, the export has " +
           std::to_string(tree_.size()));
    else if (head.root_hash != tree_.root())
      fail("the events do not add up to the signed root (a sealed hash was rewritten as well?)");
    else if (key.empty())
      fail("no public key to check the signature: pass --key (GET /api/v1/audit/key)");
    else if (!verify_head(head, key))
      fail("the head's signature does not verify with key " + key_id_of(key));
  }
  if (report_.problem.empty() && options_.since) {
    const auto& since = *options_.since;
    const auto key = options_.public_key.empty() ? header_->public_key : options_.public_key;
    if (since.tenant_id != header_->tenant_id)
      fail("the older head is another tenant's");
    else if (!verify_head(since, key))
      fail("the older head's signature does not verify");
    else if (since.tree_size > tree_.size())
      fail("the older head is larger than this log");
    else if (!root_at_since_ || *root_at_since_ != since.root_hash)
      fail("the log does not extend the older head: its first " + std::to_string(since.tree_size) +
           " events have another root");
  }
  report_.verified = report_.problem.empty();
  return report_;
}

}  // namespace stradia::eventstore::audit
