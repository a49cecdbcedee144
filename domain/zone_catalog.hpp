#pragma once
// The set of IANA time zone names the system knows. The domain only asks it; reading
// the tz database from disk happens outside the domain (commands/system_zone_catalog).
#include <set>
#include <string>
#include <string_view>

namespace stradia::domain {

class zone_catalog {
 public:
  zone_catalog() = default;
  explicit zone_catalog(std::set<std::string, std::less<>> names) : names_(std::move(names)) {}

  bool contains(std::string_view zone) const { return names_.find(zone) != names_.end(); }
  std::size_t size() const { return names_.size(); }

 private:
  std::set<std::string, std::less<>> names_;
};

}  // namespace stradia::domain
