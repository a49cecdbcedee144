#pragma once
// Counters of the HTTP API for GET /metrics (Prometheus text): requests by route and
// status, and a latency histogram. Lock-free: handlers on every thread add to atomics.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace stradia::gateway {

class request_metrics {
 public:
  // `route` is one of route_names (anything else counts as "other").
  void record(std::string_view route, int status, std::chrono::nanoseconds took);
  // Appends the metrics in the Prometheus text format.
  void write(std::string& out) const;

  static constexpr std::array<std::string_view, 8> route_names{"command", "query",  "events",  "streams",
                                                               "login",   "health", "metrics", "other"};

 private:
  static constexpr std::array<double, 12> bucket_seconds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                         0.05,   0.1,   0.25,   0.5,   1,    5};
  static constexpr std::array<int, 5> status_classes{2, 3, 4, 5, 1};
  std::array<std::array<std::atomic<std::uint64_t>, 6>, route_names.size()> by_route_and_class_{};
  std::array<std::atomic<std::uint64_t>, bucket_seconds.size() + 1> latency_buckets_{};
  std::atomic<std::uint64_t> latency_count_{0};
  std::atomic<std::uint64_t> latency_sum_ns_{0};
};

}  // namespace stradia::gateway
