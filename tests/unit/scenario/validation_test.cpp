// Every validation rule of scenario format v1, with the exact first error line
// a user sees (`latlab validate` prints Diagnostic::str()).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenario/load.h"

namespace latlab::scenario {
namespace {

struct InvalidCase {
  const char* name;
  const char* json;
  const char* first_error;
};

// Each text is fed to load_scenario_text(text, "x.json"); the expected line
// is errors[0].str(). Positions are 1-based line:column of the offending value.
const InvalidCase kInvalid[] = {
    {"not_json",
     R"json(hello
)json",
     "x.json:1:1: error: invalid JSON: expected a JSON value, found 'h'"},
    {"empty_file", R"json()json",
     "x.json:1:1: error: invalid JSON: the file is empty; a scenario is a JSON object"},
    {"whitespace_only",
     R"json(  

 )json",
     "x.json:3:2: error: invalid JSON: the file is empty; a scenario is a JSON object"},
    {"trailing_comma_object",
     R"json({
  "latlab": 1,
  "name": "t",
}
)json",
     "x.json:4:1: error: invalid JSON: trailing comma before '}'"},
    {"trailing_comma_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},,
  ]
}
)json",
     "x.json:6:57: error: invalid JSON: expected a JSON value, found ','"},
    {"missing_colon",
     R"json({
  "latlab" 1
}
)json",
     "x.json:2:12: error: invalid JSON: expected ':' after key \"latlab\", found '1'"},
    {"unterminated_string",
     R"json({
  "latlab": 1,
  "name": "t
}
)json",
     "x.json:3:13: error: invalid JSON: control character 0x0a in a string; escape it"},
    {"leading_zero", R"json({"latlab": 01})json",
     "x.json:1:12: error: invalid JSON: numbers must not have leading zeros"},
    {"bad_escape", R"json({"name": "a\qb"})json",
     "x.json:1:14: error: invalid JSON: invalid escape '\\q' in a string"},
    {"unpaired_surrogate", R"json({"name": "\ud800x"})json",
     "x.json:1:17: error: invalid JSON: unpaired UTF-16 surrogate in \\u escape"},
    {"nesting_too_deep",
     R"json({"x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})json",
     "x.json:1:71: error: invalid JSON: nesting deeper than 64 levels"},
    {"duplicate_key_top",
     R"json({
  "latlab": 1,
  "name": "t",
  "latlab": 1,
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:4:3: error: /latlab: duplicate key \"latlab\" (first at 2:3)"},
    {"duplicate_key_nested",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "kind": "host"}
  }
}
)json",
     "x.json:5:28: error: /nodes/a/kind: duplicate key \"kind\" (first at 5:11)"},
    {"top_level_array",
     R"json([
  {"latlab": 1}
]
)json",
     "x.json:1:1: error: expected an object (scenario), found array"},
    {"top_level_string",
     R"json("scenario"
)json",
     "x.json:1:1: error: expected an object (scenario), found string"},
    {"unknown_key_with_hint",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "experimets": []
}
)json",
     "x.json:5:3: error: /experimets: unknown key \"experimets\" in scenario (did you mean "
     "\"experiments\"?)"},
    {"unknown_key_without_hint",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "zzz": 1
}
)json",
     "x.json:5:3: error: /zzz: unknown key \"zzz\" in scenario (allowed: $schema, allow_any_addresses, description, experiments, "
     "hosts, latlab, links, min_effect, name, nodes, order, pools, repeat, seed)"},
    {"latlab_wrong_type",
     R"json({
  "latlab": "1",
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:2:13: error: /latlab: expected an integer, found string"},
    {"latlab_missing",
     R"json({
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:1:1: error: missing required key \"latlab\""},
    {"name_missing",
     R"json({
  "latlab": 1,
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:1:1: error: missing required key \"name\""},
    {"nodes_missing",
     R"json({
  "latlab": 1,
  "name": "t"
}
)json",
     "x.json:1:1: error: missing required key \"nodes\""},
    {"version_2",
     R"json({
  "latlab": 2,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:2:13: error: /latlab: format version 2 is not supported; this latlab reads version 1"},
    {"lab_name_space",
     R"json({
  "latlab": 1,
  "name": "my lab",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:3:11: error: /name: lab name \"my lab\" is not valid: use letters, digits, '_', '.' and '-', "
     "start with a letter, digit or '_', at most 32 characters"},
    {"lab_name_too_long",
     R"json({
  "latlab": 1,
  "name": "lllllllllllllllllllllllllllllllll",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:3:11: error: /name: lab name \"lllllllllllllllllllllllllllllllll\" is not valid: use letters, "
     "digits, '_', '.' and '-', start with a letter, digit or '_', at most 32 characters"},
    {"lab_name_leading_dash",
     R"json({
  "latlab": 1,
  "name": "-t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}}
}
)json",
     "x.json:3:11: error: /name: lab name \"-t\" is not valid: use letters, digits, '_', '.' and '-', start "
     "with a letter, digit or '_', at most 32 characters"},
    {"description_not_string",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "description": 42
}
)json",
     "x.json:5:18: error: /description: expected a string, found integer"},
    {"nodes_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": ["a", "b"]
}
)json",
     "x.json:4:12: error: /nodes: expected an object of node names to nodes, found array"},
    {"nodes_empty",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {}
}
)json",
     "x.json:4:12: error: /nodes: a lab needs at least one node"},
    {"links_not_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": {"kind": "veth"}
}
)json",
     "x.json:5:12: error: /links: expected an array of links, found object"},
    {"experiments_not_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "experiments": {}
}
)json",
     "x.json:5:18: error: /experiments: expected an array of experiments, found object"},
    {"repeat_zero",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "repeat": 0
}
)json",
     "x.json:5:13: error: /repeat: 0 is out of range (1 to 10000)"},
    {"repeat_fraction",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "repeat": 1.5
}
)json",
     "x.json:5:13: error: /repeat: expected an integer, found number"},
    {"order_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "order": "random"
}
)json",
     "x.json:5:12: error: /order: order \"random\" is not supported; supported orders are shuffled, "
     "interleaved, sequential"},
    {"order_typo",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "order": "shufled"
}
)json",
     "x.json:5:12: error: /order: order \"shufled\" is not supported; supported orders are shuffled, "
     "interleaved, sequential (did you mean \"shuffled\"?)"},
    {"pool_too_small",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "pools": {"ipv4": "198.18.0.0/25"}
}
)json",
     "x.json:5:21: error: /pools/ipv4: pool \"198.18.0.0/25\" is too small: automatic addressing needs at "
     "least a /24"},
    {"pool_exhausted",
     R"json({
  "latlab": 1,
  "name": "t",
  "pools": {"ipv4": "198.18.0.0/24"},
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},
    {"kind": "veth", "endpoints": ["a:eth1", "b:eth1"]}
  ]
}
)json",
     "x.json:8:5: error: /links/1: the IPv4 pool 198.18.0.0/24 has no free /24 left for the 2 addresses of "
     "this link"},
    {"unterminated_string_at_eof",
     R"json({
  "name": "t)json",
     "x.json:2:11: error: invalid JSON: unterminated string"},
    {"seed_negative",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "seed": -1
}
)json",
     "x.json:5:11: error: /seed: -1 is out of range (0 to 9223372036854775807)"},
    {"pools_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "pools": "198.18.0.0/15"
}
)json",
     "x.json:5:12: error: /pools: expected an object (pools), found string"},
    {"pool_not_a_prefix",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "pools": {"ipv4": "198.18.0.0"}
}
)json",
     "x.json:5:21: error: /pools/ipv4: \"198.18.0.0\" is not an IPv4 prefix"},
    {"pool_wrong_family",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "pools": {"ipv6": "198.18.0.0/15"}
}
)json",
     "x.json:5:21: error: /pools/ipv6: \"198.18.0.0/15\" is not an IPv6 prefix"},
    {"pools_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "pools": {"ipv5": "198.18.0.0/15"}
}
)json",
     "x.json:5:13: error: /pools/ipv5: unknown key \"ipv5\" in pools (did you mean \"ipv4\"?)"},
    {"node_name_reserved_self",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "self": {"kind": "netns"}
  }
}
)json",
     "x.json:5:5: error: /nodes/self: node name \"self\" is reserved (it names an experiment target)"},
    {"node_name_reserved_localhost",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "localhost": {"kind": "netns"}
  }
}
)json",
     "x.json:5:5: error: /nodes/localhost: node name \"localhost\" is reserved (it names an experiment "
     "target)"},
    {"node_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": "netns"
  }
}
)json",
     "x.json:5:10: error: /nodes/a: expected an object (node), found string"},
    {"node_kind_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"sysctls": {}}
  }
}
)json",
     "x.json:5:10: error: /nodes/a: missing required key \"kind\""},
    {"node_kind_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "vm"}
  }
}
)json",
     "x.json:5:19: error: /nodes/a/kind: node kind \"vm\" is not supported; supported node kinds are host, "
     "netns, docker"},
    {"node_kind_typo",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netn"}
  }
}
)json",
     "x.json:5:19: error: /nodes/a/kind: node kind \"netn\" is not supported; supported node kinds are host, "
     "netns, docker (did you mean \"netns\"?)"},
    {"node_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctl": {}}
  }
}
)json",
     "x.json:5:28: error: /nodes/a/sysctl: unknown key \"sysctl\" in node (did you mean \"sysctls\"?)"},
    {"two_host_nodes",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "h1": {"kind": "host"},
    "h2": {"kind": "host"}
  }
}
)json",
     "x.json:6:5: error: /nodes/h2: only one node can be of kind host (node \"h1\" already is: both would be "
     "this machine's root namespace)"},
    {"docker_unknown_network",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "c": {"kind": "docker", "network": "nope"}
  }
}
)json",
     "x.json:5:40: error: /nodes/c/network: network \"nope\" is neither \"bridge\", \"none\" nor a docker-network "
     "link of this lab (it declares none)"},
    {"docker_agent_mode",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "c": {"kind": "docker", "agent": "ssh"}
  }
}
)json",
     "x.json:5:38: error: /nodes/c/agent: agent mode \"ssh\" is not supported; supported agent modes are exec, setns"},
    {"docker_network_outside_pool",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "c": {"kind": "docker", "network": "dn"}
  },
  "links": [{"kind": "docker-network", "name": "dn", "subnet": "10.1.0.0/24"}]
}
)json",
     "x.json:7:64: error: /links/0/subnet: subnet 10.1.0.0/24 is outside 198.18.0.0/15 (latlab's labs use only "
     "that range)"},
    {"image_on_netns",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "image": "debian:12"}
  }
}
)json",
     "x.json:5:37: error: /nodes/a/image: \"image\" applies to node kind docker, not netns"},
    {"sysctls_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctls": ["net.ipv4.ip_forward=1"]},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:39: error: /nodes/a/sysctls: expected an object of sysctl names to values, found array"},
    {"sysctl_name_invalid",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctls": {"net..ipv4": "1"}},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:40: error: /nodes/a/sysctls/net..ipv4: sysctl name \"net..ipv4\" is not valid (dotted, e.g. "
     "\"net.ipv4.ip_forward\")"},
    {"sysctl_name_slash",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctls": {"net/ipv4/ip_forward": "1"}},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:40: error: /nodes/a/sysctls/net~1ipv4~1ip_forward: sysctl name \"net/ipv4/ip_forward\" is not "
     "valid (dotted, e.g. \"net.ipv4.ip_forward\")"},
    {"sysctl_value_bool",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctls": {"net.ipv4.ip_forward": true}},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:63: error: /nodes/a/sysctls/net.ipv4.ip_forward: expected a string or an integer, found "
     "boolean"},
    {"sysctl_value_two_lines",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctls": {"net.ipv4.ip_forward": "1\n0"}},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:63: error: /nodes/a/sysctls/net.ipv4.ip_forward: sysctl value must be one line"},
    {"global_sysctl_without_allow",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "sysctls": {"net.core.rmem_max": 8388608}},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:61: error: /nodes/a/sysctls/net.core.rmem_max: sysctl \"net.core.rmem_max\" is not per "
     "network namespace: it changes the whole machine; set \"allow_global_sysctls\": true on node \"a\" to "
     "allow it (restored at teardown)"},
    {"host_sysctl_without_allow",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "h": {"kind": "host", "sysctls": {"net.ipv4.ip_forward": "1"}}
  }
}
)json",
     "x.json:5:62: error: /nodes/h/sysctls/net.ipv4.ip_forward: sysctl \"net.ipv4.ip_forward\" on node \"h\" "
     "changes this machine's root namespace; set \"allow_global_sysctls\": true on node \"h\" to allow it "
     "(restored at teardown)"},
    {"allow_global_sysctls_not_bool",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "allow_global_sysctls": "yes"},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:52: error: /nodes/a/allow_global_sysctls: expected true or false, found string"},
    {"cpus_open_range",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "cpus": "0-"},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:36: error: /nodes/a/cpus: \"0-\" is not a CPU list (e.g. \"1\", \"0-3\", \"0,2\")"},
    {"cpus_integer",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "cpus": 3},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:36: error: /nodes/a/cpus: expected a string, found integer"},
    {"cpus_letters",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "cpus": "all"},
    "b": {"kind": "netns"}
  }
}
)json",
     "x.json:5:36: error: /nodes/a/cpus: \"all\" is not a CPU list (e.g. \"1\", \"0-3\", \"0,2\")"},
    {"routes_not_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": {"to": "default"}},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:5:38: error: /nodes/a/routes: expected an array of routes, found object"},
    {"route_bad_prefix",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "198.18.4/24", "via": "198.18.0.2"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:14: error: /nodes/a/routes/0/to: \"198.18.4/24\" is not \"default\" or a prefix (e.g. "
     "\"198.18.4.0/24\")"},
    {"route_missing_to",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"via": "198.18.0.2"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:7: error: /nodes/a/routes/0: missing required key \"to\""},
    {"route_bad_via",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "default", "via": "198.18.0.256"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:32: error: /nodes/a/routes/0/via: \"198.18.0.256\" is not an IP address"},
    {"route_family_mismatch",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "2001:2:0:9::/64", "via": "198.18.0.2"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:40: error: /nodes/a/routes/0/via: gateway 198.18.0.2 is IPv4 but the route to 2001:2:0:9::/64 "
     "is IPv6"},
    {"route_via_not_on_subnet",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "198.18.9.0/24", "via": "198.18.5.1"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:38: error: /nodes/a/routes/0/via: gateway 198.18.5.1 is not on a subnet of node \"a\""},
    {"route_dev_not_in_node",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "198.18.9.0/24", "dev": "eth1"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:38: error: /nodes/a/routes/0/dev: interface \"eth1\" is not in node \"a\" (it has lo, eth0)"},
    {"route_dev_invalid_name",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "198.18.9.0/24", "dev": "eth 1"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:38: error: /nodes/a/routes/0/dev: interface name \"eth 1\" contains a space; interface names "
     "are letters, digits, '_', '.' and '-' (what iproute2, Docker and a shell all take as they are)"},
    {"route_without_via_or_dev",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "198.18.9.0/24"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:7: error: /nodes/a/routes/0: route to \"198.18.9.0/24\" needs \"via\" or \"dev\""},
    {"route_metric_negative",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "198.18.9.0/24", "dev": "eth0", "metric": -1}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:56: error: /nodes/a/routes/0/metric: -1 is out of range (0 to 4294967295)"},
    {"route_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "routes": [
      {"to": "default", "via": "198.18.0.2", "gateway": "198.18.0.2"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:46: error: /nodes/a/routes/0/gateway: unknown key \"gateway\" in route (allowed: dev, metric, "
     "to, via)"},
    {"neighbor_bad_ip",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "neighbors": [
      {"ip": "198.18.0.x", "mac": "02:00:00:00:00:02", "dev": "eth0"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:14: error: /nodes/a/neighbors/0/ip: \"198.18.0.x\" is not an IP address"},
    {"neighbor_bad_mac",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "neighbors": [
      {"ip": "198.18.0.2", "mac": "02:00:00:00:02", "dev": "eth0"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:35: error: /nodes/a/neighbors/0/mac: \"02:00:00:00:02\" is not a MAC address (e.g. "
     "\"02:00:00:00:00:01\")"},
    {"neighbor_multicast_mac",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "neighbors": [
      {"ip": "198.18.0.2", "mac": "01:00:5e:00:00:01", "dev": "eth0"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:35: error: /nodes/a/neighbors/0/mac: MAC address \"01:00:5e:00:00:01\" is a multicast or zero "
     "address; an interface needs a unicast one"},
    {"neighbor_dev_not_in_node",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "neighbors": [
      {"ip": "198.18.0.2", "mac": "02:00:00:00:00:02", "dev": "eth9"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:63: error: /nodes/a/neighbors/0/dev: interface \"eth9\" is not in node \"a\" (it has lo, "
     "eth0)"},
    {"neighbor_missing_mac",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "neighbors": [
      {"ip": "198.18.0.2", "dev": "eth0"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:7: error: /nodes/a/neighbors/0: missing required key \"mac\""},
    {"neighbor_missing_dev",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns", "neighbors": [
      {"ip": "198.18.0.2", "mac": "02:00:00:00:00:02"}
    ]},
    "b": {"kind": "netns"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:7: error: /nodes/a/neighbors/0: missing required key \"dev\""},
    {"link_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    "veth"
  ]
}
)json",
     "x.json:6:5: error: /links/0: expected an object (link), found string"},
    {"link_kind_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:5: error: /links/0: missing required key \"kind\" (veth, bridge, phys, docker-network, vxlan)"},
    {"link_kind_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "gre", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:14: error: /links/0/kind: link kind \"gre\" is not supported; supported link kinds are veth, "
     "bridge, phys, docker-network, vxlan"},
    {"link_kind_typo",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "bridg", "node": "a", "name": "br0", "members": []}
  ]
}
)json",
     "x.json:6:14: error: /links/0/kind: link kind \"bridg\" is not supported; supported link kinds are "
     "veth, bridge, phys, docker-network, vxlan (did you mean \"bridge\"?)"},
    {"link_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"], "peer": "x"}
  ]
}
)json",
     "x.json:6:57: error: /links/0/peer: unknown key \"peer\" in veth link (allowed: endpoints, kind, mtu, "
     "offloads, qdisc, static_neighbors, txqueuelen)"},
    {"veth_one_endpoint",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0"]}
  ]
}
)json",
     "x.json:6:35: error: /links/0/endpoints: a veth link has exactly 2 endpoints, found 1"},
    {"veth_three_endpoints",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0", "b:eth1"]}
  ]
}
)json",
     "x.json:6:35: error: /links/0/endpoints: a veth link has exactly 2 endpoints, found 3"},
    {"veth_endpoints_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth"}
  ]
}
)json",
     "x.json:6:5: error: /links/0: missing required key \"endpoints\""},
    {"veth_endpoints_not_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": "a:eth0 b:eth0"}
  ]
}
)json",
     "x.json:6:35: error: /links/0/endpoints: expected an array of two endpoints, found string"},
    {"endpoint_without_colon",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: endpoint \"a\" must be \"node:ifname\" (e.g. \"a:eth0\")"},
    {"endpoint_wrong_type",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [1, "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: expected \"node:ifname\" or an endpoint object, found "
     "integer"},
    {"endpoint_node_undeclared",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {
      "kind": "veth",
      "endpoints": [
        "a:eth0",
        "c:eth0"
      ]
    }
  ]
}
)json",
     "x.json:10:9: error: /links/0/endpoints/1: node \"c\" is not declared (declared: a, b)"},
    {"endpoint_object_missing_at",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"addresses": []}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: missing required key \"at\""},
    {"endpoint_object_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "adresses": []}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:53: error: /links/0/endpoints/0/adresses: unknown key \"adresses\" in endpoint (did you mean "
     "\"addresses\"?)"},
    {"ifname_16_bytes",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0123456789abc", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name \"eth0123456789abc\" is 16 bytes; the kernel "
     "allows at most 15"},
    {"ifname_slash",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth/0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name \"eth/0\" contains '/'; interface names "
     "are letters, digits, '_', '.' and '-' (what iproute2, Docker and a shell all take as they are)"},
    {"ifname_space",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth 0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name \"eth 0\" contains a space; interface names "
     "are letters, digits, '_', '.' and '-' (what iproute2, Docker and a shell all take as they are)"},
    {"ifname_colon",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth:0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name \"eth:0\" contains ':'; interface names "
     "are letters, digits, '_', '.' and '-' (what iproute2, Docker and a shell all take as they are)"},
    {"ifname_lo",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:lo", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name \"lo\" is reserved for the loopback device"},
    {"ifname_dot",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:.", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name \".\" is reserved"},
    {"ifname_empty",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/endpoints/0: interface name is empty"},
    {"interface_used_twice",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth1"]}
  ]
}
)json",
     "x.json:7:36: error: /links/1/endpoints/0: interface \"a:eth0\" is already used by "
     "/links/0/endpoints/0"},
    {"address_without_prefix_len",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.1"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"198.18.0.1\" is not an IP address with a "
     "prefix length (add the prefix length, e.g. \"198.18.0.1/24\")"},
    {"address_bad_text",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.300/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"198.18.0.300/24\" is not an IP address with a "
     "prefix length (e.g. \"198.18.0.1/24\" or \"2001:2::1/64\")"},
    {"address_prefix_len_33",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.1/33"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"198.18.0.1/33\" is not an IP address with a "
     "prefix length (e.g. \"198.18.0.1/24\" or \"2001:2::1/64\")"},
    {"address_not_string",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": [24]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: expected a string, found integer"},
    {"addresses_not_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": "198.18.0.1/24"}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:66: error: /links/0/endpoints/0/addresses: expected an array, found string"},
    {"address_network",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.0/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"198.18.0.0/24\" is the network address of "
     "198.18.0.0/24; use a host address such as 198.18.0.1/24"},
    {"address_broadcast",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.255/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"198.18.0.255/24\" is the broadcast address of "
     "198.18.0.0/24"},
    {"address_loopback",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["127.0.0.2/8"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"127.0.0.2/8\" is a loopback, multicast or "
     "unspecified address; an interface needs a unicast one"},
    {"address_multicast",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["224.0.0.5/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"224.0.0.5/24\" is a loopback, multicast or "
     "unspecified address; an interface needs a unicast one"},
    {"address_ipv6_loopback",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["::1/128"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:38: error: /links/0/endpoints/0/addresses/0: \"::1/128\" is a loopback, multicast or "
     "unspecified address; an interface needs a unicast one"},
    {"address_duplicate_across_interfaces",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.1/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.1/24"]}
    ]}
  ]
}
)json",
     "x.json:8:38: error: /links/0/endpoints/1/addresses/0: address 198.18.0.1 is already assigned to "
     "\"a:eth0\""},
    {"address_listed_twice",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.1/24", "198.18.0.1/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}
    ]}
  ]
}
)json",
     "x.json:7:55: error: /links/0/endpoints/0/addresses/1: address 198.18.0.1 is listed twice"},
    {"address_outside_veth_prefix",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.1/24"]},
      {"at": "b:eth0", "addresses": ["198.18.1.2/24"]}
    ]}
  ]
}
)json",
     "x.json:8:38: error: /links/0/endpoints/1/addresses/0: address 198.18.1.2/24 of \"b:eth0\" is outside "
     "the link's prefix 198.18.0.0/24 (from \"a:eth0\")"},
    {"address_outside_bridge_prefix",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {
      "kind": "bridge", "node": "a", "name": "br0", "addresses": ["198.18.0.1/24"],
      "members": [{"at": "b:eth0", "addresses": ["198.18.7.2/24"]}]
    }
  ]
}
)json",
     "x.json:8:50: error: /links/0/members/0/addresses/0: address 198.18.7.2/24 of \"b:eth0\" is outside the "
     "link's prefix 198.18.0.0/24 (from \"a:br0\")"},
    {"mtu_too_small",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "mtu": 67, "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:29: error: /links/0/mtu: 67 is out of range (68 to 65535)"},
    {"mtu_too_big",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "mtu": 65536}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:60: error: /links/0/endpoints/0/mtu: 65536 is out of range (68 to 65535)"},
    {"mtu_string",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "mtu": "9000", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:29: error: /links/0/mtu: expected an integer, found string"},
    {"txqueuelen_out_of_range",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "txqueuelen": 1000001, "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:36: error: /links/0/txqueuelen: 1000001 is out of range (0 to 1000000)"},
    {"mac_multicast",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "mac": "03:00:00:00:00:01"}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:60: error: /links/0/endpoints/0/mac: MAC address \"03:00:00:00:00:01\" is a multicast or zero "
     "address; an interface needs a unicast one"},
    {"mac_zero",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "mac": "00:00:00:00:00:00"}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:60: error: /links/0/endpoints/0/mac: MAC address \"00:00:00:00:00:00\" is a multicast or zero "
     "address; an interface needs a unicast one"},
    {"mac_bad_text",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "mac": "02-00-00-00-00-01"}, "b:eth0"]}
  ]
}
)json",
     "x.json:6:60: error: /links/0/endpoints/0/mac: \"02-00-00-00-00-01\" is not a MAC address (e.g. "
     "\"02:00:00:00:00:01\")"},
    {"mac_on_veth_link",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "mac": "02:00:00:00:00:01", "endpoints": ["a:eth0", "b:eth0"]}
  ]
}
)json",
     "x.json:6:22: error: /links/0/mac: unknown key \"mac\" in veth link (allowed: endpoints, kind, mtu, "
     "offloads, qdisc, static_neighbors, txqueuelen)"},
    {"qdisc_kind_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "fq"}}
  ]
}
)json",
     "x.json:7:24: error: /links/0/qdisc/kind: qdisc kind \"fq\" is not supported; supported qdisc kinds are "
     "tbf, netem"},
    {"qdisc_kind_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"rate": "1gbit"}}
  ]
}
)json",
     "x.json:7:15: error: /links/0/qdisc: missing required key \"kind\""},
    {"qdisc_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": "netem"}
  ]
}
)json",
     "x.json:7:15: error: /links/0/qdisc: expected an object (qdisc), found string"},
    {"tbf_without_rate",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "tbf", "burst": "32kb"}}
  ]
}
)json",
     "x.json:7:15: error: /links/0/qdisc: missing required key \"rate\""},
    {"tbf_bad_rate",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "tbf", "rate": "1 gbit"}}
  ]
}
)json",
     "x.json:7:39: error: /links/0/qdisc/rate: \"1 gbit\" is not a rate (e.g. \"1gbit\", \"100mbit\", "
     "\"10mbps\")"},
    {"tbf_zero_rate",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "tbf", "rate": "0mbit"}}
  ]
}
)json",
     "x.json:7:39: error: /links/0/qdisc/rate: \"0mbit\" is not a rate (e.g. \"1gbit\", \"100mbit\", "
     "\"10mbps\")"},
    {"tbf_with_netem_delay",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "tbf", "rate": "1gbit", "delay": "1ms"}}
  ]
}
)json",
     "x.json:7:57: error: /links/0/qdisc/delay: \"delay\" applies to qdisc kind netem, not tbf"},
    {"tbf_bad_burst",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "tbf", "rate": "1gbit", "burst": "10"}}
  ]
}
)json",
     "x.json:7:57: error: /links/0/qdisc/burst: \"10\" is not a burst size between 64 bytes and 1gb (e.g. "
     "\"32kb\")"},
    {"tbf_with_limit",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "tbf", "rate": "1gbit", "limit": 100}}
  ]
}
)json",
     "x.json:7:57: error: /links/0/qdisc/limit: \"limit\" applies to qdisc kind netem, not tbf"},
    {"netem_with_rate",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "netem", "delay": "1ms", "rate": "1gbit"}}
  ]
}
)json",
     "x.json:7:57: error: /links/0/qdisc/rate: \"rate\" applies to qdisc kind tbf, not netem"},
    {"netem_bad_delay",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "netem", "delay": "1 ms"}}
  ]
}
)json",
     "x.json:7:42: error: /links/0/qdisc/delay: \"1 ms\" is not a duration (use a number and a unit: ns, us, "
     "ms, s, m; e.g. \"10ms\")"},
    {"netem_delay_too_long",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "netem", "delay": "2m"}}
  ]
}
)json",
     "x.json:7:42: error: /links/0/qdisc/delay: \"2m\" is out of range (0 to 60s)"},
    {"netem_loss_over_100",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "netem", "loss": 101}}
  ]
}
)json",
     "x.json:7:41: error: /links/0/qdisc/loss: 101 is out of range (0 to 100)"},
    {"netem_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"],
     "qdisc": {"kind": "netem", "dealy": "1ms"}}
  ]
}
)json",
     "x.json:7:33: error: /links/0/qdisc/dealy: unknown key \"dealy\" in qdisc (did you mean \"delay\"?)"},
    {"offloads_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"], "offloads": {"lro": false}}
  ]
}
)json",
     "x.json:6:70: error: /links/0/offloads/lro: unknown key \"lro\" in offloads (did you mean \"gro\"?)"},
    {"offloads_not_bool",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"], "offloads": {"tso": "off"}}
  ]
}
)json",
     "x.json:6:77: error: /links/0/offloads/tso: expected true or false, found string"},
    {"static_neighbors_not_bool",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"], "static_neighbors": 1}
  ]
}
)json",
     "x.json:6:77: error: /links/0/static_neighbors: expected true or false, found integer"},
    {"bridge_node_undeclared",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "bridge", "node": "z", "name": "br0", "members": ["a:eth0"]}
  ]
}
)json",
     "x.json:6:32: error: /links/0/node: node \"z\" is not declared (declared: a, b)"},
    {"bridge_name_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "bridge", "node": "a", "members": ["b:eth0"]}
  ]
}
)json",
     "x.json:6:5: error: /links/0: missing required key \"name\""},
    {"bridge_members_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "bridge", "node": "a", "name": "br0"}
  ]
}
)json",
     "x.json:6:5: error: /links/0: missing required key \"members\""},
    {"bridge_port_name_too_long",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "bridge", "node": "a", "name": "br0", "members": [{"at": "b:eth0", "port": "port-name-too-long"}]}
  ]
}
)json",
     "x.json:6:89: error: /links/0/members/0/port: interface name \"port-name-too-long\" is 18 bytes; the "
     "kernel allows at most 15"},
    {"bridge_port_clashes",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "bridge", "node": "a", "name": "br0", "members": [{"at": "b:eth0", "port": "br0"}]}
  ]
}
)json",
     "x.json:6:89: error: /links/0/members/0/port: interface \"a:br0\" is already used by /links/0/name"},
    {"phys_move_on_host",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "h"}
  ]
}
)json",
     "x.json:6:50: error: /links/0/node: mode move needs a node with its own namespace; \"h\" is the root "
     "namespace, where the device already is (use mode macvlan)"},
    {"phys_mode_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a", "mode": "ipvlan"}
  ]
}
)json",
     "x.json:6:63: error: /links/0/mode: phys mode \"ipvlan\" is not supported; supported phys modes are "
     "move, macvlan"},
    {"phys_macvlan_without_ifname",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a", "mode": "macvlan"}
  ]
}
)json",
     "x.json:6:5: error: /links/0: mode macvlan needs \"ifname\", the macvlan's name in the node"},
    {"phys_macvlan_mode_on_move",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a", "macvlan_mode": "bridge"}
  ]
}
)json",
     "x.json:6:71: error: /links/0/macvlan_mode: \"macvlan_mode\" applies to mode macvlan, not move"},
    {"phys_macvlan_mode_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a", "mode": "macvlan", "ifname": "mv0", "macvlan_mode": "source"}
  ]
}
)json",
     "x.json:6:107: error: /links/0/macvlan_mode: macvlan mode \"source\" is not supported; supported "
     "macvlan modes are bridge, private, vepa, passthru"},
    {"phys_device_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "node": "a"}
  ]
}
)json",
     "x.json:6:5: error: /links/0: missing required key \"device\""},
    {"phys_device_created_by_lab",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["h:veth9", "a:eth0"]},
    {"kind": "phys", "device": "veth9", "node": "b"}
  ]
}
)json",
     "x.json:7:32: error: /links/1/device: device \"veth9\" is also created by this lab "
     "(/links/0/endpoints/0); a phys link takes an existing device"},
    {"phys_device_moved_twice",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a"},
    {"kind": "phys", "device": "enp1s0", "node": "b"}
  ]
}
)json",
     "x.json:7:32: error: /links/1/device: device \"enp1s0\" is already moved by /links/0/device"},
    {"experiment_not_object",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    "ping a b"
  ]
}
)json",
     "x.json:9:5: error: /experiments/0: expected an object (experiment), found string"},
    {"experiment_name_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"probe": "icmp", "from": "a", "to": "b:eth0"}
  ]
}
)json",
     "x.json:9:5: error: /experiments/0: missing required key \"name\""},
    {"experiment_name_invalid",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "peer ping", "probe": "icmp", "from": "a", "to": "b:eth0"}
  ]
}
)json",
     "x.json:9:14: error: /experiments/0/name: experiment name \"peer ping\" is not valid: use letters, "
     "digits, '_', '.' and '-', start with a letter, digit or '_', at most 64 characters"},
    {"experiment_duplicate_name",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0"},
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0"}
  ]
}
)json",
     "x.json:10:14: error: /experiments/1/name: experiment name \"e\" is already used by /experiments/0"},
    {"experiment_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "cout": 10}
  ]
}
)json",
     "x.json:9:65: error: /experiments/0/cout: unknown key \"cout\" in experiment (did you mean \"count\"?)"},
    {"probe_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "tcp", "from": "a", "to": "b:eth0"}
  ]
}
)json",
     "x.json:9:28: error: /experiments/0/probe: probe kind \"tcp\" is not supported; supported probe kinds "
     "are icmp, udp, raw"},
    {"probe_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "from": "a", "to": "b:eth0"}
  ]
}
)json",
     "x.json:9:5: error: /experiments/0: missing required key \"probe\""},
    {"from_undeclared",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "c", "to": "b:eth0"}
  ]
}
)json",
     "x.json:9:44: error: /experiments/0/from: node \"c\" is not declared (declared: a, b)"},
    {"from_interface_undeclared",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a:eth7", "to": "b:eth0"}
  ]
}
)json",
     "x.json:9:44: error: /experiments/0/from: interface \"a:eth7\" is not declared"},
    {"to_node_undeclared",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "c:eth0"}
  ]
}
)json",
     "x.json:9:55: error: /experiments/0/to: target node \"c\" is not declared (declared: a, b; or use "
     "\"localhost\", \"self\", an address)"},
    {"to_interface_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth1"}
  ]
}
)json",
     "x.json:9:55: error: /experiments/0/to: target interface \"b:eth1\" is not declared"},
    {"to_missing",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a"}
  ]
}
)json",
     "x.json:9:5: error: /experiments/0: missing required key \"to\""},
    {"to_address_not_in_lab",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "192.0.2.1"}
  ]
}
)json",
     "x.json:9:55: error: /experiments/0/to: target 192.0.2.1 is not an address of this lab (latlab only "
     "sends to its own lab)"},
    {"to_node_without_address",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": ["198.18.0.1/24"]}, {"at": "b:eth0", "addresses": ["198.18.0.2/24"]}]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b", "family": 6}
  ]
}
)json",
     "x.json:9:55: error: /experiments/0/to: target node \"b\" has no IPv6 address"},
    {"self_without_address",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": []}, {"at": "b:eth0", "addresses": []}]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "self"}
  ]
}
)json",
     "x.json:9:55: error: /experiments/0/to: target \"self\": node \"a\" has no IPv4 address"},
    {"family_5",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "family": 5}
  ]
}
)json",
     "x.json:9:75: error: /experiments/0/family: family must be 4 or 6"},
    {"count_and_duration",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "count": 10, "duration": "10s"}
  ]
}
)json",
     "x.json:9:90: error: /experiments/0/duration: give \"count\" or \"duration\", not both"},
    {"count_zero",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "count": 0}
  ]
}
)json",
     "x.json:9:74: error: /experiments/0/count: 0 is out of range (1 to 100000000)"},
    {"duration_without_unit",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "duration": "10"}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/duration: \"10\" is not a duration (use a number and a unit: ns, "
     "us, ms, s, m; e.g. \"10ms\")"},
    {"interval_negative",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "interval": "-1ms"}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/interval: \"-1ms\" is not a duration (use a number and a unit: ns, "
     "us, ms, s, m; e.g. \"10ms\")"},
    {"interval_integer",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "interval": 10}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/interval: expected a duration string such as \"10ms\", found "
     "integer"},
    {"interval_too_long",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "interval": "2m"}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/interval: \"2m\" is out of range (0 to 60s)"},
    {"timeout_zero_string",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "timeout": "0"}
  ]
}
)json",
     "x.json:9:76: error: /experiments/0/timeout: \"0\" is out of range (1ms to 60s)"},
    {"timeout_bad_unit",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "timeout": "1h"}
  ]
}
)json",
     "x.json:9:76: error: /experiments/0/timeout: \"1h\" is not a duration (use a number and a unit: ns, us, "
     "ms, s, m; e.g. \"10ms\")"},
    {"payload_too_small",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "payload": 8}
  ]
}
)json",
     "x.json:9:76: error: /experiments/0/payload: 8 is out of range (16 to 65000)"},
    {"payload_over_mtu",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "payload": 1500}
  ]
}
)json",
     "x.json:9:76: error: /experiments/0/payload: payload 1500 does not fit the MTU 1500 of \"a:eth0\" (at "
     "most 1472 bytes for icmp over IPv4)"},
    {"payload_over_link_mtu",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "mtu": 1280, "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "payload": 1400}
  ]
}
)json",
     "x.json:9:76: error: /experiments/0/payload: payload 1400 does not fit the MTU 1280 of \"a:eth0\" (at "
     "most 1252 bytes for icmp over IPv4)"},
    {"cpu_out_of_range",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "cpu": 4096}
  ]
}
)json",
     "x.json:9:72: error: /experiments/0/cpu: 4096 is out of range (0 to 4095)"},
    {"unreachable_target",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}, "c": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},
    {"kind": "veth", "endpoints": ["b:eth1", "c:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "c:eth0"}
  ]
}
)json",
     "x.json:10:55: error: /experiments/0/to: target 198.18.1.2 (c:eth0) is not reachable from node \"a\": "
     "no interface of \"a\" is on its subnet and no route covers it"},
    {"unreachable_gateway_no_forward",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns", "routes": [{"to": "198.18.1.0/24", "via": "198.18.0.2"}]}, "b": {"kind": "netns"}, "c": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},
    {"kind": "veth", "endpoints": ["b:eth1", "c:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "c:eth0"}
  ]
}
)json",
     "x.json:10:55: error: /experiments/0/to: target 198.18.1.2 (c:eth0) is not reachable from node \"a\": "
     "gateway node \"b\" does not forward (set sysctl net.ipv4.ip_forward to 1 on it)"},
    {"raw_to_localhost",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "localhost"}
  ]
}
)json",
     "x.json:9:54: error: /experiments/0/to: probe raw sends frames on a device; target \"localhost\" is "
     "local to node \"a\" (use probe icmp or udp)"},
    {"raw_to_self",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "self"}
  ]
}
)json",
     "x.json:9:54: error: /experiments/0/to: probe raw sends frames on a device; target \"self\" is local to "
     "node \"a\" (use probe icmp or udp)"},
    {"raw_responder_without_address",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "responder": {"kind": "raw"}}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/responder: a raw responder needs \"address\": the IPv4 address it "
     "answers for (not one the kernel has)"},
    {"raw_responder_kernel_address",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "responder": {"kind": "raw", "address": "198.18.0.2"}}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/responder: raw responder address 198.18.0.2 is also the kernel's "
     "address on \"b:eth0\"; the kernel would answer too"},
    {"responder_not_for_probe",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": {"kind": "udp-reflector"}}
  ]
}
)json",
     "x.json:9:87: error: /experiments/0/responder/kind: responder \"udp-reflector\" cannot answer probe "
     "\"icmp\" (it answers kernel)"},
    {"responder_kind_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": {"kind": "echo"}}
  ]
}
)json",
     "x.json:9:87: error: /experiments/0/responder/kind: responder kind \"echo\" is not supported; supported "
     "responder kinds are kernel, udp-reflector, raw"},
    {"responder_bad_address",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "responder": {"kind": "raw", "address": "198.18.0.x"}}
  ]
}
)json",
     "x.json:9:104: error: /experiments/0/responder/address: \"198.18.0.x\" is not an IP address"},
    {"responder_port_zero",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "udp", "from": "a", "to": "b:eth0", "responder": {"port": 0}}
  ]
}
)json",
     "x.json:9:86: error: /experiments/0/responder/port: 0 is out of range (1 to 65535)"},
    {"responder_drop_every_1",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "udp", "from": "a", "to": "b:eth0", "responder": {"drop_every": 1}}
  ]
}
)json",
     "x.json:9:92: error: /experiments/0/responder/drop_every: 1 is out of range (2 to 1000000)"},
    {"responder_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": {"node": "b"}}
  ]
}
)json",
     "x.json:9:79: error: /experiments/0/responder/node: unknown key \"node\" in responder (allowed: "
     "address, at, cpu, delay, drop_every, kind, port, wait)"},
    {"captures_not_array",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": "perf"}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/captures: expected an array of capture kinds, found string"},
    {"capture_kind_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": ["pcap"]}
  ]
}
)json",
     "x.json:9:78: error: /experiments/0/captures/0: capture kind \"pcap\" is not supported; supported "
     "capture kinds are tcpdump, perf, trace, counters"},
    {"capture_kind_typo",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": ["tcpdum"]}
  ]
}
)json",
     "x.json:9:78: error: /experiments/0/captures/0: capture kind \"tcpdum\" is not supported; supported "
     "capture kinds are tcpdump, perf, trace, counters (did you mean \"tcpdump\"?)"},
    {"capture_listed_twice",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": ["perf", "counters", "perf"]}
  ]
}
)json",
     "x.json:9:98: error: /experiments/0/captures/2: capture \"perf\" is listed twice"},
    {"capture_object_missing_kind",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": [{"interfaces": ["a:eth0"]}]}
  ]
}
)json",
     "x.json:9:78: error: /experiments/0/captures/0: missing required key \"kind\""},
    {"capture_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": [{"kind": "perf", "events": []}]}
  ]
}
)json",
     "x.json:9:95: error: /experiments/0/captures/0/events: unknown key \"events\" in capture (allowed: "
     "function_tracer, interfaces, kind, required)"},
    {"tcpdump_interface_without_colon",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": [{"kind": "tcpdump", "interfaces": ["b"]}]}
  ]
}
)json",
     "x.json:9:113: error: /experiments/0/captures/0/interfaces/0: capture interface \"b\" must be "
     "\"node:ifname\" (e.g. \"a:eth0\" or \"a:lo\")"},
    {"tcpdump_interface_node_undeclared",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": [{"kind": "tcpdump", "interfaces": ["z:eth0"]}]}
  ]
}
)json",
     "x.json:9:113: error: /experiments/0/captures/0/interfaces/0: node \"z\" is not declared (declared: a, "
     "b)"},
    {"interfaces_on_perf",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": [{"kind": "perf", "interfaces": ["a:eth0"]}]}
  ]
}
)json",
     "x.json:9:109: error: /experiments/0/captures/0/interfaces: \"interfaces\" applies to capture kind "
     "tcpdump, not perf"},
    {"function_tracer_on_perf",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "captures": [{"kind": "perf", "function_tracer": true}]}
  ]
}
)json",
     "x.json:9:114: error: /experiments/0/captures/0/function_tracer: \"function_tracer\" applies to capture "
     "kind trace, not perf"},
    {"raw_option_on_icmp",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "options": {"qdisc_bypass": true}}
  ]
}
)json",
     "x.json:9:93: error: /experiments/0/options/qdisc_bypass: \"qdisc_bypass\" applies to probe raw, not "
     "icmp"},
    {"options_unknown_key",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "options": {"busypoll": 50}}
  ]
}
)json",
     "x.json:9:77: error: /experiments/0/options/busypoll: unknown key \"busypoll\" in probe options (did "
     "you mean \"busy_poll\"?)"},
    {"ring_block_size_not_power_of_two",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "options": {"ring_block_size": 5000}}
  ]
}
)json",
     "x.json:9:95: error: /experiments/0/options/ring_block_size: 5000 is not a power of two (the kernel "
     "needs one for TPACKET_V3 blocks)"},
    {"priority_out_of_range",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "options": {"priority": 7}}
  ]
}
)json",
     "x.json:9:89: error: /experiments/0/options/priority: 7 is out of range (0 to 6)"},
    {"experiment_sysctls_undeclared_node",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "sysctls": {"z": {"net.ipv4.ip_forward": "1"}}}
  ]
}
)json",
     "x.json:9:82: error: /experiments/0/sysctls/z: node \"z\" is not declared (declared: a, b)"},
    {"experiment_global_sysctl",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "sysctls": {"a": {"net.core.busy_poll": "50"}}}
  ]
}
)json",
     "x.json:9:105: error: /experiments/0/sysctls/a/net.core.busy_poll: sysctl \"net.core.busy_poll\" is not "
     "per network namespace: it changes the whole machine; set \"allow_global_sysctls\": true on node \"a\" "
     "to allow it (restored at teardown)"},
    {"experiment_wait_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": "sleep"}
  ]
}
)json",
     "x.json:9:73: error: /experiments/0/wait: wait mode \"sleep\" is not supported; supported wait modes "
     "are block, spin, busy_poll"},
    {"experiment_wait_typo",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": "busypoll"}
  ]
}
)json",
     "x.json:9:73: error: /experiments/0/wait: wait mode \"busypoll\" is not supported; supported wait modes "
     "are block, spin, busy_poll (did you mean \"busy_poll\"?)"},
    {"responder_wait_unknown",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "udp", "from": "a", "to": "b:eth0", "responder": {"wait": "yield"}}
  ]
}
)json",
     "x.json:9:86: error: /experiments/0/responder/wait: wait mode \"yield\" is not supported; supported "
     "wait modes are block, spin, busy_poll"},
    {"kernel_responder_wait",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": {"wait": "spin"}}
  ]
}
)json",
     "x.json:9:87: error: /experiments/0/responder/wait: responder \"kernel\" cannot wait \"spin\": the "
     "target's kernel answers, not a latlab agent (probe icmp is answered by the kernel only; use probe udp "
     "with \"responder\": {\"kind\": \"udp-reflector\"} or probe raw with \"responder\": {\"kind\": "
     "\"raw\"})"},
    {"kernel_responder_wait_raw_probe",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "responder": {"kind": "kernel", "wait": "busy_poll"}}
  ]
}
)json",
     "x.json:9:104: error: /experiments/0/responder/wait: responder \"kernel\" cannot wait \"busy_poll\": "
     "the target's kernel answers, not a latlab agent (use a user-space responder: \"responder\": {\"kind\": "
     "\"raw\"})"},
    {"kernel_responder_delay",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": {"delay": "5us"}}
  ]
}
)json",
     "x.json:9:88: error: /experiments/0/responder/delay: responder \"kernel\" cannot delay its replies: the "
     "target's kernel answers, not a latlab agent (probe icmp is answered by the kernel only; use probe udp "
     "with \"responder\": {\"kind\": \"udp-reflector\"} or probe raw with \"responder\": {\"kind\": "
     "\"raw\"})"},
    {"raw_responder_spin",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "responder": {"kind": "raw", "address": "198.18.0.20", "wait": "spin"}}
  ]
}
)json",
     "x.json:9:127: error: /experiments/0/responder/wait: responder \"raw\" cannot wait \"spin\" (it "
     "supports block, busy_poll)"},
    {"responder_delay_integer",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "udp", "from": "a", "to": "b:eth0", "responder": {"delay": 5}}
  ]
}
)json",
     "x.json:9:87: error: /experiments/0/responder/delay: expected a duration string such as \"10ms\", found "
     "integer"},
    {"responder_delay_too_long",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "udp", "from": "a", "to": "b:eth0", "responder": {"delay": "2s"}}
  ]
}
)json",
     "x.json:9:87: error: /experiments/0/responder/delay: \"2s\" is out of range (0 to 1s)"},
    {"responder_delay_past_timeout",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "udp", "from": "a", "to": "b:eth0", "timeout": "1ms", "responder": {"delay": "1ms"}}
  ]
}
)json",
     "x.json:9:105: error: /experiments/0/responder/delay: responder delay 1ms is not shorter than the "
     "timeout 1ms: every reply would come too late"},
    {"busy_poll_wait_with_zero_busy_poll",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": "busy_poll", "options": {"busy_poll": 0}}
  ]
}
)json",
     "x.json:9:111: error: /experiments/0/options/busy_poll: \"wait\": \"busy_poll\" needs a busy-poll time "
     "above 0 (leave \"busy_poll\" out for 50 us)"},
    {"min_effect_without_percent_sign",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "min_effect": "5"
}
)json",
     "x.json:5:17: error: /min_effect: \"5\" is not a percentage (a number and a % sign, e.g. \"5%\" or "
     "\"2.5%\")"},
    {"min_effect_zero",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "min_effect": "0%"
}
)json",
     "x.json:5:17: error: /min_effect: \"0%\" is out of range (more than 0%, at most 100%)"},
    {"min_effect_over_100",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}
  ],
  "experiments": [
    {"name": "e", "probe": "icmp", "from": "a", "to": "b:eth0", "min_effect": "150%"}
  ]
}
)json",
     "x.json:9:79: error: /experiments/0/min_effect: \"150%\" is out of range (more than 0%, at most 100%)"},
    {"min_effect_number",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "min_effect": 0.05
}
)json",
     "x.json:5:17: error: /min_effect: expected a percentage string such as \"5%\", found number"},
    {"min_effect_negative",
     R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "min_effect": "-5%"
}
)json",
     "x.json:5:17: error: /min_effect: \"-5%\" is not a percentage (a number and a % sign, e.g. \"5%\" or "
     "\"2.5%\")"},
};

class InvalidScenario : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidScenario, FirstErrorIsExact) {
  const InvalidCase& c = GetParam();
  LoadResult r = load_scenario_text(c.json, "x.json");
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.errors.empty()) << c.json;
  EXPECT_EQ(r.errors[0].str(), c.first_error) << c.json;
}

INSTANTIATE_TEST_SUITE_P(Rules, InvalidScenario, ::testing::ValuesIn(kInvalid),
                         [](const ::testing::TestParamInfo<InvalidCase>& info) {
                           return std::string(info.param.name);
                         });

std::vector<std::string> all_errors(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : load_scenario_text(text, "x.json").errors) out.push_back(d.str());
  return out;
}

std::string first_error(const std::string& text) {
  auto errors = all_errors(text);
  return errors.empty() ? "<no error>" : errors[0];
}

Diagnostic first_diag(const std::string& text) {
  auto r = load_scenario_text(text, "x.json");
  return r.errors.empty() ? Diagnostic{} : r.errors[0];
}

TEST(Validation, InvalidUtf8IsReportedAtTheByte) {
  EXPECT_EQ(first_error("{\n  \"name\": \"caf\xc3(\"\n}\n"),
            "x.json:2:15: error: the file is not valid UTF-8 (byte 0xc3)");
  // An overlong encoding of '/' and a lone surrogate encoded in UTF-8.
  EXPECT_EQ(first_error("{\"name\": \"\xc0\xaf\"}"),
            "x.json:1:11: error: the file is not valid UTF-8 (byte 0xc0)");
  EXPECT_EQ(first_error("{\"name\": \"\xed\xa0\x80\"}"),
            "x.json:1:11: error: the file is not valid UTF-8 (byte 0xed)");
}

TEST(Validation, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(first_error("{\n  \"description\": \"h\xc3\xa9h\xc3\xa9\", \"latlab\": \"1\", \"name\": \"t\",\n"
                        "  \"nodes\": {\"a\": {\"kind\": \"netns\"}}}"),
            "x.json:2:36: error: /latlab: expected an integer, found string");
}

TEST(Validation, SeveralErrorsAreReportedTogetherInPositionOrder) {
  const char* text = R"json({
  "latlab": 2,
  "name": "t",
  "nodes": {
    "a": {"kind": "netns"},
    "b": {"kind": "netns", "cpus": "x"}
  },
  "links": [
    {"kind": "veth", "endpoints": ["a:eth0", "c:eth0"]}
  ],
  "order": "random",
  "repeat": 0
}
)json";
  EXPECT_EQ(
      all_errors(text),
      (std::vector<std::string>{
          "x.json:2:13: error: /latlab: format version 2 is not supported; this latlab reads version 1",
          "x.json:6:36: error: /nodes/b/cpus: \"x\" is not a CPU list (e.g. \"1\", \"0-3\", \"0,2\")",
          "x.json:9:46: error: /links/0/endpoints/1: node \"c\" is not declared (declared: a, b)",
          "x.json:11:12: error: /order: order \"random\" is not supported; supported orders are shuffled, "
          "interleaved, sequential",
          "x.json:12:13: error: /repeat: 0 is out of range (1 to 10000)",
      }));
}

TEST(Validation, ErrorsFromResolveAndValidateAreListedTogether) {
  const char* text = R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [
      {"at": "a:eth0", "addresses": ["198.18.0.1/24"]},
      {"at": "b:eth0", "addresses": ["198.18.0.1/24", "198.18.9.2/24"]}
    ]}
  ]
}
)json";
  EXPECT_EQ(
      all_errors(text),
      (std::vector<std::string>{
          "x.json:8:38: error: /links/0/endpoints/1/addresses/0: address 198.18.0.1 is already assigned "
          "to \"a:eth0\"",
          "x.json:8:55: error: /links/0/endpoints/1/addresses/1: address 198.18.9.2/24 of \"b:eth0\" is "
          "outside the link's prefix 198.18.0.0/24 (from \"a:eth0\")",
      }));
}

TEST(Validation, DuplicateKeysAreAllListed) {
  const char* text = R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns", "kind": "netns"}},
  "name": "u"
}
)json";
  EXPECT_EQ(all_errors(text), (std::vector<std::string>{
                                  "x.json:4:36: error: /nodes/a/kind: duplicate key \"kind\" (first at 4:19)",
                                  "x.json:5:3: error: /name: duplicate key \"name\" (first at 3:3)",
                              }));
}

TEST(Validation, ErrorsAreCappedAtTwentyWithACountOfTheRest) {
  std::string text = "{\"latlab\": 1, \"name\": \"t\", \"nodes\": {\"a\": {\"kind\": \"netns\"}}";
  for (int i = 1; i <= 25; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%02d", i);
    text += std::string(",\n  \"") + key + "\": 0";
  }
  text += "\n}\n";
  auto errors = all_errors(text);
  ASSERT_EQ(errors.size(), max_errors + 1);
  EXPECT_EQ(
      errors[0],
      "x.json:2:3: error: /k01: unknown key \"k01\" in scenario (allowed: $schema, allow_any_addresses, description, experiments, "
      "hosts, latlab, links, min_effect, name, nodes, order, pools, repeat, seed)");
  EXPECT_EQ(errors[19].substr(0, 27), "x.json:21:3: error: /k20: u");
  EXPECT_EQ(errors[20], "x.json: error: 5 more errors not shown");
}

TEST(Validation, OneMoreErrorIsSingular) {
  std::string text = "{\"latlab\": 1, \"name\": \"t\", \"nodes\": {\"a\": {\"kind\": \"netns\"}}";
  for (int i = 1; i <= 21; ++i) text += ",\n  \"k" + std::to_string(100 + i) + "\": 0";
  text += "\n}\n";
  auto errors = all_errors(text);
  ASSERT_EQ(errors.size(), max_errors + 1);
  EXPECT_EQ(errors.back(), "x.json: error: 1 more error not shown");
}

TEST(Validation, FilesOverOneMebibyteAreRefusedBeforeParsing) {
  std::string text =
      "{\"latlab\": 1, \"name\": \"t\", \"nodes\": {\"a\": {\"kind\": \"netns\"}}, \"description\": \"";
  text += std::string(max_scenario_bytes - text.size() - 2, 'x');
  text += "\"}";
  ASSERT_EQ(text.size(), max_scenario_bytes);
  EXPECT_TRUE(load_scenario_text(text, "x.json").ok()) << "exactly 1 MiB is allowed";
  text.insert(text.size() - 2, "x");
  EXPECT_EQ(all_errors(text),
            std::vector<std::string>{
                "x.json: error: file is 1048577 bytes; scenarios are limited to 1048576 bytes"});

  auto path = std::filesystem::path(::testing::TempDir()) / "latlab-big-scenario.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  auto r = load_scenario_file(path.string());
  std::filesystem::remove(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(),
            path.string() + ": error: file is 1048577 bytes; scenarios are limited to 1048576 bytes");
}

TEST(Validation, MissingFileAndDirectoryAreErrorsNamingThePath) {
  auto r = load_scenario_file("/nonexistent/latlab/x.json");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(), "/nonexistent/latlab/x.json: error: cannot read: No such file or directory");
  auto d = load_scenario_file(::testing::TempDir());
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].message, "is a directory, not a scenario file");
}

// ------------------------------------------------------------------------
// The messages (and pointers) of rules whose whole error line, position
// included, is checked in the next section.

const char* kTwoNodesVeth = R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
  "experiments": [
    %s
  ]
}
)json";

std::string with_experiment(const std::string& e) {
  std::string t = kTwoNodesVeth;
  t.replace(t.find("%s"), 2, e);
  return t;
}

TEST(Validation, NodeNameInvalidMessage) {
  auto d = first_diag(R"json({"latlab": 1, "name": "t", "nodes": {"a b": {"kind": "netns"}}})json");
  EXPECT_EQ(d.pointer, "/nodes/a b");
  EXPECT_EQ(
      d.message,
      "node name \"a b\" is not valid: use letters, digits, '_', '.' and '-', start with a letter, digit or "
      "'_', at most 32 characters");
}

TEST(Validation, RawFamily6Message) {
  auto d = first_diag(
      with_experiment(R"({"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "family": 6})"));
  EXPECT_EQ(d.message, "probe raw builds IPv4 frames; family 6 is not supported");
}

TEST(Validation, TcpdumpInterfaceUndeclaredMessage) {
  auto d = first_diag(with_experiment(
      R"({"name": "e", "probe": "icmp", "from": "a", "to": "b", "captures": [{"kind": "tcpdump", "interfaces": ["b:eth0", "b:eth9"]}]})"));
  EXPECT_EQ(d.message, "capture interface \"b:eth9\" is not declared (node \"b\" has lo, eth0)");
}

TEST(Validation, PhysDeviceMovedAndMacvlanParentMessage) {
  auto d = first_diag(R"json({"latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a"},
    {"kind": "phys", "device": "enp1s0", "node": "b", "mode": "macvlan", "ifname": "mv0"}
  ]})json");
  EXPECT_EQ(d.message,
            "device \"enp1s0\" is moved into a node by /links/0/device; it cannot also be a macvlan parent");
}

TEST(Validation, IfnameControlCharacterIsRefused) {
  auto d =
      first_diag(R"json({"latlab": 1, "name": "t", "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth\u00010", "b:eth0"]}]})json");
  EXPECT_EQ(d.pointer, "/links/0/endpoints/0");
  EXPECT_NE(d.message.find("contains a control character; interface names are letters, digits, '_', '.' and '-'"),
            std::string::npos)
      << d.message;
}

TEST(Validation, TrailingGarbageIsAnError) {
  auto d = first_diag(R"json({"latlab": 1} {})json");
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.col, 15);
  EXPECT_NE(d.message.find("unexpected '{' after the JSON document"), std::string::npos) << d.message;
}

// ------------------------------------------------------------------------
// Where errors point and how they read, checked as the whole line a user sees.

// An invalid node name is reported at the name (5:5), not at the "{" of the
// node object (5:12).
TEST(Validation, NodeNameErrorPointsAtTheName) {
  EXPECT_EQ(
      first_error("{\n  \"latlab\": 1,\n  \"name\": \"t\",\n  \"nodes\": {\n    \"a b\": {\"kind\": "
                  "\"netns\"}\n  }\n}\n"),
      "x.json:5:5: error: /nodes/a b: node name \"a b\" is not valid: use letters, digits, '_', '.' and '-', "
      "start with a letter, digit or '_', at most 32 characters");
}

// A control character in quoted user text is shown escaped, as JSON would
// write it, never as a raw (invisible) byte.
TEST(Validation, ControlCharacterInNameIsShownEscaped) {
  EXPECT_EQ(
      first_error(R"json({"latlab": 1, "name": "t", "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth\u00010", "b:eth0"]}]})json"),
      "x.json:2:44: error: /links/0/endpoints/0: interface name \"eth\\u00010\" contains a control "
      "character; "
      "interface names are letters, digits, '_', '.' and '-' (what iproute2, Docker and a shell all take as "
      "they are)");
}

// Garbage after a complete document is "invalid JSON", like every other
// syntax error.
TEST(Validation, TrailingGarbageSaysInvalidJson) {
  EXPECT_EQ(first_error(R"json({"latlab": 1} {})json"),
            "x.json:1:15: error: invalid JSON: unexpected '{' after the JSON document");
}

// Probe raw with family 6 is reported at its "family" value, not at the
// experiment object.
TEST(Validation, RawFamily6PointsAtFamily) {
  EXPECT_EQ(
      first_error(
          with_experiment(R"({"name": "e", "probe": "raw", "from": "a", "to": "b:eth0", "family": 6})")),
      "x.json:7:74: error: /experiments/0/family: probe raw builds IPv4 frames; family 6 is not supported");
}

// An undeclared tcpdump interface is reported at its own element of
// "interfaces" (pointer and position), so that with several the user sees
// which one.
TEST(Validation, TcpdumpInterfacePointsAtTheElement) {
  EXPECT_EQ(
      first_error(with_experiment(
          R"({"name": "e", "probe": "icmp", "from": "a", "to": "b", "captures": [{"kind": "tcpdump", "interfaces": ["b:eth0", "b:eth9"]}]})")),
      "x.json:7:118: error: /experiments/0/captures/0/interfaces/1: capture interface \"b:eth9\" is not "
      "declared (node \"b\" has lo, eth0)");
}

// A macvlan whose parent is also moved into a node is reported at its
// "device", which the message is about.
TEST(Validation, MacvlanParentAlsoMovedPointsAtDevice) {
  EXPECT_EQ(
      first_error(R"json({"latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "phys", "device": "enp1s0", "node": "a"},
    {"kind": "phys", "device": "enp1s0", "node": "b", "mode": "macvlan", "ifname": "mv0"}
  ]})json"),
      "x.json:5:32: error: /links/1/device: device \"enp1s0\" is moved into a node by /links/0/device; it "
      "cannot also be a macvlan parent");
}

// The integer 0 as a duration is range-checked like "0": "timeout" and
// "duration" are at least 1ms.
TEST(Validation, IntegerZeroDurationIsRangeChecked) {
  EXPECT_EQ(
      first_error(with_experiment(R"({"name": "e", "probe": "icmp", "from": "a", "to": "b", "timeout": 0})")),
      "x.json:7:71: error: /experiments/0/timeout: 0 is out of range (1ms to 60s)");
  EXPECT_EQ(first_error(
                with_experiment(R"({"name": "e", "probe": "icmp", "from": "a", "to": "b", "duration": 0})")),
            "x.json:7:72: error: /experiments/0/duration: 0 is out of range (1ms to 86400s)");
}

// A "family" given next to an address target must match it.
TEST(Validation, FamilyMustMatchAnAddressTarget) {
  EXPECT_EQ(first_error(with_experiment(
                R"({"name": "e", "probe": "icmp", "from": "a", "to": "2001:2::2", "family": 4})")),
            "x.json:7:78: error: /experiments/0/family: family 4 does not match target 2001:2::2 (IPv6)");
}

// A family other than 4 or 6 says "must be 4 or 6" (not "out of range (4 to
// 6)", which would suggest that 5 is allowed).
TEST(Validation, FamilySevenSaysFourOrSix) {
  EXPECT_EQ(
      first_error(with_experiment(R"({"name": "e", "probe": "icmp", "from": "a", "to": "b", "family": 7})")),
      "x.json:7:70: error: /experiments/0/family: family must be 4 or 6");
}

// An integer that overflows int64 is out of range, not "expected an integer,
// found number".
TEST(Validation, HugeIntegerIsOutOfRange) {
  EXPECT_EQ(
      first_error(
          R"json({"latlab": 1, "name": "t", "nodes": {"a": {"kind": "netns"}}, "repeat": 99999999999999999999})json"),
      "x.json:1:73: error: /repeat: 99999999999999999999 is out of range (1 to 10000)");
}

// A node whose kind is invalid is still declared: a later reference to it
// adds no second, misleading error ("node "a" is not declared").
TEST(Validation, NodeWithBadKindIsNotReportedAsUndeclared) {
  EXPECT_EQ(all_errors(R"json({
  "latlab": 1,
  "name": "t",
  "nodes": {"a": {"kind": "vm"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}]
}
)json"),
            std::vector<std::string>{"x.json:4:27: error: /nodes/a/kind: node kind \"vm\" is not supported; "
                                     "supported node kinds are host, netns, docker"});
}

// A route through lo ("dev": "lo", e.g. for a local prefix) loads.
TEST(Validation, RouteDevLoIsAccepted) {
  auto r = load_scenario_text(R"json({"latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns", "routes": [{"to": "198.18.9.0/24", "dev": "lo"}]}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}]})json",
                              "x.json");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
}

// The wait modes and delays each responder kind takes load; the kernel
// responder takes "block" and a zero delay, written out.
TEST(Validation, WaitModesAndDelaysEachResponderTakes) {
  auto lab = [](const std::string& experiment) {
    return R"json({"latlab": 1, "name": "t", "min_effect": "100%",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
  "experiments": [)json" +
           experiment + "]}";
  };
  for (const char* wait : {"block", "spin", "busy_poll"}) {
    SCOPED_TRACE(wait);
    EXPECT_EQ(first_error(
                  lab(std::string(R"({"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "wait": ")") +
                      wait + R"(", "responder": {"wait": ")" + wait + R"(", "delay": "5us"}})")),
              "<no error>");
    EXPECT_EQ(first_error(lab(
                  std::string(R"({"name": "i", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": ")") +
                  wait + R"(", "min_effect": "0.1%"})")),
              "<no error>");
  }
  for (const char* wait : {"block", "busy_poll"}) {
    SCOPED_TRACE(wait);
    EXPECT_EQ(first_error(lab(std::string(R"({"name": "r", "probe": "raw", "from": "a", "to": "b:eth0",
      "responder": {"kind": "raw", "address": "198.18.0.20", "delay": "1us", "wait": ")") +
                              wait + R"("}})")),
              "<no error>");
  }
  EXPECT_EQ(first_error(lab(R"({"name": "i", "probe": "icmp", "from": "a", "to": "b:eth0",
      "responder": {"kind": "kernel", "wait": "block", "delay": 0}})")),
            "<no error>");
}

// A kernel responder asked to wait and to delay gets both errors, each at its key.
TEST(Validation, KernelResponderWaitAndDelayAreBothReported) {
  auto errors = all_errors(R"json({"latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
  "experiments": [{"name": "r", "probe": "raw", "from": "a", "to": "b:eth0",
                   "responder": {"wait": "spin", "delay": "2us"}}]})json");
  ASSERT_EQ(errors.size(), 2u);
  const std::string why =
      "the target's kernel answers, not a latlab agent (use a user-space responder: "
      "\"responder\": {\"kind\": \"raw\"})";
  EXPECT_EQ(
      errors[0],
      "x.json:5:42: error: /experiments/0/responder/wait: responder \"kernel\" cannot wait \"spin\": " + why);
  EXPECT_EQ(
      errors[1],
      "x.json:5:59: error: /experiments/0/responder/delay: responder \"kernel\" cannot delay its replies: " +
          why);
}

}  // namespace
}  // namespace latlab::scenario
