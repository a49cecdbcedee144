// Readers never skip and never see an event twice, even when transactions commit out of
// the order in which they took their positions.
#include "eventstore/subscription.hpp"

#include <future>
#include <mutex>
#include <random>
#include <set>

#include "eventstore/event_store.hpp"
#include "pg_fixture.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;
using eventstore::envelope;

// Everything a subscription handed over, in order.
class collector {
 public:
  eventstore::subscription::handler handler() {
    return [this](const std::vector<envelope>& batch) {
      std::lock_guard lock(mutex_);
      events_.insert(events_.end(), batch.begin(), batch.end());
      changed_.notify_all();
      return true;
    };
  }
  bool wait_for_count(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
  }
  std::vector<envelope> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<envelope> events_;
};

class Subscription : public store_test {
 protected:
  eventstore::subscription_options options(std::string id = "test") {
    eventstore::subscription_options o;
    o.worker_conninfo = worker();
    o.subscription_id = std::move(id);
    o.batch_size = 50;
    o.poll_interval = 100ms;
    return o;
  }

  // An INSERT as stradia_app in a transaction the test commits or rolls back itself.
  struct held_insert {
    held_insert(const std::string& conninfo, const std::string& tenant) : connection(conninfo), tx(connection) {
      tx.exec_params("SELECT set_config('app.current_tenant', $1, true)", tenant);
      event_id = new_uuid();
      tx.exec_params(
          "INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload) "
          "VALUES ($1, $2, $3, 1, 'TaskMoved', '\\x00')",
          event_id, tenant, "held-" + event_id);
    }
    pqxx::connection connection;
    pqxx::work tx;
    std::string event_id;
  };

  static std::vector<std::string> ids(const std::vector<envelope>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.event_id());
    return out;
  }

  static void expect_strictly_ascending(const std::vector<envelope>& events) {
    for (std::size_t i = 1; i < events.size(); ++i)
      EXPECT_LT(events[i - 1].global_position(), events[i].global_position()) << "at " << i;
  }

  const std::string tenant_ = new_uuid();
};

TEST_F(Subscription, AHeldTransactionHoldsBackLaterAppendsAndTheSubscriberDeliversItFirst) {
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(store_->append(one_event(tenant_, "before-" + std::to_string(i))).has_value());
  collector seen;
  eventstore::subscription sub(options(), seen.handler());
  ASSERT_TRUE(seen.wait_for_count(2));

  auto held = std::make_unique<held_insert>(app(), tenant_);
  auto later_1 = store_->append_async(one_event(tenant_, "later-1"));
  auto later_2 = store_->append_async(one_event(tenant_, "later-2"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(later_1.wait_for(0s), std::future_status::timeout) << "a later append committed past the held one";
  EXPECT_EQ(seen.events().size(), 2u) << "the subscriber passed the held transaction";

  held->tx.commit();
  ASSERT_TRUE(later_1.get().has_value());
  ASSERT_TRUE(later_2.get().has_value());
  ASSERT_TRUE(seen.wait_for_count(5));
  const auto events = seen.events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[2].event_id(), held->event_id);
  expect_strictly_ascending(events);
}

TEST_F(Subscription, ARolledBackHeldTransactionIsNeverDelivered) {
  collector seen;
  eventstore::subscription sub(options(), seen.handler());
  auto held = std::make_unique<held_insert>(app(), tenant_);
  auto later = store_->append_async(one_event(tenant_, "later"));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(seen.events().empty());
  held->tx.abort();
  ASSERT_TRUE(later.get().has_value());
  ASSERT_TRUE(seen.wait_for_count(1));
  std::this_thread::sleep_for(300ms);
  const auto events = seen.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].event_id(), held->event_id);
}

// The classic Postgres event store bug, reproduced with the append lock switched off:
// a position cursor passes an earlier position that commits later, and loses it.
TEST_F(Subscription, WithoutTheAppendLockAPositionCursorWouldSkipAnEvent) {
  pqxx::connection admin(owner());
  pqxx::nontransaction(admin).exec("ALTER TABLE events DISABLE TRIGGER events_serialize_appends");
  auto early = std::make_unique<held_insert>(app(), tenant_);  // takes the lower position
  {
    held_insert late(app(), tenant_);
    late.tx.commit();
  }  // commits first
  auto first_read = store_->read_all(0, 100);
  ASSERT_EQ(first_read->size(), 1u);
  const auto cursor = first_read->back().global_position();
  early->tx.commit();
  EXPECT_TRUE(store_->read_all(cursor, 100)->empty()) << "the skipped event came back: the hazard did not occur";
  EXPECT_EQ(store_->read_all(0, 100)->size(), 2u);

  // With the lock on, the later insert has to wait for the earlier transaction.
  pqxx::nontransaction(admin).exec("ALTER TABLE events ENABLE TRIGGER events_serialize_appends");
  auto holder = std::make_unique<held_insert>(app(), tenant_);
  pqxx::connection other(app());
  pqxx::work w(other);
  w.exec("SET LOCAL lock_timeout = '300ms'");
  w.exec_params("SELECT set_config('app.current_tenant', $1, true)", tenant_);
  EXPECT_THROW(w.exec_params("INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload) "
                             "VALUES ($1, $2, 'waits', 1, 'T', '\\x00')",
                             new_uuid(), tenant_),
               pqxx::sql_error);
}

TEST_F(Subscription, ManyWritersWithRandomCommitDelaysLoseNothingAndRepeatNothing) {
  collector seen;
  eventstore::subscription sub(options(), seen.handler());
  std::mutex mutex;
  std::set<std::string> committed;
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w);
      pqxx::connection c(app());
      for (int i = 0; i < 25; ++i) {
        pqxx::work tx(c);
        tx.exec_params("SELECT set_config('app.current_tenant', $1, true)", tenant_);
        std::vector<std::string> batch;
        const int rows = 1 + static_cast<int>(rng() % 3);
        for (int r = 0; r < rows; ++r) {
          batch.push_back(new_uuid());
          tx.exec_params(
              "INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload) "
              "VALUES ($1, $2, $3, 1, 'T', '\\x00')",
              batch.back(), tenant_, "w-" + batch.back());
        }
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
        if (rng() % 5 == 0) {
          tx.abort();
          continue;
        }
        tx.commit();
        std::lock_guard lock(mutex);
        committed.insert(batch.begin(), batch.end());
      }
    });
  }
  // Group-committed appends race with the raw writers too.
  std::vector<std::future<eventstore::result<eventstore::append_result>>> appends;
  for (int i = 0; i < 100; ++i) appends.push_back(store_->append_async(one_event(tenant_, "g-" + std::to_string(i))));
  for (auto& t : writers) t.join();
  for (auto& f : appends) {
    auto r = f.get();
    ASSERT_TRUE(r.has_value());
  }
  auto all = store_->read_all(0, 100000);
  for (const auto& e : *all)
    if (e.stream_id().rfind("g-", 0) == 0) committed.insert(e.event_id());

  ASSERT_TRUE(seen.wait_for_count(committed.size()))
      << "delivered " << seen.events().size() << " of " << committed.size();
  std::this_thread::sleep_for(300ms);
  const auto events = seen.events();
  const auto delivered = ids(events);
  EXPECT_EQ(delivered.size(), committed.size()) << "an event was delivered twice";
  EXPECT_EQ(std::set<std::string>(delivered.begin(), delivered.end()), committed);
  expect_strictly_ascending(events);
}

TEST_F(Subscription, ResumesFromItsStoredCheckpointAfterARestart) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->append(one_event(tenant_, "s-" + std::to_string(i))).has_value());
  {
    collector seen;
    eventstore::subscription sub(options("projector"), seen.handler());
    ASSERT_TRUE(seen.wait_for_count(3));
    std::this_thread::sleep_for(100ms);  // let the checkpoint be written
  }
  const auto checkpoint = eventstore::load_checkpoint(worker(), "projector");
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_EQ(*checkpoint, *store_->head_position());
  for (int i = 3; i < 5; ++i) ASSERT_TRUE(store_->append(one_event(tenant_, "s-" + std::to_string(i))).has_value());
  collector after_restart;
  eventstore::subscription sub(options("projector"), after_restart.handler());
  ASSERT_TRUE(after_restart.wait_for_count(2));
  std::this_thread::sleep_for(300ms);
  const auto events = after_restart.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].stream_id(), "s-3");
}

TEST_F(Subscription, LiveEventsArriveByNotificationNotByPolling) {
  collector seen;
  auto o = options();
  o.poll_interval = 20s;
  eventstore::subscription sub(o, seen.handler());
  std::this_thread::sleep_for(300ms);  // caught up (nothing) and waiting for a notification
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(store_->append(one_event(tenant_, "live")).has_value());
  ASSERT_TRUE(seen.wait_for_count(1, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(Subscription, ARefusedBatchIsDeliveredAgainNotSkipped) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->append(one_event(tenant_, "s-" + std::to_string(i))).has_value());
  std::atomic<int> calls{0};
  collector seen;
  auto accept = seen.handler();
  eventstore::subscription sub(
      options(), [&](const std::vector<envelope>& batch) { return ++calls == 1 ? false : accept(batch); });
  ASSERT_TRUE(seen.wait_for_count(3));
  EXPECT_GE(calls.load(), 2);
  EXPECT_EQ(seen.events().size(), 3u);
}

}  // namespace
}  // namespace stradia::testing
