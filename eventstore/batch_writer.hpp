#pragma once
// Writes one group-commit batch in one transaction. Fast path: when this writer knows the
// head of every stream involved (it wrote them, or they are new), one call inserts
// everything in one round trip. Otherwise, or when that guess meets a unique constraint,
// the checked path runs: append lock, stream heads and known event ids, then the inserts.
// Used by one thread (the group committer's); throws libpqxx exceptions.
#include <pqxx/connection>
#include <string>
#include <unordered_map>
#include <vector>

#include "eventstore/append.hpp"
#include "eventstore/batch_plan.hpp"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

class batch_writer {
 public:
  explicit batch_writer(std::string conninfo);

  std::vector<result<append_result>> write(const std::vector<append_request>& requests);
  // After an error whose outcome is unknown: trust nothing remembered.
  void forget();

 private:
  pqxx::connection& connection();
  std::optional<std::vector<result<append_result>>> write_fast(const std::vector<append_request>& requests);
  std::vector<result<append_result>> write_checked(const std::vector<append_request>& requests);
  void remember(const std::vector<append_request>& requests, const std::vector<result<append_result>>& outcomes);

  std::string conninfo_;
  std::unique_ptr<pqxx::connection> connection_;
  std::unordered_map<std::string, stream_head> heads_;  // streams this writer appended to
};

}  // namespace stradia::eventstore
