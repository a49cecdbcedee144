#pragma once
// Small pieces the API's routes share: the request target read with Boost.URL (path
// segments and query parameters, percent-decoded; '+' is a space only in the query),
// numbers, JSON answers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http_types.hpp"

namespace stradia::gateway {

// The decoded segments of the target's path ("/api/v1/boards/x" → api, v1, boards, x);
// nullopt when the target is not an origin-form URL.
std::optional<std::vector<std::string>> path_segments(std::string_view target);
// The value of query parameter `name`, decoded; nullopt when absent (or the target is not
// a URL).
std::optional<std::string> query_param(std::string_view target, std::string_view name);
// A non-negative whole number, or nullopt.
std::optional<std::int64_t> whole_number(const std::optional<std::string>& text);
http_response json_ok(std::string body);

}  // namespace stradia::gateway
