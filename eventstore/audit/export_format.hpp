#pragma once
// The NDJSON of `stradia audit export` (one JSON object per line), read back by `audit
// verify` and `audit import`:
//
//   {"format":"stradia-audit-export","version":1,"tenant_id":T,"tree_size":N,
//    "key_id":K[,"public_key":base64]}
//   {"leaf_index":i,"position":P,"leaf_hash":hex,"event":{"position","event_id","tenant_id",
//    "stream_id","stream_version","event_type","schema_version","payload" (base64),
//    "metadata" (the jsonb text),"recorded_at_us"}}            one per leaf, "event":null when
//                                                              the row is gone
//   {"unsealed_event":{…as above…}}   an event of the tenant at a position the trail had
//                                     already passed without it (written in afterwards)
//   {"head":{…the signed tree head, tree_head.hpp…}}
//
// Every object has each of its members once, and no others (a reader that took another
// duplicate than ours would see another event).
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/audit/canonical_event.hpp"
#include "eventstore/audit/tree_head.hpp"

namespace stradia::eventstore::audit {

struct export_header {
  std::string tenant_id;
  std::int64_t tree_size = 0;
  std::string key_id;
  std::string public_key;  // raw; empty when the exporter did not know it
};

struct export_leaf {
  std::int64_t leaf_index = 0;
  std::int64_t position = 0;
  digest sealed_hash{};
  std::optional<recorded_event> event;
};

std::string header_line(const export_header& h);
std::string leaf_line(const export_leaf& leaf);
std::string head_line(const tree_head& head);

// What one line of an export is; nullopt when it is none of them.
struct export_line {
  std::optional<export_header> header;
  std::optional<export_leaf> leaf;
  std::optional<recorded_event> unsealed_event;
  std::optional<tree_head> head;
};
std::string unsealed_line(const recorded_event& e);
std::optional<export_line> parse_export_line(std::string_view line);

}  // namespace stradia::eventstore::audit
