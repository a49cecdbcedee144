#pragma once
// Whether text is a UUID in its 8-4-4-4-12 hexadecimal form: a vocabulary check shared by
// the store, the read models and the gateway (header-only, no I/O).
#include <cctype>
#include <string_view>

namespace stradia::domain {

inline bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace stradia::domain
