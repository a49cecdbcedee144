#pragma once
// A random version-4 UUID for tests and benchmarks: from a given generator, or a
// thread's own.
#include <random>
#include <string>

namespace stradia::testing {

inline std::string random_uuid(std::mt19937_64& rng) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(36, '-');
  for (std::size_t i = 0; i < out.size(); ++i)
    if (i != 8 && i != 13 && i != 18 && i != 23) out[i] = hex[rng() % 16];
  out[14] = '4';
  return out;
}

inline std::string random_uuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return random_uuid(rng);
}

}  // namespace stradia::testing
