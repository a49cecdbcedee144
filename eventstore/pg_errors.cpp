#include "eventstore/pg_errors.hpp"

#include <pqxx/pqxx>

namespace stradia::eventstore {

store_error translate_current_exception() {
  try {
    throw;
  } catch (const pqxx::unique_violation& e) {
    const std::string what = e.what();
    if (what.find("event_id") != std::string::npos)
      return {store_errc::event_id_conflict, "an event id is already recorded"};
    return {store_errc::version_conflict, "the stream moved on while appending"};
  } catch (const pqxx::broken_connection& e) {
    return {store_errc::retryable, std::string("database connection lost: ") + e.what()};
  } catch (const pqxx::in_doubt_error& e) {
    return {store_errc::retryable, std::string("commit outcome unknown: ") + e.what()};
  } catch (const pqxx::serialization_failure& e) {
    return {store_errc::retryable, e.what()};
  } catch (const pqxx::deadlock_detected& e) {
    return {store_errc::retryable, e.what()};
  } catch (const pqxx::sql_error& e) {
    const auto& state = e.sqlstate();
    // Class 08 (connection), 57P (operator intervention, e.g. shutdown), 53 (resources).
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0 || state.rfind("53", 0) == 0)
      return {store_errc::retryable, e.what()};
    return {store_errc::invalid_request, e.what()};
  } catch (const std::exception& e) {
    return {store_errc::retryable, e.what()};
  }
}

}  // namespace stradia::eventstore
