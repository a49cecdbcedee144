#include "eventstore/audit/canonical_event.hpp"

namespace stradia::eventstore::audit {

namespace {

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}
void put_text(std::string& out, const std::string& text) {
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

}  // namespace

std::string canonical_bytes(const recorded_event& e) {
  std::string out;
  out.reserve(96 + e.event_id.size() + e.tenant_id.size() + e.stream_id.size() + e.event_type.size() +
              e.payload.size() + e.metadata.size());
  out += '\x01';
  put_u64(out, static_cast<std::uint64_t>(e.global_position));
  put_text(out, e.event_id);
  put_text(out, e.tenant_id);
  put_text(out, e.stream_id);
  put_u64(out, static_cast<std::uint64_t>(e.stream_version));
  put_text(out, e.event_type);
  put_u32(out, static_cast<std::uint32_t>(e.schema_version));
  put_text(out, e.payload);
  put_text(out, e.metadata);
  put_u64(out, static_cast<std::uint64_t>(e.recorded_at_us));
  return out;
}

}  // namespace stradia::eventstore::audit
