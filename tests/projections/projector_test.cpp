// The read models applied from the real log, applied again (a redelivery, as after a
// crash between the read model's commit and the bus acknowledging it), moved by
// watermarks, and rebuilt.
#include "projections/projector.hpp"

#include <pqxx/pqxx>

#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/pg_fixture.hpp"
#include "ledger.pb.h"
#include "market.pb.h"
#include "projections/copy_encoder.hpp"
#include "projections/copy_in.hpp"
#include "projections/read_model_digest.hpp"
#include "projections/read_model_reader.hpp"
#include "projections/rebuild_stream.hpp"
#include "projections/synthetic_board_log.hpp"
#include "tenant.pb.h"
#include "user.pb.h"

namespace stradia::testing {
namespace {

class Projector : public store_test {
 protected:
  void append(const std::string& tenant, const std::string& stream,
              std::vector<std::pair<std::string, const google::protobuf::Message*>> events) {
    eventstore::stream_append s{stream, eventstore::expected_version::any(), {}};
    for (const auto& [type, message] : events) s.events.push_back(an_event(type, message->SerializeAsString()));
    ASSERT_TRUE(store_->append({tenant, {s}}).has_value());
  }
  std::vector<stradia::envelope::v1::EventEnvelope> log() { return *store_->read_all(0, 100000); }

  // A synthetic log of `tenant`, then a task titled `title` with one note; returns the task.
  std::string a_log_ending_in_a_note(const std::string& tenant, const std::string& title,
                                     const task::v1::TaskNoteAdded& note) {
    EXPECT_GT(append_synthetic_board_log(*store_, tenant, {.boards = 2, .tasks_per_board = 3, .events_per_task = 12},
                                         &new_uuid),
              0u);
    const auto task = new_uuid();
    task::v1::LocalTaskCreated created;
    created.set_local_task_id(task);
    created.set_tenant_id(tenant);
    created.set_local_board_id(new_uuid());
    created.set_market_id(new_uuid());
    created.mutable_definition()->set_title(title);
    created.mutable_definition()->set_weight(3);
    created.set_status(domain::statuses::TODO);
    append(tenant, "task-" + task, {{"LocalTaskCreated", &created}, {"TaskNoteAdded", &note}});
    return task;
  }

  projections::log_source reader() {
    return [this](std::int64_t after, std::size_t max,
                  std::vector<stradia::envelope::v1::EventEnvelope>& into) -> base::expected<void, std::string> {
      auto batch = store_->read_all(after, max);
      if (!batch) return base::unexpected(batch.error().message);
      into = std::move(*batch);
      return {};
    };
  }
};

eventstore::append_request task_events(const std::string& tenant, const std::string& board,
                                       const std::string& task_id) {
  task::v1::LocalTaskCreated created;
  created.set_local_task_id(task_id);
  created.set_tenant_id(tenant);
  created.set_local_board_id(board);
  created.set_market_id(new_uuid());
  created.mutable_definition()->set_title("Deploy Consent Mode");
  created.mutable_definition()->set_weight(5);
  created.set_status(domain::statuses::TODO);
  created.set_pre_flight_scan_status(domain::scan_statuses::PENDING);
  task::v1::PreFlightScanCompleted scanned;
  scanned.set_status(domain::scan_statuses::PASSED);
  scanned.set_token_cost(450);
  task::v1::TaskMoved moved;
  moved.set_new_status(domain::statuses::DONE);
  auto event = [](std::string type, const google::protobuf::Message& m) {
    return an_event(std::move(type), m.SerializeAsString());
  };
  return {
      tenant,
      {{"task-" + task_id,
        eventstore::expected_version::no_stream(),
        {event("LocalTaskCreated", created), event("PreFlightScanCompleted", scanned), event("TaskMoved", moved)}}}};
}

TEST_F(Projector, AppliesTheLogOnceEvenWhenItIsDeliveredTwice) {
  const auto tenant = new_uuid(), board = new_uuid(), task = new_uuid();
  ASSERT_TRUE(store_->append(task_events(tenant, board, task)).has_value());
  board::v1::LocalBoardCreated created;
  created.set_local_board_id(board);
  created.set_tenant_id(tenant);
  created.set_market_id(new_uuid());
  created.set_master_strategy_id(new_uuid());
  created.set_status(domain::board_statuses::ACTIVE);
  ASSERT_TRUE(store_
                  ->append({tenant,
                            {{"board-" + board,
                              eventstore::expected_version::no_stream(),
                              {an_event("LocalBoardCreated", created.SerializeAsString())}}}})
                  .has_value());
  const auto log = *store_->read_all(0, 1000);

  projections::projector projection(worker());
  auto first = projection.apply("embedded", log);
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ(first->applied, log.size());
  auto again = projection.apply("embedded", log);  // redelivered
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->applied, 0u);
  EXPECT_EQ(again->skipped, log.size());
  EXPECT_EQ(*projection.checkpoint("embedded"), log.back().global_position());

  projections::read_model_reader reader(app());
  auto view = reader.board(tenant, board);
  ASSERT_TRUE(view.has_value());
  ASSERT_TRUE(view->has_value());
  ASSERT_EQ((*view)->tasks.size(), 1u);
  const auto& t = (*view)->tasks[0];
  EXPECT_EQ(t.gemini_token_cost, 450) << "applied twice";
  EXPECT_EQ(t.status, "DONE");
  EXPECT_EQ(t.pre_flight_scan_status, "PASSED");
  EXPECT_EQ(t.version, 3);
  EXPECT_DOUBLE_EQ((*view)->heatmap_score, 1.0);
  EXPECT_FALSE(reader.board(new_uuid(), board)->has_value()) << "another tenant sees no board";
}

TEST_F(Projector, AWatermarkMovesTheCheckpointWithNoEvent) {
  projections::projector models(worker());
  ASSERT_TRUE(models.apply("kafka:stradia.events:3", {}, 0).has_value());
  EXPECT_EQ(*models.checkpoint("kafka:stradia.events:3"), 0);
  ASSERT_TRUE(models.apply("kafka:stradia.events:3", {}, 41).has_value());
  EXPECT_EQ(*models.checkpoint("kafka:stradia.events:3"), 41);
  ASSERT_TRUE(models.apply("kafka:stradia.events:3", {}, 7).has_value());
  EXPECT_EQ(*models.checkpoint("kafka:stradia.events:3"), 41) << "a checkpoint never moves back";
  EXPECT_EQ(*models.checkpoint("kafka:stradia.events:4"), 0) << "each partition has its own";
}

TEST_F(Projector, SwitchingBetweenEmbeddedAndKafkaWantsARebuildFirst) {
  const auto tenant = new_uuid();
  ASSERT_GT(append_synthetic_board_log(*store_, tenant, {.boards = 2, .tasks_per_board = 2, .events_per_task = 10},
                                       &new_uuid),
            0u);
  const auto events = log();
  projections::projector models(worker());
  const auto applied = models.apply("embedded", events);
  ASSERT_TRUE(applied.has_value()) << applied.error();
  const auto refused = projections::projector(worker()).apply("kafka:stradia.events:0", events);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().find("stradia rebuild"), std::string::npos) << refused.error();

  const auto before = read_model_digest(worker());
  auto rebuilt = projections::projector(worker()).rebuild(reader(), {});
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_EQ(*rebuilt, static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(read_model_digest(worker()), before) << "a rebuild makes what live batches made";
  // A partition seen for the first time starts where the rebuild stopped.
  auto fresh = projections::projector(worker()).apply("kafka:stradia.events:0", events);
  ASSERT_TRUE(fresh.has_value()) << fresh.error();
  EXPECT_EQ(fresh->applied, 0u);
  EXPECT_EQ(fresh->skipped, events.size());
}

// As the tables' owner a rebuild copies the rows straight in: text with a tab, a backslash,
// a carriage return, a newline and the letters COPY spells NULL with comes back as it went.
TEST_F(Projector, ARebuildAsTheOwnerMakesWhatLiveBatchesMade) {
  const auto tenant = new_uuid();
  const std::string title = "Title\twith\\N and a \\ backslash";
  const std::string awkward = "line one\r\nline\ttwo \\N \\\\ ends with a backslash\\";
  task::v1::TaskNoteAdded note;
  note.set_user_id(new_uuid());
  note.set_note_id(new_uuid());
  note.set_content(awkward);
  const auto task = a_log_ending_in_a_note(tenant, title, note);

  const auto events = log();
  ASSERT_TRUE(projections::projector(worker()).apply("embedded", events).has_value());
  const auto live = read_model_digest(worker());
  auto rebuilt = projections::projector(owner()).rebuild(reader(), {});
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_EQ(*rebuilt, static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(read_model_digest(worker()), live);

  const auto found = projections::read_model_reader(app()).task(tenant, task);
  ASSERT_TRUE(found.has_value() && found->has_value());
  ASSERT_EQ((*found)->timeline.size(), 1u);
  EXPECT_EQ((*found)->timeline[0].detail, awkward);
  EXPECT_EQ((*found)->task.title, title);
}

// COPY's text format as copy_encoder writes it, straight into a table: no retry row by
// row could hide a wrong escape here, as it can in a rebuild.
TEST_F(Projector, CopyInSendsTextAsItIs) {
  const std::vector<std::optional<std::string>> values = {
      "plain", "", "\\N", "\\", "\\.", "tab\there", "line\nbreak\r\n", "ends with \\", "ünïcödé ✓", std::nullopt};
  pqxx::connection c(owner());
  pqxx::work t(c);
  t.exec("CREATE TEMP TABLE copied (at integer, value text)");
  for (const auto format : {projections::copy_format::text, projections::copy_format::binary}) {
    t.exec("DELETE FROM copied");
    const auto encoder = projections::copy_encoder::of_table(t, "copied", {"at", "value"});
    std::string binary, text;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const projections::row r{std::to_string(i), values[i]};
      if (format == projections::copy_format::binary)
        encoder.append(r, binary, text);
      else
        projections::copy_encoder::append_text(text, r);
    }
    EXPECT_TRUE(format == projections::copy_format::binary ? text.empty() : binary.empty());
    projections::copy_in out(t, "copied", {"at", "value"}, format);
    out.write(format == projections::copy_format::binary ? binary : text);
    out.complete();
    const auto rows = t.exec("SELECT value FROM copied ORDER BY at");
    ASSERT_EQ(rows.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto& field = rows[static_cast<int>(i)][0];
      if (values[i])
        EXPECT_EQ(field.as<std::string>(), *values[i]) << i;
      else
        EXPECT_TRUE(field.is_null());
    }
  }
}

// Every value the binary encoder takes is stored as Postgres stores the same text, and a
// value in any other form goes as text, for Postgres to parse or refuse as before.
TEST_F(Projector, CopyInBinaryStoresWhatPostgresMakesOfTheText) {
  const std::vector<std::string> columns{"n", "u", "ts", "d", "i", "b", "f", "flag", "tx"};
  const std::vector<projections::row> rows = {
      {"1", "0b5a3c1e-9d2f-4e8a-b6c7-d8e9f0a1b2c3", "2026-11-30T07:33:08Z", "2026-11-30", "-2147483648",
       "9223372036854775807", "3.250000", "true", "text"},
      {"2", "0B5A3C1E-9D2F-4E8A-B6C7-D8E9F0A1B2C3", "2024-02-29T23:59:59.123456Z", "2000-01-01", "2147483647",
       "-9223372036854775808", "-0.000001", "false", ""},
      {"3", "ffffffff-ffff-ffff-ffff-ffffffffffff", "1999-12-31T23:59:59.5Z", "1999-12-31", "0", "0", "1e300", "t",
       std::nullopt},
      {"4", std::nullopt, "2026-06-01 12:00:00.05+05:30", "0001-01-01", "7", "-1", "0.1", "f", "x"},
      {"5", "00000000-0000-0000-0000-000000000000", "0001-01-01T00:00:00-03:00", "9999-12-31", "1", "1", "123456.789",
       "true", "ünï"},
      // Each column in a form the encoder leaves to Postgres: the row goes as text.
      {"6", "{0b5a3c1e-9d2f-4e8a-b6c7-d8e9f0a1b2c3}", "2026-11-30T07:33:08.1234567Z", "2026-11-30", "+7", " 42",
       "Infinity", "yes", "t"},
      {"7", "0b5a3c1e9d2f4e8ab6c7d8e9f0a1b2c3", "2026-11-30T24:00:00Z", "20261130", "1", "1", "1", "on", "t"},
      {"8", "0b5a3c1e-9d2f-4e8a-b6c7-d8e9f0a1b2c3", "2026-11-30T07:33:08+15:59", "2026-11-30", "1", "1", "1", "1", "t"},
  };
  pqxx::connection c(owner());
  pqxx::work t(c);
  const std::string shape =
      " (n int, u uuid, ts timestamptz, d date, i int, b bigint, f float8, flag boolean, tx text)";
  t.exec("CREATE TEMP TABLE by_copy" + shape);
  t.exec("CREATE TEMP TABLE by_text" + shape);
  const auto encoder = projections::copy_encoder::of_table(t, "by_copy", columns);
  std::string binary, text;
  for (const auto& r : rows) {
    encoder.append(r, binary, text);
    std::string values;
    for (const auto& v : r) values += (values.empty() ? "" : ", ") + (v ? t.quote(*v) : std::string("NULL"));
    t.exec("INSERT INTO by_text VALUES (" + values + ")");
  }
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << "rows 6 to 8 go as text";
  for (const auto format : {projections::copy_format::binary, projections::copy_format::text}) {
    projections::copy_in out(t, "by_copy", columns, format);
    out.write(format == projections::copy_format::binary ? binary : text);
    out.complete();
  }
  EXPECT_EQ(t.exec("SELECT count(*) FROM by_copy")[0][0].as<int>(), static_cast<int>(rows.size()));
  const auto differing = t.exec(
      "SELECT n FROM (SELECT * FROM by_copy EXCEPT SELECT * FROM by_text UNION ALL "
      "SELECT * FROM by_text EXCEPT SELECT * FROM by_copy) d");
  EXPECT_EQ(differing.size(), 0u) << "first differing row: " << (differing.empty() ? "" : differing[0][0].c_str());

  // A value Postgres refuses is refused through either format, and the connection stays usable.
  std::string refused_binary, refused_text;
  encoder.append({"9", std::nullopt, std::nullopt, std::nullopt, "not a number", std::nullopt, std::nullopt,
                  std::nullopt, std::nullopt},
                 refused_binary, refused_text);
  EXPECT_TRUE(refused_binary.empty());
  pqxx::subtransaction attempt(t, "refused");
  projections::copy_in out(attempt, "by_copy", columns, projections::copy_format::text);
  out.write(refused_text);
  EXPECT_THROW(out.complete(), pqxx::data_exception);
}

// The one text value a query answers.
std::string text_of(pqxx::transaction_base& t, const std::string& sql) { return t.exec(sql)[0][0].as<std::string>(); }

// A rebuild streams a changed row once it is cold (unchanged for two of the fold's
// batches); a row changed again after it went is deleted and written anew by flush().
TEST_F(Projector, ARowThatWentColdAndChangedAgainIsWrittenOnceWithItsLastValues) {
  pqxx::connection c(owner());
  pqxx::work t(c);
  t.exec("CREATE TEMP TABLE kept (id text PRIMARY KEY, value text)");
  projections::row_table table("kept", {"id", "value"}, "text");
  projections::rebuild_stream stream(t);
  table.stream_into(t, stream);
  auto set = [&](const std::string& id, const std::string& value) {
    if (auto* r = table.change(id))
      (*r)[1] = value;
    else
      table.insert({id, value});
  };
  for (const char* id : {"a", "b", "c"}) set(id, "1");  // batch 0
  stream.next_batch();
  set("a", "2");  // batch 1
  stream.next_batch();
  set("d", "1");  // batch 2: b and c have gone
  stream.next_batch();
  set("b", "3");  // batch 3: a has gone, b changes again
  for (int i = 0; i < 7; ++i) stream.next_batch();
  set("a", "4");  // batch 10: so does a
  stream.finish();
  table.flush(t, projections::write_mode::copy);
  EXPECT_EQ(text_of(t, "SELECT string_agg(id || '=' || value, ',' ORDER BY id) FROM kept"), "a=4,b=3,c=1,d=1");
}

// Over filled tables a rebuild leaves a row it writes unchanged where it is (same ctid),
// replaces one it changes, deletes one it no longer writes, and adds the new: for a keyed
// table, for an append-only one with two rows at one position, and for a row that goes as
// COPY text (it replaces the stored rows with its key that nothing kept).
TEST_F(Projector, ARebuildOverFilledTablesReplacesOnlyTheRowsThatDiffer) {
  pqxx::connection c(owner());
  pqxx::work t(c);
  t.exec("CREATE TEMP TABLE keyed (id text PRIMARY KEY, value integer, flag boolean)");
  t.exec("INSERT INTO keyed VALUES ('a', 1, true), ('b', 1, true), ('c', 1, true), ('e', 1, true)");
  t.exec("CREATE TEMP TABLE appended (position bigint, detail text, flag boolean)");
  t.exec("INSERT INTO appended VALUES (7, 'x', true), (7, 'y', true), (8, 'z', true), (9, 'w', true)");
  const auto a_before = text_of(t, "SELECT ctid::text FROM keyed WHERE id = 'a'");
  const auto z_before = text_of(t, "SELECT ctid::text FROM appended WHERE position = 8");

  projections::row_table keyed("keyed", {"id", "value", "flag"}, "text");
  projections::row_table appended("appended", {"position", "detail", "flag"}, "bigint", false);
  projections::rebuild_stream stream(t);
  keyed.stream_into(t, stream);
  appended.stream_into(t, stream);
  EXPECT_TRUE(stream.keeps_rows_of("keyed") && stream.keeps_rows_of("appended"));
  keyed.insert({"a", "1", "true"});   // as stored
  keyed.insert({"b", "2", "true"});   // changed
  keyed.insert({"d", "1", "false"});  // new; c is gone
  keyed.insert({"e", "1", "yes"});    // goes as text
  // x stays; y2 replaces y; q goes as text after x was kept, and x must stay still.
  for (const projections::row& r : std::vector<projections::row>{
           {"7", "x", "true"}, {"7", "y2", "true"}, {"7", "q", "yes"}, {"8", "z", "true"}, {"10", "v", "true"}})
    appended.append(r);
  stream.finish();
  keyed.flush(t, projections::write_mode::copy);
  appended.flush(t, projections::write_mode::copy);

  EXPECT_EQ(text_of(t, "SELECT string_agg(id || '=' || value || '/' || flag, ',' ORDER BY id) FROM keyed"),
            "a=1/true,b=2/true,d=1/false,e=1/true");
  EXPECT_EQ(text_of(t, "SELECT string_agg(position || '=' || detail, ',' ORDER BY position, detail) FROM appended"),
            "7=q,7=x,7=y2,8=z,10=v");
  EXPECT_EQ(text_of(t, "SELECT ctid::text FROM keyed WHERE id = 'a'"), a_before) << "an unchanged row stays";
  EXPECT_EQ(text_of(t, "SELECT ctid::text FROM appended WHERE position = 8"), z_before) << "an unchanged row stays";
}

// An append-only table is written by plain INSERT; an event that comes again (past the
// checkpoints, say by a second source) finds its row and leaves it, as the timeline's key
// (task, position) has it, instead of failing the batch.
TEST_F(Projector, AnAppendOnlyRowThatComesAgainKeepsTheRowThere) {
  pqxx::connection c(owner());
  pqxx::work t(c);
  t.exec("CREATE TEMP TABLE entries (position bigint, task text, detail text, PRIMARY KEY (task, position))");
  projections::row_table entries("entries", {"position", "task", "detail"}, "bigint", false);
  entries.append({"7", "t1", "first"});
  entries.flush(t, projections::write_mode::upsert);
  entries.append({"7", "t1", "again"});
  entries.append({"8", "t1", "next"});
  entries.flush(t, projections::write_mode::upsert);
  EXPECT_EQ(text_of(t, "SELECT string_agg(position || '=' || detail, ',' ORDER BY position) FROM entries"),
            "7=first,8=next");
}

// The stream's writer runs statements and COPYs in the order given; one Postgres refuses
// stops it, and the next send and finish() throw the refusal (the rebuild stops folding and
// runs again row by row, quarantining the culprit).
TEST_F(Projector, ARebuildStreamWritesInOrderAndReportsARefusedCopy) {
  pqxx::connection c(owner());
  pqxx::work t(c);
  t.exec("CREATE TEMP TABLE streamed (at integer)");
  t.exec("INSERT INTO streamed VALUES (0)");
  const std::vector<std::string> columns{"at"};
  {
    projections::rebuild_stream stream(t);
    stream.execute("DELETE FROM streamed");
    stream.send("streamed", columns, "1\n2\n");
    stream.send("streamed", columns, "3\n");
    stream.finish();
  }
  EXPECT_EQ(t.exec("SELECT string_agg(at::text, ',' ORDER BY at) FROM streamed")[0][0].as<std::string>(), "1,2,3");

  projections::rebuild_stream stream(t);
  stream.send("streamed", columns, "4\nnot a number\n");
  // Sooner or later a send meets the refusal (at the latest once the queue is full).
  EXPECT_THROW(for (int i = 0; i < 200; ++i) stream.send("streamed", columns, std::string(1 << 20, '5') + "\n"),
               pqxx::data_exception);
  EXPECT_THROW(stream.finish(), pqxx::data_exception);
}

// A row Postgres refuses in a streamed table (a note dated before the year -4713, which no
// timestamptz holds) fails the COPY mid-fold: the rebuild runs again row by row, sets that
// one event aside for the timeline and rebuilds everything else.
TEST_F(Projector, ARebuildSetsAsideARowPostgresRefusesInAStreamedTable) {
  const auto tenant = new_uuid();
  task::v1::TaskNoteAdded ancient;
  ancient.set_user_id(new_uuid());
  ancient.set_note_id(new_uuid());
  ancient.set_content("written before the calendar");
  ancient.mutable_created_at()->set_seconds(-9'000'000'000'000);
  const auto task = a_log_ending_in_a_note(tenant, "Dated too early", ancient);
  // More than a stream buffer (1 MiB) of notes after it: the refused row travels in a chunk
  // the writer thread sends while the models still fold, not in the rest sent at the end.
  std::vector<task::v1::TaskNoteAdded> later(300);
  std::vector<std::pair<std::string, const google::protobuf::Message*>> notes;
  for (auto& note : later) {
    note.set_user_id(new_uuid());
    note.set_note_id(new_uuid());
    note.set_content(std::string(4000, 'n'));
    note.mutable_created_at()->set_seconds(1771755000);
    notes.emplace_back("TaskNoteAdded", &note);
  }
  append(tenant, "task-" + task, notes);

  projections::projector models(owner());
  auto rebuilt = models.rebuild(reader(), {});
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_EQ(*rebuilt, static_cast<std::int64_t>(log().size()));
  pqxx::connection c(owner());
  pqxx::nontransaction n(c);
  const auto quarantined = n.exec("SELECT projection, error FROM projection_quarantine");
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined[0][0].as<std::string>(), "task-timeline");
  EXPECT_NE(quarantined[0][1].as<std::string>().find("out of range"), std::string::npos)
      << "Postgres' words: " << quarantined[0][1].as<std::string>();
  EXPECT_GT(n.exec("SELECT count(*) FROM read_task_timeline")[0][0].as<long>(), 300) << "the other entries stand";
  EXPECT_EQ(n.exec_params("SELECT title FROM read_board_tasks WHERE local_task_id = $1", task)[0][0].as<std::string>(),
            "Dated too early");
}

TEST_F(Projector, TimelineUsageAndDirectoryFollowTheirStreams) {
  const auto acme = new_uuid(), globex = new_uuid(), task = new_uuid(), board = new_uuid(), market = new_uuid(),
             user = new_uuid();
  tenant::v1::TenantCreated created;
  created.set_tenant_id(acme);
  created.set_ai_token_quota(1000);
  created.mutable_token_reset_date()->set_seconds(1'800'000'000);
  tenant::v1::TenantPlanUpdated plan;
  plan.set_ai_token_quota(2000);
  append(acme, "tenant-" + acme, {{"TenantCreated", &created}, {"TenantPlanUpdated", &plan}});
  ledger::v1::TokenLedgerOpened opened;
  opened.set_tenant_id(acme);
  opened.mutable_period_start()->set_seconds(1'797'000'000);
  opened.mutable_resets_at()->set_seconds(1'800'000'000);
  ledger::v1::TokenUsageRecorded first, second;
  first.set_tokens(450);
  first.set_ai_tokens_used(450);
  second.set_tokens(1700);
  second.set_ai_tokens_used(2150);
  append(acme, "ledger-" + acme + "-2026-12",
         {{"TokenLedgerOpened", &opened}, {"TokenUsageRecorded", &first}, {"TokenUsageRecorded", &second}});

  market::v1::MarketCreated spain;
  spain.set_tenant_id(acme);
  spain.set_name("Spain - Retail");
  spain.set_region_code("ES");
  spain.set_timezone("Europe/Madrid");
  spain.set_is_active(true);
  append(acme, "market-" + market, {{"MarketCreated", &spain}});
  user::v1::UserInvited invited;
  invited.set_user_id(user);
  invited.set_tenant_id(acme);
  invited.set_email("spain@acme.com");
  invited.set_password_hash("$argon2id$secret");
  invited.set_role(domain::roles::LOCAL_USER);
  user::v1::UserAssignedToMarket assigned, other;
  assigned.set_market_id(market);
  other.set_market_id(new_uuid());
  user::v1::UserUnassignedFromMarket unassigned;
  unassigned.set_market_id(other.market_id());
  append(acme, "user-" + user,
         {{"UserInvited", &invited},
          {"UserAssignedToMarket", &assigned},
          {"UserAssignedToMarket", &other},
          {"UserUnassignedFromMarket", &unassigned}});

  task::v1::LocalTaskCreated task_created;
  task_created.set_local_task_id(task);
  task_created.set_tenant_id(acme);
  task_created.set_local_board_id(board);
  task_created.set_market_id(market);
  task::v1::TaskNoteAdded note, auto_saved;
  note.set_user_id(user);
  note.set_content("Client provided the production Measurement ID over Slack.");
  auto_saved.set_user_id("system");
  auto_saved.set_content("[SYSTEM AUTO-SAVE: Version Collision Detected]");
  task::v1::GhostCardRejected rejected;
  rejected.set_user_id(user);
  rejected.set_justification("Local law forbids it.");
  task::v1::TaskExecutionPaused paused;
  paused.set_error_log("401 from Tag Manager");
  paused.set_checkpoint_state(R"({"step":2,"secret":"do-not-show"})");
  append(acme, "task-" + task,
         {{"LocalTaskCreated", &task_created},
          {"TaskNoteAdded", &note},
          {"TaskNoteAdded", &auto_saved},
          {"GhostCardRejected", &rejected},
          {"TaskExecutionPaused", &paused}});

  projections::projector models(worker());
  ASSERT_TRUE(models.apply("embedded", log()).has_value());
  projections::read_model_reader reader(app());

  const auto found = reader.task(acme, task);
  ASSERT_TRUE(found.has_value() && found->has_value());
  const auto& timeline = (*found)->timeline;
  ASSERT_EQ(timeline.size(), 4u);
  EXPECT_EQ(timeline[0].kind, "NOTE");
  EXPECT_EQ(timeline[0].detail, "Client provided the production Measurement ID over Slack.");
  EXPECT_EQ(timeline[1].kind, "AUTO_SAVE_NOTE");
  EXPECT_EQ(timeline[1].user_id, "system");
  EXPECT_EQ(timeline[2].kind, "GHOST_REJECTED");
  EXPECT_EQ(timeline[2].detail, "Local law forbids it.");
  EXPECT_EQ(timeline[3].kind, "EXECUTION_PAUSED");
  EXPECT_EQ(timeline[3].detail, "401 from Tag Manager") << "the checkpoint state stays in the stream";

  const auto usage = reader.usage(acme);
  ASSERT_TRUE(usage.has_value() && usage->has_value());
  EXPECT_EQ((*usage)->ai_token_quota, 2000);
  ASSERT_EQ((*usage)->periods.size(), 1u);
  EXPECT_EQ((*usage)->periods[0].ai_tokens_used, 2150);
  EXPECT_EQ((*usage)->token_reset_date, domain::timestamp(std::chrono::seconds(1'800'000'000)));

  const auto markets = reader.markets(acme, "", 100, std::nullopt);
  ASSERT_TRUE(markets.has_value() && markets->has_value());
  ASSERT_EQ((*markets)->items.size(), 1u);
  EXPECT_EQ((*markets)->items[0].name, "Spain - Retail");
  EXPECT_FALSE((*markets)->next_cursor.has_value());
  pqxx::connection c(worker());
  const auto row = pqxx::read_transaction(c).exec_params(
      "SELECT assigned_market_ids::text, role FROM read_users WHERE user_id = $1", user);
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].as<std::string>(), "{" + market + "}");
  EXPECT_EQ(row[0][1].as<std::string>(), "LOCAL_USER");
  EXPECT_EQ(pqxx::read_transaction(c).exec("SELECT 1 FROM read_users WHERE email LIKE '%argon%'").size(), 0u);

  // Another tenant sees none of it.
  EXPECT_FALSE(reader.task(globex, task)->has_value());
  EXPECT_FALSE(reader.usage(globex)->has_value());
  EXPECT_TRUE((*reader.markets(globex, "", 100, std::nullopt))->items.empty());
}

}  // namespace
}  // namespace stradia::testing
