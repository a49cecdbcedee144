#pragma once
// One traits type per aggregate, so the load/decide/append machinery is written once:
// the state, event and command types and the two functions.
#include "domain/email_reservation.hpp"
#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "domain/market.hpp"
#include "domain/master_strategy.hpp"
#include "domain/tenant.hpp"
#include "domain/token_ledger.hpp"
#include "domain/user.hpp"
#include "domain/vault_credential.hpp"

namespace stradia::commands {

template <class State, class Event, class Command,
          domain::decision<Event> (*Decide)(const State&, const Command&, const domain::context&),
          State (*Evolve)(State, const Event&)>
struct aggregate {
  using state = State;
  using event = Event;
  using command = Command;
  static domain::decision<Event> decide(const State& s, const Command& c, const domain::context& ctx) {
    return Decide(s, c, ctx);
  }
  static State evolve(State s, const Event& e) { return Evolve(std::move(s), e); }
};

namespace d = domain;
using tenant_aggregate =
    aggregate<d::tenant::state, d::tenant::event, d::tenant::command, &d::tenant::decide, &d::tenant::evolve>;
using user_aggregate = aggregate<d::user::state, d::user::event, d::user::command, &d::user::decide, &d::user::evolve>;
using market_aggregate =
    aggregate<d::market::state, d::market::event, d::market::command, &d::market::decide, &d::market::evolve>;
using strategy_aggregate = aggregate<d::master_strategy::state, d::master_strategy::event, d::master_strategy::command,
                                     &d::master_strategy::decide, &d::master_strategy::evolve>;
using board_aggregate = aggregate<d::local_board::state, d::local_board::event, d::local_board::command,
                                  &d::local_board::decide, &d::local_board::evolve>;
using task_aggregate = aggregate<d::local_task::state, d::local_task::event, d::local_task::command,
                                 &d::local_task::decide, &d::local_task::evolve>;
using ledger_aggregate = aggregate<d::token_ledger::state, d::token_ledger::event, d::token_ledger::command,
                                   &d::token_ledger::decide, &d::token_ledger::evolve>;
using email_aggregate =
    aggregate<d::email_reservation::state, d::email_reservation::event, d::email_reservation::command,
              &d::email_reservation::decide, &d::email_reservation::evolve>;
using vault_aggregate = aggregate<d::vault_credential::state, d::vault_credential::event, d::vault_credential::command,
                                  &d::vault_credential::decide, &d::vault_credential::evolve>;

}  // namespace stradia::commands
