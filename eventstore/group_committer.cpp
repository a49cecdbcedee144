#include "eventstore/group_committer.hpp"

#include "eventstore/batch_plan.hpp"
#include "eventstore/pg_errors.hpp"

namespace stradia::eventstore {

namespace {

std::size_t event_count(const append_request& r) {
  std::size_t n = 0;
  for (const auto& s : r.streams) n += s.events.size();
  return n;
}

}  // namespace

group_committer::group_committer(std::string conninfo, group_commit_options options) : options_(options) {
  for (int i = 0; i < std::max(options_.writers, 1); ++i)
    batch_writers_.push_back(std::make_unique<batch_writer>(conninfo));
  for (auto& writer : batch_writers_) writers_.emplace_back([this, w = writer.get()] { run(*w); });
}

group_committer::~group_committer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& writer : writers_) writer.join();
}

std::future<result<append_result>> group_committer::submit(append_request request) {
  std::promise<result<append_result>> promise;
  auto future = promise.get_future();
  auto valid = validated(std::move(request));
  if (!valid) {
    promise.set_value(base::unexpected<store_error>(std::move(valid).error()));
    return future;
  }
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      promise.set_value(fail(store_errc::retryable, "the event store is shutting down"));
      return future;
    }
    queue_.push_back(pending{std::move(valid).value(), std::move(promise)});
  }
  wake_.notify_one();
  return future;
}

std::uint64_t group_committer::transactions() const {
  std::lock_guard lock(mutex_);
  return transactions_;
}

std::deque<group_committer::pending> group_committer::take_batch() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  std::deque<pending> batch;
  std::size_t events = 0;
  while (!queue_.empty() &&
         (batch.empty() || events + event_count(queue_.front().request) <= options_.max_batch_events)) {
    events += event_count(queue_.front().request);
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void group_committer::run(batch_writer& writer) {
  for (;;) {
    auto batch = take_batch();
    if (batch.empty()) return;  // stopping, nothing left
    std::vector<append_request> requests;
    requests.reserve(batch.size());
    for (auto& p : batch) requests.push_back(std::move(p.request));
    auto outcomes = write_with_retries(writer, requests);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].promise.set_value(std::move(outcomes[i]));
  }
}

std::vector<result<append_result>> group_committer::write_with_retries(batch_writer& writer,
                                                                       const std::vector<append_request>& requests) {
  store_error last{store_errc::retryable, "no attempt made"};
  for (int attempt = 0; attempt < options_.connect_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt, 5)));
    try {
      auto outcomes = writer.write(requests);
      std::lock_guard lock(mutex_);
      ++transactions_;
      return outcomes;
    } catch (...) {
      last = translate_current_exception();
      writer.forget();
    }
    if (last.code != store_errc::retryable) break;
  }
  if (last.code != store_errc::retryable && requests.size() > 1) {
    // Something in the batch broke the transaction: isolate it by writing each alone.
    std::vector<result<append_result>> outcomes;
    for (const auto& request : requests) outcomes.push_back(std::move(write_with_retries(writer, {request}).front()));
    return outcomes;
  }
  return std::vector<result<append_result>>(requests.size(), base::unexpected<store_error>(last));
}

}  // namespace stradia::eventstore
