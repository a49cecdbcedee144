#include "projections/analytics/analyst_logins.hpp"

#include <pqxx/pqxx>

#include "domain/stream_ids.hpp"

namespace stradia::projections::analytics {

namespace {

// Who an analyst login is, what it may do: read, briefly, a few sessions at a time.
constexpr const char* login_settings[] = {"search_path = analytics", "default_transaction_read_only = on",
                                          "statement_timeout = '60s'", "idle_in_transaction_session_timeout = '5min'"};
constexpr int connection_limit = 4;

template <class Body>
auto as_owner(const std::string& owner_conninfo, Body body)
    -> base::expected<decltype(body(std::declval<pqxx::work&>())), std::string> {
  try {
    pqxx::connection c(owner_conninfo);
    pqxx::work w(c);
    auto out = body(w);
    w.commit();
    return out;
  } catch (const std::exception& e) {
    return base::unexpected(std::string(e.what()));
  }
}

}  // namespace

std::string analyst_name_problem(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return "a name has 3 to 63 characters";
  if (name[0] < 'a' || name[0] > 'z') return "a name starts with a letter a-z";
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return "a name has only a-z, 0-9 and _";
  if (name.rfind("pg_", 0) == 0 || name.rfind("stradia", 0) == 0) return "names starting pg_ or stradia are reserved";
  return {};
}

base::expected<bool, std::string> grant_analyst(const std::string& owner_conninfo, const std::string& tenant_id,
                                                const std::string& name, const std::string& password_verifier) {
  if (const auto problem = analyst_name_problem(name); !problem.empty()) return base::unexpected(problem);
  std::string refusal;
  auto granted = as_owner(owner_conninfo, [&](pqxx::work& w) {
    if (w.exec_params("SELECT 1 FROM events WHERE stream_id = $1 LIMIT 1", domain::stream_ids::tenant(tenant_id))
            .empty()) {
      refusal = "no tenant " + tenant_id + " in the log";
      return false;
    }
    const auto mapped = w.exec_params("SELECT tenant_id::text FROM analyst_logins WHERE role_name = $1", name);
    const bool exists = !w.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", name).empty();
    if (!mapped.empty() && mapped[0][0].as<std::string>() != tenant_id) {
      refusal = name + " is the analyst login of tenant " + mapped[0][0].as<std::string>() + "; revoke it first";
      return false;
    }
    if (exists && mapped.empty()) {
      refusal = "a role named " + name + " exists and is not an analyst login of this database";
      return false;
    }
    const auto role = w.quote_name(name);
    if (exists) {
      w.exec("ALTER ROLE " + role + " PASSWORD " + w.quote(password_verifier));
    } else {
      w.exec("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS " +
             "CONNECTION LIMIT " + std::to_string(connection_limit) + " PASSWORD " + w.quote(password_verifier) +
             " IN ROLE stradia_analyst");
      w.exec_params("INSERT INTO analyst_logins (role_name, tenant_id) VALUES ($1, $2::uuid)", name, tenant_id);
    }
    for (const char* setting : login_settings) w.exec("ALTER ROLE " + role + " SET " + setting);
    return !exists;
  });
  if (!granted) return granted;
  if (!refusal.empty()) return base::unexpected(refusal);
  return granted;
}

base::expected<bool, std::string> revoke_analyst(const std::string& owner_conninfo, const std::string& name) {
  if (const auto problem = analyst_name_problem(name); !problem.empty()) return false;
  return as_owner(owner_conninfo, [&](pqxx::work& w) {
    if (w.exec_params("DELETE FROM analyst_logins WHERE role_name = $1 RETURNING 1", name).empty()) return false;
    // Its open sessions end now: a revoked analyst reads nothing more.
    w.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", name);
    w.exec("DROP ROLE IF EXISTS " + w.quote_name(name));
    return true;
  });
}

base::expected<std::vector<analyst_login>, std::string> analyst_logins(const std::string& owner_conninfo) {
  return as_owner(owner_conninfo, [&](pqxx::work& w) {
    std::vector<analyst_login> out;
    for (const auto& row : w.exec("SELECT role_name, tenant_id::text, to_char(granted_at AT TIME ZONE 'UTC', "
                                  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM analyst_logins ORDER BY role_name"))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    return out;
  });
}

}  // namespace stradia::projections::analytics
