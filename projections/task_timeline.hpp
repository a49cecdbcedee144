#pragma once
// Task timeline (read_task_timeline): one row per note (system auto-save notes included),
// ghost-card rejection and execution step, keyed by its task and the event's log position,
// so a replayed event keeps its row and never adds a second one.
#include "projections/read_model.hpp"

namespace stradia::projections {

class task_timeline final : public read_model {
 public:
  task_timeline();
  std::string_view name() const override { return "task-timeline"; }
  std::vector<std::string> tables() const override { return {"read_task_timeline"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base&, const std::vector<const stradia::envelope::v1::EventEnvelope*>&) override {}
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload) override;
  // Entries are append-only: in a rebuild they stream to Postgres while the fold goes on.
  void begin_rebuild(pqxx::transaction_base& t, rebuild_stream& to) override { entries_.stream_into(t, to); }
  void flush(pqxx::transaction_base& t, write_mode mode) override { entries_.flush(t, mode); }
  void discard() override { entries_.discard(); }

 private:
  row_table entries_;
};

}  // namespace stradia::projections
