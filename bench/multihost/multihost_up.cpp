// latlab-bench-multihost [ROUNDS]: what a lab across hosts costs to bring up
// against one host's part alone, on two "hosts" of this machine (network
// namespaces with their own sshd, as the MultiHost tests use; needs root).
//
// Per round, interleaved: `latlab up` + `down` of a 50-node lab on this
// machine (the reference) and of 100 nodes (the same two halves on one
// machine), of the 50 nodes on host h0 alone, and of 2 x 50 nodes on h0 and
// h1, each with the hosts' SSH masters already open (connections reused, as
// from one latlab command to the next within ControlPersist); one SSH round
// trip over a master (`ssh host true`) and one new connection. Prints the
// median of each and the two-host time's excess over the reference in round
// trips. The bound: 2 x 50 costs at most the one-host time plus one round
// trip per host.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "process/real_launcher.h"
#include "remote/remote_command.h"
#include "support/run_command.h"  // LATLAB_BIN_DIR is this target's own
#include "support/ssh_hosts.h"

using namespace latlab;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// 25 veth pairs per host: 50 netns nodes, each with an address.
std::string lab_file(const std::string& dir, const std::string& name, const std::vector<std::string>& on,
                     const test::SshHosts& hosts) {
  json j = {{"latlab", 1}, {"name", name}, {"nodes", json::object()}, {"links", json::array()}};
  json hs = json::object();
  int h = 0;
  for (const auto& host : on) {
    if (host != "local") {
      const int i = host == "h0" ? 0 : 1;
      auto d = hosts.dest(i);
      hs[host] = {{"address", d.address}, {"user", d.user}, {"identity", d.identity_file}};
    }
    for (int k = 0; k < 25; ++k) {
      const std::string a = "n" + std::to_string(h) + "a" + std::to_string(k);
      const std::string b = "n" + std::to_string(h) + "b" + std::to_string(k);
      j["nodes"][a] = {{"kind", "netns"}};
      j["nodes"][b] = {{"kind", "netns"}};
      if (host != "local") {
        j["nodes"][a]["host"] = host;
        j["nodes"][b]["host"] = host;
      }
      j["links"].push_back({{"kind", "veth"}, {"endpoints", {a + ":eth0", b + ":eth0"}}});
    }
    ++h;
  }
  if (!hs.empty()) j["hosts"] = hs;
  const std::string path = dir + "/" + name + ".json";
  std::ofstream(path) << j.dump();
  return path;
}

// up + down; the up's wall time, or a negative value on failure.
double up_down(const std::string& file, const std::string& lab) {
  const std::string latlab = std::string(LATLAB_BIN_DIR) + "/latlab";
  auto t0 = Clock::now();
  auto up = test::run_command({latlab, "up", file});
  const double t = since(t0);
  auto down = test::run_command({latlab, "down", lab});
  if (up.exit_code != 0 || down.exit_code != 0) {
    std::fprintf(stderr, "bench: %s: up %d: %s down %d: %s\n", lab.c_str(), up.exit_code, up.err.c_str(),
                 down.exit_code, down.err.c_str());
    return -1;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "latlab-bench-multihost: needs root\n");
    return 3;
  }
  test::SshHosts hosts("lb" + std::to_string(::getpid() % 10000), 2);
  if (!hosts.error().empty()) {
    std::fprintf(stderr, "%s\n", hosts.error().c_str());
    return 3;
  }
  const std::string ctl = hosts.dir() + "/latlab-ctl";
  std::system(("mkdir -p " + ctl).c_str());
  ::setenv("LATLAB_SSH_CONTROL_DIR", ctl.c_str(), 1);
  ::setenv("LATLAB_SSH_KNOWN_HOSTS", (hosts.dir() + "/known_hosts").c_str(), 1);
  const std::string tag = std::to_string(::getpid() % 10000);
  const std::string local = lab_file(hosts.dir(), "bl" + tag, {"local"}, hosts);
  const std::string local2 = lab_file(hosts.dir(), "bd" + tag, {"local", "local"}, hosts);
  const std::string one = lab_file(hosts.dir(), "bo" + tag, {"h0"}, hosts);
  const std::string two = lab_file(hosts.dir(), "bt" + tag, {"h0", "h1"}, hosts);
  // Warm-up: copies latlab's binaries to both hosts, opens the masters.
  if (up_down(two, "bt" + tag) < 0) return 1;
  process::RealLauncher launcher;
  remote::SshOptions opts = hosts.options();
  opts.control_dir = ctl;
  remote::SshLauncher h0(launcher, hosts.dest(0), opts);
  remote::SshLauncher h1(launcher, hosts.dest(1), opts);
  // `latlab down` ends the masters; the next command's are opened here.
  auto open_masters = [&](bool both) {
    return remote::check_connection(h0, std::chrono::seconds(10)).ok() &&
           (!both || remote::check_connection(h1, std::chrono::seconds(10)).ok());
  };
  std::vector<double> t_local, t_local2, t_one, t_two, rtt, fresh;
  for (int r = 0; r < rounds; ++r) {
    t_local.push_back(up_down(local, "bl" + tag));
    t_local2.push_back(up_down(local2, "bd" + tag));
    if (!open_masters(false)) return 1;
    t_one.push_back(up_down(one, "bo" + tag));
    if (!open_masters(true)) return 1;
    t_two.push_back(up_down(two, "bt" + tag));
    if (!open_masters(false)) return 1;
    auto t0 = Clock::now();
    if (!remote::check_connection(h0, std::chrono::seconds(10))) return 1;
    rtt.push_back(since(t0));
    (void)remote::close_master(h0, std::chrono::seconds(5));
    (void)remote::close_master(h1, std::chrono::seconds(5));
    t0 = Clock::now();
    if (!remote::check_connection(h0, std::chrono::seconds(10))) return 1;
    fresh.push_back(since(t0));
    (void)remote::close_master(h0, std::chrono::seconds(5));
    std::fprintf(stderr, "round %d: local 50 %.3f s, local 100 %.3f s, h0 %.3f s, h0+h1 %.3f s, ssh %.1f ms, new connection %.1f ms\n",
                 r + 1, t_local.back(), t_local2.back(), t_one.back(), t_two.back(), rtt.back() * 1e3,
                 fresh.back() * 1e3);
  }
  for (const auto& v : {t_local, t_local2, t_one, t_two})
    if (std::any_of(v.begin(), v.end(), [](double x) { return x < 0; })) return 1;
  const double l = median(t_local), l2 = median(t_local2), o = median(t_one), t = median(t_two), s = median(rtt);
  std::printf("latlab up of netns nodes in veth pairs, median of %d rounds (down not timed; SSH masters open):\n",
              rounds);
  std::printf("  50 on this machine (reference)   %7.3f s   1.00x\n", l);
  std::printf("  100 on this machine              %7.3f s   %.2fx\n", l2, l2 / l);
  std::printf("  50 on host h0 over SSH           %7.3f s   %.2fx\n", o, o / l);
  std::printf("  2 x 50 on hosts h0 and h1        %7.3f s   %.2fx\n", t, t / l);
  std::printf("  one SSH round trip (master)      %7.1f ms\n", s * 1e3);
  std::printf("  a new SSH connection             %7.1f ms (what the first command after ControlPersist pays)\n",
              median(fresh) * 1e3);
  std::printf("  2 x 50 minus 50 here             %7.3f s = %.1f round trips per host (bound: 1)\n", t - l,
              (t - l) / s / 2);
  hosts.down();
  return 0;
}
