#pragma once
// Token usage: each tenant's quota and reset date (read_token_quotas, from the Tenant
// stream) and each period's used total (read_token_periods, one row per TokenLedger
// stream). The query combines them with the clock into quota, used, overdraft state
// (ok / overdraft / locked) and reset date.
#include "projections/read_model.hpp"

namespace stradia::projections {

class token_usage final : public read_model {
 public:
  token_usage();
  std::string_view name() const override { return "token-usage"; }
  std::vector<std::string> tables() const override { return {"read_token_quotas", "read_token_periods"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload&) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override;
  void discard() override {
    quotas_.discard();
    periods_.discard();
  }

 private:
  row_table quotas_;
  row_table periods_;
};

}  // namespace stradia::projections
