#include "run/pcap_tcpdump.h"

#include "run/kinds.h"

#include <cstdlib>
#include <sstream>

namespace latlab::run {

namespace {

Result<CaptureInterface> split_interface(const std::string& text, const scenario::Experiment& exp) {
  CaptureInterface c;
  auto colon = text.find(':');
  if (colon == std::string::npos) {
    c.node = exp.from_node;
    c.ifname = text;
  } else {
    c.node = text.substr(0, colon);
    c.ifname = text.substr(colon + 1);
  }
  if (c.node.empty() || c.ifname.empty() || c.ifname.size() > 15 || c.ifname.find('/') != std::string::npos)
    return Error("interface \"" + text + "\": expected \"node:ifname\"");
  c.id = c.node + ":" + c.ifname;
  return c;
}

}  // namespace

Result<std::vector<CaptureInterface>> tcpdump_interfaces(const scenario::CaptureSpec& spec,
                                                         const scenario::Experiment& exp) {
  std::optional<CaptureInterface> egress;
  if (!exp.egress.empty()) {
    auto e = split_interface(exp.egress, exp);
    if (!e.ok()) return e.error().with_context("egress");
    egress = *e;
  }
  std::vector<CaptureInterface> out;
  if (spec.interfaces.empty()) {
    if (!egress)
      return Error("experiment \"" + exp.name +
                   "\" has no known egress interface; list the interfaces to capture on");
    out.push_back(*egress);
    return out;
  }
  for (const auto& text : spec.interfaces) {
    auto c = split_interface(text, exp);
    if (!c.ok()) return c.error();
    bool dup = false;
    for (const auto& o : out) dup = dup || o.id == c->id;
    if (dup) continue;
    if (egress && c->id == egress->id)
      out.insert(out.begin(), *c);
    else
      out.push_back(*c);
  }
  return out;
}

std::string tcpdump_filter(const scenario::Experiment& exp) {
  const std::string host = "host " + exp.target.str();
  auto kind = probe_kind(exp.probe);
  if (kind && (*kind)->echo == Echo::udp)
    return "udp and " + host + " and port " + std::to_string(exp.responder.port);
  std::string echo =
      exp.family == 6
          ? "(icmp6 and " + host +
                " and (icmp6[icmp6type] == icmp6-echo or icmp6[icmp6type] == icmp6-echoreply))"
          : "(icmp and " + host + " and (icmp[icmptype] == icmp-echo or icmp[icmptype] == icmp-echoreply))";
  if (kind && (*kind)->sends_arp) return echo + " or arp";
  return echo;
}

std::vector<std::string> tcpdump_argv(const std::string& tcpdump, const std::string& ifname,
                                      const std::string& file, const std::string& filter,
                                      bool timestamp_host) {
  std::vector<std::string> argv = {tcpdump, "-i", ifname, "-n", "-U", "--immediate-mode", "-w", file};
  if (timestamp_host) {
    argv.push_back("-j");
    argv.push_back("host");
  }
  for (const char* a : {"--time-stamp-precision=nano", "-s", "256", "-Z", "root"}) argv.push_back(a);
  argv.push_back(filter);
  return argv;
}

TcpdumpStats parse_tcpdump_stats(const std::string& stderr_text) {
  TcpdumpStats s;
  std::istringstream in(stderr_text);
  std::string line;
  while (std::getline(in, line)) {
    size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    if (digits == 0 || digits > 19) continue;
    uint64_t n = std::strtoull(line.substr(0, digits).c_str(), nullptr, 10);
    std::string rest = line.substr(digits);
    if (rest == " packet captured" || rest == " packets captured")
      s.captured = n;
    else if (rest == " packet received by filter" || rest == " packets received by filter")
      s.received_by_filter = n;
    else if (rest == " packet dropped by kernel" || rest == " packets dropped by kernel")
      s.dropped_by_kernel = n;
    else if (rest == " packet dropped by interface" || rest == " packets dropped by interface")
      s.dropped_by_interface = n;
  }
  return s;
}

std::string tcpdump_error_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, best;
  while (std::getline(in, line)) {
    if (line.rfind("tcpdump: ", 0) == 0 && line.rfind("tcpdump: listening on", 0) != 0) best = line;
  }
  return best.empty() ? process::last_stderr_line(text) : best;
}

}  // namespace latlab::run
