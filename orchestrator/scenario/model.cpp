#include "scenario/model.h"

#include <algorithm>

namespace latlab::scenario {

const char* path_kind_name(PathKind k) {
  switch (k) {
    case PathKind::peer:
      return "peer";
    case PathKind::self:
      return "self";
    case PathKind::localhost:
      return "localhost";
  }
  return "peer";
}

const Node* Lab::find_node(const std::string& n) const {
  for (const auto& node : nodes)
    if (node.name == n) return &node;
  return nullptr;
}

Lab part_of(const Lab& lab, const std::string& host) {
  if (lab.hosts.empty()) return lab;
  Lab part = lab;
  auto elsewhere = [&](const std::string& node) { return lab.host_of(node) != host; };
  std::erase_if(part.nodes, [&](const Node& n) { return n.host != host; });
  std::erase_if(part.interfaces, [&](const Interface& f) { return elsewhere(f.node); });
  std::erase_if(part.experiments, [&](const Experiment& e) {
    if (elsewhere(e.from_node) || (!e.to_node.empty() && elsewhere(e.to_node))) return true;
    return std::any_of(e.pairs.begin(), e.pairs.end(), [&](const auto& p) {
      return elsewhere(p.from_node) || (!p.to_node.empty() && elsewhere(p.to_node));
    });
  });
  return part;
}

std::vector<std::string> hosts_in_use(const Lab& lab) {
  std::vector<std::string> out;
  auto used = [&](const std::string& h) {
    return std::any_of(lab.nodes.begin(), lab.nodes.end(), [&](const Node& n) { return n.host == h; });
  };
  if (used(kLocalHost)) out.push_back(kLocalHost);
  for (const auto& h : lab.hosts)
    if (used(h.name)) out.push_back(h.name);
  return out;
}

const Host* Lab::find_host(const std::string& n) const {
  for (const auto& h : hosts)
    if (h.name == n) return &h;
  return nullptr;
}

const std::string& Lab::host_of(const std::string& node) const {
  static const std::string local = kLocalHost;
  const Node* n = find_node(node);
  return n ? n->host : local;
}

const Interface* Lab::find_interface(const std::string& node, const std::string& name) const {
  for (const auto& f : interfaces)
    if (f.node == node && f.name == name) return &f;
  return nullptr;
}

std::vector<const Interface*> Lab::interfaces_of(const std::string& node) const {
  std::vector<const Interface*> out;
  for (const auto& f : interfaces)
    if (f.node == node) out.push_back(&f);
  return out;
}

std::string netns_name_for(const std::string& lab, const std::string& node) {
  return "latlab-" + lab + "-" + node;
}

std::string ownership_mark(const std::string& lab) { return "latlab:" + lab; }

std::string outside_benchmarking(const std::string& text) {
  return "\"" + text +
         "\" is outside the benchmarking ranges 198.18.0.0/15 and 2001:2::/48, which a lab keeps to so that it "
         "never shadows a network of the machine; set \"allow_any_addresses\": true at the top level to use it";
}

bool in_benchmarking_ranges(const IpAddr& a) {
  static const Prefix v4 = *Prefix::parse("198.18.0.0/15");
  static const Prefix v6 = *Prefix::parse("2001:2::/48");
  return v4.contains(a) || v6.contains(a);
}

SourceRef field_ref(const SourceRef& object, const FieldRefs& fields, const std::string& key) {
  auto it = fields.find(key);
  if (it != fields.end()) return it->second;
  SourceRef r = object;
  r.pointer += "/" + key;
  return r;
}

}  // namespace latlab::scenario
