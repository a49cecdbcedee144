#include "domain/email_reservation.hpp"

#include "domain/access.hpp"

namespace stradia::domain::email_reservation {

namespace {

using events = std::vector<event>;

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::ReserveEmail& c) const {
    if (s_.held) {
      if (s_.tenant_id == c.tenant_id() && s_.user_id == c.user_id()) return events{};
      return refuse(errc::email_taken, "This email is already in use.");
    }
    pb::EmailReserved e;
    e.set_tenant_id(c.tenant_id());
    e.set_user_id(c.user_id());
    *e.mutable_reserved_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ReleaseEmail& c) const {
    if (!s_.held || s_.tenant_id != c.tenant_id() || s_.user_id != c.user_id()) return events{};
    pb::EmailReleased e;
    e.set_tenant_id(c.tenant_id());
    e.set_user_id(c.user_id());
    *e.mutable_released_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

 private:
  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;
  void operator()(const pb::EmailReserved& e) {
    s.exists = true;
    s.held = true;
    s.tenant_id = e.tenant_id();
    s.user_id = e.user_id();
  }
  void operator()(const pb::EmailReleased&) {
    s.held = false;
    s.tenant_id.clear();
    s.user_id.clear();
  }
};

}  // namespace

decision<event> decide(const state& s, const command& c, const context& ctx) {
  // Only the user handlers of the service reserve and release, on behalf of a caller they
  // have already authorized in the user's own tenant.
  if (auto ok = require_system(ctx); !ok) return unexpected(ok.error());
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::email_reservation
