#include "eventstore/audit/export_format.hpp"
#include "base/encoding.hpp"

#include <simdjson.h>

#include <algorithm>
#include <climits>

#include "base/json_writer.hpp"

namespace stradia::eventstore::audit {

std::string header_line(const export_header& h) {
  base::json_writer j;
  j.begin_object().field("format", "stradia-audit-export").field("version", 1).field("tenant_id", h.tenant_id);
  j.field("tree_size", h.tree_size).field("key_id", h.key_id);
  if (!h.public_key.empty()) j.field("public_key", base::base64_encode(h.public_key));
  j.end_object();
  return j.take();
}

namespace {

void write_event(base::json_writer& j, const recorded_event& e) {
  j.begin_object().field("position", e.global_position).field("event_id", e.event_id).field("tenant_id", e.tenant_id);
  j.field("stream_id", e.stream_id).field("stream_version", e.stream_version).field("event_type", e.event_type);
  j.field("schema_version", e.schema_version)
      .field("payload", base::base64_encode(e.payload))
      .field("metadata", e.metadata);
  j.field("recorded_at_us", e.recorded_at_us).end_object();
}

// Each member once, and only the expected ones.
bool has_exactly(simdjson::dom::object object, std::initializer_list<std::string_view> members) {
  std::size_t seen = 0;
  for (auto field : object) {
    if (std::find(members.begin(), members.end(), field.key) == members.end()) return false;
    ++seen;
  }
  return seen == members.size();  // with every key known, a duplicate shows as a surplus
}

std::optional<recorded_event> event_of(simdjson::dom::element event) {
  simdjson::dom::object members;
  if (event.get(members) ||
      !has_exactly(members, {"position", "event_id", "tenant_id", "stream_id", "stream_version", "event_type",
                             "schema_version", "payload", "metadata", "recorded_at_us"}))
    return std::nullopt;
  recorded_event e;
  std::string_view event_id, tenant, stream, type, payload, metadata;
  std::int64_t schema = 0;
  if (event["position"].get(e.global_position) || event["event_id"].get(event_id) || event["tenant_id"].get(tenant) ||
      event["stream_id"].get(stream) || event["stream_version"].get(e.stream_version) ||
      event["event_type"].get(type) || event["schema_version"].get(schema) || event["payload"].get(payload) ||
      event["metadata"].get(metadata) || event["recorded_at_us"].get(e.recorded_at_us))
    return std::nullopt;
  if (e.stream_version < 1 || schema < 1 || schema > INT32_MAX) return std::nullopt;
  auto bytes = base::base64_decode(payload);
  if (!bytes) return std::nullopt;
  e.event_id = std::string(event_id);
  e.tenant_id = std::string(tenant);
  e.stream_id = std::string(stream);
  e.event_type = std::string(type);
  e.schema_version = static_cast<std::int32_t>(schema);
  e.payload = std::move(*bytes);
  e.metadata = std::string(metadata);
  return e;
}

}  // namespace

std::string leaf_line(const export_leaf& leaf) {
  base::json_writer j;
  j.begin_object().field("leaf_index", leaf.leaf_index).field("position", leaf.position);
  j.field("leaf_hash", to_hex(leaf.sealed_hash)).key("event");
  if (!leaf.event)
    j.null();
  else
    write_event(j, *leaf.event);
  j.end_object();
  return j.take();
}

std::string unsealed_line(const recorded_event& e) {
  base::json_writer j;
  j.begin_object().key("unsealed_event");
  write_event(j, e);
  j.end_object();
  return j.take();
}

std::string head_line(const tree_head& head) { return "{\"head\":" + head_json(head) + "}"; }

std::optional<export_line> parse_export_line(std::string_view line) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(line.data(), line.size()).get(root) || !root.is_object()) return std::nullopt;
  export_line out;
  simdjson::dom::element head;
  if (!root["head"].get(head)) {
    auto parsed = parse_head_json(simdjson::minify(head));
    if (!parsed) return std::nullopt;
    out.head = std::move(*parsed);
    return out;
  }
  std::string_view format;
  if (!root["format"].get(format)) {
    if (format != "stradia-audit-export") return std::nullopt;
    export_header h;
    std::string_view tenant, key_id, public_key;
    if (root["tenant_id"].get(tenant) || root["tree_size"].get(h.tree_size) || root["key_id"].get(key_id))
      return std::nullopt;
    h.tenant_id = std::string(tenant);
    h.key_id = std::string(key_id);
    if (!root["public_key"].get(public_key)) {
      auto raw = base::base64_decode(public_key);
      if (!raw) return std::nullopt;
      h.public_key = std::move(*raw);
    }
    out.header = std::move(h);
    return out;
  }
  simdjson::dom::element unsealed;
  if (!root["unsealed_event"].get(unsealed)) {
    simdjson::dom::object members;
    if (root.get(members) || !has_exactly(members, {"unsealed_event"})) return std::nullopt;
    out.unsealed_event = event_of(unsealed);
    if (!out.unsealed_event) return std::nullopt;
    return out;
  }
  export_leaf leaf;
  std::string_view hash;
  simdjson::dom::element event;
  simdjson::dom::object members;
  if (root.get(members) || !has_exactly(members, {"leaf_index", "position", "leaf_hash", "event"}) ||
      root["leaf_index"].get(leaf.leaf_index) || root["position"].get(leaf.position) || root["leaf_hash"].get(hash) ||
      !from_hex(hash, leaf.sealed_hash) || root["event"].get(event) || leaf.leaf_index < 0 || leaf.position < 1)
    return std::nullopt;
  if (!event.is_null()) {
    leaf.event = event_of(event);
    if (!leaf.event) return std::nullopt;
  }
  out.leaf = std::move(leaf);
  return out;
}

}  // namespace stradia::eventstore::audit
