#include "domain/user.hpp"

#include <algorithm>
#include <cctype>

#include "domain/access.hpp"
#include "domain/expected_version.hpp"
#include "domain/guardrails.hpp"

namespace stradia::domain::user {

namespace {

using events = std::vector<event>;

guardrails::problems role_problems(user_role role) {
  if (role != roles::UNSPECIFIED) return {};
  return {
      field_error{"role", "Invalid enum value. Expected 'GLOBAL_ADMIN' | 'SUPERVISOR' | 'LOCAL_USER' | 'READ_ONLY'"}};
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::InviteUser& c) const {
    if (auto ok = require_admin(ctx_); !ok) return unexpected(ok.error());
    if (s_.exists) return refuse(errc::version_conflict, "The user already exists.");
    auto problems = guardrails::entity_id("user_id", c.user_id());
    guardrails::collect(problems, guardrails::email(c.email()));
    guardrails::collect(problems, role_problems(c.role()));
    if (!c.language_preference().empty())
      guardrails::collect(problems, guardrails::length_between("language_preference", c.language_preference(), 2, 35));
    if (c.password_hash().empty()) problems.push_back({"password", "Required"});
    if (!problems.empty()) return invalid(std::move(problems));
    pb::UserInvited e;
    e.set_user_id(c.user_id());
    e.set_tenant_id(ctx_.who.tenant_id);
    e.set_email(lowercase(c.email()));
    e.set_password_hash(c.password_hash());
    e.set_role(c.role());
    e.set_language_preference(c.language_preference().empty() ? "en" : c.language_preference());
    e.set_invited_by(ctx_.who.user_id);
    *e.mutable_invited_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ChangeUserRole& c) const {
    if (auto ok = administered(c); !ok) return unexpected(ok.error());
    if (auto problems = role_problems(c.role()); !problems.empty()) return invalid(std::move(problems));
    if (c.role() == s_.role) return events{};
    pb::UserRoleChanged e;
    e.set_user_id(s_.id);
    e.set_previous_role(s_.role);
    e.set_role(c.role());
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::DeactivateUser& c) const {
    if (auto ok = administered(c); !ok) return unexpected(ok.error());
    if (!s_.is_active) return events{};
    pb::UserDeactivated e;
    e.set_user_id(s_.id);
    *e.mutable_deactivated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::DeleteUser& c) const {
    if (auto ok = administered(c); !ok) return unexpected(ok.error());
    pb::UserDeleted e;
    e.set_user_id(s_.id);
    *e.mutable_deleted_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::AssignUserToMarket& c) const {
    if (auto ok = administered(c); !ok) return unexpected(ok.error());
    if (s_.market_ids.count(c.market_id())) return events{};
    pb::UserAssignedToMarket e;
    e.set_user_id(s_.id);
    e.set_market_id(c.market_id());
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::UnassignUserFromMarket& c) const {
    if (auto ok = administered(c); !ok) return unexpected(ok.error());
    if (!s_.market_ids.count(c.market_id())) return events{};
    pb::UserUnassignedFromMarket e;
    e.set_user_id(s_.id);
    e.set_market_id(c.market_id());
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RecordUserLogin&) const {
    if (!ctx_.who.is_system && ctx_.who.user_id != s_.id)
      return refuse(errc::forbidden, "Only the user's own login is recorded.");
    if (!s_.is_active) return refuse(errc::not_found, "No such active user.");
    pb::UserLoggedIn e;
    e.set_user_id(s_.id);
    *e.mutable_last_login_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ChangeOwnPassword& c) const {
    if (auto ok = own(c); !ok) return unexpected(ok.error());
    if (c.password_hash().empty()) return invalid("new_password", "Required");
    pb::UserPasswordChanged e;
    e.set_user_id(s_.id);
    e.set_password_hash(c.password_hash());
    *e.mutable_changed_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ChangeOwnLanguage& c) const {
    if (auto ok = own(c); !ok) return unexpected(ok.error());
    if (!guardrails::language_tag(c.language_preference()))
      return invalid("language_preference", "Must be a language tag such as 'en' or 'es-ES'.");
    if (c.language_preference() == s_.language_preference) return events{};
    pb::UserLanguageChanged e;
    e.set_user_id(s_.id);
    e.set_language_preference(c.language_preference());
    *e.mutable_changed_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

 private:
  // A user's own profile: only they change it, while active.
  template <class Command>
  check own(const Command& c) const {
    if (ctx_.who.is_system || ctx_.who.user_id != s_.id) return refuse(errc::forbidden, "Only the user may do this.");
    if (!s_.is_active) return refuse(errc::not_found, "No such active user.");
    return matches_expected_version(c, s_.stream_version, "The user");
  }

  template <class Command>
  check administered(const Command& c) const {
    if (auto ok = require_admin(ctx_); !ok) return ok;
    if constexpr (requires { c.has_expected_version(); })
      return matches_expected_version(c, s_.stream_version, "The user");
    return {};
  }

  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;

  void operator()(const pb::UserInvited& e) {
    s.exists = true;
    s.is_active = true;
    s.id = e.user_id();
    s.tenant_id = e.tenant_id();
    s.email = e.email();
    s.password_hash = e.password_hash();
    s.role = e.role();
    s.language_preference = e.language_preference();
  }
  void operator()(const pb::UserRoleChanged& e) { s.role = e.role(); }
  void operator()(const pb::UserDeactivated&) { s.is_active = false; }
  void operator()(const pb::UserDeleted&) {
    s.is_active = false;
    s.is_deleted = true;
  }
  void operator()(const pb::UserAssignedToMarket& e) { s.market_ids.insert(e.market_id()); }
  void operator()(const pb::UserUnassignedFromMarket& e) { s.market_ids.erase(e.market_id()); }
  void operator()(const pb::UserLoggedIn& e) { s.last_login_at = from_proto(e.last_login_at()); }
  void operator()(const pb::UserPasswordChanged& e) { s.password_hash = e.password_hash(); }
  void operator()(const pb::UserLanguageChanged& e) { s.language_preference = e.language_preference(); }
};

}  // namespace

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (std::holds_alternative<pb::InviteUser>(c)) return decider(s, ctx)(std::get<pb::InviteUser>(c));
  if (!s.exists || s.is_deleted) return refuse(errc::not_found, "No such user.");
  if (auto ok = require_tenant(ctx, s.tenant_id); !ok) return unexpected(ok.error());
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::user
