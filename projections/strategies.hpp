#pragma once
// Strategies: each master strategy with its version, published flag and the markets it is
// deployed to (read_strategies), and its global tasks as they stand (read_global_tasks;
// the system prompt only as whether there is one). From the MasterStrategy stream.
#include "projections/read_model.hpp"

namespace stradia::projections {

class strategies final : public read_model {
 public:
  strategies();
  std::string_view name() const override { return "strategies"; }
  std::vector<std::string> tables() const override { return {"read_strategies", "read_global_tasks"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload&) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override;
  void discard() override {
    strategies_.discard();
    tasks_.discard();
  }

 private:
  row_table strategies_;
  row_table tasks_;
};

}  // namespace stradia::projections
