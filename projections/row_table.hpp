#pragma once
// One read-model table held in memory as rows of text values, keyed by its first column.
// A batch loads the rows it touches, the fold changes them in memory, and flush() writes
// the changed ones back in one statement per chunk (upsert), or by COPY when a rebuild
// fills emptied tables. Text in and out keeps every read model a plain fold over rows.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace stradia::projections {

using row = std::vector<std::optional<std::string>>;
class rebuild_stream;

enum class write_mode { upsert, copy };

class row_table {
 public:
  // `key_type` is the SQL type of the first column (uuid, text, bigint). `unique_key` false:
  // an append-only table whose first column (a log position) no index holds unique, written
  // by plain INSERT; the projector's checkpoints keep an event from being applied twice.
  row_table(std::string name, std::vector<std::string> columns, std::string key_type, bool unique_key = true);
  ~row_table();

  const std::string& name() const { return name_; }
  std::size_t width() const { return columns_.size(); }

  // Loads the stored rows among `keys` that are not in memory yet.
  void load(pqxx::transaction_base& t, const std::vector<std::string>& keys);
  // The row in memory, marked changed; nullptr when unknown.
  row* change(const std::string& key);
  // The row in memory, left as it is; nullptr when unknown.
  const row* find(const std::string& key) const;
  // Adds a row unless one with its key exists; returns the row kept, marked changed.
  row& insert(row values);
  // Adds a row whose key is new by construction (an append-only table): no lookup. While
  // streaming, the row goes to Postgres as COPY text, a buffer at a time.
  void append(row values);
  // Rebuild of an append-only table: appended rows go to `to` as they come, so Postgres
  // copies them while the models fold. flush() sends what is left, after to.finish().
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to);
  // Writes the changed rows and forgets every row.
  void flush(pqxx::transaction_base& t, write_mode mode);
  // Forgets every row unwritten (the transaction they were for failed).
  void discard();

 private:
  struct held {
    row values;
    bool changed = false;
  };
  row& mark(std::size_t at);
  // Where COPY writes: the table itself for its owner, else a staging table it creates.
  std::string stage_for_copy(pqxx::transaction_base& t);
  void insert_staged(pqxx::transaction_base& t) const;

  std::string name_;
  std::vector<std::string> columns_;
  std::string key_type_;
  std::vector<held> rows_;
  std::unordered_map<std::string, std::size_t> by_key_;  // index into rows_
  std::vector<std::size_t> changed_;                     // in first-change order
  rebuild_stream* stream_ = nullptr;                     // where appended rows go while streaming
  std::string stream_target_;                            // the table (or staging table) they go into
  std::string streamed_;                                 // COPY text not handed to stream_ yet
  bool direct_ = false;                                  // COPY went straight into the table
  bool unique_key_ = true;
};

// Postgres array text ("{a,b}") of plain tokens (uuids, read-model and source names), and back.
std::vector<std::string> parse_text_array(std::string_view text);
std::string format_text_array(const std::vector<std::string>& items);

}  // namespace stradia::projections
