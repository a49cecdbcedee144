#pragma once
// Byte encodings shared by every layer, on libsodium's constant-time codecs.
#include <optional>
#include <string>
#include <string_view>

namespace stradia::base {

// Lowercase hexadecimal, two digits a byte.
std::string hex(std::string_view bytes);

// base64 with padding (RFC 4648 §4): keys, signatures and exported bytes.
std::string base64_encode(std::string_view bytes);
// nullopt unless the text is base64 (line breaks and spaces are skipped).
std::optional<std::string> base64_decode(std::string_view text);

// base64url without padding (RFC 4648 §5), as JWTs use it.
std::string base64url_encode(std::string_view bytes);
// nullopt unless the whole text is base64url without padding.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace stradia::base
