#include "gateway/request_metrics.hpp"

#include <cstdio>

#include "base/prometheus_text.hpp"

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
  base::prometheus_text text;
  text.family("stradia_http_requests_total", base::prometheus_text::kind::counter,
              "HTTP requests answered, by route kind and status class.");
  for (std::size_t r = 0; r < route_names.size(); ++r)
    for (int c : status_classes) {
      const auto labels = "route=\"" + std::string(route_names[r]) + "\",code=\"" + std::to_string(c) + "xx\"";
      text.sample("stradia_http_requests_total", labels,
                  static_cast<std::int64_t>(by_route_and_class_[r][c].load(std::memory_order_relaxed)));
    }
  text.family("stradia_http_request_duration_seconds", base::prometheus_text::kind::histogram,
              "Time to answer a request.");
  std::uint64_t cumulative = 0;
  char bound[32];
  for (std::size_t b = 0; b < bucket_seconds.size(); ++b) {
    cumulative += latency_buckets_[b].load(std::memory_order_relaxed);
    std::snprintf(bound, sizeof bound, "le=\"%g\"", bucket_seconds[b]);
    text.sample("stradia_http_request_duration_seconds_bucket", bound, static_cast<std::int64_t>(cumulative));
  }
  const auto count = static_cast<std::int64_t>(latency_count_.load(std::memory_order_relaxed));
  text.sample("stradia_http_request_duration_seconds_bucket", "le=\"+Inf\"", count);
  text.sample("stradia_http_request_duration_seconds_sum", "",
              static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  text.sample("stradia_http_request_duration_seconds_count", "", count);
  out += text.str();
}

}  // namespace stradia::gateway
