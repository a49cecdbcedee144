#include "base/prometheus_text.hpp"

#include <charconv>

namespace stradia::base {

namespace {

std::string_view type_name(prometheus_text::kind type) {
  switch (type) {
    case prometheus_text::kind::counter: return "counter";
    case prometheus_text::kind::gauge: return "gauge";
    case prometheus_text::kind::histogram: return "histogram";
  }
  return "untyped";
}

template <class Number>
void append_sample(std::string& out, std::string_view name, std::string_view labels, Number value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
  out += '\n';
}

}  // namespace

prometheus_text& prometheus_text::family(std::string_view name, kind type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
  return *this;
}

prometheus_text& prometheus_text::sample(std::string_view name, std::string_view labels, std::int64_t value) {
  append_sample(out_, name, labels, value);
  return *this;
}

prometheus_text& prometheus_text::sample(std::string_view name, std::string_view labels, double value) {
  append_sample(out_, name, labels, value);
  return *this;
}

prometheus_text& prometheus_text::gauge(std::string_view name, std::string_view help, std::int64_t value) {
  return family(name, kind::gauge, help).sample(name, "", value);
}

prometheus_text& prometheus_text::counter(std::string_view name, std::string_view help, std::int64_t value) {
  return family(name, kind::counter, help).sample(name, "", value);
}

}  // namespace stradia::base
