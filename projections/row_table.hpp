#pragma once
// One read-model table held in memory as rows of text values, keyed by its first column.
// A batch loads the rows it touches, the fold changes them in memory, and flush() writes
// the changed ones back in one statement per chunk (upsert), or by COPY when a rebuild
// fills emptied tables. Text in and out keeps every read model a plain fold over rows.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace stradia::projections {

using row = std::vector<std::optional<std::string>>;

enum class write_mode { upsert, copy };

class row_table {
 public:
  // `key_type` is the SQL type of the first column (uuid, text, bigint).
  row_table(std::string name, std::vector<std::string> columns, std::string key_type);

  const std::string& name() const { return name_; }
  std::size_t width() const { return columns_.size(); }

  // Loads the stored rows among `keys` that are not in memory yet.
  void load(pqxx::transaction_base& t, const std::vector<std::string>& keys);
  // The row in memory, marked changed; nullptr when unknown.
  row* change(const std::string& key);
  // Adds a row unless one with its key exists; returns the row kept, marked changed.
  row& insert(row values);
  // Writes the changed rows and forgets every row.
  void flush(pqxx::transaction_base& t, write_mode mode);
  // Forgets every row unwritten (the transaction they were for failed).
  void discard();
  std::size_t changed() const { return changed_.size(); }

 private:
  std::string name_;
  std::vector<std::string> columns_;
  std::string key_type_;
  std::unordered_map<std::string, row> rows_;
  std::vector<std::string> changed_;  // keys, in first-change order
  std::unordered_map<std::string, bool> is_changed_;
};

// Postgres array text ("{a,b}") of plain tokens such as uuids, and back.
std::vector<std::string> parse_text_array(std::string_view text);
std::string format_text_array(const std::vector<std::string>& items);

}  // namespace stradia::projections
