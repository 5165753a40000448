// A corpus of hostile scenarios (more than 100, made here: invalid JSON,
// wrong types, huge numbers, a 10 MB string, 100,000-deep nesting,
// duplicate keys, names with '/', '..', spaces, quotes, shell
// metacharacters, look-alike letters and 16-byte interface names, addresses
// outside the benchmarking ranges, targets outside the lab, self-referencing
// links, the move of this machine's uplink). Through the real binary, each
// is refused by `validate`, `up` and `run` alike: exit 2, a first line
// `FILE:LINE:COL: error: ...` naming the file and the place (a whole-file
// cause, such as the size, names the file alone), and nothing on the
// machine changes: no namespace, interface, container, Docker network, lab
// journal, file or process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/run_command.h"

namespace latlab::test {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string id;
  std::string text;
  std::string want;  // in the first error line
  bool whole_file = false;
};

// A valid lab; cases replace one marked part (@NAME@, @NODE@, @IF@, ...).
const char* kBase = R"({"latlab": 1, "name": "@LAB@",
 "nodes": {"@NODE@": {"kind": "netns"}, "b": {"kind": "netns"}, "h": {"kind": "host"}},
 "links": [{"kind": "veth", "endpoints": [{"at": "@NODE@:@IF@", "addresses": ["@ADDR@"]},
                                          {"at": "b:eth0", "addresses": ["198.18.9.2/24"]}]},
           {"kind": "bridge", "node": "h", "name": "@BR@", "members": ["b:eth1"]},
           {"kind": "docker-network", "name": "@NET@", "subnet": "198.19.8.0/24"}],
 "experiments": [{"name": "@EXP@", "probe": "icmp", "from": "@NODE@", "to": "@TO@", "count": @COUNT@}]})";

std::string base(std::map<std::string, std::string> set = {}) {
  std::map<std::string, std::string> v = {{"LAB", "hx"},      {"NODE", "a"},         {"IF", "eth0"},
                                          {"ADDR", "198.18.9.1/24"}, {"BR", "hxbr0"}, {"NET", "hxnet"},
                                          {"EXP", "p"},       {"TO", "b:eth0"},      {"COUNT", "5"}};
  for (auto& [k, x] : set) v[k] = x;
  std::string s = kBase;
  for (const auto& [k, x] : v) {
    const std::string mark = "@" + k + "@";
    for (size_t at; (at = s.find(mark)) != std::string::npos;) s.replace(at, mark.size(), x);
  }
  return s;
}

// The device of this machine's IPv4 default route ("" = none).
std::string default_route_device() {
  std::ifstream in("/proc/net/route");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string iface, dest, gw, flags, refcnt, use, metric, mask;
    if (f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask && dest == "00000000" &&
        mask == "00000000")
      return iface;
  }
  return "";
}

std::vector<Case> corpus() {
  std::vector<Case> c;
  auto add = [&](std::string id, std::string text, std::string want, bool whole = false) {
    c.push_back({std::move(id), std::move(text), std::move(want), whole});
  };
  // Not JSON, or not a scenario.
  add("empty", "", "the file is empty");
  add("blank", "   \n\t ", "invalid JSON");
  add("open_brace", "{", "invalid JSON");
  add("close_brace", "}", "invalid JSON");
  add("array_top", "[1, 2]", "");
  add("trailing_comma", R"({"latlab": 1,})", "invalid JSON");
  add("garbage_after", base() + " x", "invalid JSON");
  add("single_quotes", "{'latlab': 1}", "invalid JSON");
  add("nan", R"({"latlab": NaN})", "invalid JSON");
  add("comment", R"({"latlab": 1 /* c */})", "invalid JSON");
  add("unterminated_string", R"({"latlab": 1, "name": "abc)", "invalid JSON");
  add("raw_newline_in_string", "{\"latlab\": 1, \"name\": \"a\nb\"}", "control character");
  add("invalid_utf8", "{\"latlab\": 1, \"name\": \"\xff\xfe\"}", "UTF-8");
  add("lone_surrogate", R"({"latlab": 1, "name": "\ud800"})", "");
  add("bom_then_garbage", "\xef\xbb\xbfxyz", "invalid JSON");
  add("nul_byte", std::string("{\"latlab\": 1,\0 \"name\": \"x\"}", 27), "");
  add("deep_arrays", std::string(100000, '[') + std::string(100000, ']'), "nesting deeper than");
  {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
    deep += "1" + std::string(100000, '}');
    add("deep_objects", deep, "nesting deeper than");
  }
  add("ten_mb_string", R"({"latlab": 1, "name": ")" + std::string(10 << 20, 'x') + "\"}",
      "scenarios are limited to 1048576 bytes", true);
  add("long_name", R"({"latlab": 1, "nodes": {"a": {"kind": "netns"}}, "name": ")" + std::string(900 << 10, 'x') + "\"}",
      "lab name");
  // Wrong types and shapes.
  add("latlab_string", base().replace(base().find("\"latlab\": 1"), 11, "\"latlab\": \"1\""), "");
  add("latlab_2", base().replace(base().find("\"latlab\": 1"), 11, "\"latlab\": 2"), "version 2");
  add("name_number", R"({"latlab": 1, "name": 5, "nodes": {"a": {"kind": "netns"}}})", "");
  add("nodes_array", R"({"latlab": 1, "name": "hx", "nodes": []})", "");
  add("nodes_empty", R"({"latlab": 1, "name": "hx", "nodes": {}})", "at least one node");
  add("node_number", R"({"latlab": 1, "name": "hx", "nodes": {"a": 3}})", "");
  add("kind_number", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": 3}}})", "");
  add("kind_unknown", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "vm"}}})", "");
  add("links_object", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "netns"}}, "links": {}})", "");
  add("endpoints_string", base().replace(base().find("\"endpoints\": ["), 14, "\"endpoints\": \"a:eth0\", \"x\": ["), "");
  add("count_string", base({{"COUNT", "\"5\""}}), "");
  add("count_negative", base({{"COUNT", "-1"}}), "");
  add("count_zero", base({{"COUNT", "0"}}), "");
  add("count_fraction", base({{"COUNT", "1.5"}}), "");
  add("experiments_object", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "netns"}}, "experiments": {}})", "");
  add("unknown_top_key", base().replace(1, 0, "\"rm\": \"-rf /\", "), "unknown key");
  add("missing_name", R"({"latlab": 1, "nodes": {"a": {"kind": "netns"}}})", "name");
  add("missing_latlab", R"({"name": "hx", "nodes": {"a": {"kind": "netns"}}})", "latlab");
  add("address_garbage", base({{"ADDR", "not-an-address"}}), "");
  add("address_no_prefix", base({{"ADDR", "198.18.9.1"}}), "");
  // Huge numbers.
  add("count_1e30", base({{"COUNT", "1e30"}}), "");
  add("count_2_64", base({{"COUNT", "18446744073709551616"}}), "");
  add("count_huge_digits", base({{"COUNT", std::string(400, '9')}}), "");
  add("repeat_huge", base().replace(1, 0, "\"repeat\": 1000000000, "), "");
  add("seed_negative", base().replace(1, 0, "\"seed\": -1, "), "");
  add("mtu_huge", base().replace(base().find("\"members\""), 0, "\"mtu\": 99999999, "), "");
  add("interval_huge", base().replace(base().find("\"count\""), 0, "\"interval\": \"1e99s\", "), "");
  add("payload_huge", base().replace(base().find("\"count\""), 0, "\"payload\": 4294967296, "), "");
  // Duplicate keys.
  add("duplicate_top", base().replace(1, 0, "\"name\": \"hy\", "), "duplicate key");
  add("duplicate_node", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "netns"}, "a": {"kind": "netns"}}})",
      "duplicate key");
  add("duplicate_in_link", base().replace(base().find("\"kind\": \"veth\""), 0, "\"kind\": \"bridge\", "),
      "duplicate key");
  // Names: every kind of name, every kind of trouble.
  const std::vector<std::pair<std::string, std::string>> bad_names = {
      {"slash", "a/b"},       {"dotdot", ".."},          {"space", "a b"},        {"dquote", "a\\\"b"},
      {"squote", "a'b"},      {"subshell", "$(reboot)"}, {"backquote", "`id`"},   {"semicolon", "a;rm"},
      {"cyrillic_a", "\xd0\xb0"},                        {"leading_dash", "-a"},  {"star", "a*"}};
  for (const auto& [why, name] : bad_names) {
    add("lab_" + why, base({{"LAB", name}}), "lab name");
    add("node_" + why, base({{"NODE", name}}), "");
    add("exp_" + why, base({{"EXP", name}}), "experiment name");
    add("if_" + why, base({{"IF", name == ".." ? ".." : name}}), "interface name");
    add("bridge_" + why, base({{"BR", name}}), "interface name");
    add("net_" + why, base({{"NET", name}}), "docker network name");
  }
  add("if_16_bytes", base({{"IF", "abcdefghijklmnop"}}), "at most 15");
  add("bridge_16_bytes", base({{"BR", "abcdefghijklmnop"}}), "at most 15");
  add("node_33_bytes", base({{"NODE", std::string(33, 'n')}}), "at most 32");
  add("if_lo", base({{"IF", "lo"}}), "loopback");
  // Addresses a lab must not create, targets it must not send to.
  for (const auto& [why, addr] : std::vector<std::pair<std::string, std::string>>{
           {"rfc1918_10", "10.0.0.1/24"},
           {"rfc1918_192", "192.168.1.1/24"},
           {"rfc1918_172", "172.16.0.1/12"},
           {"public", "8.8.8.8/32"},
           {"doc_v6", "2001:db8::1/64"},
           {"ula_v6", "fd00::1/64"}})
    add("addr_" + why, base({{"ADDR", addr}}), "outside the benchmarking ranges");
  add("pool_outside", base().replace(1, 0, "\"pools\": {\"ipv4\": \"10.0.0.0/8\"}, "), "outside the benchmarking ranges");
  add("to_public", base({{"TO", "8.8.8.8"}}), "not an address of this lab");
  add("to_public_v6", base({{"TO", "2001:4860:4860::8888"}}), "not an address of this lab");
  add("to_undeclared_node", base({{"TO", "zz:eth0"}}), "not declared");
  add("from_undeclared", base().replace(base().find("\"from\": \"a\""), 11, "\"from\": \"zz\""), "not declared");
  add("multicast_addr", base({{"ADDR", "224.0.0.1/24"}}), "");
  add("loopback_addr", base({{"ADDR", "127.0.0.2/8"}}), "");
  // Links that refer to themselves.
  add("veth_to_itself", base().replace(base().find("\"b:eth0\", \"addresses\": [\"198.18.9.2/24\"]"), 8, "\"a:eth0\""),
      "");
  add("bridge_member_twice", base().replace(base().find("[\"b:eth1\"]"), 10, "[\"b:eth1\", \"b:eth1\"]"), "");
  add("veth_one_end", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "netns"}},
 "links": [{"kind": "veth", "endpoints": ["a:eth0"]}]})",
      "");
  add("two_host_nodes", R"({"latlab": 1, "name": "hx", "nodes": {"h": {"kind": "host"}, "g": {"kind": "host"}}})", "");
  add("phys_moved_twice", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
 "links": [{"kind": "phys", "device": "hxdev0", "node": "a"}, {"kind": "phys", "device": "hxdev0", "node": "b"}]})",
      "already moved");
  add("global_sysctl_without_opt_in",
      R"({"latlab": 1, "name": "hx", "nodes": {"h": {"kind": "host", "sysctls": {"net.core.rmem_max": "1"}}}})", "");
  // The move of this machine's uplink.
  if (const std::string up = default_route_device(); !up.empty())
    add("phys_uplink", R"({"latlab": 1, "name": "hx", "nodes": {"a": {"kind": "netns"}},
 "links": [{"kind": "phys", "device": ")" + up + R"(", "node": "a"}]})",
        "allow_uplink");
  return c;
}

// What the machine has that a latlab command could have made.
std::string snapshot(const std::string& dir) {
  std::string s;
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"sh", "-c", "ip -o link show | cut -d: -f2"},  // names only: states and counters move by themselves
           {"sh", "-c", "ip -o addr show | awk '{print $2, $4}'"},
           {"ip", "netns", "list"},
           {"ls", "-A", "/run/latlab"},
           {"docker", "ps", "-a", "--format", "{{.Names}}"},
           {"docker", "network", "ls", "--format", "{{.Name}}"},
           {"ls", "-A", dir},
           {"pgrep", "-c", "-f", "latlab-agent|iperf3|tcpdump"}}) {
    auto r = run_command(argv);
    s += "$ " + argv.back() + "\n" + r.out;
  }
  return s;
}

TEST(HostileE2E, EveryHostileScenarioIsRefusedWhereItIsAndChangesNothing) {
  const auto cases = corpus();
  ASSERT_GE(cases.size(), 100u);
  {
    // Every mutation fails for its own reason: the lab they start from is valid.
    const std::string ok = (fs::temp_directory_path() / ("latlab-hostile-base-" + std::to_string(::getpid()) + ".json")).string();
    std::ofstream(ok) << base();
    auto v = run_command({latlab_bin(), "validate", ok});
    fs::remove(ok);
    ASSERT_EQ(v.exit_code, 0) << v.err;
  }
  const fs::path dir = fs::temp_directory_path() / ("latlab-hostile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<std::string> files;
  for (size_t i = 0; i < cases.size(); ++i) {
    files.push_back((dir / (cases[i].id + ".json")).string());
    std::ofstream(files.back(), std::ios::binary) << cases[i].text;
  }
  const bool root = ::geteuid() == 0;
  const std::string db = (dir / "latlab.db").string();
  const std::string before = snapshot(dir.string());
  size_t refused = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& k = cases[i];
    const std::string& f = files[i];
    auto v = run_command({latlab_bin(), "validate", f});
    EXPECT_EQ(v.exit_code, 2) << k.id << ": " << v.out << v.err;
    const std::string first = v.err.substr(0, v.err.find('\n'));
    const std::string place = k.whole_file ? "^" + std::regex_replace(f, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + ": error: "
                                           : "^" + std::regex_replace(f, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + ":[0-9]+:[0-9]+: error: ";
    EXPECT_TRUE(std::regex_search(first, std::regex(place))) << k.id << ": " << first;
    EXPECT_NE(first.find(k.want), std::string::npos) << k.id << ": wants \"" << k.want << "\": " << first;
    EXPECT_LT(first.size(), 2000u) << k.id << ": one line, not the input echoed";
    if (v.exit_code != 2) continue;  // never build what validation let through
    ++refused;
    if (!root) continue;
    for (const char* cmd : {"up", "run"}) {
      std::vector<std::string> argv = {latlab_bin(), cmd, f};
      if (std::string(cmd) == "run") argv.insert(argv.end(), {"--db", db});
      auto r = run_command(argv);
      EXPECT_EQ(r.exit_code, 2) << k.id << ": " << cmd << ": " << r.err;
      EXPECT_EQ(r.err.substr(0, r.err.find('\n')), first) << k.id << ": " << cmd << " says what validate says";
    }
  }
  EXPECT_EQ(refused, cases.size());
  EXPECT_FALSE(fs::exists(db)) << "no store is made for a scenario that is refused";
  EXPECT_FALSE(fs::exists(dir / "latlab-runs"));
  EXPECT_EQ(snapshot(dir.string()), before);
  fs::remove_all(dir);
  std::printf("hostile scenarios: %zu refused by validate%s\n", refused, root ? ", up and run" : "");
}

}  // namespace
}  // namespace latlab::test
