#pragma once
// Group commit: appends from many threads queue here; a writer thread takes everything
// queued (up to a limit) and records it in one transaction, so the store is bound by
// Postgres, not by round trips. One writer by default (more only split the batches: the
// append lock serializes their inserts anyway). A conflicting append fails alone; a lost connection is retried (safe:
// event ids make the retry idempotent). Thread-safe; the destructor finishes what is queued and joins the writers.

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "eventstore/append.hpp"
#include "eventstore/batch_writer.hpp"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

struct group_commit_options {
  std::size_t max_batch_events = 2000;
  int connect_attempts = 5;
  int writers = 1;
};

class group_committer {
 public:
  group_committer(std::string conninfo, group_commit_options options = {});
  ~group_committer();
  group_committer(const group_committer&) = delete;
  group_committer& operator=(const group_committer&) = delete;

  std::future<result<append_result>> submit(append_request request);

  // Batches written so far; with appends() it shows how much grouping happened.
  std::uint64_t transactions() const;

 private:
  struct pending {
    append_request request;
    std::promise<result<append_result>> promise;
  };

  void run(batch_writer& writer);
  std::deque<pending> take_batch();
  std::vector<result<append_result>> write_with_retries(batch_writer& writer,
                                                        const std::vector<append_request>& requests);

  const group_commit_options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  std::uint64_t transactions_ = 0;
  std::vector<std::unique_ptr<batch_writer>> batch_writers_;  // one per writer thread
  std::vector<std::thread> writers_;
};

}  // namespace stradia::eventstore
