// JSON document -> Lab model (structure, types, ranges, names). Internal.
#pragma once

#include "scenario/diag.h"
#include "scenario/json_pos.h"
#include "scenario/model.h"

namespace latlab::scenario {

// Fills lab from the document; every problem goes to d.
void parse_scenario(const JValue& doc, Diags& d, Lab& lab);
// Defaults, generated names, automatic addresses, experiment targets.
void resolve_scenario(Diags& d, Lab& lab);
// Cross-checks: duplicates, prefixes, reachability, sizes.
void validate_scenario(Diags& d, const Lab& lab);

}  // namespace latlab::scenario
