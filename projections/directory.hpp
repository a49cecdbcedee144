#pragma once
// Directory: markets (read_markets) and users with their market assignments (read_users),
// what the query endpoints need to answer "which markets may this caller see".
// Password hashes stay in the user stream.
#include "projections/read_model.hpp"

namespace stradia::projections {

class directory final : public read_model {
 public:
  directory();
  std::string_view name() const override { return "directory"; }
  std::vector<std::string> tables() const override { return {"read_markets", "read_users"}; }
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload&) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override;
  void discard() override {
    markets_.discard();
    users_.discard();
  }

 private:
  void apply_market(const stradia::envelope::v1::EventEnvelope& e);
  void apply_user(const stradia::envelope::v1::EventEnvelope& e);
  row_table markets_;
  row_table users_;
};

}  // namespace stradia::projections
