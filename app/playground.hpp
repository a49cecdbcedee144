#pragma once
// The playground of the domain model (§7) and the issue: two tenants, their users,
// markets, the "Data Layer Baseline 2026" strategy on every board, and the golden record's
// task state on Spain's board, all built by running commands (so all of it is events).
// Running it again changes nothing.
#include <string>

#include "app/runtime.hpp"

namespace stradia::app {

struct seed_report {
  bool already_seeded = false;
  int commands = 0;
};

// nullopt-like failure carries a message; the password applies to every seeded user.
base::expected<seed_report, std::string> seed_playground(runtime& rt, const std::string& password);

}  // namespace stradia::app
