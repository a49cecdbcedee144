#pragma once
// A small JSON writer: objects, arrays, escaped strings (UTF-8 passed through, control
// characters and invalid bytes escaped), numbers, and raw JSON pieces already written.
#include <cstdint>
#include <string>
#include <string_view>

namespace stradia::base {

class json_writer {
 public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view name);
  json_writer& value(std::string_view text);
  json_writer& value(const char* text) { return value(std::string_view(text)); }
  json_writer& value(std::int64_t number);
  json_writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
  json_writer& value(double number);
  json_writer& value(bool flag);
  json_writer& null();
  json_writer& raw(std::string_view json);  // an already valid JSON value
  template <class T>
  json_writer& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void comma();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace stradia::base
