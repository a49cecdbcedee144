#pragma once
// An append: events for one or more streams, recorded all together or not at all, each
// stream guarded by its expected version. The streams are the request's tenant's, except
// one that names a tenant of its own (the registry's facts that span tenants).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stradia::eventstore {

class expected_version {
 public:
  static expected_version any() { return expected_version(std::nullopt); }
  static expected_version no_stream() { return expected_version(0); }
  static expected_version exact(std::int64_t version) { return expected_version(version); }

  bool matches(std::int64_t current) const { return !version_ || *version_ == current; }
  bool is_any() const { return !version_; }
  std::int64_t value() const { return version_.value_or(-1); }

 private:
  explicit expected_version(std::optional<std::int64_t> v) : version_(v) {}
  std::optional<std::int64_t> version_;
};

struct event_to_append {
  std::string event_id;  // UUID chosen by the caller: retrying the same append is a no-op
  std::string event_type;
  std::uint32_t schema_version = 1;
  std::string payload;  // serialized Protobuf message named by event_type
  std::string correlation_id;
  std::string causation_id;
  std::string user_id;
  std::string command;      // the command that produced the event, for auditors
  bool idempotent = false;  // written by a request with an Idempotency-Key (indexed by correlation id)
};

struct stream_append {
  stream_append() = default;
  stream_append(std::string stream, expected_version expected_at, std::vector<event_to_append> to_append,
                std::string tenant = {})
      : stream_id(std::move(stream)),
        expected(expected_at),
        events(std::move(to_append)),
        tenant_id(std::move(tenant)) {}

  std::string stream_id;
  expected_version expected = expected_version::any();
  std::vector<event_to_append> events;
  std::string tenant_id;  // empty: the request's tenant

  const std::string& tenant_or(const std::string& request_tenant) const {
    return tenant_id.empty() ? request_tenant : tenant_id;
  }
};

struct append_request {
  std::string tenant_id;
  std::vector<stream_append> streams;
};

struct appended_stream {
  std::string stream_id;
  std::int64_t first_version = 0;
  std::int64_t last_version = 0;
};

struct append_result {
  std::vector<appended_stream> streams;
  std::int64_t first_position = 0;
  std::int64_t last_position = 0;
  bool already_recorded = false;  // an idempotent retry: nothing new was written
};

}  // namespace stradia::eventstore
