#include "gateway/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <simdjson.h>

#include "base/encoding.hpp"
#include "base/json_writer.hpp"

namespace stradia::gateway {

using base::base64url_decode;
using base::base64url_encode;

namespace {

constexpr std::string_view header_json = R"({"alg":"HS256","typ":"JWT"})";
}  // namespace

std::string jwt_codec::signature(std::string_view signing_input) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string jwt_codec::sign(const token_claims& claims) const {
  base::json_writer payload;
  payload.begin_object();
  payload.field("sub", claims.sub);
  payload.field("tid", claims.tid);
  payload.field("role", claims.role);
  payload.field("iat", claims.iat);
  payload.field("exp", claims.exp);
  payload.end_object();
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload.str());
  return input + "." + base64url_encode(signature(input));
}

std::optional<token_claims> jwt_codec::verify(std::string_view token, std::int64_t now) const {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  const auto header = base64url_decode(token.substr(0, first));
  const auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  const auto mac = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !mac) return std::nullopt;
  const auto expected = signature(token.substr(0, second));
  if (mac->size() != expected.size() || CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0)
    return std::nullopt;

  simdjson::ondemand::parser parser;
  const simdjson::padded_string header_text(*header);
  auto header_doc = parser.iterate(header_text);
  std::string_view alg;
  if (header_doc.get_object().error() || header_doc["alg"].get_string().get(alg) || alg != "HS256") return std::nullopt;

  const simdjson::padded_string payload_text(*payload);
  auto doc = parser.iterate(payload_text);
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return std::nullopt;
  token_claims claims;
  std::string_view sub, tid, role;
  if (object["sub"].get_string().get(sub) || object["tid"].get_string().get(tid) ||
      object["role"].get_string().get(role) || object["iat"].get_int64().get(claims.iat) ||
      object["exp"].get_int64().get(claims.exp))
    return std::nullopt;
  claims.sub = sub;
  claims.tid = tid;
  claims.role = role;
  if (claims.exp <= now) return std::nullopt;
  return claims;
}

}  // namespace stradia::gateway
