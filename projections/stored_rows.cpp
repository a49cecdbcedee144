#include "projections/stored_rows.hpp"

#include <libpq-fe.h>
#include <sodium.h>

#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>

#include "projections/copy_in.hpp"

namespace stradia::projections {

namespace {

std::uint32_t big_endian(std::string_view bytes) {
  std::uint32_t value = 0;
  for (const char c : bytes) value = value << 8 | static_cast<unsigned char>(c);
  return value;
}

// Reads a binary COPY field at `at` (its length, then its bytes); nullopt-like empty view
// with `null` set for NULL. Throws on a truncated message.
std::string_view field_at(std::string_view message, std::size_t& at, bool& null) {
  if (at + 4 > message.size()) throw std::runtime_error("a stored row's COPY tuple ends early");
  const auto length = static_cast<std::int32_t>(big_endian(message.substr(at, 4)));
  at += 4;
  null = length < 0;
  if (null) return {};
  if (at + static_cast<std::size_t>(length) > message.size())
    throw std::runtime_error("a stored row's COPY field ends early");
  const auto value = message.substr(at, static_cast<std::size_t>(length));
  at += static_cast<std::size_t>(length);
  return value;
}

}  // namespace

stored_rows::digest stored_rows::digest_of(std::string_view tuple) {
  digest out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(tuple.data()), tuple.size(),
                     nullptr, 0);
  return out;
}

stored_rows stored_rows::read(pqxx::transaction_base& t, const std::string& table,
                              const std::vector<std::string>& columns) {
  std::string statement = "COPY (SELECT ctid";
  for (const auto& c : columns) statement += ", " + c;
  statement += " FROM " + table + ") TO STDOUT (FORMAT binary)";
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
  pg_conn* c = libpq_connection_of(t);
  {
    const std::unique_ptr<PGresult, decltype(&PQclear)> started(PQexec(c, statement.c_str()), &PQclear);
    if (PQresultStatus(started.get()) != PGRES_COPY_OUT) throw_libpq_failure(c, started.get(), statement);
  }
  stored_rows rows;
  bool header = true;
  std::string tuple;
  for (;;) {
    char* data = nullptr;
    const int size = PQgetCopyData(c, &data, 0);
    if (size == -1) break;  // the COPY ended; its outcome follows
    if (size < 0) throw_libpq_failure(c, nullptr, statement);
    const std::unique_ptr<char, decltype(&PQfreemem)> owned(data, &PQfreemem);
    std::string_view message(data, static_cast<std::size_t>(size));
    std::size_t at = 0;
    if (header) {  // a signature of 11 bytes, flags, then an extension of its own length
      if (message.size() < 19 || message.substr(0, 11) != std::string_view("PGCOPY\n\377\r\n\0", 11))
        throw std::runtime_error("COPY of " + table + " did not start with the binary signature");
      at = 19 + big_endian(message.substr(15, 4));
      header = false;
    }
    while (at + 2 <= message.size()) {
      const auto count = static_cast<std::int16_t>(big_endian(message.substr(at, 2)));
      at += 2;
      if (count < 0) break;  // the trailer
      if (static_cast<std::size_t>(count) != columns.size() + 1)
        throw std::runtime_error("COPY of " + table + " gave a row of another width");
      bool null = false;
      const auto place = field_at(message, at, null);
      if (null || place.size() != 6) throw std::runtime_error("COPY of " + table + " gave no ctid");
      const auto values_start = at;
      const auto key = field_at(message, at, null);
      for (std::size_t i = 1; i < columns.size(); ++i) field_at(message, at, null);
      // The tuple as copy_encoder writes it: the field count, then the fields.
      tuple.clear();
      tuple += static_cast<char>(columns.size() >> 8);
      tuple += static_cast<char>(columns.size() & 0xff);
      tuple.append(message.substr(values_start, at - values_start));
      rows.by_key_[std::string(key)].push_back({digest_of(tuple), std::uint64_t{big_endian(place.substr(0, 4))} << 16 |
                                                                      std::uint64_t{big_endian(place.substr(4, 2))}});
    }
  }
  const std::unique_ptr<PGresult, decltype(&PQclear)> outcome(PQgetResult(c), &PQclear);
  while (PGresult* more = PQgetResult(c)) PQclear(more);
  if (PQresultStatus(outcome.get()) != PGRES_COMMAND_OK) throw_libpq_failure(c, outcome.get(), statement);
  return rows;
}

std::string stored_rows::place_text(std::uint64_t place) {
  return "(" + std::to_string(place >> 16) + "," + std::to_string(place & 0xffff) + ")";
}

bool stored_rows::keep(std::string_view tuple, std::vector<std::string>& delete_first) {
  std::size_t at = 2;
  bool null = false;
  const auto key = field_at(tuple, at, null);
  const auto found = by_key_.find(std::string(key));
  if (found == by_key_.end()) return false;
  auto& same_key = found->second;
  const auto values = digest_of(tuple);
  for (std::size_t i = 0; i < same_key.size(); ++i)
    if (same_key[i].values == values) {
      same_key.erase(same_key.begin() + static_cast<std::ptrdiff_t>(i));
      if (same_key.empty()) by_key_.erase(found);
      return true;
    }
  replace(key, delete_first);
  return false;
}

void stored_rows::replace(std::string_view key, std::vector<std::string>& delete_first) {
  const auto found = by_key_.find(std::string(key));
  if (found == by_key_.end()) return;
  for (const auto& s : found->second) delete_first.push_back(place_text(s.place));
  by_key_.erase(found);
}

std::vector<std::string> stored_rows::left() const {
  std::vector<std::string> places;
  for (const auto& [key, same_key] : by_key_)
    for (const auto& s : same_key) places.push_back(place_text(s.place));
  return places;
}

}  // namespace stradia::projections
