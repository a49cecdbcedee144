#pragma once
// Tenancy: each tenant's plan and limits with the seats and active market slots it uses
// (read_tenants), and its governance policies (read_policies), from the Tenant stream.
#include "projections/read_model.hpp"

namespace stradia::projections {

class tenancy final : public read_model {
 public:
  tenancy();
  std::string_view name() const override { return "tenancy"; }
  std::vector<std::string> tables() const override { return {"read_tenants", "read_policies"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload&) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override;
  void discard() override {
    tenants_.discard();
    policies_.discard();
  }

 private:
  row_table tenants_;
  row_table policies_;
};

}  // namespace stradia::projections
