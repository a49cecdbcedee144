#include "eventstore/envelope_rows.hpp"

#include <pqxx/pqxx>

namespace stradia::eventstore {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// bytea arrives in Postgres' hex text form, "\x0a1b..."; decode it in place.
void decode_bytea(const pqxx::field& f, std::string& out) {
  const char* text = f.c_str();
  const std::size_t size = f.size();
  out.clear();
  if (size < 2) return;
  out.resize((size - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>((hex_value(text[2 + 2 * i]) << 4) | hex_value(text[3 + 2 * i]));
}

}  // namespace

std::vector<stradia::envelope::v1::EventEnvelope> envelopes_from(const pqxx::result& rows) {
  std::vector<stradia::envelope::v1::EventEnvelope> out(rows.size());
  std::size_t i = 0;
  for (const auto& row : rows) {
    auto& e = out[i++];
    e.set_global_position(row[0].as<std::int64_t>());
    e.set_event_id(row[1].c_str(), row[1].size());
    e.set_tenant_id(row[2].c_str(), row[2].size());
    e.set_stream_id(row[3].c_str(), row[3].size());
    e.set_stream_version(row[4].as<std::int64_t>());
    e.set_event_type(row[5].c_str(), row[5].size());
    e.set_schema_version(row[6].as<std::uint32_t>());
    decode_bytea(row[7], *e.mutable_payload());
    e.set_correlation_id(row[8].c_str(), row[8].size());
    e.set_causation_id(row[9].c_str(), row[9].size());
    e.set_user_id(row[10].c_str(), row[10].size());
    const auto micros = row[11].as<std::int64_t>();
    auto* at = e.mutable_recorded_at();
    at->set_seconds(micros / 1000000);
    at->set_nanos(static_cast<int>(micros % 1000000) * 1000);
  }
  return out;
}

}  // namespace stradia::eventstore
