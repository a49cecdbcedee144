#pragma once
// The rows a table holds when a rebuild starts, by key (its first column), each as the
// digest of its binary COPY tuple and its place (ctid). A rebuild over filled tables then
// leaves a row it would write unchanged where it is, deletes one it changes just before
// writing the new version, and deletes what no row of the new fold claimed at the end:
// deleting every row and writing it anew was most of such a rebuild's time, and a rebuild
// of an unchanged log now writes nothing.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace stradia::projections {

class stored_rows {
 public:
  // Reads every row of `table` (`columns`, the first its key) on the transaction's connection.
  static stored_rows read(pqxx::transaction_base& t, const std::string& table, const std::vector<std::string>& columns);

  // A row about to be written, as copy_encoder's binary tuple. True when a stored row with
  // its key holds the same values: that row stays, and nothing is written. Otherwise false,
  // and the places of the stored rows with its key are added to `delete_first`.
  bool keep(std::string_view tuple, std::vector<std::string>& delete_first);
  // A row about to be written whatever is stored (it goes as COPY text), by its key's
  // binary field: the places of the stored rows with that key are added to `delete_first`.
  void replace(std::string_view key, std::vector<std::string>& delete_first);
  // The places of the stored rows nothing kept or replaced.
  std::vector<std::string> left() const;

 private:
  using digest = std::array<unsigned char, 16>;
  static digest digest_of(std::string_view tuple);
  struct stored {
    digest values;
    std::uint64_t place;  // the ctid: block << 16 | offset
  };
  static std::string place_text(std::uint64_t place);
  std::unordered_map<std::string, std::vector<stored>> by_key_;  // by the key's binary field
};

}  // namespace stradia::projections
