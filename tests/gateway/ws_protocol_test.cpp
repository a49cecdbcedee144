// The live-board frames: what a client may send, what it is told when it is wrong, and
// the broadcasts the log's board events become.
#include "gateway/ws_protocol.hpp"

#include <gtest/gtest.h>

#include "domain/clock.hpp"
#include "task.pb.h"

namespace stradia::gateway::ws {
namespace {

const std::string board = "a5e1c0de-0000-4000-8000-00000000000b";
const std::string task = "a5e1c0de-0000-4000-8000-00000000000c";

TEST(WsFrames, AMoveIsParsedWithItsStatuses) {
  auto f = parse_client_frame(R"({"event":"client:move_task","request_id":"r-7","payload":{"local_board_id":")" +
                              board + R"(","local_task_id":")" + task +
                              R"(","new_status":"DONE","expected_previous_status":"IN_PROGRESS","extra":1}})");
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ(f->event, client_event::move_task);
  EXPECT_EQ(f->request_id, "r-7");
  EXPECT_EQ(f->local_board_id, board);
  EXPECT_EQ(f->local_task_id, task);
  EXPECT_EQ(f->new_status, domain::statuses::DONE);
  EXPECT_EQ(f->expected_previous_status, domain::statuses::IN_PROGRESS);
}

TEST(WsFrames, EachWrongPartIsNamed) {
  auto bad = parse_client_frame(R"({"event":"client:move_task","request_id":"r-8","payload":{"local_board_id":"x",)"
                                R"("local_task_id":")" +
                                task + R"(","new_status":"FINISHED"}})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().request_id, "r-8");
  std::vector<std::string> paths;
  for (const auto& [path, what] : bad.error().fields) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"payload.local_board_id", "payload.new_status",
                                             "payload.expected_previous_status"}));
  EXPECT_FALSE(parse_client_frame(R"({"event":"client:dance","payload":{}})").has_value());
  EXPECT_FALSE(parse_client_frame(R"({"payload":{}})").has_value());
  EXPECT_FALSE(parse_client_frame(R"({"event":"client:join_board"})").has_value());
  EXPECT_FALSE(parse_client_frame(R"([1,2])").has_value());
  EXPECT_FALSE(parse_client_frame("{").has_value());
  EXPECT_FALSE(parse_client_frame(R"({"event":"client:join_board","request_id":5,"payload":{}})").has_value());
  EXPECT_FALSE(parse_client_frame(std::string(max_frame_bytes + 1, ' ')).has_value());
}

TEST(WsFrames, AnErrorCarriesTheRequestTheTaskAndWhereTheCardGoesBack) {
  const auto frame =
      error_frame("EXECUTION_REQUIRED", "Run it first.", {"r-9", task, domain::statuses::IN_PROGRESS, {}});
  EXPECT_EQ(frame, R"({"event":"server:error","request_id":"r-9","payload":{"code":"EXECUTION_REQUIRED",)"
                   R"("message":"Run it first.","request_id":"r-9","local_task_id":")" +
                       task + R"(","revert_to_status":"IN_PROGRESS"}})");
}

// A refused frame (rate limit, busy) is answered with its request_id, found even when the
// rest of the frame is wrong.
TEST(WsFrames, TheRequestIdOfAnyFrameIsFoundForItsRefusal) {
  EXPECT_EQ(request_id_of(R"({"event":"client:join_board","request_id":"j-1","payload":{"local_board_id":")" + board +
                          R"("}})"),
            "j-1");
  EXPECT_EQ(request_id_of(R"({"event":"client:nope","request_id":"j-2","payload":{}})"), "j-2");
  EXPECT_EQ(request_id_of(R"({"event":"client:join_board","payload":{}})"), "");
  EXPECT_EQ(request_id_of(R"({"request_id":7})"), "");
  EXPECT_EQ(request_id_of("binary frame"), "");
  const std::string padded = R"({"event":"client:join_board","request_id":"j-3","payload":{"pad":")" +
                             std::string(max_request_id_search_bytes, 'x') + R"("}})";
  EXPECT_EQ(request_id_of(padded), "") << "a frame larger than any real one is not parsed to refuse it";
}

TEST(WsFrames, BoardEventsBecomeTheirBroadcasts) {
  stradia::envelope::v1::EventEnvelope e;
  e.set_stream_id("task-" + task);
  e.set_event_type("TaskLockAcquired");
  task::v1::TaskLockAcquired locked;
  locked.set_local_task_id(task);
  locked.set_local_board_id(board);
  locked.set_locked_by("u-1");
  *locked.mutable_locked_at() = domain::to_proto(domain::timestamp(std::chrono::seconds(1'790'000'000)));
  *locked.mutable_expires_at() = domain::to_proto(domain::timestamp(std::chrono::seconds(1'790'000'900)));
  e.set_payload(locked.SerializeAsString());
  auto b = broadcast_of(e);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->local_board_id, board);
  EXPECT_EQ(b->frame, R"({"event":"server:task_locked","payload":{"local_board_id":")" + board +
                          R"(","local_task_id":")" + task +
                          R"(","locked_by_user_id":"u-1","locked_at":"2026-09-21T14:13:20Z",)"
                          R"("expires_at":"2026-09-21T14:28:20Z"}})");

  e.set_event_type("TaskLockExpired");
  task::v1::TaskLockExpired expired;
  expired.set_local_board_id(board);
  e.set_payload(expired.SerializeAsString());
  EXPECT_NE(broadcast_of(e)->frame.find(R"("reason":"expired")"), std::string::npos);

  e.set_event_type("TaskLockReleased");
  task::v1::TaskLockReleased released;
  released.set_local_board_id(board);
  e.set_payload(released.SerializeAsString());
  EXPECT_NE(broadcast_of(e)->frame.find(R"("event":"server:task_unlocked")"), std::string::npos);
  EXPECT_NE(broadcast_of(e)->frame.find(R"("reason":"released")"), std::string::npos);

  e.set_event_type("TaskMoved");
  task::v1::TaskMoved moved;
  moved.set_local_board_id(board);
  moved.set_new_status(domain::statuses::BLOCKED);
  moved.set_moved_by("u-2");
  e.set_payload(moved.SerializeAsString());
  EXPECT_NE(broadcast_of(e)->frame.find(R"("event":"server:task_moved")"), std::string::npos);
  EXPECT_NE(broadcast_of(e)->frame.find(R"("new_status":"BLOCKED","moved_by_user_id":"u-2","timestamp":)"),
            std::string::npos)
      << broadcast_of(e)->frame;

  e.set_event_type("TaskNoteAdded");
  task::v1::TaskNoteAdded note;
  note.set_local_board_id(board);
  note.set_note_id("n-1");
  note.set_user_id("system");
  note.set_content("say \"hi\"");
  e.set_payload(note.SerializeAsString());
  EXPECT_NE(broadcast_of(e)->frame.find(R"("note":{"id":"n-1","user_id":"system","content":"say \"hi\"")"),
            std::string::npos)
      << broadcast_of(e)->frame;

  e.set_event_type("TaskExecutionCompleted");
  task::v1::TaskExecutionCompleted done;
  done.set_local_board_id(board);
  done.set_http_status(200);
  done.set_succeeded(true);
  e.set_payload(done.SerializeAsString());
  EXPECT_NE(broadcast_of(e)->frame.find(R"("event":"server:execution_completed")"), std::string::npos);
  EXPECT_NE(broadcast_of(e)->frame.find(R"("http_status":200,"succeeded":true)"), std::string::npos);

  e.set_event_type("PreFlightScanRequested");
  e.set_payload("");
  EXPECT_FALSE(broadcast_of(e).has_value()) << "not an event of §5";
  e.set_stream_id("market-" + board);
  e.set_event_type("MarketCreated");
  EXPECT_FALSE(broadcast_of(e).has_value());
}

}  // namespace
}  // namespace stradia::gateway::ws
