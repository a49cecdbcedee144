#pragma once
// A stored event as auditors read it: the envelope's fields and the decoded payload (the
// event message found by its event_type among the schemas' packages), secrets blanked.
#include <string>

#include "envelope.pb.h"

namespace stradia::gateway {

std::string envelope_json(const stradia::envelope::v1::EventEnvelope& envelope);
// The event alone as a command's answer lists it ({"type": ..., fields}, secrets blanked);
// "null" for a payload that does not decode.
std::string event_json(const stradia::envelope::v1::EventEnvelope& envelope);

}  // namespace stradia::gateway
