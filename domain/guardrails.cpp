#include "domain/guardrails.hpp"

#include <algorithm>
#include <array>

#include "base/uuid_text.hpp"

namespace stradia::domain::guardrails {

namespace {

// Decodes one UTF-8 sequence; invalid bytes count as one character each.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto continuation = [&](std::size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto cont = [&](std::size_t k) { return static_cast<char32_t>(s[i + k] & 0x3F); };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0 && continuation(1)) {
    char32_t cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | cont(1);
    i += 2;
    return cp;
  }
  if ((b0 & 0xF0) == 0xE0 && continuation(1) && continuation(2)) {
    char32_t cp = (static_cast<char32_t>(b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2);
    i += 3;
    return cp;
  }
  if ((b0 & 0xF8) == 0xF0 && continuation(1) && continuation(2) && continuation(3)) {
    char32_t cp = (static_cast<char32_t>(b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
    i += 4;
    return cp;
  }
  ++i;
  return 0xFFFD;
}

// JavaScript's \s, which the model's policy regex uses.
bool is_js_whitespace(char32_t c) {
  constexpr std::array<char32_t, 12> others{0x00A0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F,
                                            0x3000, 0xFEFF, 0x0009, 0x000B, 0x000C, 0x0020};
  if (c == '\n' || c == '\r') return true;
  if (c >= 0x2000 && c <= 0x200A) return true;
  return std::find(others.begin(), others.end(), c) != others.end();
}

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

problems one(std::string_view path, std::string message) {
  return {field_error{std::string(path), std::move(message)}};
}

}  // namespace

std::size_t character_count(std::string_view utf8) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < utf8.size(); ++count) next_code_point(utf8, i);
  return count;
}

void collect(problems& all, problems more) {
  all.insert(all.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

problems length_between(std::string_view path, std::string_view value, std::size_t min, std::size_t max) {
  const auto n = character_count(value);
  if (n < min) return one(path, "String must contain at least " + std::to_string(min) + " character(s)");
  if (n > max) return one(path, "String must contain at most " + std::to_string(max) + " character(s)");
  return {};
}

problems policy_text(std::string_view text) {
  problems out;
  const auto n = character_count(text);
  if (n < 10) out.push_back({"policy_text", "Rule is too short."});
  if (n > 300) out.push_back({"policy_text", "Rule exceeds 300 character limit."});
  bool allowed = !text.empty();
  for (std::size_t i = 0; i < text.size() && allowed;) {
    const char32_t c = next_code_point(text, i);
    const bool ascii_alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const bool punctuation = c == '.' || c == ',' || c == '!' || c == '?' || c == '\'' || c == '-';
    allowed = ascii_alnum || punctuation || is_js_whitespace(c);
  }
  if (!allowed) out.push_back({"policy_text", "Invalid characters in policy."});
  return out;
}

problems measurement_id(std::string_view id) {
  const bool ok = id.size() == 12 && id.substr(0, 2) == "G-" && std::all_of(id.begin() + 2, id.end(), is_upper_alnum);
  return ok ? problems{} : one("measurement_id", "Must be a valid GA4 Measurement ID.");
}

problems container_id(std::string_view id) {
  const bool ok = id.size() > 4 && id.substr(0, 4) == "GTM-" && std::all_of(id.begin() + 4, id.end(), is_upper_alnum);
  return ok ? problems{} : one("container_id", "Must be a valid GTM Container ID.");
}

problems trigger_type(std::string_view trigger) {
  if (trigger == "All Pages" || trigger == "CustomEvent") return {};
  return one("trigger_type",
             "Invalid enum value. Expected 'All Pages' | 'CustomEvent', received '" + std::string(trigger) + "'");
}

problems market_name(std::string_view name) { return length_between("name", name, 2, 50); }

problems region_code(std::string_view code) {
  const bool ok =
      code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return ok ? problems{} : one("region_code", "Must be a two-letter ISO 3166-1 region code.");
}

problems timezone(std::string_view zone, const zone_catalog& zones) {
  return zones.contains(zone) ? problems{} : one("timezone", "Invalid IANA timezone.");
}

problems ghost_justification(std::string_view justification) {
  return length_between("justification", justification, 10, 1000);
}

bool language_tag(std::string_view tag) {
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto dash = tag.find('-');
  const auto language = tag.substr(0, dash);
  if (language.size() < 2 || language.size() > 3 || !std::all_of(language.begin(), language.end(), lower)) return false;
  if (dash == std::string_view::npos) return true;
  const auto region = tag.substr(dash + 1);
  return region.size() == 2 && upper(region[0]) && upper(region[1]);
}

problems email(std::string_view address) {
  const auto at = address.find('@');
  const bool ok = at != std::string_view::npos && at > 0 && address.find('@', at + 1) == std::string_view::npos &&
                  address.find('.', at + 2) != std::string_view::npos && address.back() != '.' &&
                  address.size() <= 254 && std::none_of(address.begin(), address.end(), [](char c) {
                    return c == ' ' || static_cast<unsigned char>(c) < 0x20;
                  });
  return ok ? problems{} : one("email", "Invalid email");
}

problems weight(std::int64_t weight) {
  if (weight < 1) return one("weight", "Number must be greater than or equal to 1");
  if (weight > 100) return one("weight", "Number must be less than or equal to 100");
  return {};
}

problems entity_id(std::string_view path, std::string_view id) {
  if (base::is_uuid(id)) return {};
  return one(path, "Invalid uuid");
}

}  // namespace stradia::domain::guardrails
