#pragma once
// The domain model's runtime validation ("The Guardrails") with its exact messages.
// Each function returns every problem of its field, as the model's Zod schemas do.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_error.hpp"
#include "domain/zone_catalog.hpp"

namespace stradia::domain::guardrails {

using problems = std::vector<field_error>;

// A task's description (GlobalTask and custom local task alike), in characters.
inline constexpr std::size_t max_description_characters = 10000;

// Length in characters (Unicode code points), not bytes.
std::size_t character_count(std::string_view utf8);

// Zod's default messages for string length bounds.
problems length_between(std::string_view path, std::string_view value, std::size_t min, std::size_t max);

problems policy_text(std::string_view text);
problems measurement_id(std::string_view id);
problems container_id(std::string_view id);
problems trigger_type(std::string_view trigger);
problems market_name(std::string_view name);
problems region_code(std::string_view code);
problems timezone(std::string_view zone, const zone_catalog& zones);
problems ghost_justification(std::string_view justification);
problems email(std::string_view address);
// A BCP 47 language tag of the common shape: 2-3 lowercase letters, optionally -REGION ("es-ES").
bool language_tag(std::string_view tag);
// A task's heatmap weight: 1..100.
problems weight(std::int64_t weight);
// An id a client may choose for a new entity: a lowercase hyphenated UUID.
problems entity_id(std::string_view path, std::string_view id);

// Appends `more` to `all`; a helper for validators that check several fields.
void collect(problems& all, problems more);

}  // namespace stradia::domain::guardrails
