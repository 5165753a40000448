// Lookups in a registry of kinds: a vector of descriptors with a `name`.
// Every layer's kinds.cpp uses these, so "not supported" reads alike.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace latlab {

template <typename K>
const K* find_kind_by_name(const std::vector<K>& kinds, const std::string& name) {
  for (const auto& k : kinds)
    if (k.name == name) return &k;
  return nullptr;
}

// "host, netns"
template <typename K>
std::string kind_list(const std::vector<K>& kinds) {
  std::string out;
  for (const auto& k : kinds) out += (out.empty() ? "" : ", ") + k.name;
  return out;
}

// The kind, or `node kind "docker" is not supported by the topology engine;
// supported kinds are host, netns` (family "node", by "the topology engine").
template <typename K>
Result<const K*> find_kind_or_error(const std::vector<K>& kinds, const std::string& name,
                                    const std::string& family, const std::string& by,
                                    ExitCode code = ExitCode::failure) {
  if (const K* k = find_kind_by_name(kinds, name)) return k;
  return Error(family + " kind \"" + name + "\" is not supported by " + by + "; supported kinds are " +
                   kind_list(kinds),
               0, code);
}

}  // namespace latlab
