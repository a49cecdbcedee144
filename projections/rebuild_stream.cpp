#include "projections/rebuild_stream.hpp"

#include <pqxx/pqxx>

#include "projections/copy_in.hpp"

namespace stradia::projections {

rebuild_stream::rebuild_stream(pqxx::transaction_base& t) : t_(t), writer_([this] { write_all(); }) {}

rebuild_stream::~rebuild_stream() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    chunks_.clear();  // unwinding: nothing more is written
  }
  queued_.notify_one();
  drained_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void rebuild_stream::send(const std::string& table, const std::vector<std::string>& columns, std::string rows,
                          copy_format format) {
  if (!rows.empty()) enqueue({table, &columns, std::move(rows), format, std::nullopt});
}

void rebuild_stream::execute(std::string statement, std::optional<std::string> parameter) {
  enqueue({{}, nullptr, std::move(statement), copy_format::text, std::move(parameter)});
}

void rebuild_stream::enqueue(chunk next) {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queued_bytes_ < max_queued_bytes || failure_ || finishing_; });
  // A refused COPY ends the fold at once: the rebuild starts again row by row.
  if (failure_) std::rethrow_exception(failure_);
  if (finishing_) return;
  queued_bytes_ += next.rows.size();
  chunks_.push_back(std::move(next));
  queued_.notify_one();
}

void rebuild_stream::write_all() {
  for (;;) {
    chunk next;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [this] { return !chunks_.empty() || finishing_; });
      if (chunks_.empty()) return;
      next = std::move(chunks_.front());
      chunks_.pop_front();
    }
    try {
      if (!next.columns) {
        if (next.parameter)
          t_.exec_params(next.rows, *next.parameter);
        else
          t_.exec(next.rows);
      } else {
        copy_in out(t_, next.table, *next.columns, next.format);
        out.write(next.rows);
        out.complete();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
      chunks_.clear();
      queued_bytes_ = 0;
      drained_.notify_all();
      return;
    }
    std::lock_guard lock(mutex_);
    queued_bytes_ -= next.rows.size();
    drained_.notify_all();
  }
}

void rebuild_stream::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  queued_.notify_one();
  drained_.notify_all();
  writer_.join();
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace stradia::projections
