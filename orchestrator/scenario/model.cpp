#include "scenario/model.h"

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

SourceRef field_ref(const SourceRef& object, const FieldRefs& fields, const std::string& key) {
  auto it = fields.find(key);
  if (it != fields.end()) return it->second;
  SourceRef r = object;
  r.pointer += "/" + key;
  return r;
}

}  // namespace latlab::scenario
