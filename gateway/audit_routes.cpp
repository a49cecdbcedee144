// API.md §6, the audit trail of the caller's tenant (GLOBAL_ADMIN and READ_ONLY): the
// server's public key, the latest signed tree head, inclusion and consistency proofs.
// Hashes are lowercase hex; the key and signatures base64.
#include "base/encoding.hpp"
#include "base/json_writer.hpp"
#include "eventstore/audit/audit_reader.hpp"
#include "gateway/api.hpp"
#include "gateway/problem.hpp"
#include "gateway/request_helpers.hpp"

namespace stradia::gateway {

namespace audit = eventstore::audit;

namespace {

bool may_audit(const domain::caller& who) {
  return who.role == domain::roles::GLOBAL_ADMIN || who.role == domain::roles::READ_ONLY;
}

http_response refused(const audit::audit_refusal& r) {
  switch (r.why) {
    case audit::audit_refusal::kind::not_found: return problem(problem_code::not_found, r.detail);
    case audit::audit_refusal::kind::out_of_range:
      return problem(problem_code::validation_failed, r.detail, {{"tree_size", r.detail}});
    case audit::audit_refusal::kind::unavailable: break;
  }
  return problem(problem_code::service_unavailable, "The audit trail is not reachable.");
}

void write_hashes(base::json_writer& j, std::string_view name, const std::vector<audit::digest>& hashes) {
  j.key(name).begin_array();
  for (const auto& h : hashes) j.value(audit::to_hex(h));
  j.end_array();
}

}  // namespace

http_response api::audit_key(const route_args& a) {
  if (!may_audit(*a.who)) return problem(problem_code::forbidden, "Only GLOBAL_ADMIN and READ_ONLY users audit.");
  if (options_.audit_public_key.empty())
    return problem(problem_code::service_unavailable, "No audit signing key is configured.");
  base::json_writer j;
  j.begin_object().field("algorithm", "Ed25519").field("public_key", base::base64_encode(options_.audit_public_key));
  j.field("key_id", audit::key_id_of(options_.audit_public_key)).end_object();
  return json_ok(j.take());
}

http_response api::audit_head(const route_args& a) {
  if (!may_audit(*a.who)) return problem(problem_code::forbidden, "Only GLOBAL_ADMIN and READ_ONLY users audit.");
  if (!options_.audit) return problem(problem_code::service_unavailable, "The audit trail is not configured.");
  auto head = options_.audit->latest_head(a.who->tenant_id);
  if (!head) return refused(head.error());
  if (!*head) return problem(problem_code::not_found, "No tree head is signed yet.");
  return json_ok(audit::head_json(**head));
}

http_response api::audit_proof(const route_args& a) {
  if (!may_audit(*a.who)) return problem(problem_code::forbidden, "Only GLOBAL_ADMIN and READ_ONLY users audit.");
  if (!options_.audit) return problem(problem_code::service_unavailable, "The audit trail is not configured.");
  const auto position = whole_number(query_param(a.request.target, "position"));
  const auto size_text = query_param(a.request.target, "tree_size");
  const auto size = whole_number(size_text);
  if (!position || *position < 1 || (size_text && (!size || *size < 1)))
    return problem(problem_code::validation_failed, "position (and tree_size, when given) are positive whole numbers.",
                   {{!position || *position < 1 ? "position" : "tree_size", "Expected a positive whole number"}});
  auto proof = options_.audit->inclusion_of(a.who->tenant_id, *position, size.value_or(0));
  if (!proof) return refused(proof.error());
  base::json_writer j;
  j.begin_object().field("position", proof->global_position).field("leaf_index", proof->leaf_index);
  j.field("tree_size", proof->tree_size).field("leaf_hash", audit::to_hex(proof->leaf_hash));
  write_hashes(j, "audit_path", proof->path);
  j.end_object();
  return json_ok(j.take());
}

http_response api::audit_consistency(const route_args& a) {
  if (!may_audit(*a.who)) return problem(problem_code::forbidden, "Only GLOBAL_ADMIN and READ_ONLY users audit.");
  if (!options_.audit) return problem(problem_code::service_unavailable, "The audit trail is not configured.");
  const auto from = whole_number(query_param(a.request.target, "from"));
  const auto to = whole_number(query_param(a.request.target, "to"));
  if (!from || !to)
    return problem(problem_code::validation_failed, "from and to are whole numbers.",
                   {{!from ? "from" : "to", "Expected a whole number"}});
  auto proof = options_.audit->consistency(a.who->tenant_id, *from, *to);
  if (!proof) return refused(proof.error());
  base::json_writer j;
  j.begin_object().field("from", *from).field("to", *to);
  write_hashes(j, "proof", *proof);
  j.end_object();
  return json_ok(j.take());
}

}  // namespace stradia::gateway
