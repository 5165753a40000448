// JSON document -> Lab model (structure, types, ranges, names). Internal.
#pragma once

#include "scenario/diag.h"
#include "scenario/json_pos.h"
#include "scenario/model.h"

namespace latlab::scenario {

// Fills lab from the document; every problem goes to d.
// inventory: hosts from an inventory file, which replace the scenario's of
// the same name and add to them.
void parse_scenario(const JValue& doc, Diags& d, Lab& lab, const std::vector<Host>& inventory = {});
// An inventory document: {"hosts": {...}}.
void parse_inventory(const JValue& doc, Diags& d, std::vector<Host>& hosts);
// Defaults, generated names, automatic addresses, experiment targets.
void resolve_scenario(Diags& d, Lab& lab);
// Cross-checks: duplicates, prefixes, reachability, sizes.
void validate_scenario(Diags& d, const Lab& lab);

}  // namespace latlab::scenario
