// Decision and replay costs of the pure domain, each next to a baseline measured in the
// same run: building the event message alone, and parsing the events' bytes.
#include <benchmark/benchmark.h>

#include "domain/local_task.hpp"

namespace {

namespace lt = stradia::domain::local_task;
namespace pb = stradia::task::v1;
using namespace std::chrono_literals;
using stradia::domain::statuses;

const stradia::domain::timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 2 / 22}};

stradia::domain::context ctx_for(std::string user, stradia::domain::timestamp now = t0) {
  static int ids = 0;
  stradia::domain::caller who{std::move(user), "tenant", stradia::domain::roles::LOCAL_USER, {"market"}, false};
  return {std::move(who), now, [] { return "id-" + std::to_string(++ids); }, nullptr};
}

lt::event created_event() {
  pb::CreateLocalTask c;
  c.set_local_task_id("task");
  c.set_local_board_id("board");
  c.set_market_id("market");
  c.mutable_definition()->set_task_type(stradia::domain::task_types::A_MANUAL);
  auto ctx = ctx_for("system");
  ctx.who = stradia::domain::system_caller("tenant");
  return lt::decide({}, c, ctx)->front();
}

lt::state fresh_task() { return lt::evolve({}, created_event()); }

pb::MoveTask move(stradia::domain::task_status from, stradia::domain::task_status to) {
  pb::MoveTask m;
  m.set_local_task_id("task");
  m.set_expected_previous_status(from);
  m.set_new_status(to);
  return m;
}

void BM_MoveTask_DecideEvolve(benchmark::State& st) {
  auto s = fresh_task();
  const auto ctx = ctx_for("user");
  const lt::command forth = move(statuses::TODO, statuses::IN_PROGRESS);
  const lt::command back = move(statuses::IN_PROGRESS, statuses::TODO);
  bool at_todo = true;
  for (auto _ : st) {
    auto d = lt::decide(s, at_todo ? forth : back, ctx);
    s = lt::evolve(std::move(s), d->front());
    at_todo = !at_todo;
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_MoveTask_DecideEvolve);

void BM_AcquireLock_DecideEvolve(benchmark::State& st) {
  auto s = fresh_task();
  const auto ctx = ctx_for("user");
  const lt::command acquire = pb::AcquireLock{};
  const lt::command release = pb::ReleaseLock{};
  bool locked = false;
  for (auto _ : st) {
    auto d = lt::decide(s, locked ? release : acquire, ctx);
    s = lt::evolve(std::move(s), d->front());
    locked = !locked;
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_AcquireLock_DecideEvolve);

// Baseline: only building the TaskMoved message a decision produces.
void BM_Baseline_BuildTaskMovedEvent(benchmark::State& st) {
  const auto now = stradia::domain::to_proto(t0);
  for (auto _ : st) {
    pb::TaskMoved e;
    e.set_local_task_id("task");
    e.set_local_board_id("board");
    e.set_previous_status(statuses::TODO);
    e.set_new_status(statuses::IN_PROGRESS);
    e.set_moved_by("user");
    *e.mutable_moved_at() = now;
    benchmark::DoNotOptimize(e);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_Baseline_BuildTaskMovedEvent);

// A realistic 10,000-event history: moves, lock cycles and notes.
std::vector<lt::event> long_history() {
  std::vector<lt::event> out{created_event()};
  auto s = lt::evolve({}, out.front());
  auto record = [&](const lt::command& c, const stradia::domain::context& ctx) {
    auto d = lt::decide(s, c, ctx);
    for (auto& e : *d) {
      s = lt::evolve(std::move(s), e);
      out.push_back(std::move(e));
    }
  };
  pb::AddTaskNote note;
  note.set_content("Checked the consent banner on staging; waiting for legal sign-off.");
  for (int i = 0; out.size() < 10000; ++i) {
    const auto now = t0 + std::chrono::minutes{i};
    switch (i % 4) {
      case 0: record(pb::AcquireLock{}, ctx_for("user", now)); break;
      case 1:
        record(move(s.status, s.status == statuses::TODO ? statuses::IN_PROGRESS : statuses::TODO),
               ctx_for("user", now));
        break;
      case 2: record(note, ctx_for("user", now)); break;
      case 3: record(pb::ReleaseLock{}, ctx_for("user", now)); break;
    }
  }
  out.resize(10000);
  return out;
}

void BM_Rehydrate_LocalTask_10000Events(benchmark::State& st) {
  const auto history = long_history();
  for (auto _ : st) {
    lt::state s;
    for (const auto& e : history) s = lt::evolve(std::move(s), e);
    benchmark::DoNotOptimize(s);
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(history.size()));
}
BENCHMARK(BM_Rehydrate_LocalTask_10000Events)->Unit(benchmark::kMicrosecond);

template <std::size_t... I>
lt::event empty_alternative(std::size_t index, std::index_sequence<I...>) {
  lt::event out;
  ((index == I ? (out.emplace<I>(), 0) : 0), ...);
  return out;
}

// Baseline: parsing the same 10,000 events from their stored bytes, which any load pays.
void BM_Baseline_Parse_10000Events(benchmark::State& st) {
  const auto history = long_history();
  std::vector<std::pair<std::size_t, std::string>> bytes;
  for (const auto& e : history)
    bytes.emplace_back(e.index(), std::visit([](const auto& m) { return m.SerializeAsString(); }, e));
  for (auto _ : st) {
    for (const auto& [index, data] : bytes) {
      auto e = empty_alternative(index, std::make_index_sequence<std::variant_size_v<lt::event>>{});
      std::visit([&](auto& m) { benchmark::DoNotOptimize(m.ParseFromString(data)); }, e);
    }
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_Baseline_Parse_10000Events)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
