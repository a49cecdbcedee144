#pragma once
// JSON carried as text inside events (a task's execution payload, a global task's
// expected payload schema): checked once, then written into answers as JSON values.
#include <optional>
#include <string>
#include <string_view>

#include "base/json_writer.hpp"

namespace stradia::base {

// The value compacted (insignificant whitespace removed), or nullopt when `text` is not JSON.
std::optional<std::string> compact_json(std::string_view text);

// Writes the text as the JSON value it holds; null when empty; a string when it is not JSON
// (a payload written before payloads were checked).
void write_json_text(json_writer& json, std::string_view text);

}  // namespace stradia::base
