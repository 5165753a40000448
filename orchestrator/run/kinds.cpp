// The run side's registries: one explicit list per kind family. A new kind
// is one file (probe_<kind>.cpp, responder_<kind>.cpp) and one line here.
#include "run/kinds.h"

#include "util/kind_registry.h"

namespace latlab::run {

const std::vector<ProbeKind>& probe_kinds() {
  static const std::vector<ProbeKind> kinds = {icmp_probe_kind(), udp_probe_kind(), raw_probe_kind()};
  return kinds;
}

const std::vector<ResponderKind>& responder_kinds() {
  static const std::vector<ResponderKind> kinds = {kernel_responder_kind(), udp_reflector_responder_kind(),
                                                   raw_responder_kind()};
  return kinds;
}

const std::vector<LoadKind>& load_kinds() {
  static const std::vector<LoadKind> kinds = {tcp_load_kind(), udp_load_kind()};
  return kinds;
}

Result<const LoadKind*> load_kind(const std::string& name) {
  return find_kind_or_error(load_kinds(), name, "load", "latlab run");
}

Result<const ProbeKind*> probe_kind(const std::string& name) {
  return find_kind_or_error(probe_kinds(), name, "probe", "latlab run");
}
Result<const ResponderKind*> responder_kind(const std::string& name) {
  return find_kind_or_error(responder_kinds(), name, "responder", "latlab run");
}

}  // namespace latlab::run
