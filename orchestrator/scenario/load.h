// Reading a scenario: parse (strict JSON with positions) -> resolve (defaults,
// auto addresses) -> validate. Never touches the kernel.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/model.h"
#include "util/result.h"

namespace latlab::scenario {

struct Diagnostic {
  std::string file;
  int line = 0;  // 0 when the error is about the whole file
  int col = 0;
  std::string pointer;  // JSON pointer ("" for the whole document)
  std::string message;

  // "file:line:col: error: /pointer: message"
  std::string str() const;
};

struct LoadResult {
  std::optional<Lab> lab;          // set when there are no errors
  std::vector<Diagnostic> errors;  // at most max_errors, in file order
  std::string text;                // the scenario text as read
  bool ok() const { return lab.has_value(); }
};

inline constexpr size_t max_scenario_bytes = 1 << 20;  // 1 MiB
inline constexpr size_t max_errors = 20;

class Diags;
struct JValue;
// The prelude of every document latlab reads (scenarios, suites): the size
// limit (`what` names them in the error: "scenarios"), UTF-8, strict JSON
// with positions and no duplicate keys. Errors go to d; out is set when
// there are none, and then it returns true.
bool read_json_document(const std::string& text, Diags& d, const char* what, JValue& out);

// inventory: hosts read from an inventory file (`--hosts`), which replace the
// scenario's own of the same name and add to them.
LoadResult load_scenario_file(const std::string& path, const std::vector<Host>& inventory = {});
// this_host: the machine reading it (a lab's other host reads its part as
// itself), whose uplinks a phys link must not move without allow_uplink.
LoadResult load_scenario_text(const std::string& text, const std::string& display_name,
                              const std::vector<Host>& inventory = {}, const std::string& this_host = kLocalHost);

// An inventory file, {"hosts": {"h1": {"address": ...}, ...}}: the SSH
// destinations of a lab's hosts kept apart from the scenario (one inventory
// for many scenarios). Read as strictly as a scenario.
struct InventoryResult {
  std::vector<Host> hosts;
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};
InventoryResult load_inventory_file(const std::string& path);

// Fills in the addresses the container engine chose at `up` (docker0:
// "c1:eth0" -> 172.17.0.2/16, "host:docker0" -> 172.17.0.1/16) and resolves
// the experiments whose targets waited for them. Returns the first problem
// ("experiment "x": target interface "c1:eth0" has no IPv4 address").
Status bind_engine_addresses(Lab& lab, const std::map<std::string, Prefix>& by_interface);

}  // namespace latlab::scenario
