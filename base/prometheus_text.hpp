#pragma once
// The Prometheus text exposition format (version 0.0.4), written by every part that
// exports metrics. Label values here never come from users, so they are not escaped.
#include <cstdint>
#include <string>
#include <string_view>

namespace stradia::base {

class prometheus_text {
 public:
  enum class kind { counter, gauge, histogram };

  // "# HELP" and "# TYPE" of a metric family; its samples follow.
  prometheus_text& family(std::string_view name, kind type, std::string_view help);
  // One sample: `name{labels} value`; labels is the inside of the braces, or empty.
  prometheus_text& sample(std::string_view name, std::string_view labels, std::int64_t value);
  prometheus_text& sample(std::string_view name, std::string_view labels, double value);

  // A family of one unlabelled sample.
  prometheus_text& gauge(std::string_view name, std::string_view help, std::int64_t value);
  prometheus_text& counter(std::string_view name, std::string_view help, std::int64_t value);

  std::string& str() { return out_; }

 private:
  std::string out_;
};

}  // namespace stradia::base
