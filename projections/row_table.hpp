#pragma once
// One read-model table held in memory as rows of text values, keyed by its first column.
// A batch loads the rows it touches, the fold changes them in memory, and flush() writes
// the changed ones back in one statement per chunk (upsert), or by COPY when a rebuild
// fills emptied tables. Text in and out keeps every read model a plain fold over rows.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace stradia::projections {

using row = std::vector<std::optional<std::string>>;
class copy_encoder;
class rebuild_stream;
class stored_rows;

enum class write_mode { upsert, copy };

class row_table {
 public:
  // `key_type` is the SQL type of the first column (uuid, text, bigint). `unique_key` false:
  // an append-only table whose first column (a log position) no index holds unique, written
  // by INSERT … ON CONFLICT DO NOTHING; the projector's checkpoints keep an event from being
  // applied twice, and a unique key other than the position (the timeline's) keeps its row.
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
  // streaming, the row goes to Postgres by COPY, a buffer at a time.
  void append(row values);
  // A rebuild streams the table's rows to `to` while the models fold, so Postgres copies
  // them meanwhile instead of after the fold: appended rows as they come, and a changed row
  // once it is cold (unchanged for `cold_after` of the fold's batches). A row changed again
  // after it went is deleted and written anew by flush(), which sends what is left after
  // to.finish(). Written straight into the table (as its owner), the rows it holds stay
  // where the fold writes them unchanged (stored_rows), and only the others are replaced.
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to);
  static constexpr std::uint64_t cold_after = 2;
  // Writes the changed rows and forgets every row.
  void flush(pqxx::transaction_base& t, write_mode mode);
  // Forgets every row unwritten (the transaction they were for failed).
  void discard();

 private:
  struct held {
    row values;
    bool changed = false;
    bool streamed = false;      // a copy of it went to the stream before its last change
    std::uint64_t touched = 0;  // the stream's batch of its last change
  };
  row& mark(std::size_t at);
  // Streams the changed rows gone cold; the stream's batch moved on since the last time.
  void stream_cold();
  // Where COPY writes: the table itself for its owner, else a staging table it creates.
  // Also learns how the table's rows are encoded for COPY.
  std::string stage_for_copy(pqxx::transaction_base& t);
  // Hands the streamed rows of one format to the stream, after the deletes they wait for.
  void send_streamed(std::string& rows, bool binary);
  // Encodes a row for the stream, unless the table holds it already (stored_).
  void stream_row(const row& values);
  // The DELETE of the stored rows that streamed rows replace, as (statement, parameter).
  std::vector<std::pair<std::string, std::string>> take_deletes();
  // COPYs rows encoded by encoder_ into `target`: the binary ones, then the text ones.
  void copy_rows(pqxx::transaction_base& t, const std::string& target, const std::string& binary,
                 const std::string& text) const;
  void insert_staged(pqxx::transaction_base& t) const;

  std::string name_;
  std::vector<std::string> columns_;
  std::string key_type_;
  std::vector<held> rows_;
  std::unordered_map<std::string, std::size_t> by_key_;  // index into rows_
  std::vector<std::size_t> changed_;                     // in first-change order
  rebuild_stream* stream_ = nullptr;                     // where rows go while streaming
  std::string stream_target_;                            // the table (or staging table) they go into
  std::uint64_t streamed_at_ = 0;                        // the stream's batch at the last stream_cold
  std::unique_ptr<copy_encoder> encoder_;                // set by stage_for_copy
  std::unique_ptr<stored_rows> stored_;                  // the rows held when the rebuild began
  std::vector<std::string> delete_places_;               // stored rows to delete before the next COPY
  std::string streamed_binary_, streamed_text_;          // rows not handed to stream_ yet
  bool direct_ = false;                                  // COPY went straight into the table
  bool unique_key_ = true;
};

// Postgres array text ("{a,b}") of plain tokens (uuids, read-model and source names), and back.
std::vector<std::string> parse_text_array(std::string_view text);
std::string format_text_array(const std::vector<std::string>& items);

}  // namespace stradia::projections
