// Keeps scenarios/scenario.schema.json in sync with the parser: the keys each
// object accepts, the keys it requires, and the kinds each registry knows are
// read from the parser's own error messages, never copied by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "scenario/load.h"
#include "support/example_scenarios.h"


namespace latlab::scenario {
namespace {

using nlohmann::json;
using StrSet = std::set<std::string>;

const std::string kSource = LATLAB_SOURCE_DIR;

json load_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

const json& schema() {
  static const json s = load_json(kSource + "/scenarios/scenario.schema.json");
  return s;
}

const json& def(const std::string& name) { return schema().at("$defs").at(name); }

StrSet schema_props(const json& obj) {
  StrSet out;
  for (const auto& [k, v] : obj.at("properties").items()) out.insert(k);
  return out;
}

StrSet schema_required(const json& obj) {
  StrSet out;
  if (obj.contains("required"))
    for (const auto& k : obj.at("required")) out.insert(k.get<std::string>());
  // An object with two forms (an experiment's own from/to, or a list of
  // "pairs") requires the first form's keys unless the second is used.
  if (obj.contains("anyOf") && obj.at("anyOf").size() == 2 && obj.at("anyOf").at(1).contains("required") &&
      obj.at("anyOf").at(1).at("required") == json::array({"pairs"}))
    for (const auto& k : obj.at("anyOf").at(0).at("required")) out.insert(k.get<std::string>());
  return out;
}

StrSet split_list(const std::string& text) {
  StrSet out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(", ", start);
    out.insert(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

// A small two-node lab with one veth and one experiment; `edit` replaces one
// marked place so that a test can put an unknown key or an empty object there.
std::string lab_with(const std::string& marker, const std::string& replacement) {
  std::string t = R"json({
  "latlab": 1, "name": "t", "pools": POOLS,
  "nodes": {"a": NODE_A, "b": {"kind": "netns"}},
  "links": [LINK, {"kind": "bridge", "node": "a", "name": "br0", "members": [MEMBER]}],
  "experiments": [EXPERIMENT]
  TOP
})json";
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"POOLS", R"({"ipv4": "198.18.0.0/15"})"},
      {"NODE_A", R"({"kind": "netns", "routes": [ROUTE], "neighbors": [NEIGHBOR]})"},
      {"ROUTE", R"({"to": "default", "via": "198.18.0.2"})"},
      {"NEIGHBOR", R"({"ip": "198.18.0.2", "mac": "02:00:00:00:00:02", "dev": "eth0"})"},
      {"LINK",
       R"({"kind": "veth", "endpoints": [ENDPOINT, "b:eth0"], "qdisc": QDISC, "offloads": OFFLOADS})"},
      {"ENDPOINT", R"({"at": "a:eth0"})"},
      {"QDISC", R"({"kind": "netem", "delay": "1ms"})"},
      {"OFFLOADS", R"({"gro": false})"},
      {"MEMBER", R"({"at": "b:eth1"})"},
      {"EXPERIMENT",
       R"({"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": RESPONDER, "options": OPTIONS, "captures": [CAPTURE]})"},
      {"RESPONDER", R"({"kind": "kernel"})"},
      {"OPTIONS", R"({"priority": 1})"},
      {"CAPTURE", R"({"kind": "perf"})"},
      {"TOP", ""},
  };
  for (const auto& [m, v] : defaults) {
    auto pos = t.find(m);
    if (pos == std::string::npos) continue;
    t.replace(pos, m.size(), m == marker ? replacement : v);
  }
  return t;
}

// Inserts "zzz": 1 into the object that `marker` stands for.
std::string with_unknown_key(const std::string& marker, const std::string& object) {
  if (marker == "TOP") return lab_with("TOP", R"(, "zzz": 1)");
  std::string o = object;
  o.insert(o.size() - 1, R"(, "zzz": 1)");
  return lab_with(marker, o);
}

// The keys the parser accepts where "zzz" was put, from its "allowed: ..." hint.
StrSet parser_keys(const std::string& text) {
  auto r = load_scenario_text(text, "x.json");
  for (const auto& d : r.errors) {
    if (d.message.rfind("unknown key \"zzz\"", 0) != 0) continue;
    auto open = d.message.find("(allowed: ");
    if (open == std::string::npos) {
      ADD_FAILURE() << "no list of allowed keys in: " << d.str();
      return {};
    }
    open += 10;
    return split_list(d.message.substr(open, d.message.size() - open - 1));
  }
  ADD_FAILURE() << "no unknown-key error for \"zzz\"; errors: "
                << (r.errors.empty() ? std::string("none") : r.errors[0].str());
  return {};
}

// The keys the parser reports as missing for an object written as `object`.
StrSet parser_required(const std::string& marker, const std::string& object) {
  auto r = load_scenario_text(lab_with(marker, object), "x.json");
  StrSet out;
  for (const auto& d : r.errors) {
    const std::string prefix = "missing required key \"";
    if (d.message.rfind(prefix, 0) != 0) continue;
    auto end = d.message.find('"', prefix.size());
    out.insert(d.message.substr(prefix.size(), end - prefix.size()));
  }
  return out;
}

struct ObjectCase {
  const char* what;    // the format's object
  const char* def;     // its definition in the schema ("" = the root)
  const char* marker;  // where it sits in lab_with()
  const char* object;  // a valid instance, to which "zzz" is added
};

const ObjectCase kObjects[] = {
    {"scenario", "", "TOP", ""},
    {"pools", "pools", "POOLS", R"({"ipv4": "198.18.0.0/15"})"},
    {"node", "node", "NODE_A", R"({"kind": "netns"})"},
    {"route", "route", "ROUTE", R"({"to": "default", "via": "198.18.0.2"})"},
    {"neighbor", "neighbor", "NEIGHBOR",
     R"({"ip": "198.18.0.2", "mac": "02:00:00:00:00:02", "dev": "eth0"})"},
    {"veth link", "vethLink", "LINK", R"({"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]})"},
    {"bridge link", "bridgeLink", "LINK", R"({"kind": "bridge", "node": "a", "name": "br1", "members": []})"},
    {"phys link", "physLink", "LINK", R"({"kind": "phys", "device": "enp1s0", "node": "a"})"},
    {"docker-network link", "dockerNetworkLink", "LINK",
     R"({"kind": "docker-network", "name": "dn", "subnet": "198.18.9.0/24"})"},
    {"vxlan link", "vxlanLink", "LINK",
     R"({"kind": "vxlan", "endpoints": [{"at": "a:vx0", "underlay": "eth1"}, {"at": "b:vx0", "underlay": "eth1"}]})"},
    {"endpoint", "endpointObject", "ENDPOINT", R"({"at": "a:eth0"})"},
    {"bridge member", "bridgeMemberObject", "MEMBER", R"({"at": "b:eth1"})"},
    {"qdisc", "qdisc", "QDISC", R"({"kind": "netem"})"},
    {"offloads", "offloads", "OFFLOADS", R"({"gro": false})"},
    {"experiment", "experiment", "EXPERIMENT",
     R"({"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0"})"},
    {"responder", "responder", "RESPONDER", R"({"kind": "kernel"})"},
    {"probe options", "options", "OPTIONS", R"({"priority": 1})"},
    {"capture", "captureObject", "CAPTURE", R"({"kind": "perf"})"},
};

const json& schema_object(const ObjectCase& c) { return std::string(c.def).empty() ? schema() : def(c.def); }

TEST(SchemaSync, TheBaseLabIsValid) {
  auto r = load_scenario_text(lab_with("", ""), "x.json");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
}

TEST(SchemaSync, EveryObjectHasTheParsersKeys) {
  for (const auto& c : kObjects) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(schema_props(schema_object(c)), parser_keys(with_unknown_key(c.marker, c.object)));
  }
}

TEST(SchemaSync, EveryObjectForbidsOtherKeys) {
  for (const auto& c : kObjects) {
    SCOPED_TRACE(c.what);
    const json& o = schema_object(c);
    ASSERT_TRUE(o.contains("additionalProperties"));
    EXPECT_EQ(o.at("additionalProperties"), false);
  }
}

TEST(SchemaSync, RequiredKeysMatchTheParser) {
  struct Req {
    const char* def;
    const char* marker;
    const char* object;  // an instance missing every required key but the dispatching "kind"
    StrSet ignored;      // schema-required keys the parser needs before it can report the rest
  };
  const Req reqs[] = {
      {"", "TOP", "", {}},
      {"node", "NODE_A", "{}", {}},
      {"route", "ROUTE", "{}", {}},
      {"neighbor", "NEIGHBOR", "{}", {}},
      {"vethLink", "LINK", R"({"kind": "veth"})", {"kind"}},
      {"bridgeLink", "LINK", R"({"kind": "bridge"})", {"kind"}},
      {"physLink", "LINK", R"({"kind": "phys"})", {"kind"}},
      {"dockerNetworkLink", "LINK", R"({"kind": "docker-network"})", {"kind"}},
      {"endpointObject", "ENDPOINT", "{}", {}},
      {"qdisc", "QDISC", "{}", {}},
      {"experiment", "EXPERIMENT", "{}", {}},
      {"captureObject", "CAPTURE", "{}", {}},
  };
  for (const auto& q : reqs) {
    SCOPED_TRACE(std::string("$defs/") + q.def);
    const json& o = std::string(q.def).empty() ? schema() : def(q.def);
    StrSet want = schema_required(o);
    for (const auto& k : q.ignored) want.erase(k);
    StrSet got;
    if (std::string(q.def).empty()) {
      auto r = load_scenario_text("{}", "x.json");
      for (const auto& d : r.errors) {
        auto b = d.message.find('"'), e = d.message.rfind('"');
        got.insert(d.message.substr(b + 1, e - b - 1));
      }
    } else {
      got = parser_required(q.marker, q.object);
    }
    EXPECT_EQ(want, got);
  }
}

// "node kind \"zzz\" is not supported; supported node kinds are host, netns, docker"
StrSet parser_kinds(const std::string& text, const std::string& what) {
  auto r = load_scenario_text(text, "x.json");
  const std::string lead = "supported " + what + "s are ";
  for (const auto& d : r.errors) {
    auto p = d.message.find(lead);
    if (p == std::string::npos) continue;
    std::string list = d.message.substr(p + lead.size());
    auto hint = list.find(" (");
    if (hint != std::string::npos) list.resize(hint);
    return split_list(list);
  }
  ADD_FAILURE() << "no \"" << lead
                << "\" message; errors: " << (r.errors.empty() ? std::string("none") : r.errors[0].str());
  return {};
}

StrSet enum_of(const json& j) {
  StrSet out;
  for (const auto& v : j.at("enum")) out.insert(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

TEST(SchemaSync, KindEnumsMatchTheRegistries) {
  EXPECT_EQ(enum_of(def("node").at("properties").at("kind")),
            parser_kinds(lab_with("NODE_A", R"({"kind": "zzz"})"), "node kind"));
  StrSet link_kinds;
  for (const auto& alt : schema().at("properties").at("links").at("items").at("oneOf")) {
    std::string ref = alt.at("$ref").get<std::string>();
    link_kinds.insert(
        def(ref.substr(ref.rfind('/') + 1)).at("properties").at("kind").at("const").get<std::string>());
  }
  EXPECT_EQ(link_kinds, parser_kinds(lab_with("LINK", R"({"kind": "zzz"})"), "link kind"));
  EXPECT_EQ(enum_of(def("experiment").at("properties").at("probe")),
            parser_kinds(lab_with("EXPERIMENT", R"({"name": "e", "probe": "zzz", "from": "a", "to": "b"})"),
                         "probe kind"));
  EXPECT_EQ(enum_of(def("captureKind")),
            parser_kinds(lab_with("CAPTURE", R"({"kind": "zzz"})"), "capture kind"));
  EXPECT_EQ(enum_of(def("qdisc").at("properties").at("kind")),
            parser_kinds(lab_with("QDISC", R"({"kind": "zzz"})"), "qdisc kind"));
}

TEST(SchemaSync, OtherEnumsMatchTheParser) {
  EXPECT_EQ(enum_of(schema().at("properties").at("order")),
            parser_kinds(lab_with("TOP", R"(, "order": "zzz")"), "order"));
  EXPECT_EQ(enum_of(def("responder").at("properties").at("kind")),
            parser_kinds(lab_with("RESPONDER", R"({"kind": "zzz"})"), "responder kind"));
  EXPECT_EQ(def("experiment").at("properties").at("wait").at("$ref"), "#/$defs/wait");
  EXPECT_EQ(def("responder").at("properties").at("wait").at("$ref"), "#/$defs/wait");
  EXPECT_EQ(
      enum_of(def("wait")),
      parser_kinds(lab_with("EXPERIMENT",
                            R"({"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": "zzz"})"),
                   "wait mode"));
  EXPECT_EQ(enum_of(def("wait")), parser_kinds(lab_with("RESPONDER", R"({"wait": "zzz"})"), "wait mode"));
  EXPECT_EQ(
      enum_of(def("physLink").at("properties").at("mode")),
      parser_kinds(lab_with("LINK", R"({"kind": "phys", "device": "enp1s0", "node": "a", "mode": "zzz"})"),
                   "phys mode"));
  EXPECT_EQ(
      enum_of(def("physLink").at("properties").at("macvlan_mode")),
      parser_kinds(lab_with("LINK", R"({"kind": "phys", "device": "enp1s0", "node": "a", "mode": "macvlan",
                                             "ifname": "mv0", "macvlan_mode": "zzz"})"),
                   "macvlan mode"));
}

TEST(SchemaSync, SchemaDeclaresItsDialectAndDescribesEveryProperty) {
  EXPECT_EQ(schema().at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  std::vector<std::string> undocumented;
  auto check = [&](const std::string& where, const json& obj) {
    if (!obj.contains("properties")) return;
    for (const auto& [k, v] : obj.at("properties").items()) {
      bool has = v.contains("description") || v.contains("$ref") || v.contains("const");
      if (!has) undocumented.push_back(where + "/" + k);
    }
  };
  check("", schema());
  for (const auto& [name, d] : schema().at("$defs").items()) check(name, d);
  EXPECT_THAT(undocumented, ::testing::IsEmpty());
}

// A tiny structural check of an instance against one schema object:
// required keys present, no key outside "properties".
void check_structure(const std::string& where, const json& instance, const json& obj,
                     std::vector<std::string>& problems) {
  if (!instance.is_object()) return;
  for (const auto& k : schema_required(obj))
    if (!instance.contains(k)) problems.push_back(where + ": missing " + k);
  StrSet props = schema_props(obj);
  for (const auto& [k, v] : instance.items())
    if (!props.count(k)) problems.push_back(where + ": key " + k + " not in the schema");
}

std::vector<std::filesystem::path> example_scenarios() {
  return latlab::test::example_scenario_files(kSource + "/scenarios");
}

TEST(SchemaSync, ExampleScenariosFitTheSchemaStructure) {
  auto files = example_scenarios();
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    json doc = load_json(f);
    std::vector<std::string> problems;
    check_structure("/", doc, schema(), problems);
    const json nodes = doc.contains("nodes") ? doc.at("nodes") : json::object();
    const json links = doc.contains("links") ? doc.at("links") : json::array();
    const json experiments = doc.contains("experiments") ? doc.at("experiments") : json::array();
    for (const auto& [name, node] : nodes.items()) {
      check_structure("/nodes/" + name, node, def("node"), problems);
    }
    for (const auto& link : links) {
      // The schema's own link definition for the kind (its "kind" const).
      std::string kind = link.value("kind", ""), d;
      for (const auto& alt : schema().at("properties").at("links").at("items").at("oneOf")) {
        std::string ref = alt.at("$ref").get<std::string>().substr(std::string("#/$defs/").size());
        if (def(ref).at("properties").at("kind").value("const", "") == kind) d = ref;
      }
      if (d.empty()) {
        problems.push_back("/links/" + kind + ": no link definition in the schema");
        continue;
      }
      check_structure("/links/" + kind, link, def(d), problems);
    }
    for (const auto& e : experiments)
      check_structure("/experiments/" + e.value("name", "?"), e, def("experiment"), problems);
    EXPECT_THAT(problems, ::testing::IsEmpty());
    EXPECT_EQ(doc.value("$schema", ""), "./scenario.schema.json");
  }
}

}  // namespace
}  // namespace latlab::scenario
