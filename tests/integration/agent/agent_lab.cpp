#include "agent_lab.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

namespace latlab::test {

int run_command(const std::vector<std::string>& argv, std::string* output) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (output != nullptr) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {

constexpr const char* kMacA = "02:1a:7e:00:00:0a";
constexpr const char* kMacB = "02:1a:7e:00:00:0b";

std::string random_tag() {
  unsigned char bytes[3] = {};
  if (getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes)) {
    const unsigned v = static_cast<unsigned>(getpid());
    bytes[0] = static_cast<unsigned char>(v);
    bytes[1] = static_cast<unsigned char>(v >> 8);
    bytes[2] = static_cast<unsigned char>(v >> 16);
  }
  char out[8];
  std::snprintf(out, sizeof(out), "%02x%02x%02x", bytes[0], bytes[1], bytes[2]);
  return out;
}

}  // namespace

bool VethLab::step(const std::vector<std::string>& argv) {
  if (!error_.empty()) return false;
  std::string out;
  if (run_command(argv, &out) != 0) {
    error_ = "command failed:";
    for (const auto& a : argv) error_ += " " + a;
    error_ += ": " + out;
    return false;
  }
  return true;
}

VethLab::VethLab(const LabOptions& o) {
  const std::string tag = random_tag();
  ns_a_ = "latlabt-" + tag + "-a";
  ns_b_ = "latlabt-" + tag + "-b";
  if_a_ = "latlabt" + tag + "a";  // 14 bytes: fits IFNAMSIZ
  if_b_ = "latlabt" + tag + "b";
  created_a_ = step({"ip", "netns", "add", ns_a_});
  created_b_ = step({"ip", "netns", "add", ns_b_});
  // Created directly inside the namespaces: nothing of ours ever sits in the host namespace.
  step({"ip", "link", "add", if_a_, "netns", ns_a_, "address", kMacA, "type", "veth", "peer", "name", if_b_, "netns",
        ns_b_, "address", kMacB});
  for (const auto* ns : {&ns_a_, &ns_b_}) step({"ip", "-n", *ns, "link", "set", "lo", "up"});
  if (o.ipv6) {
    // No DAD: addresses are usable at once.
    step({"ip", "netns", "exec", ns_a_, "sysctl", "-qw", "net.ipv6.conf." + if_a_ + ".accept_dad=0"});
    step({"ip", "netns", "exec", ns_b_, "sysctl", "-qw", "net.ipv6.conf." + if_b_ + ".accept_dad=0"});
  }
  if (o.address_a) {
    step({"ip", "-n", ns_a_, "addr", "add", "198.18.0.1/24", "dev", if_a_});
    if (o.ipv6) step({"ip", "-n", ns_a_, "addr", "add", "2001:2::1/64", "dev", if_a_, "nodad"});
  }
  if (o.address_b) {
    step({"ip", "-n", ns_b_, "addr", "add", "198.18.0.2/24", "dev", if_b_});
    if (o.ipv6) step({"ip", "-n", ns_b_, "addr", "add", "2001:2::2/64", "dev", if_b_, "nodad"});
  }
  if (o.ipv6 && o.address_a && o.address_b) {
    // Neighbour discovery right after link-up loses its first solicitation and
    // retries only after a second; the lab is about the agent, not about ND.
    step({"ip", "-n", ns_a_, "neigh", "replace", "2001:2::2", "lladdr", kMacB, "dev", if_a_, "nud", "permanent"});
    step({"ip", "-n", ns_b_, "neigh", "replace", "2001:2::1", "lladdr", kMacA, "dev", if_b_, "nud", "permanent"});
  }
  step({"ip", "-n", ns_a_, "link", "set", if_a_, "up"});
  step({"ip", "-n", ns_b_, "link", "set", if_b_, "up"});
  // Until linkwatch has marked both ends operationally up, the device still
  // has the noop qdisc and silently drops what is sent (ARP included).
  if (error_.empty()) {
    bool ready = false;
    for (int i = 0; i < 300 && !ready; ++i) {
      std::string a, b;
      run_command({"ip", "-n", ns_a_, "-o", "link", "show", "dev", if_a_}, &a);
      run_command({"ip", "-n", ns_b_, "-o", "link", "show", "dev", if_b_}, &b);
      ready = a.find("state UP") != std::string::npos && b.find("state UP") != std::string::npos;
      if (!ready) usleep(10'000);
    }
    if (!ready) error_ = "veth " + if_a_ + " / " + if_b_ + " did not come up within 3 s";
  }
}

VethLab::~VethLab() {
  // Deleting a namespace deletes the veth end inside it, and with it the peer.
  if (created_a_) run_command({"ip", "netns", "del", ns_a_});
  if (created_b_) run_command({"ip", "netns", "del", ns_b_});
}

namespace {

std::vector<std::string> with_extra(std::vector<std::string> args, const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

std::vector<std::string> raw_responder_args(const VethLab& lab, const std::vector<std::string>& extra) {
  return with_extra(
      {"raw-responder", "--netns", lab.ns_path_b(), "--ifname", lab.if_b(), "--address", "198.18.0.2"},
      extra);
}

std::vector<std::string> raw_probe_args(const VethLab& lab, const std::vector<std::string>& extra) {
  return with_extra({"raw", "--netns", lab.ns_path_a(), "--ifname", lab.if_a(), "--target", "198.18.0.2"},
                    extra);
}

}  // namespace latlab::test
