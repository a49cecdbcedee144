#pragma once
// Task detail: what a task's drawer shows beyond its card (read_task_details): the
// description and expected payload schema of its definition, the current execution payload
// and who saved it, the last pre-flight verdict's findings and cost, the last Type B content,
// and the change a pending ghost card proposes. From the LocalTask stream; the checkpoint
// state of a paused run never enters it.
#include "projections/read_model.hpp"

namespace stradia::projections {

class task_detail final : public read_model {
 public:
  task_detail();
  std::string_view name() const override { return "task-detail"; }
  std::vector<std::string> tables() const override { return {"read_task_details"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override { details_.flush(t, mode); }
  void begin_rebuild(pqxx::transaction_base& t, rebuild_stream& to) override { details_.stream_into(t, to); }
  void discard() override { details_.discard(); }

 private:
  row_table details_;
};

}  // namespace stradia::projections
