#include "eventstore/notified_value.hpp"

#include "eventstore/log_reader.hpp"

namespace stradia::eventstore {

notified_value::notified_value(notified_value_options options, std::function<void(std::int64_t)> on_value)
    : options_(std::move(options)), on_value_(std::move(on_value)), thread_([this] { run(); }) {}

notified_value::~notified_value() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string notified_value::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void notified_value::run() {
  while (!stopping_) {
    if (auto followed = follow(); !followed) {
      std::lock_guard lock(error_mutex_);
      last_error_ = followed.error().message;
    }
    for (int waited = 0; waited < 50 && !stopping_; ++waited)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

result<void> notified_value::follow() {
  auto connected = log_reader::connect(options_.worker_conninfo);
  if (!connected) return base::unexpected(connected.error());
  auto& reader = **connected;
  if (auto ok = reader.listen(options_.channel); !ok) return ok;
  {
    std::lock_guard lock(error_mutex_);
    last_error_.clear();
  }
  while (!stopping_) {
    // Read after LISTEN: a change committed in between is either read now or announced.
    auto value = reader.query_value(options_.sql, options_.params);
    if (!value) return base::unexpected(value.error());
    const auto current = value->has_value() ? std::stoll(**value) : 0;
    value_ = current;
    on_value_(current);
    // Woken by a notification, or re-read after the interval anyway; checks stop often.
    for (auto waited = std::chrono::milliseconds(0); waited < options_.reread_interval && !stopping_;
         waited += std::chrono::milliseconds(100)) {
      auto woke = reader.wait_for_notification(std::chrono::milliseconds(100));
      if (!woke) return base::unexpected(woke.error());
      if (*woke) break;
    }
  }
  return {};
}

}  // namespace stradia::eventstore
