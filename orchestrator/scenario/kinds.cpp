#include "scenario/kinds.h"

namespace latlab::scenario {

namespace {
const std::vector<std::string> settings_keys = {"mtu", "txqueuelen", "qdisc", "offloads"};

std::vector<std::string> with_settings(std::vector<std::string> keys) {
  keys.insert(keys.end(), settings_keys.begin(), settings_keys.end());
  return keys;
}
}  // namespace

const std::vector<NodeKind>& node_kinds() {
  static const std::vector<NodeKind> kinds = {
      {"host", false, false, true},
      {"netns", true, false, true},
      {"docker", true, true, false},
  };
  return kinds;
}

const std::vector<LinkKind>& link_kinds() {
  static const std::vector<LinkKind> kinds = {
      {"veth", with_settings({"kind", "endpoints", "static_neighbors"}), parse_veth_link},
      {"bridge",
       with_settings({"kind", "node", "name", "addresses", "mac", "members", "static_neighbors"}),
       parse_bridge_link},
      {"phys",
       with_settings({"kind", "device", "node", "mode", "ifname", "addresses", "mac", "macvlan_mode"}),
       parse_phys_link},
  };
  return kinds;
}

const std::vector<ProbeKind>& probe_kinds() {
  static const std::vector<ProbeKind> kinds = {
      {"icmp", "kernel", {"kernel"}, 20 + 8, 40 + 8, false},
      {"udp", "udp-reflector", {"udp-reflector"}, 20 + 8, 40 + 8, false},
      {"raw", "kernel", {"kernel", "raw"}, 20 + 8, 40 + 8, true},
  };
  return kinds;
}

const std::vector<ResponderKind>& responder_kinds() {
  static const std::vector<ResponderKind> kinds = {
      {"kernel", "", {"block"}},
      {"udp-reflector", "udp-reflector", {"block", "spin", "busy_poll"}},
      {"raw", "raw-responder", {"block", "busy_poll"}},
  };
  return kinds;
}

const std::vector<std::string>& wait_modes() {
  static const std::vector<std::string> modes = {"block", "spin", "busy_poll"};
  return modes;
}

const std::vector<CaptureKind>& capture_kinds() {
  static const std::vector<CaptureKind> kinds = {
      {"tcpdump", true},
      {"perf", false},
      {"trace", false},
      {"counters", false},
  };
  return kinds;
}

template <typename K>
static const K* find_kind(const std::vector<K>& kinds, const std::string& name) {
  for (const auto& k : kinds)
    if (k.name == name) return &k;
  return nullptr;
}

const NodeKind* find_node_kind(const std::string& n) { return find_kind(node_kinds(), n); }
const LinkKind* find_link_kind(const std::string& n) { return find_kind(link_kinds(), n); }
const ProbeKind* find_probe_kind(const std::string& n) { return find_kind(probe_kinds(), n); }
const ResponderKind* find_responder_kind(const std::string& n) { return find_kind(responder_kinds(), n); }
const CaptureKind* find_capture_kind(const std::string& n) { return find_kind(capture_kinds(), n); }

}  // namespace latlab::scenario
