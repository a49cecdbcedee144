#pragma once
// Vault status: per market and platform, a credential stored or revoked, when it changed
// and when an execution last opened it (read_vault_credentials). Never a token.
#include "projections/read_model.hpp"

namespace stradia::projections {

class vault_status final : public read_model {
 public:
  vault_status();
  std::string_view name() const override { return "vault-status"; }
  std::vector<std::string> tables() const override { return {"read_vault_credentials"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload&) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override { credentials_.flush(t, mode); }
  void discard() override { credentials_.discard(); }

 private:
  row_table credentials_;
};

}  // namespace stradia::projections
