#pragma once
// Events no command could record any more, written straight into the log as the database
// owner would (or a bug, or an older version): an id that is not a UUID, an uppercase
// UUID, bytes that do not parse as their type, text holding a NUL. Every read model must
// set them aside and go on.
#include <pqxx/pqxx>

#include <string>

#include "domain/clock.hpp"
#include "task.pb.h"

namespace stradia::testing {

struct poison_event {
  std::string stream_id;
  std::string event_type;
  std::string payload;
};

// Appends the poison to `tenant`'s log after whatever is there; returns how many.
inline int insert_poison_events(const std::string& owner_conninfo, const std::string& tenant,
                                const std::string& board_id, const std::string& task_id) {
  task::v1::LocalTaskCreated not_a_uuid;
  not_a_uuid.set_local_task_id("poison-1");
  not_a_uuid.set_tenant_id(tenant);
  not_a_uuid.set_local_board_id(board_id);
  not_a_uuid.mutable_definition()->set_title("poison");
  task::v1::LocalTaskCreated uppercase = not_a_uuid;
  uppercase.set_local_task_id("AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA");
  task::v1::TaskNoteAdded with_nul;
  with_nul.set_local_task_id(task_id);
  with_nul.set_local_board_id(board_id);
  with_nul.set_note_id("00000000-0000-4000-8000-00000000beef");
  with_nul.set_user_id("system");
  with_nul.set_content(std::string("before\0after", 12));
  const poison_event poison[] = {
      {"task-poison-1", "LocalTaskCreated", not_a_uuid.SerializeAsString()},
      {"task-AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA", "LocalTaskCreated", uppercase.SerializeAsString()},
      {"task-" + task_id, "TaskMoved", std::string("\xff\xff\xff\xff garbage", 13)},
      {"task-" + task_id, "TaskNoteAdded", with_nul.SerializeAsString()},
  };
  pqxx::connection c(owner_conninfo);
  pqxx::work w(c);
  for (const auto& p : poison)
    w.exec_params(
        "INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload, metadata) "
        "SELECT gen_random_uuid(), $1::uuid, $2::text, coalesce(max(stream_version), 0) + 1, $3::text, $4, "
        "'{\"user_id\":\"poisoner\"}' FROM events WHERE stream_id = $2::text",
        tenant, p.stream_id, p.event_type, pqxx::binarystring(p.payload));
  w.commit();
  return static_cast<int>(std::size(poison));
}

}  // namespace stradia::testing
