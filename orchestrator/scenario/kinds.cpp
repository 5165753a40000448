// The registries: one explicit list per kind family. A new kind is one file
// (<family>_<kind>.cpp) and one line here.
#include "scenario/kinds.h"

#include <algorithm>

#include "scenario/obj_reader.h"
#include "util/kind_registry.h"

namespace latlab::scenario {

const std::vector<NodeKind>& node_kinds() {
  static const std::vector<NodeKind> kinds = {host_node_kind(), netns_node_kind(), docker_node_kind()};
  return kinds;
}

const std::vector<LinkKind>& link_kinds() {
  static const std::vector<LinkKind> kinds = {veth_link_kind(), bridge_link_kind(), phys_link_kind(),
                                                docker_network_link_kind(), vxlan_link_kind()};
  return kinds;
}

const std::vector<QdiscKind>& qdisc_kinds() {
  static const std::vector<QdiscKind> kinds = {tbf_qdisc_kind(), netem_qdisc_kind()};
  return kinds;
}

const std::vector<ProbeKind>& probe_kinds() {
  static const std::vector<ProbeKind> kinds = {icmp_probe_kind(), udp_probe_kind(), raw_probe_kind()};
  return kinds;
}

const std::vector<ResponderKind>& responder_kinds() {
  static const std::vector<ResponderKind> kinds = {kernel_responder_kind(), udp_reflector_responder_kind(),
                                                   raw_responder_kind()};
  return kinds;
}

const std::vector<CaptureKind>& capture_kinds() {
  static const std::vector<CaptureKind> kinds = {tcpdump_capture_kind(), perf_capture_kind(),
                                                 trace_capture_kind(), counters_capture_kind()};
  return kinds;
}

const std::vector<std::string>& wait_modes() {
  static const std::vector<std::string> modes = {"block", "spin", "busy_poll"};
  return modes;
}

const NodeKind* find_node_kind(const std::string& n) { return find_kind_by_name(node_kinds(), n); }
const LinkKind* find_link_kind(const std::string& n) { return find_kind_by_name(link_kinds(), n); }
const QdiscKind* find_qdisc_kind(const std::string& n) { return find_kind_by_name(qdisc_kinds(), n); }
const ProbeKind* find_probe_kind(const std::string& n) { return find_kind_by_name(probe_kinds(), n); }
const ResponderKind* find_responder_kind(const std::string& n) {
  return find_kind_by_name(responder_kinds(), n);
}
const CaptureKind* find_capture_kind(const std::string& n) { return find_kind_by_name(capture_kinds(), n); }

const std::vector<LoadKind>& load_kinds() {
  static const std::vector<LoadKind> kinds = {tcp_load_kind(), udp_load_kind()};
  return kinds;
}

const LoadKind* find_load_kind(const std::string& n) { return find_kind_by_name(load_kinds(), n); }

std::vector<std::string> with_link_settings(std::vector<std::string> keys) {
  for (const char* k : {"mtu", "txqueuelen", "qdisc", "offloads"}) keys.push_back(k);
  return keys;
}

std::string implemented_node_kinds() {
  std::vector<std::string> names;
  for (const auto& k : node_kinds())
    if (k.implemented) names.push_back(k.name);
  return join_names(names);
}

bool reject_keys_of_other_kinds(ObjReader& r, const std::vector<KeyOwner>& owners, const std::string& kind,
                                const std::string& family) {
  const std::vector<std::string>* own = nullptr;
  for (const auto& o : owners)
    if (o.kind == kind) own = o.keys;
  bool bad = false;
  for (const auto& o : owners) {
    if (o.kind == kind) continue;
    for (const auto& key : *o.keys) {
      const JValue* v = r.get(key);
      if (!v || (own && std::find(own->begin(), own->end(), key) != own->end())) continue;
      r.diags().add(v->pos, r.ptr(key),
                    "\"" + key + "\" applies to " + family + " " + o.kind + ", not " + kind);
      bad = true;
    }
  }
  return bad;
}

}  // namespace latlab::scenario
