#pragma once
// Idempotency-Key answers in Postgres (table idempotency_keys), per tenant and user, so a
// retry after a restart or on another gateway gets the first answer, and two concurrent
// requests with one key run the command once. A request claims its key first: the claim
// holds a lease (a second request meanwhile is told the key is in use) and the tenant's
// log head. A claim whose lease ran out belongs to a process that died: the next request
// takes it over and looks in the log, after that head, for the command's events. Keys
// live 24 hours. Row-level security by tenant, stradia_app role. Thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

class connection_pool;

struct idempotency_options {
  std::chrono::hours lifetime{24};
  std::size_t max_keys_per_user = 100000;  // keys one user holds within their 24 hours
  std::size_t max_kept_body = 16 * 1024;   // larger answers are rebuilt from the log on replay
};

struct kept_answer {
  int status = 0;
  std::string content_type;
  std::optional<std::string> body;  // nullopt: too large to keep, rebuild from the command's events
};

enum class claim_kind {
  fresh,              // the key is this request's: run the command under command_id
  replay,             // answered before: `answer`
  taken_over,         // a claim whose process died: look for command_id's events after log_head
  different_request,  // the key was used with another body
  in_use,             // another request with this key is running
  too_many_keys,      // the user holds max_keys_per_user live keys
};

struct idempotency_claim {
  claim_kind kind = claim_kind::fresh;
  std::string command_id;
  std::int64_t log_head = 0;
  kept_answer answer;
};

class idempotency_store {
 public:
  idempotency_store(std::string app_conninfo, idempotency_options options = {});
  ~idempotency_store();

  // `command_id`: the id a fresh claim takes (a new UUID from the caller). `lease`: longer
  // than the command can run; a claim still pending after it is taken over.
  result<idempotency_claim> claim(const std::string& tenant_id, const std::string& user_id, const std::string& key,
                                  const std::string& request_digest, const std::string& command_id,
                                  std::chrono::seconds lease);
  // The answer of the claimed request; the claim becomes a replayable key.
  result<void> complete(const std::string& tenant_id, const std::string& user_id, const std::string& key,
                        const kept_answer& answer);
  // The request ended without an answer worth keeping (the store was down): its lease ends
  // now, so a retry takes over at once and finds out from the log whether it committed.
  result<void> release(const std::string& tenant_id, const std::string& user_id, const std::string& key);
  const idempotency_options& options() const { return options_; }

 private:
  idempotency_options options_;
  std::unique_ptr<connection_pool> pool_;
};

}  // namespace stradia::eventstore
