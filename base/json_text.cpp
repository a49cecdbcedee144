#include "base/json_text.hpp"

#include <simdjson.h>

namespace stradia::base {

std::optional<std::string> compact_json(std::string_view text) {
  // The DOM parser validates the whole document (on-demand parsing would not).
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(text)).get(root)) return std::nullopt;
  return simdjson::minify(root);
}

void write_json_text(json_writer& json, std::string_view text) {
  if (text.empty()) {
    json.null();
  } else if (auto compact = compact_json(text)) {
    json.raw(*compact);
  } else {
    json.value(text);
  }
}

}  // namespace stradia::base
