#pragma once
// A refused command: a stable code, a sentence for people, and per-field messages.
#include <string>
#include <vector>

#include "base/errc.hpp"
#include "base/expected.hpp"

namespace stradia::domain {

// The domain answers in base's vocabulary.
using base::code_name;
using base::errc;
using base::expected;
using base::unexpected;

struct field_error {
  std::string path;
  std::string message;
  bool operator==(const field_error&) const = default;
};

struct domain_error {
  errc code;
  std::string detail;
  std::vector<field_error> errors;
};

using check = expected<void, domain_error>;

inline unexpected<domain_error> refuse(errc code, std::string detail) {
  return unexpected<domain_error>(domain_error{code, std::move(detail), {}});
}

inline unexpected<domain_error> invalid(std::vector<field_error> errors) {
  return unexpected<domain_error>(
      domain_error{errc::validation_failed, "The command has invalid fields.", std::move(errors)});
}

inline unexpected<domain_error> invalid(std::string path, std::string message) {
  return invalid({field_error{std::move(path), std::move(message)}});
}

}  // namespace stradia::domain
