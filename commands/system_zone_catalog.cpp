#include "commands/system_zone_catalog.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace stradia::commands {

// tzdata.zi (zic's compact input) names every zone on a "Z <name> ..." line and every
// alias on an "L <target> <alias>" line.
std::optional<domain::zone_catalog> load_system_zone_catalog(const std::filesystem::path& tzdata_zi) {
  std::ifstream in(tzdata_zi);
  if (!in) return std::nullopt;
  std::set<std::string, std::less<>> names;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind, first, second;
    fields >> kind >> first;
    if (kind == "Z") {
      names.insert(first);
    } else if (kind == "L" && (fields >> second)) {
      names.insert(second);
    }
  }
  if (names.empty()) return std::nullopt;
  return domain::zone_catalog(std::move(names));
}

}  // namespace stradia::commands
