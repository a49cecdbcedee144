#pragma once
// Deciding a group-commit batch, without I/O: given the heads of the streams involved and
// the event ids already recorded (both read under the append lock), which appends are
// written, which are idempotent retries, and which fail alone.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/uuid_text.hpp"
#include "eventstore/append.hpp"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

struct stream_head {
  std::string tenant_id;
  std::int64_t version = 0;
};

struct recorded_digest {
  std::string stream_id;
  std::string tenant_id;
  std::int64_t stream_version = 0;
  std::string event_type;
  std::string payload_md5;  // lowercase hex, as Postgres' md5()
  std::int64_t global_position = 0;
};

struct planned_row {
  std::size_t request = 0;
  const event_to_append* event = nullptr;
  const std::string* tenant_id = nullptr;
  const std::string* stream_id = nullptr;
  std::int64_t stream_version = 0;
};

struct batch_plan {
  std::vector<planned_row> rows;
  // Decided before writing: failures and retries of appends recorded earlier.
  std::vector<std::optional<result<append_result>>> decided;
  // Retries of an append planned earlier in the same batch: request -> that request.
  std::map<std::size_t, std::size_t> same_as;
};

// Checks the shape of a request (UUIDs, non-empty, sizes); ids are normalized to lowercase.
result<append_request> validated(append_request request);

batch_plan plan_batch(const std::vector<append_request>& requests, std::map<std::string, stream_head> heads,
                      const std::map<std::string, recorded_digest>& recorded);

// Fills in the outcome of every planned request from the positions the insert returned.
std::vector<result<append_result>> complete_batch(const std::vector<append_request>& requests, const batch_plan& plan,
                                                  const std::vector<std::int64_t>& row_positions);

std::string md5_hex(const std::string& bytes);
using base::is_uuid;

}  // namespace stradia::eventstore
