#include "adapters/google_json.hpp"

#include <algorithm>
#include <cctype>

namespace stradia::adapters {

std::optional<std::string> text_at(simdjson::dom::element object, std::string_view key) {
  simdjson::dom::element value;
  if (object[key].get(value)) return std::nullopt;
  std::string_view text;
  if (!value.get(text)) return std::string(text);
  std::int64_t number = 0;
  if (!value.get(number)) return std::to_string(number);
  return std::nullopt;
}

bool is_resource_name(std::string_view name) {
  return !name.empty() && name.size() < 512 && name.front() != '/' && name.find("//") == std::string_view::npos &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '/' || c == '-' || c == '_'; });
}

}  // namespace stradia::adapters
