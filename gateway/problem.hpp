#pragma once
// Errors in one shape everywhere (API.md §2): application/problem+json with type, title,
// status, code, detail and per-field errors. The code → status table lives here, once.
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_error.hpp"
#include "gateway/http_types.hpp"

namespace stradia::gateway {

int status_of(std::string_view code);

http_response problem(std::string_view code, std::string detail, const std::vector<domain::field_error>& errors = {});
http_response problem(const domain::domain_error& error);

}  // namespace stradia::gateway
