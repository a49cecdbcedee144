#pragma once
// The analytics read model: folds board and task streams into heatmap history, flow, AI
// usage and ghost-card decisions (docs/ANALYTICS.md). It keeps its own state per board
// (the heatmap weights) and per task (status, when its cycle began, when it was blocked),
// so each metric is a plain fold of the log in order.
#include <optional>

#include "projections/analytics/ai_usage.hpp"
#include "projections/analytics/flow.hpp"
#include "projections/analytics/ghost_cards.hpp"
#include "projections/analytics/heatmap_history.hpp"
#include "projections/read_model.hpp"

namespace stradia::projections::analytics {

class analytics_model final : public read_model {
 public:
  analytics_model();
  std::string_view name() const override { return "analytics"; }
  std::vector<std::string> tables() const override;
  bool reads(const stradia::envelope::v1::EventEnvelope& e) const override;
  void load(pqxx::transaction_base& t, const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) override;
  void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload) override;
  void flush(pqxx::transaction_base& t, write_mode mode) override;
  void begin_rebuild(pqxx::transaction_base& t, rebuild_stream& to) override;
  void discard() override;

 private:
  void apply_board(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload);
  void apply_task(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload);
  // A task's status changed to `to` (from `row`'s status, or from nothing when created).
  void moved(row& task, const task_subject& subject, const std::string& to, std::int64_t micros, std::int64_t position);
  // The board's weights after `task` changed from counting `before` (done, total).
  void reweigh(row& board, const row& task, std::pair<std::int64_t, std::int64_t> before, std::int64_t micros,
               std::int64_t position);
  void record_heatmap(const row& board, std::int64_t micros, std::int64_t position);
  std::optional<task_subject> subject_of(const row& task) const;

  row_table boards_;
  row_table tasks_;
  heatmap_history heatmap_;
  flow flow_;
  ai_usage ai_usage_;
  ghost_cards ghost_cards_;
};

}  // namespace stradia::projections::analytics
