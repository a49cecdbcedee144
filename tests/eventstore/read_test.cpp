#include "eventstore/event_store.hpp"
#include "eventstore/log_reader.hpp"
#include "pg_fixture.hpp"

namespace stradia::testing {
namespace {

using eventstore::expected_version;

class EventStoreRead : public store_test {
 protected:
  const std::string tenant_ = new_uuid();
};

TEST_F(EventStoreRead, AStreamReadsForwardFromAVersionAndUpToAVersion) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->append(one_event(tenant_, "task-1")).has_value());
  auto all = store_->read_stream(tenant_, "task-1");
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 5u);
  auto middle = store_->read_stream(tenant_, "task-1", {1, 3, std::nullopt, 100});
  ASSERT_TRUE(middle.has_value());
  ASSERT_EQ(middle->size(), 2u);
  EXPECT_EQ((*middle)[0].stream_version(), 2);
  EXPECT_EQ((*middle)[1].stream_version(), 3);
}

TEST_F(EventStoreRead, AStreamReadsUpToARecordingTime) {
  ASSERT_TRUE(store_->append(one_event(tenant_, "task-1")).has_value());
  auto first = store_->read_stream(tenant_, "task-1");
  const auto first_at = first->at(0).recorded_at();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(store_->append(one_event(tenant_, "task-1")).has_value());
  const auto micros = first_at.seconds() * 1000000 + first_at.nanos() / 1000;
  auto as_of = store_->read_stream(tenant_, "task-1", {0, std::nullopt, micros, 100});
  ASSERT_TRUE(as_of.has_value());
  EXPECT_EQ(as_of->size(), 1u);
}

TEST_F(EventStoreRead, EnvelopesCarryEveryField) {
  auto request = one_event(tenant_, "task-1");
  auto& e = request.streams[0].events[0];
  e.payload = std::string("\x00\x01\xff binary \"quoted\" \\", 23);
  e.correlation_id = new_uuid();
  e.causation_id = new_uuid();
  e.user_id = new_uuid();
  e.schema_version = 2;
  auto appended = store_->append(request);
  ASSERT_TRUE(appended.has_value());
  auto read = store_->read_all(0, 10);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->size(), 1u);
  const auto& env = read->front();
  EXPECT_EQ(env.event_id(), e.event_id);
  EXPECT_EQ(env.event_type(), "TaskMoved");
  EXPECT_EQ(env.schema_version(), 2u);
  EXPECT_EQ(env.stream_id(), "task-1");
  EXPECT_EQ(env.stream_version(), 1);
  EXPECT_EQ(env.tenant_id(), tenant_);
  EXPECT_EQ(env.global_position(), appended->first_position);
  EXPECT_GT(env.recorded_at().seconds(), 1700000000);
  EXPECT_EQ(env.correlation_id(), e.correlation_id);
  EXPECT_EQ(env.causation_id(), e.causation_id);
  EXPECT_EQ(env.user_id(), e.user_id);
  EXPECT_EQ(env.payload(), e.payload);
}

TEST_F(EventStoreRead, TheWholeLogReadsInBatchesInPositionOrder) {
  for (int i = 0; i < 25; ++i)
    ASSERT_TRUE(store_->append(one_event(i % 2 ? tenant_ : new_uuid(), "s-" + std::to_string(i))).has_value());
  std::int64_t after = 0;
  std::vector<std::int64_t> positions;
  for (;;) {
    auto batch = store_->read_all(after, 10);
    ASSERT_TRUE(batch.has_value());
    if (batch->empty()) break;
    for (const auto& e : *batch) positions.push_back(e.global_position());
    after = batch->back().global_position();
  }
  ASSERT_EQ(positions.size(), 25u);
  EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end()));
  EXPECT_EQ(*store_->head_position(), positions.back());
}

TEST_F(EventStoreRead, AReadThatDoesNotContinueThePreviousOneIsStillExact) {
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(store_->append(one_event(tenant_, "s-" + std::to_string(i))).has_value());
  auto first = store_->read_all(0, 10);  // full: the next batch is already asked for
  ASSERT_EQ(first->size(), 10u);
  auto again = store_->read_all(0, 5);  // not that one
  ASSERT_EQ(again->size(), 5u);
  EXPECT_EQ(again->front().global_position(), first->front().global_position());
  auto next = store_->read_all(again->back().global_position(), 100);
  ASSERT_EQ(next->size(), 25u);
  EXPECT_EQ(next->front().global_position(), (*first)[5].global_position());
}

// The tail read is prepared once per connection; a session that lost it (a pooler, DISCARD
// ALL) reports a retryable error, so its owner connects again, which prepares it anew.
TEST_F(EventStoreRead, ALogReaderThatLostItsPreparedReadAsksForANewConnection) {
  ASSERT_TRUE(store_->append(one_event(tenant_, "s-prepared")).has_value());
  auto reader = eventstore::log_reader::connect(worker());
  ASSERT_TRUE(reader.has_value());
  ASSERT_EQ((*reader)->read_after(0, 10)->size(), 1u);
  ASSERT_TRUE((*reader)->query_value("DEALLOCATE ALL", {}).has_value());
  auto lost = (*reader)->read_after(0, 10);
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().code, eventstore::store_errc::retryable) << lost.error().message;
  auto again = eventstore::log_reader::connect(worker());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)->read_after(0, 10)->size(), 1u);
}

TEST_F(EventStoreRead, ATenantsLogShowsOnlyItsOwnEventsWithFilters) {
  const auto other = new_uuid();
  ASSERT_TRUE(store_->append(one_event(tenant_, "task-1")).has_value());
  ASSERT_TRUE(store_->append(one_event(other, "task-2")).has_value());
  eventstore::append_request noted{tenant_, {{"task-1", expected_version::any(), {an_event("TaskNoteAdded")}, {}}}};
  ASSERT_TRUE(store_->append(noted).has_value());
  auto mine = store_->read_tenant_log(tenant_, {});
  ASSERT_TRUE(mine.has_value());
  ASSERT_EQ(mine->size(), 2u);
  for (const auto& e : *mine) EXPECT_EQ(e.tenant_id(), tenant_);
  eventstore::log_query notes_only;
  notes_only.event_type = "TaskNoteAdded";
  EXPECT_EQ(store_->read_tenant_log(tenant_, notes_only)->size(), 1u);
  EXPECT_TRUE(store_->read_stream(tenant_, "task-2")->empty()) << "another tenant's stream must look empty";
}

}  // namespace
}  // namespace stradia::testing
