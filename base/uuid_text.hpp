#pragma once
// Whether text is a UUID in its canonical form: 8-4-4-4-12 lowercase hexadecimal (API.md:
// "All ids are UUIDs (lowercase, hyphenated)"). An uppercase spelling is refused rather
// than folded: Postgres would store it lowercased and every later lookup by the text the
// client sent would miss. A vocabulary check shared by the store, the read models and the
// gateway (header-only, no I/O).
#include <string>
#include <string_view>

namespace stradia::base {

inline bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The canonical text of 16 bytes (no version bits touched), written into `out`.
inline void format_uuid(const unsigned char* bytes, std::string& out) {
  static constexpr char digits[] = "0123456789abcdef";
  out.resize(36);
  std::size_t o = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    out[o++] = digits[bytes[i] >> 4];
    out[o++] = digits[bytes[i] & 0xF];
  }
}

}  // namespace stradia::base
