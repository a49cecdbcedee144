#pragma once
// Seals the log as it commits: reads events after its progress, hashes each into its
// tenant's Merkle tree (leaf, and every complete subtree the leaf finishes), and signs a
// tree head for a tenant every `head_every_events` new events or `head_every` time, all in
// one transaction with its progress. Several gateways may run one each: the progress row
// is locked for each batch, so one seals at a time and the others take over from the
// rows, never from memory. Runs on its own thread; lag is a poll interval or a NOTIFY.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "eventstore/audit/tree_head.hpp"

namespace stradia::eventstore::audit {

struct sealer_options {
  std::string worker_conninfo;
  std::optional<head_signer> signer;  // none: the tree is kept, no heads are signed
  std::int64_t head_every_events = 1000;
  std::chrono::milliseconds head_every{1000};
  std::chrono::milliseconds poll{500};  // the longest a commit waits to be sealed, plus a batch
  std::size_t batch_size = 5000;
};

class sealer {
 public:
  explicit sealer(sealer_options options);
  ~sealer();
  sealer(const sealer&) = delete;
  sealer& operator=(const sealer&) = delete;

  // The log position sealed so far (for /metrics and tests).
  std::int64_t sealed_position() const { return sealed_.load(); }
  // Empty while sealing works; else why not (internal text, for the log).
  std::string problem() const;

  // In the caller's thread (tests, `stradia audit seal`): seals what is committed, then
  // signs the heads due (every tenant's that grew when `sign_all`). The events sealed.
  static std::int64_t seal_once(const std::string& worker_conninfo, const std::optional<head_signer>& signer,
                                bool sign_all);

 private:
  void run();
  struct state;
  sealer_options options_;
  std::unique_ptr<state> state_;
  std::atomic<std::int64_t> sealed_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace stradia::eventstore::audit
