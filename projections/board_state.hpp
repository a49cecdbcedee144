#pragma once
// Board state (read_boards, read_board_tasks): every task of a board with its status,
// lock (locked_by, locked_at, expires_at), pre-flight status, ghost/custom flags, token
// cost and stream version; each board's status. The heatmap is a view over these tables.
#include "projections/read_model.hpp"

namespace stradia::projections {

class board_state final : public read_model {
 public:
  board_state();
  std::string_view name() const override { return "board-state"; }
  std::vector<std::string> tables() const override { return {"read_boards", "read_board_tasks"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override;
  void begin_rebuild(pqxx::transaction_base& t, rebuild_stream& to) override {
    boards_.stream_into(t, to);
    tasks_.stream_into(t, to);
  }
  void discard() override {
    boards_.discard();
    tasks_.discard();
  }

 private:
  void apply_board(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload);
  void apply_task(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload);
  row_table boards_;
  row_table tasks_;
};

}  // namespace stradia::projections
