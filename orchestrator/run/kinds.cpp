// The run side's registries: one explicit list per kind family. A new kind
// is one file (probe_<kind>.cpp, responder_<kind>.cpp) and one line here.
#include "run/kinds.h"

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

namespace {

template <typename K>
Result<const K*> find(const std::vector<K>& kinds, const std::string& name, const char* family) {
  std::string names;
  for (const auto& k : kinds) {
    if (k.name == name) return &k;
    names += (names.empty() ? "" : ", ") + k.name;
  }
  return Error(std::string(family) + " kind \"" + name +
               "\" is not supported by latlab run; supported kinds are " + names);
}

}  // namespace

Result<const ProbeKind*> probe_kind(const std::string& name) { return find(probe_kinds(), name, "probe"); }
Result<const ResponderKind*> responder_kind(const std::string& name) {
  return find(responder_kinds(), name, "responder");
}

}  // namespace latlab::run
