#pragma once
// EmailReservation aggregate (stream "email-<digest>", registry tenant): who holds an
// email across every tenant. Reserving a held email is refused (EMAIL_TAKEN); only the
// holder releases it. The stream's expected version makes two racing invites of one
// email end with exactly one holder. Pure: no I/O, clock from context.
#include <cstdint>
#include <string>
#include <variant>

#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "registry.pb.h"

namespace stradia::domain::email_reservation {

namespace pb = stradia::registry::v1;

// The tenant the registry's streams are recorded under: no customer has this id.
inline constexpr std::string_view registry_tenant_id = "00000000-0000-0000-0000-000000000000";

using command = std::variant<pb::ReserveEmail, pb::ReleaseEmail>;
using event = std::variant<pb::EmailReserved, pb::EmailReleased>;

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  bool held = false;
  std::string tenant_id;  // the holder, while held
  std::string user_id;
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

}  // namespace stradia::domain::email_reservation
