#include "gateway/request_metrics.hpp"

#include <cstdio>

namespace stradia::gateway {

void request_metrics::record(std::string_view route, int status, std::chrono::nanoseconds took) {
  std::size_t r = route_names.size() - 1;
  for (std::size_t i = 0; i < route_names.size(); ++i)
    if (route_names[i] == route) r = i;
  const int status_class = status / 100;
  by_route_and_class_[r][status_class >= 1 && status_class <= 5 ? status_class : 0].fetch_add(
      1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(took).count();
  std::size_t b = 0;
  while (b < bucket_seconds.size() && seconds > bucket_seconds[b]) ++b;
  latency_buckets_[b].fetch_add(1, std::memory_order_relaxed);
  latency_count_.fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
}

void request_metrics::write(std::string& out) const {
  char line[256];
  out += "# HELP stradia_http_requests_total HTTP requests answered, by route kind and status class.\n";
  out += "# TYPE stradia_http_requests_total counter\n";
  for (std::size_t r = 0; r < route_names.size(); ++r)
    for (int c : status_classes) {
      std::snprintf(line, sizeof line, "stradia_http_requests_total{route=\"%.*s\",code=\"%dxx\"} %llu\n",
                    static_cast<int>(route_names[r].size()), route_names[r].data(), c,
                    static_cast<unsigned long long>(by_route_and_class_[r][c].load(std::memory_order_relaxed)));
      out += line;
    }
  out += "# HELP stradia_http_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE stradia_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < bucket_seconds.size(); ++b) {
    cumulative += latency_buckets_[b].load(std::memory_order_relaxed);
    std::snprintf(line, sizeof line, "stradia_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                  bucket_seconds[b], static_cast<unsigned long long>(cumulative));
    out += line;
  }
  const auto count = latency_count_.load(std::memory_order_relaxed);
  std::snprintf(line, sizeof line,
                "stradia_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                "stradia_http_request_duration_seconds_sum %.6f\n"
                "stradia_http_request_duration_seconds_count %llu\n",
                static_cast<unsigned long long>(count),
                static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9,
                static_cast<unsigned long long>(count));
  out += line;
}

}  // namespace stradia::gateway
