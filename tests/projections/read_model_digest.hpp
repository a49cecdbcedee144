#pragma once
// A digest of every read-model table (each row as text, in a stable order), to compare
// read models built by different paths: embedded, Kafka, rebuild.
#include <pqxx/pqxx>
#include <string>

#include "projections/projector.hpp"

namespace stradia::testing {

inline std::string read_model_digest(const std::string& worker_conninfo) {
  pqxx::connection c(worker_conninfo);
  pqxx::read_transaction r(c);
  std::string digest;
  for (const auto& table : projections::projector::all_read_model_tables()) {
    const auto row = r.exec(
        "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
        "t::text)), '-') FROM " +
        table + " t");
    digest += table + "=" + row[0][0].as<std::string>() + "\n";
  }
  return digest;
}

// Empties the read models and their checkpoints (as the worker role may).
inline void clear_read_models(const std::string& worker_conninfo) {
  pqxx::connection c(worker_conninfo);
  pqxx::work w(c);
  for (const auto& table : projections::projector::all_read_model_tables()) w.exec("DELETE FROM " + table);
  w.exec("DELETE FROM projection_checkpoints");
  w.commit();
}

}  // namespace stradia::testing
