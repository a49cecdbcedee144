#include "domain/enums.hpp"

namespace stradia::domain {

namespace v1 = stradia::common::v1;

namespace {

template <class Value>
std::optional<Value> parse_with(bool (*parse)(const std::string&, Value*), std::string_view name) {
  Value v{};
  if (!parse(std::string(name), &v) || v == Value{}) return std::nullopt;
  return v;
}

}  // namespace

std::string_view name_of(user_role v) { return v1::UserRole::Value_Name(v); }
std::string_view name_of(task_type v) { return v1::TaskType::Value_Name(v); }
std::string_view name_of(target_platform v) { return v1::TargetPlatform::Value_Name(v); }
std::string_view name_of(board_status v) { return v1::BoardStatus::Value_Name(v); }
std::string_view name_of(task_status v) { return v1::TaskStatus::Value_Name(v); }
std::string_view name_of(pre_flight_status v) { return v1::PreFlightStatus::Value_Name(v); }

std::optional<task_status> parse_task_status(std::string_view name) {
  return parse_with<task_status>(&v1::TaskStatus::Value_Parse, name);
}

}  // namespace stradia::domain
