#pragma once
// Loads the IANA zone names (zones and links) from the system tz database, so that
// "Europe/Madrid" validates and "Mars/Olympus" does not. Read once at start-up.
#include <filesystem>
#include <optional>

#include "domain/zone_catalog.hpp"

namespace stradia::commands {

inline const std::filesystem::path default_tzdata_path = "/usr/share/zoneinfo/tzdata.zi";

// nullopt when the file is missing or names no zone.
std::optional<domain::zone_catalog> load_system_zone_catalog(
    const std::filesystem::path& tzdata_zi = default_tzdata_path);

}  // namespace stradia::commands
