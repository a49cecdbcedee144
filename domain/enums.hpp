#pragma once
// The domain model's enums, taken from the schemas so events and state share one
// definition, with names exactly as the model spells them.
#include <optional>
#include <string>
#include <string_view>

#include "common.pb.h"

namespace stradia::domain {

using user_role = stradia::common::v1::UserRole::Value;
using task_type = stradia::common::v1::TaskType::Value;
using target_platform = stradia::common::v1::TargetPlatform::Value;
using board_status = stradia::common::v1::BoardStatus::Value;
using task_status = stradia::common::v1::TaskStatus::Value;
using pre_flight_status = stradia::common::v1::PreFlightStatus::Value;
using global_task = stradia::common::v1::GlobalTask;

// Scopes for the values: roles::GLOBAL_ADMIN, statuses::DONE, task_types::C_EXECUTIVE, ...
using roles = stradia::common::v1::UserRole;
using task_types = stradia::common::v1::TaskType;
using platforms = stradia::common::v1::TargetPlatform;
using board_statuses = stradia::common::v1::BoardStatus;
using statuses = stradia::common::v1::TaskStatus;
using scan_statuses = stradia::common::v1::PreFlightStatus;

std::string_view name_of(user_role v);
std::string_view name_of(task_type v);
std::string_view name_of(target_platform v);
std::string_view name_of(board_status v);
std::string_view name_of(task_status v);
std::string_view name_of(pre_flight_status v);

// Parses the model's spelling; UNSPECIFIED and unknown names give nullopt.
std::optional<task_status> parse_task_status(std::string_view name);

}  // namespace stradia::domain
