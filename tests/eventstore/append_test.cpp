#include <future>

#include "eventstore/event_store.hpp"
#include "pg_fixture.hpp"

namespace stradia::testing {
namespace {

using eventstore::expected_version;
using eventstore::store_errc;

class EventStoreAppend : public store_test {
 protected:
  std::int64_t rows() {
    pqxx::connection c(owner());
    return pqxx::nontransaction(c).exec("SELECT count(*) FROM events")[0][0].as<std::int64_t>();
  }

  const std::string tenant_ = new_uuid();
};

TEST_F(EventStoreAppend, NoStreamCreatesTheStreamAndRefusesAnExistingOne) {
  auto first = store_->append(one_event(tenant_, "task-1", expected_version::no_stream()));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->streams.at(0).first_version, 1);
  EXPECT_GT(first->first_position, 0);
  auto again = store_->append(one_event(tenant_, "task-1", expected_version::no_stream()));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, store_errc::version_conflict);
}

TEST_F(EventStoreAppend, ExactVersionAppendsAndAStaleOneIsAVersionConflict) {
  ASSERT_TRUE(store_->append(one_event(tenant_, "task-1", expected_version::no_stream())).has_value());
  auto second = store_->append(one_event(tenant_, "task-1", expected_version::exact(1)));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->streams.at(0).last_version, 2);
  auto stale = store_->append(one_event(tenant_, "task-1", expected_version::exact(1)));
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, store_errc::version_conflict);
  EXPECT_EQ(rows(), 2);
}

TEST_F(EventStoreAppend, AnyVersionAlwaysAppendsAtTheEnd) {
  for (int i = 1; i <= 3; ++i) {
    auto r = store_->append(one_event(tenant_, "task-1"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->streams.at(0).first_version, i);
  }
}

TEST_F(EventStoreAppend, RetryWithTheSameEventIdsIsIdempotent) {
  const auto request = one_event(tenant_, "task-1", expected_version::no_stream());
  auto first = store_->append(request);
  ASSERT_TRUE(first.has_value());
  auto retry = store_->append(request);  // same ids; its expected version is stale by now
  ASSERT_TRUE(retry.has_value()) << retry.error().message;
  EXPECT_TRUE(retry->already_recorded);
  EXPECT_EQ(retry->first_position, first->first_position);
  EXPECT_EQ(retry->streams.at(0).first_version, 1);
  EXPECT_EQ(rows(), 1);
}

TEST_F(EventStoreAppend, AReusedEventIdWithOtherContentIsRefused) {
  auto request = one_event(tenant_, "task-1");
  ASSERT_TRUE(store_->append(request).has_value());
  request.streams[0].events[0].payload = "something else";
  auto r = store_->append(request);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, store_errc::event_id_conflict);
  auto other_stream = one_event(tenant_, "task-2");
  other_stream.streams[0].events[0].event_id = request.streams[0].events[0].event_id;
  EXPECT_EQ(store_->append(other_stream).error().code, store_errc::event_id_conflict);
  EXPECT_EQ(rows(), 1);
}

TEST_F(EventStoreAppend, AMultiStreamAppendIsAllOrNothing) {
  ASSERT_TRUE(store_->append(one_event(tenant_, "tenant-1")).has_value());
  eventstore::append_request both{tenant_,
                                  {{"tenant-1", expected_version::exact(0), {an_event("TenantSeatTaken")}, {}},
                                   {"user-1", expected_version::no_stream(), {an_event("UserInvited")}, {}}}};
  auto stale = store_->append(both);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(rows(), 1);
  both.streams[0].expected = expected_version::exact(1);
  auto ok = store_->append(both);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  ASSERT_EQ(ok->streams.size(), 2u);
  EXPECT_EQ(ok->streams[1].stream_id, "user-1");
  EXPECT_EQ(ok->last_position - ok->first_position, 1);
  EXPECT_EQ(rows(), 3);
}

TEST_F(EventStoreAppend, ConcurrentAppendsShareTransactionsAndAConflictFailsAlone) {
  ASSERT_TRUE(store_->append(one_event(tenant_, "shared")).has_value());
  const auto before = store_->append_transactions();
  std::vector<std::future<eventstore::result<eventstore::append_result>>> futures;
  for (int i = 0; i < 200; ++i) {
    // Every 10th append expects a version the stream is not at.
    auto expected = i % 10 == 0 ? expected_version::exact(99) : expected_version::any();
    futures.push_back(
        store_->append_async(one_event(tenant_, i % 10 == 0 ? "shared" : "s-" + std::to_string(i), expected)));
  }
  int ok = 0, conflicts = 0;
  for (auto& f : futures) {
    auto r = f.get();
    if (r)
      ++ok;
    else if (r.error().code == store_errc::version_conflict)
      ++conflicts;
  }
  EXPECT_EQ(ok, 180);
  EXPECT_EQ(conflicts, 20);
  EXPECT_EQ(rows(), 181);
  EXPECT_LT(store_->append_transactions() - before, 200u) << "appends were not grouped";
}

TEST_F(EventStoreAppend, BatchesAcrossTenantsKeepEachTenantsRows) {
  const auto other = new_uuid();
  std::vector<std::future<eventstore::result<eventstore::append_result>>> futures;
  for (int i = 0; i < 50; ++i)
    futures.push_back(store_->append_async(one_event(i % 2 ? tenant_ : other, "s-" + std::to_string(i))));
  for (auto& f : futures) ASSERT_TRUE(f.get().has_value());
  pqxx::connection c(owner());
  auto counts = pqxx::nontransaction(c).exec("SELECT count(*) FROM events GROUP BY tenant_id ORDER BY 1");
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0][0].as<int>(), 25);
}

TEST_F(EventStoreAppend, AnotherWriterMovingAStreamOnIsNoticedAndNothingIsOverwritten) {
  // Two stores stand for two processes; each remembers the heads it wrote.
  eventstore::event_store other({app(), worker()});
  ASSERT_TRUE(store_->append(one_event(tenant_, "task-1", expected_version::no_stream())).has_value());
  ASSERT_TRUE(other.append(one_event(tenant_, "task-1", expected_version::exact(1))).has_value());
  auto next = store_->append(one_event(tenant_, "task-1"));  // remembers version 1, the stream is at 2
  ASSERT_TRUE(next.has_value()) << next.error().message;
  EXPECT_EQ(next->streams.at(0).first_version, 3);
  auto stale = store_->append(one_event(tenant_, "task-1", expected_version::exact(2)));
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, store_errc::version_conflict);
  EXPECT_EQ(rows(), 3);
}

TEST_F(EventStoreAppend, ANewStreamIdTakenByAnotherTenantIsRefusedAsForeignNotALeak) {
  ASSERT_TRUE(store_->append(one_event(new_uuid(), "market-1", expected_version::no_stream())).has_value());
  auto mine = store_->append(one_event(tenant_, "market-1", expected_version::no_stream()));
  ASSERT_FALSE(mine.has_value());
  EXPECT_EQ(mine.error().code, store_errc::foreign_stream);
  EXPECT_EQ(rows(), 1);
}

TEST_F(EventStoreAppend, MalformedRequestsAreRefusedBeforeTheDatabase) {
  EXPECT_EQ(store_->append(one_event("not-a-uuid", "s")).error().code, store_errc::invalid_request);
  auto bad_id = one_event(tenant_, "s");
  bad_id.streams[0].events[0].event_id = "42";
  EXPECT_EQ(store_->append(bad_id).error().code, store_errc::invalid_request);
  EXPECT_EQ(store_->append(eventstore::append_request{tenant_, {}}).error().code, store_errc::invalid_request);
  EXPECT_EQ(store_->append(one_event(tenant_, "")).error().code, store_errc::invalid_request);
  EXPECT_EQ(rows(), 0);
}

TEST_F(EventStoreAppend, SixteenWritersRacingOnOneStreamWinOncePerVersionWithNoHoles) {
  constexpr int writers = 16, rounds = 10;
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      for (int round = 0; round < rounds; ++round) {
        // Each writer reads the head and tries to append the next version.
        auto head = store_->read_stream(tenant_, "race");
        ASSERT_TRUE(head.has_value());
        if (store_->append(
                one_event(tenant_, "race", expected_version::exact(static_cast<std::int64_t>(head->size())))))
          ++wins;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto stream = store_->read_stream(tenant_, "race");
  ASSERT_TRUE(stream.has_value());
  EXPECT_EQ(static_cast<int>(stream->size()), wins.load());
  for (std::size_t i = 0; i < stream->size(); ++i)
    EXPECT_EQ((*stream)[i].stream_version(), static_cast<std::int64_t>(i + 1));
  EXPECT_GE(wins.load(), rounds);  // at least one winner per round of reads
}

TEST_F(EventStoreAppend, ALostConnectionIsRetryableNotAnException) {
  eventstore::event_store nowhere({"host=127.0.0.1 port=1 dbname=x user=stradia_app connect_timeout=1",
                                   "host=127.0.0.1 port=1 dbname=x user=stradia_worker connect_timeout=1"});
  auto r = nowhere.append(one_event(tenant_, "s"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, store_errc::retryable);
  auto read = nowhere.read_stream(tenant_, "s");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, store_errc::retryable);
}

}  // namespace
}  // namespace stradia::testing
