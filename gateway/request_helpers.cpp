#include "gateway/request_helpers.hpp"

#include <algorithm>

namespace stradia::gateway {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+')
      out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else
      out += s[i];
  }
  return out;
}

std::optional<std::string> query_param(const std::string& target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view query = std::string_view(target).substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::vector<eventstore::envelope>> whole_stream(eventstore::event_store& store,
                                                              const std::string& tenant_id,
                                                              const std::string& stream_id) {
  std::vector<eventstore::envelope> events;
  for (;;) {
    eventstore::stream_range range;
    range.after_version = events.empty() ? 0 : events.back().stream_version();
    auto batch = store.read_stream(tenant_id, stream_id, range);
    if (!batch) return std::nullopt;
    events.insert(events.end(), batch->begin(), batch->end());
    if (batch->size() < range.max_count) return events;
  }
}

std::optional<std::int64_t> whole_number(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() > 18 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(*text);
}

http_response json_ok(std::string body) { return http_response{200, "application/json", std::move(body), {}, {}}; }

}  // namespace stradia::gateway
