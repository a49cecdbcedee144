#pragma once
// What decide() returns: the events to append, or a refusal. A refusal may still carry
// events that must be recorded (the auto-saved draft of a lost payload race, a lock
// expiry noticed on the way), so nothing the user did is lost.
#include <variant>
#include <vector>

#include "domain/domain_error.hpp"

namespace stradia::domain {

template <class Event>
struct refusal {
  refusal(domain_error e, std::vector<Event> still_recorded = {})
      : error(std::move(e)), recorded(std::move(still_recorded)) {}

  domain_error error;
  std::vector<Event> recorded;
};

template <class Event>
using decision = expected<std::vector<Event>, refusal<Event>>;

// Every aggregate's evolve(): apply the fact with the aggregate's applier (a visitor that
// holds a State&), then count it in the stream version.
template <class Applier, class State, class Event>
State apply_event(State s, const Event& e) {
  std::visit(Applier{s}, e);
  ++s.stream_version;
  return s;
}

}  // namespace stradia::domain
