#include "gateway/request_helpers.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>

namespace stradia::gateway {

std::optional<std::vector<std::string>> path_segments(std::string_view target) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& segment : url->segments()) out.push_back(segment);
  return out;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  const auto params = url->params();
  const auto found = params.find(name);
  if (found == params.end()) return std::nullopt;
  return (*found).has_value ? std::string((*found).value) : std::string();
}

std::optional<std::int64_t> whole_number(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() > 18 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(*text);
}

http_response json_ok(std::string body) { return http_response{200, "application/json", std::move(body), {}, {}}; }

}  // namespace stradia::gateway
