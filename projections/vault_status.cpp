#include "projections/vault_status.hpp"

#include "domain/clock.hpp"
#include "domain/enums.hpp"
#include "domain/event_codec.hpp"
#include "domain/vault_credential.hpp"

namespace stradia::projections {

namespace {

namespace vault_pb = stradia::vault::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum column {
  c_stream,
  c_tenant,
  c_market,
  c_platform,
  c_revoked,
  c_stored_by,
  c_updated_at,
  c_used_at,
  c_position,
  width
};

}  // namespace

vault_status::vault_status()
    : credentials_("read_vault_credentials",
                   {"vault_stream_id", "tenant_id", "market_id", "platform", "is_revoked", "stored_by", "updated_at",
                    "last_used_at", "position"},
                   "text") {}

bool vault_status::reads(const envelope& e) const { return !stream_id_of(e, "vault").empty(); }

void vault_status::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> streams;
  for (const auto* e : batch) streams.push_back(e->stream_id());
  credentials_.load(t, streams);
}

void vault_status::apply(const envelope& e, const decoded_payload&) {
  auto event = decode_checked<domain::vault_credential::event>(e);
  if (!event) return;
  const auto position = std::to_string(e.global_position());
  if (const auto* stored = std::get_if<vault_pb::VaultCredentialStored>(&*event)) {
    row r(width);
    r[c_stream] = e.stream_id();
    r[c_tenant] = stored->tenant_id();
    r[c_market] = stored->market_id();
    r[c_platform] = std::string(domain::name_of(stored->platform()));
    row& kept = credentials_.insert(std::move(r));
    // New, or stored again after a revocation (the row exists already): it becomes current.
    kept[c_revoked] = "false";
    kept[c_stored_by] = stored->stored_by();
    kept[c_updated_at] = domain::format_rfc3339(stored->updated_at());
    kept[c_position] = position;
    return;
  }
  row* r = credentials_.change(e.stream_id());
  if (!r) return;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, vault_pb::VaultCredentialRotated>) {
          (*r)[c_stored_by] = m.rotated_by();
          (*r)[c_updated_at] = domain::format_rfc3339(m.updated_at());
        } else if constexpr (std::is_same_v<T, vault_pb::VaultCredentialRevoked>) {
          (*r)[c_revoked] = "true";
          (*r)[c_updated_at] = domain::format_rfc3339(m.updated_at());
        } else if constexpr (std::is_same_v<T, vault_pb::VaultCredentialUsed>) {
          (*r)[c_used_at] = domain::format_rfc3339(m.used_at());
        }
      },
      *event);
  (*r)[c_position] = position;
}

}  // namespace stradia::projections
