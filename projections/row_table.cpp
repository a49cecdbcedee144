#include "projections/row_table.hpp"

#include <pqxx/pqxx>
#include <utility>

#include "base/uuid_text.hpp"
#include "projections/copy_encoder.hpp"
#include "projections/copy_in.hpp"
#include "projections/rebuild_stream.hpp"
#include "projections/stored_rows.hpp"

namespace stradia::projections {

namespace {

constexpr std::size_t rows_per_statement = 500;

std::string quoted_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

row_table::row_table(std::string name, std::vector<std::string> columns, std::string key_type, bool unique_key)
    : name_(std::move(name)), columns_(std::move(columns)), key_type_(std::move(key_type)), unique_key_(unique_key) {}

row_table::~row_table() = default;

std::string row_table::stage_for_copy(pqxx::transaction_base& t) {
  // COPY refuses tables under row-level security (the worker role's), so rows go through a
  // staging table; the tables' owner copies straight in.
  direct_ = !t.exec_params1("SELECT row_security_active($1::regclass)", name_)[0].as<bool>();
  encoder_ = std::make_unique<copy_encoder>(copy_encoder::of_table(t, name_, columns_));
  if (direct_) return name_;
  const std::string stage = "stage_" + name_;
  t.exec("CREATE TEMP TABLE " + stage + " (LIKE " + name_ + ") ON COMMIT DROP");
  return stage;
}

void row_table::insert_staged(pqxx::transaction_base& t) const {
  if (direct_) return;
  std::string columns;
  for (const auto& c : columns_) columns += (columns.empty() ? "" : ", ") + c;
  t.exec("INSERT INTO " + name_ + " (" + columns + ") SELECT " + columns + " FROM stage_" + name_);
}

void row_table::stream_into(pqxx::transaction_base& t, rebuild_stream& to) {
  stream_target_ = stage_for_copy(t);
  stream_ = &to;
  streamed_binary_.reserve(rebuild_stream::buffer_bytes + 64 * 1024);
  if (direct_) {
    stored_ = std::make_unique<stored_rows>(stored_rows::read(t, name_, columns_));
    to.keep_rows_of(name_);
  }
}

void row_table::stream_row(const row& values) {
  if (!stored_) return encoder_->append(values, streamed_binary_, streamed_text_);
  const auto start = streamed_binary_.size();
  if (encoder_->append_binary(values, streamed_binary_)) {
    if (stored_->keep(std::string_view(streamed_binary_).substr(start), delete_places_)) streamed_binary_.resize(start);
    return;
  }
  // Not in binary: it replaces the stored rows with its key, whatever they hold.
  stored_->replace(encoder_->binary_key(values), delete_places_);
  copy_encoder::append_text(streamed_text_, values);
}

std::vector<std::pair<std::string, std::string>> row_table::take_deletes() {
  std::vector<std::pair<std::string, std::string>> out;
  if (!delete_places_.empty())
    out.emplace_back("DELETE FROM " + name_ + " WHERE ctid = ANY($1::tid[])", quoted_array(delete_places_));
  delete_places_.clear();
  return out;
}

void row_table::send_streamed(std::string& rows, bool binary) {
  for (auto& [statement, parameter] : take_deletes()) stream_->execute(std::move(statement), std::move(parameter));
  stream_->send(stream_target_, columns_, std::move(rows), binary ? copy_format::binary : copy_format::text);
  rows.clear();
  if (binary) rows.reserve(rebuild_stream::buffer_bytes + 64 * 1024);
}

void row_table::load(pqxx::transaction_base& t, const std::vector<std::string>& keys) {
  std::vector<std::string> missing;
  for (const auto& k : keys)
    // A key that cannot be a uuid has no row; its event is refused when it is applied.
    if (!by_key_.count(k) && (key_type_ != "uuid" || base::is_uuid(k))) missing.push_back(k);
  if (missing.empty()) return;
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < columns_.size(); ++i) sql += (i ? ", " : "") + columns_[i] + "::text";
  sql += " FROM " + name_ + " WHERE " + columns_[0] + " = ANY($1::" + key_type_ + "[])";
  for (const auto& r : t.exec_params(sql, quoted_array(missing))) {
    row values(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i)
      if (!r[static_cast<int>(i)].is_null()) values[i] = r[static_cast<int>(i)].as<std::string>();
    if (by_key_.emplace(*values[0], rows_.size()).second) rows_.push_back({std::move(values), false});
  }
}

row& row_table::mark(std::size_t at) {
  if (stream_) {
    rows_[at].touched = stream_->batch();  // first: the row being changed is not cold
    if (stream_->batch() != streamed_at_) stream_cold();
  }
  auto& h = rows_[at];
  if (!h.changed) {
    h.changed = true;
    changed_.push_back(at);
  }
  return h.values;
}

void row_table::stream_cold() {
  streamed_at_ = stream_->batch();
  std::size_t hot = 0;
  for (const auto at : changed_) {
    auto& h = rows_[at];
    // A row that went once stays until flush(), which deletes its first copy.
    if (!h.streamed && h.touched + cold_after <= streamed_at_) {
      stream_row(h.values);
      h.changed = false;
      h.streamed = true;
    } else {
      changed_[hot++] = at;
    }
  }
  changed_.resize(hot);
  if (streamed_binary_.size() >= rebuild_stream::buffer_bytes) send_streamed(streamed_binary_, true);
  if (streamed_text_.size() >= rebuild_stream::buffer_bytes) send_streamed(streamed_text_, false);
}

row* row_table::change(const std::string& key) {
  const auto found = by_key_.find(key);
  return found == by_key_.end() ? nullptr : &mark(found->second);
}

const row* row_table::find(const std::string& key) const {
  const auto found = by_key_.find(key);
  return found == by_key_.end() ? nullptr : &rows_[found->second].values;
}

row& row_table::insert(row values) {
  const auto [found, fresh] = by_key_.emplace(*values[0], rows_.size());
  if (fresh) rows_.push_back({std::move(values), false});
  return mark(found->second);
}

void row_table::append(row values) {
  if (stream_) {
    stream_row(values);
    if (streamed_binary_.size() >= rebuild_stream::buffer_bytes) send_streamed(streamed_binary_, true);
    if (streamed_text_.size() >= rebuild_stream::buffer_bytes) send_streamed(streamed_text_, false);
    return;
  }
  rows_.push_back({std::move(values), false});
  mark(rows_.size() - 1);
}

void row_table::flush(pqxx::transaction_base& t, write_mode mode) {
  if (stream_) {
    std::vector<std::string> again;
    for (const auto at : changed_)
      if (rows_[at].streamed) again.push_back(*rows_[at].values[0]);
    auto write_buffered = [&] {
      for (const auto& [statement, parameter] : take_deletes()) t.exec_params(statement, parameter);
      copy_rows(t, stream_target_, streamed_binary_, streamed_text_);
      streamed_binary_.clear();
      streamed_text_.clear();
    };
    if (!again.empty()) {
      // Their first copies (or the stored rows they matched), sent or still buffered, go in
      // first, then out.
      write_buffered();
      t.exec_params("DELETE FROM " + stream_target_ + " WHERE " + columns_[0] + " = ANY($1::" + key_type_ + "[])",
                    quoted_array(again));
    }
    for (const auto at : changed_) stream_row(rows_[at].values);
    write_buffered();
    if (stored_)
      if (const auto left = stored_->left(); !left.empty())
        t.exec_params("DELETE FROM " + name_ + " WHERE ctid = ANY($1::tid[])", quoted_array(left));
    insert_staged(t);
  } else if (mode == write_mode::copy && !changed_.empty()) {
    const auto target = stage_for_copy(t);
    std::string binary, text;
    for (const auto at : changed_) encoder_->append(rows_[at].values, binary, text);
    copy_rows(t, target, binary, text);
    insert_staged(t);
  } else {
    std::string head = "INSERT INTO " + name_ + " (";
    for (std::size_t i = 0; i < columns_.size(); ++i) head += (i ? ", " : "") + columns_[i];
    head += ") VALUES ";
    std::string tail = " ON CONFLICT DO NOTHING";
    if (unique_key_) {
      tail = " ON CONFLICT (" + columns_[0] + ") DO UPDATE SET ";
      for (std::size_t i = 1; i < columns_.size(); ++i)
        tail += (i > 1 ? ", " : "") + columns_[i] + " = EXCLUDED." + columns_[i];
    }
    for (std::size_t from = 0; from < changed_.size(); from += rows_per_statement) {
      std::string sql = head;
      const auto to = std::min(changed_.size(), from + rows_per_statement);
      for (std::size_t k = from; k < to; ++k) {
        sql += k > from ? ",(" : "(";
        const auto& values = rows_[changed_[k]].values;
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (i) sql += ',';
          sql += values[i] ? t.quote(*values[i]) : "NULL";
        }
        sql += ')';
      }
      t.exec(sql + tail);
    }
  }
  discard();
}

void row_table::copy_rows(pqxx::transaction_base& t, const std::string& target, const std::string& binary,
                          const std::string& text) const {
  for (const auto& [rows, format] : {std::pair{&binary, copy_format::binary}, std::pair{&text, copy_format::text}}) {
    if (rows->empty()) continue;
    copy_in out(t, target, columns_, format);
    out.write(*rows);
    out.complete();
  }
}

void row_table::discard() {
  stream_ = nullptr;
  streamed_at_ = 0;
  stored_.reset();
  delete_places_.clear();
  for (auto* rows : {&streamed_binary_, &streamed_text_}) {
    rows->clear();
    rows->shrink_to_fit();
  }
  rows_.clear();
  by_key_.clear();
  changed_.clear();
}

std::vector<std::string> parse_text_array(std::string_view text) {
  std::vector<std::string> out;
  if (text.size() < 2) return out;
  text = text.substr(1, text.size() - 2);
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string format_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) out += (out.size() > 1 ? "," : "") + item;
  return out + "}";
}

}  // namespace stradia::projections
