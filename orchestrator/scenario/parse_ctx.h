// State shared by the parsers of a scenario's sections (internal to scenario/).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/diag.h"
#include "scenario/model.h"
#include "scenario/obj_reader.h"

namespace latlab::scenario {

struct ParseCtx {
  Diags& d;
  Lab& lab;

  // Name rules. Each records an error and returns false when the name is bad.
  bool check_ifname(const std::string& name, const JValue& v, const std::string& pointer);
  bool check_object_name(const std::string& name, const char* what, size_t max_len, const JValue& v,
                         const std::string& pointer);
  bool check_object_name(const std::string& name, const char* what, size_t max_len, TextPos pos,
                         const std::string& pointer);

  // A declared node by name, or an error "node "c" is not declared (declared: ...)".
  const Node* node_ref(const std::string& name, const JValue& v, const std::string& pointer);
  // "node:ifname" split and checked; the node must be declared.
  std::optional<std::pair<std::string, std::string>> endpoint_ref(const std::string& text,
                                                                  const JValue& v,
                                                                  const std::string& pointer);

  // Appends an interface the lab creates; refuses one already used.
  std::optional<size_t> add_interface(Interface iface, const JValue& v);

  // mtu, txqueuelen, qdisc, offloads (and mac when allow_mac) on top of base.
  LinkSettings read_settings(ObjReader& r, const LinkSettings& base, bool allow_mac);
  // An "addresses" array of "ip/len" strings.
  std::vector<Prefix> read_addresses(ObjReader& r, const std::string& key, FieldRefs* refs = nullptr);
  std::optional<MacAddr> read_mac(ObjReader& r, const std::string& key);

  // An endpoint: "node:ifname" or {"at": "node:ifname", addresses, mac, mtu, ...}.
  // extra_keys: more keys the object form may hold (e.g. "port" for bridge members).
  std::optional<size_t> endpoint(const JValue& v, const std::string& pointer, size_t link, IfRole role,
                                 const LinkSettings& base, const std::vector<std::string>& extra_keys,
                                 const JValue** object_out = nullptr);
};

// The scenario's "hosts" and a node's "host" (parse_hosts.cpp).
void parse_hosts(ParseCtx& ctx, const JValue& v, const std::string& ptr);
void parse_node_host(ParseCtx& ctx, ObjReader& r, Node& node);

// An experiment's "load" array and its "pairs" (parse_load.cpp).
void parse_load(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr);
void parse_pairs(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr);

}  // namespace latlab::scenario
