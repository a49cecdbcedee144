// The whole path store → relay → Kafka → workers → read models, against librdkafka's mock
// cluster running as its own process (`stradia kafka-dev`) and reached over TCP.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "e2e/child_process.hpp"
#include "e2e/google_sandbox_process.hpp"
#include "e2e/http_client.hpp"
#include "e2e/server_process.hpp"
#include "e2e/ws_client.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/pg_fixture.hpp"
#include "eventstore/relay/kafka_handle.hpp"
#include "eventstore/relay/kafka_relay.hpp"
#include "projections/kafka_worker.hpp"
#include "projections/poison_events.hpp"
#include "projections/projector.hpp"
#include "projections/read_model_digest.hpp"
#include "projections/synthetic_board_log.hpp"
#include "task.pb.h"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

constexpr int partitions = 6;
const std::string tenant = "a5e1c0de-0000-4000-8000-000000000001";  // the playground's acme

class KafkaPipeline : public store_test {
 protected:
  void SetUp() override {
    store_test::SetUp();
    if (HasFatalFailure()) return;
    env_ = stradia_env();
    ASSERT_EQ(run_child({"seed"}), 0);
    events_ = append_synthetic_board_log(*store_, tenant, {}, &new_uuid);
    ASSERT_GT(events_, 9000u);
    head_ = *store_->head_position();
    kafka_ = std::make_unique<child_process>(
        std::vector<std::string>{"kafka-dev", "--partitions", std::to_string(partitions)}, std::vector<std::string>{});
    brokers_ = kafka_->next_line();
    ASSERT_NE(brokers_.find("127.0.0.1:"), std::string::npos) << brokers_;
    env_.push_back("STRADIA_KAFKA_BROKERS=" + brokers_);
  }
  void TearDown() override {
    relay_.reset();
    kafka_.reset();
    store_test::TearDown();
  }

  int run_child(const std::vector<std::string>& args) {
    child_process child(args, env_);
    child.remaining_lines();
    return child.signal(0);
  }

  void start_relay() {
    eventstore::kafka_relay_options options;
    options.brokers = brokers_;
    options.worker_conninfo = worker();
    relay_ = std::make_unique<eventstore::kafka_relay>(options);
  }

  std::unique_ptr<child_process> start_worker(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"project"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto worker = std::make_unique<child_process>(args, env_);
    EXPECT_NE(worker->next_line().find("consuming"), std::string::npos) << worker->last_line();
    return worker;
  }

  // Every read model's checkpoint on every partition, and the lowest of them.
  std::pair<std::int64_t, std::int64_t> kafka_checkpoints() {
    pqxx::connection c(worker());
    auto row = pqxx::read_transaction(c).exec(
        "SELECT count(*), coalesce(min(position), 0) FROM projection_checkpoints WHERE source LIKE 'kafka:%'");
    return {row[0][0].as<std::int64_t>(), row[0][1].as<std::int64_t>()};
  }

  // Waits until the workers applied the whole log on every partition.
  bool wait_until_applied(std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto models = static_cast<std::int64_t>(projections::projector::all_read_models().size());
    while (std::chrono::steady_clock::now() < deadline) {
      const auto [rows, lowest] = kafka_checkpoints();
      if (rows == partitions * models && lowest >= head_) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  // A running gateway's system processes (the board lifecycle) append as the read models
  // catch up: waits until the log stops growing and all of it is applied.
  bool wait_until_settled() {
    for (int round = 0; round < 20; ++round) {
      head_ = *store_->head_position();
      if (!wait_until_applied()) return false;
      std::this_thread::sleep_for(500ms);
      if (*store_->head_position() == head_) return true;
    }
    return false;
  }

  // The read models as a fresh rebuild from the log makes them (leaves them rebuilt).
  std::string rebuilt_digest() {
    projections::projector models(worker());
    auto reader = eventstore::log_reader::connect(worker());
    auto replayed = models.rebuild(
        [&](std::int64_t after, std::size_t max,
            std::vector<stradia::envelope::v1::EventEnvelope>& into) -> base::expected<void, std::string> {
          if (auto read = (*reader)->read_after(after, max, into); !read) return base::unexpected(read.error().message);
          return {};
        },
        {});
    EXPECT_TRUE(replayed.has_value()) << replayed.error();
    return read_model_digest(worker());
  }

  static std::map<std::string, std::uint64_t> counts(const std::vector<std::string>& lines) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& line : lines)
      if (const auto at = line.find("applied="); at != std::string::npos) {
        out["applied"] = std::stoull(line.substr(at + 8));
        out["skipped"] = std::stoull(line.substr(line.find("skipped=") + 8));
      }
    return out;
  }

  std::vector<std::string> env_;
  std::size_t events_ = 0;
  std::int64_t head_ = 0;
  std::string brokers_;
  std::unique_ptr<child_process> kafka_;
  std::unique_ptr<eventstore::kafka_relay> relay_;
};

TEST_F(KafkaPipeline, EveryEventArrivesAndTheReadModelsEqualTheEmbeddedOnesAndARebuild) {
  start_relay();
  auto projecting = start_worker();
  ASSERT_TRUE(wait_until_applied()) << "lowest checkpoint " << kafka_checkpoints().second << " of " << head_;
  EXPECT_EQ(relay_->position(), head_);
  EXPECT_GE(relay_->produced(), static_cast<std::uint64_t>(head_));
  EXPECT_EQ(projecting->signal(SIGTERM), 0);
  const auto via_kafka = read_model_digest(worker());
  EXPECT_EQ(counts(projecting->remaining_lines())["applied"], static_cast<std::uint64_t>(head_));

  // Embedded mode on the same log: the live path in uneven batches from one source.
  clear_read_models(worker());
  projections::projector embedded(worker());
  auto reader = eventstore::log_reader::connect(worker());
  for (std::int64_t after = 0; after < head_;) {
    auto batch = (*reader)->read_after(after, 777);
    ASSERT_TRUE(batch.has_value());
    ASSERT_TRUE(embedded.apply("embedded", *batch).has_value());
    after = batch->back().global_position();
  }
  EXPECT_EQ(read_model_digest(worker()), via_kafka);
  EXPECT_EQ(rebuilt_digest(), via_kafka);
  pqxx::connection c(worker());
  const auto tasks = pqxx::read_transaction(c)
                         .exec("SELECT count(*) FROM events WHERE event_type = 'LocalTaskCreated'")[0][0]
                         .as<std::string>();
  EXPECT_NE(via_kafka.find("read_board_tasks=" + tasks + ":"), std::string::npos) << via_kafka;
}

// A projection never stalls on one event, in Kafka mode too: the poison in the middle of
// the log is quarantined under its partition's source and everything after it applies.
TEST_F(KafkaPipeline, APoisonEventIsQuarantinedAndTheWorkersGoOn) {
  std::string board, task;
  for (const auto& e : *store_->read_all(0, 100000))
    if (e.event_type() == "LocalTaskCreated" && e.tenant_id() == tenant && task.empty()) {
      task::v1::LocalTaskCreated created;
      ASSERT_TRUE(created.ParseFromString(e.payload()));
      task = created.local_task_id();
      board = created.local_board_id();
    }
  ASSERT_EQ(insert_poison_events(owner(), tenant, board, task), 4);
  ASSERT_GT(append_synthetic_board_log(*store_, tenant, {.boards = 4}, &new_uuid), 0u);
  head_ = *store_->head_position();
  start_relay();
  auto projecting = start_worker();
  ASSERT_TRUE(wait_until_applied()) << "lowest checkpoint " << kafka_checkpoints().second << " of " << head_;
  pqxx::connection c(worker());
  const auto quarantined = pqxx::read_transaction(c).exec(
      "SELECT count(*), count(*) FILTER (WHERE source LIKE 'kafka:%') "
      "FROM projection_quarantine")[0];
  EXPECT_GE(quarantined[0].as<int>(), 4);
  EXPECT_EQ(quarantined[0].as<int>(), quarantined[1].as<int>()) << "each under its partition's source";
  EXPECT_EQ(projecting->signal(SIGTERM), 0);
  const auto via_kafka = read_model_digest(worker());
  EXPECT_EQ(rebuilt_digest(), via_kafka) << "a rebuild sets the same events aside and builds the same rest";
}

TEST_F(KafkaPipeline, AWorkerKilledMidStreamIsReplacedAndTheReadModelsEqualAFreshRebuild) {
  // A longer log, so the kill lands while the worker is busy.
  ASSERT_GT(append_synthetic_board_log(*store_, tenant, {.boards = 100}, &new_uuid), 0u);
  head_ = *store_->head_position();
  start_relay();
  auto first = start_worker();
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (kafka_checkpoints().second == 0 && kafka_checkpoints().first == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(first->signal(SIGKILL), -1);
  const auto [rows, lowest] = kafka_checkpoints();
  EXPECT_LT(lowest, head_) << "killed after it had finished: not mid-stream";
  EXPECT_GT(rows, 0) << "killed before it applied anything";
  auto second = start_worker();
  ASSERT_TRUE(wait_until_applied()) << "lowest checkpoint " << kafka_checkpoints().second << " of " << head_;
  EXPECT_EQ(second->signal(SIGTERM), 0);
  const auto after_crash = read_model_digest(worker());
  EXPECT_EQ(rebuilt_digest(), after_crash);
}

TEST_F(KafkaPipeline, ARelayKilledMidStreamResumesFromItsCursorAndNothingIsLost) {
  ASSERT_GT(append_synthetic_board_log(*store_, tenant, {.boards = 100}, &new_uuid), 0u);
  head_ = *store_->head_position();
  auto env = env_;
  env.push_back("STRADIA_JWT_SECRET=kafka-e2e-secret-0123456789abcdef0123");
  env.push_back("STRADIA_LISTEN=127.0.0.1:0");
  auto relay_cursor = [&] {
    pqxx::connection c(worker());
    auto row = pqxx::read_transaction(c).exec(
        "SELECT global_position FROM subscription_checkpoints WHERE subscription_id = 'kafka-relay'");
    return row.empty() ? std::int64_t{0} : row[0][0].as<std::int64_t>();
  };
  auto projecting = start_worker();
  {
    child_process gateway({"serve"}, env);  // in Kafka mode it relays
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (relay_cursor() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(gateway.signal(SIGKILL), -1);
  }
  const auto cursor = relay_cursor();
  EXPECT_GT(cursor, 0);
  EXPECT_LT(cursor, head_) << "killed after it had relayed everything: not mid-stream";
  child_process restarted({"serve"}, env);
  ASSERT_TRUE(wait_until_settled()) << "lowest checkpoint " << kafka_checkpoints().second << " of " << head_;
  EXPECT_EQ(relay_cursor(), head_);
  EXPECT_EQ(projecting->signal(SIGTERM), 0);
  const auto applied = counts(projecting->remaining_lines());
  EXPECT_EQ(applied.at("applied"), static_cast<std::uint64_t>(head_)) << "every event once, resent copies skipped";
  const auto after_crash = read_model_digest(worker());
  EXPECT_EQ(rebuilt_digest(), after_crash);
}

TEST_F(KafkaPipeline, AWorkerJoiningMidStreamTakesPartitionsAndNothingIsLostOrDoubled) {
  ASSERT_GT(append_synthetic_board_log(*store_, tenant, {.boards = 100}, &new_uuid), 0u);
  head_ = *store_->head_position();
  auto one = start_worker();
  start_relay();
  ASSERT_TRUE(one->read_until([](const std::string& line) { return line.find("applied=") != std::string::npos; }));
  auto two = start_worker();  // the group rebalances while events flow
  ASSERT_TRUE(wait_until_applied()) << "lowest checkpoint " << kafka_checkpoints().second << " of " << head_;
  EXPECT_EQ(one->signal(SIGTERM), 0);
  EXPECT_EQ(two->signal(SIGTERM), 0);
  auto a = counts(one->remaining_lines()), b = counts(two->remaining_lines());
  EXPECT_EQ(a["applied"] + b["applied"], static_cast<std::uint64_t>(head_));
  const auto shared = read_model_digest(worker());
  EXPECT_EQ(rebuilt_digest(), shared);
}

TEST_F(KafkaPipeline, RedeliveryFromTheBeginningAppliesNothingTwice) {
  start_relay();
  auto first = start_worker();
  ASSERT_TRUE(wait_until_applied());
  EXPECT_EQ(first->signal(SIGTERM), 0);
  const auto before = read_model_digest(worker());

  auto replay = start_worker({"--from-beginning"});
  const auto total = static_cast<std::uint64_t>(head_);
  ASSERT_TRUE(replay->read_until([&](const std::string& line) {
    const auto at = line.find("skipped=");
    return at != std::string::npos && std::stoull(line.substr(at + 8)) >= total;
  })) << replay->last_line();
  EXPECT_EQ(replay->signal(SIGTERM), 0);
  const auto replayed = counts(replay->remaining_lines());
  EXPECT_EQ(replayed.at("applied"), 0u);
  EXPECT_EQ(replayed.at("skipped"), total);
  EXPECT_EQ(read_model_digest(worker()), before);
}

TEST_F(KafkaPipeline, TwoWorkersInOneGroupSplitThePartitionsAndApplyEverythingOnce) {
  auto one = start_worker();
  auto two = start_worker();
  std::this_thread::sleep_for(4s);  // both in the group before the events arrive
  start_relay();
  ASSERT_TRUE(wait_until_applied()) << "lowest checkpoint " << kafka_checkpoints().second << " of " << head_;
  EXPECT_EQ(one->signal(SIGTERM), 0);
  EXPECT_EQ(two->signal(SIGTERM), 0);
  const auto a = counts(one->remaining_lines()), b = counts(two->remaining_lines());
  EXPECT_GT(a.count("applied") ? a.at("applied") : 0, 0u) << "the first worker got no partition";
  EXPECT_GT(b.count("applied") ? b.at("applied") : 0, 0u) << "the second worker got no partition";
  EXPECT_EQ((a.count("applied") ? a.at("applied") : 0) + (b.count("applied") ? b.at("applied") : 0),
            static_cast<std::uint64_t>(head_));
  const auto shared = read_model_digest(worker());
  EXPECT_EQ(rebuilt_digest(), shared);
}

TEST_F(KafkaPipeline, ABoardsEventsApplyInLogOrder) {
  start_relay();
  projections::projector models(worker());
  projections::kafka_worker_options options;
  options.brokers = brokers_;
  options.group_id = "order-check";
  std::map<std::string, std::int64_t> last_version;  // per stream
  std::map<int, std::int64_t> last_position;         // per partition
  std::int64_t seen = 0, out_of_order = 0;
  std::map<std::string, int> partition_of_stream, partition_of_board;
  std::map<std::string, std::string> board_of_task_stream;
  std::int64_t split_streams = 0, split_boards = 0;
  projections::kafka_worker consumer(options, models, [&](int partition, const auto& events) {
    for (const auto& e : events) {
      ++seen;
      if (e.stream_version() <= last_version[e.stream_id()]) ++out_of_order;
      if (e.global_position() <= last_position[partition]) ++out_of_order;
      last_version[e.stream_id()] = e.stream_version();
      last_position[partition] = e.global_position();
      const auto [known, fresh] = partition_of_stream.try_emplace(e.stream_id(), partition);
      if (!fresh && known->second != partition) ++split_streams;
      // A board's stream and its tasks' streams: one key, so one partition.
      if (e.event_type() == "LocalTaskCreated") {
        task::v1::LocalTaskCreated created;
        created.ParseFromString(e.payload());
        board_of_task_stream[e.stream_id()] = created.local_board_id();
      }
      std::string board;
      if (e.stream_id().rfind("board-", 0) == 0) board = e.stream_id().substr(6);
      if (const auto task = board_of_task_stream.find(e.stream_id()); task != board_of_task_stream.end())
        board = task->second;
      if (board.empty()) continue;
      const auto [board_at, first] = partition_of_board.try_emplace(board, partition);
      if (!first && board_at->second != partition) ++split_boards;
    }
  });
  std::thread run([&] { consumer.run(); });
  const bool applied = wait_until_applied();
  consumer.stop();
  run.join();
  ASSERT_TRUE(applied);
  EXPECT_EQ(seen, head_);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(split_streams, 0);
  EXPECT_EQ(split_boards, 0) << "a board's tasks went to another partition than the board";
  EXPECT_GT(partition_of_board.size(), 20u);
  EXPECT_GT(last_position.size(), 1u) << "every event in one partition proves nothing";
}

TEST_F(KafkaPipeline, InKafkaModeTheGatewayRelaysAndReadsItsOwnWritesFromTheWorkers) {
  auto env = env_;
  env.push_back("STRADIA_JWT_SECRET=kafka-e2e-secret-0123456789abcdef0123");
  server_process gateway(env);
  auto projecting = start_worker();
  ASSERT_TRUE(wait_until_applied()) << "the gateway's relay did not feed the workers";
  auto login =
      http_call(gateway.port(), "POST", "/api/v1/auth/login", R"({"email":"spain@acme.com","password":"stradia-dev"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const auto bearer = "Bearer " + json_field(login.body, "token");
  auto markets = http_call(gateway.port(), "GET", "/api/v1/markets", "", {{"Authorization", bearer}});
  ASSERT_EQ(markets.status, 200) << markets.body;
  auto boards = http_call(gateway.port(), "GET", "/api/v1/boards?market_id=" + json_field(markets.body, "id"), "",
                          {{"Authorization", bearer}});
  const auto board_id = json_field(boards.body.substr(boards.body.find("\"boards\"")), "id");
  auto board = http_call(gateway.port(), "GET", "/api/v1/boards/" + board_id, "", {{"Authorization", bearer}});
  ASSERT_EQ(board.status, 200) << board.body;
  const auto tasks = board.body.substr(board.body.find("\"tasks\""));
  const auto task_id = json_field(tasks, "id");

  auto noted = http_call(gateway.port(), "POST", "/api/v1/commands/AddTaskNote",
                         R"({"local_task_id":")" + task_id + R"(","content":"Through Kafka and back."})",
                         {{"Authorization", bearer}});
  ASSERT_EQ(noted.status, 200) << noted.body;
  const auto position = json_field(noted.body, "global_position");
  auto read = http_call(gateway.port(), "GET", "/api/v1/tasks/" + task_id + "?min_position=" + position, "",
                        {{"Authorization", bearer}});
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("Through Kafka and back."), std::string::npos) << read.body;
  EXPECT_EQ(http_call(gateway.port(), "GET", "/readyz").status, 200);
  const auto metrics = http_call(gateway.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("stradia_relay_leading 1\n"), std::string::npos) << metrics;
  EXPECT_EQ(gateway.stop(), 0);
}

// Every message on the topic (keys, values, headers), read from the start by a new group
// until the events up to `head` all came.
std::vector<std::string> topic_messages(const std::string& brokers, std::int64_t head) {
  std::string error;
  auto* conf = eventstore::make_kafka_conf({{"bootstrap.servers", brokers},
                                            {"group.id", "leak-check-" + new_uuid()},
                                            {"auto.offset.reset", "earliest"},
                                            {"enable.auto.commit", "false"}},
                                           error);
  if (!conf) return {};
  char text[512];
  eventstore::kafka_handle consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf, text, sizeof text));
  if (!consumer) return {};
  rd_kafka_poll_set_consumer(consumer.get());
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, "stradia.events", RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  std::vector<std::string> out;
  std::set<std::int64_t> positions;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (static_cast<std::int64_t>(positions.size()) < head && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 200);
    if (!m) continue;
    if (!m->err) {
      stradia::envelope::v1::EventEnvelope e;
      if (m->len > 0 && e.ParseFromArray(m->payload, static_cast<int>(m->len)) && e.global_position() <= head)
        positions.insert(e.global_position());
      std::string bytes(static_cast<const char*>(m->key), m->key_len);
      bytes.append(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* headers = nullptr;
      if (!rd_kafka_message_headers(m, &headers)) {
        const char* name = nullptr;
        const void* value = nullptr;
        std::size_t size = 0;
        for (std::size_t i = 0; !rd_kafka_header_get_all(headers, i, &name, &value, &size); ++i)
          bytes.append(name).append(static_cast<const char*>(value), size);
      }
      out.push_back(std::move(bytes));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer.get());
  return out;
}

TEST_F(KafkaPipeline, AVaultTokenAndItsRefreshNeverReachAKafkaMessage) {
  google_sandbox_process sandbox;
  auto env = env_;
  env.push_back("STRADIA_JWT_SECRET=kafka-e2e-secret-0123456789abcdef0123");
  env.push_back("STRADIA_MASTER_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  for (auto& e : sandbox.server_env()) env.push_back(e);
  server_process gateway(env);
  auto login =
      http_call(gateway.port(), "POST", "/api/v1/auth/login", R"({"email":"spain@acme.com","password":"stradia-dev"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + json_field(login.body, "token")}};
  std::string market, task;
  for (const auto& e : *store_->read_all(0, 100000)) {
    if (e.event_type() == "MarketCreated" && e.tenant_id() == tenant && market.empty())
      market = e.stream_id().substr(7);
    if (e.event_type() == "ExecutionPayloadUpdated" && task.empty())
      task = e.stream_id().substr(5);  // the playground's Type C task, locked by spain
  }
  const std::string access = "ya29.kafka-access-token-0123456789", refresh = "1//kafka-refresh-token-0123456789";
  auto stored = http_call(gateway.port(), "POST", "/api/v1/commands/StoreVaultCredential",
                          R"({"market_id":")" + market + R"(","platform":"GTM","oauth_token":")" + access +
                              R"(","refresh_token":")" + refresh + R"("})",
                          auth);
  ASSERT_EQ(stored.status, 200) << stored.body;
  sandbox.faults({{"expire_token_at_call", 1}});
  auto executed = http_call(gateway.port(), "POST", "/api/v1/commands/ExecuteTask",
                            R"({"local_task_id":")" + task + R"(","container_id":"GTM-ABC123"})", auth);
  ASSERT_EQ(executed.status, 200) << executed.body;
  ASSERT_NE(executed.body.find(R"("succeeded":true)"), std::string::npos) << executed.body;
  const auto issued = sandbox.state()["issuedAccessTokens"];
  ASSERT_EQ(issued.size(), 1u) << "the run refreshed the token";

  const auto head = *store_->head_position();
  const auto messages = topic_messages(brokers_, head);
  ASSERT_GE(static_cast<std::int64_t>(messages.size()), head) << "every event was relayed";
  std::size_t rotations = 0;
  for (const auto& m : messages) {
    rotations += m.find("VaultCredentialRotated") != std::string::npos;
    for (const auto& secret : {access, refresh, issued[0].get<std::string>()})
      ASSERT_EQ(m.find(secret), std::string::npos) << "a plain token in a Kafka message";
  }
  EXPECT_GE(rotations, 1u) << "the rotation itself was relayed, as ciphertext";
  EXPECT_EQ(gateway.stop(), 0);
}

TEST_F(KafkaPipeline, TwoGatewaysServeOneBoardConsistently) {
  auto env = env_;
  env.push_back("STRADIA_JWT_SECRET=kafka-e2e-secret-0123456789abcdef0123");
  server_process one(env), two(env);
  auto projecting = start_worker();
  ASSERT_TRUE(wait_until_applied());
  auto login =
      http_call(one.port(), "POST", "/api/v1/auth/login", R"({"email":"spain@acme.com","password":"stradia-dev"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const auto token = json_field(login.body, "token");
  const auto bearer = "Bearer " + token;
  auto markets = http_call(one.port(), "GET", "/api/v1/markets", "", {{"Authorization", bearer}});
  auto boards = http_call(one.port(), "GET", "/api/v1/boards?market_id=" + json_field(markets.body, "id"), "",
                          {{"Authorization", bearer}});
  const auto board_id = json_field(boards.body.substr(boards.body.find("\"boards\"")), "id");
  auto board = http_call(one.port(), "GET", "/api/v1/boards/" + board_id, "", {{"Authorization", bearer}});
  const auto task_id = json_field(board.body.substr(board.body.find("\"tasks\"")), "id");

  ws_client watcher(two.port(), token);
  ASSERT_EQ(watcher.handshake_status(), 101);
  watcher.send(R"({"event":"client:join_board","payload":{"local_board_id":")" + board_id + R"("}})");
  ASSERT_TRUE(watcher.next_event("server:board_state_sync").has_value());
  auto noted = http_call(one.port(), "POST", "/api/v1/commands/AddTaskNote",
                         R"({"local_task_id":")" + task_id + R"(","content":"From the other gateway."})",
                         {{"Authorization", bearer}});
  ASSERT_EQ(noted.status, 200) << noted.body;
  const auto heard = watcher.next_event("server:note_added", std::chrono::seconds(10));
  ASSERT_TRUE(heard.has_value()) << "a change through one gateway never reached a client of the other";
  EXPECT_NE(heard->find("From the other gateway."), std::string::npos) << *heard;
}

}  // namespace
}  // namespace stradia::testing
