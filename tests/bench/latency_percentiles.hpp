#pragma once
// Percentiles of latencies in microseconds, as milliseconds (sorts the samples).
#include <algorithm>
#include <cstdint>
#include <vector>

namespace stradia::testing {

class latency_percentiles {
 public:
  explicit latency_percentiles(std::vector<std::int64_t>& micros) : sorted_(micros) {
    std::sort(sorted_.begin(), sorted_.end());
  }
  // p in [0, 1]; 1 is the maximum; 0 when there is no sample.
  double ms(double p) const {
    if (sorted_.empty()) return 0.0;
    const auto at = std::min(sorted_.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted_.size())));
    return static_cast<double>(sorted_[at]) / 1000.0;
  }

 private:
  std::vector<std::int64_t>& sorted_;
};

}  // namespace stradia::testing
