// Registries of the kinds a scenario names: node, link, probe, responder and
// capture kinds.
// One entry per kind in one explicit list (kinds.cpp); link kinds parse
// themselves (link_<kind>.cpp). An unknown name is an error listing the known ones.
#pragma once

#include <string>
#include <vector>

#include "scenario/json_pos.h"

namespace latlab::scenario {

struct ParseCtx;
class ObjReader;

struct NodeKind {
  std::string name;
  bool own_netns;        // gets a namespace of its own (netns, docker)
  bool needs_image;      // docker
  bool implemented;      // the topology engine can build it today
};

struct LinkKind {
  std::string name;
  std::vector<std::string> keys;  // allowed keys of the link object
  // Parses one link object (already checked to be an object with known keys).
  void (*parse)(ParseCtx& ctx, ObjReader& r, size_t link_index);
};

struct ProbeKind {
  std::string name;
  std::string default_responder;  // "kernel" | "udp-reflector"
  std::vector<std::string> responders;  // allowed responder kinds
  uint32_t header_bytes_v4;  // bytes on top of the payload inside the IP MTU
  uint32_t header_bytes_v6;
  bool needs_device;         // sends frames on a device (raw)
};

struct ResponderKind {
  std::string name;                // "kernel" | "udp-reflector" | "raw"
  std::string agent_mode;          // the latlab-agent mode that runs it; "" = the target's kernel answers
  std::vector<std::string> waits;  // the wait modes it supports (see wait_modes())
  bool user_space() const { return !agent_mode.empty(); }
};

struct CaptureKind {
  std::string name;
  bool takes_interfaces;
};

const std::vector<NodeKind>& node_kinds();
const std::vector<LinkKind>& link_kinds();
const std::vector<ProbeKind>& probe_kinds();
const std::vector<ResponderKind>& responder_kinds();
const std::vector<CaptureKind>& capture_kinds();
// How an agent waits for a packet: "block", "spin", "busy_poll".
const std::vector<std::string>& wait_modes();

const NodeKind* find_node_kind(const std::string& name);
const LinkKind* find_link_kind(const std::string& name);
const ProbeKind* find_probe_kind(const std::string& name);
const ResponderKind* find_responder_kind(const std::string& name);
const CaptureKind* find_capture_kind(const std::string& name);

template <typename K>
std::vector<std::string> kind_names(const std::vector<K>& kinds) {
  std::vector<std::string> out;
  for (const auto& k : kinds) out.push_back(k.name);
  return out;
}

// Link kind parsers, each in its own file.
void parse_veth_link(ParseCtx& ctx, ObjReader& r, size_t link_index);
void parse_bridge_link(ParseCtx& ctx, ObjReader& r, size_t link_index);
void parse_phys_link(ParseCtx& ctx, ObjReader& r, size_t link_index);

}  // namespace latlab::scenario
