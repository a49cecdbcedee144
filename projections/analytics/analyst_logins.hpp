#pragma once
// Analyst logins (`stradia analyst`): a Postgres role per analyst that may read the
// `analytics` views of one tenant and nothing else. The role belongs to stradia_analyst; the
// views' row-level security looks its tenant up by the session's login (analyst_logins), so
// no setting the analyst changes shows another tenant. Run as the owner role.
#include <string>
#include <vector>

#include "base/expected.hpp"

namespace stradia::projections::analytics {

struct analyst_login {
  std::string name, tenant_id, granted_at;  // granted_at: RFC 3339
};

// A role name an analyst may get: 3 to 63 of a-z, 0-9 and _, starting with a letter, and
// not one of Postgres's (pg_…) or Stradia's (stradia…). Empty when fine, else why not.
std::string analyst_name_problem(const std::string& name);

// Creates the login `name` for the tenant with the given SCRAM verifier (or, for a login of
// that tenant already, sets the new one); true when it was created.
base::expected<bool, std::string> grant_analyst(const std::string& owner_conninfo, const std::string& tenant_id,
                                                const std::string& name, const std::string& password_verifier);
// Ends the login's sessions and drops it; false when there is no such analyst login.
base::expected<bool, std::string> revoke_analyst(const std::string& owner_conninfo, const std::string& name);
base::expected<std::vector<analyst_login>, std::string> analyst_logins(const std::string& owner_conninfo);

}  // namespace stradia::projections::analytics
