#include "run/agent_argv.h"

#include <algorithm>

#include "docker/container_runtime.h"
#include "run/kinds.h"
#include "scenario/kinds.h"
#include "scenario/units.h"
#include "topology/kinds.h"
#include "util/remote_paths.h"

namespace latlab::run {

namespace {

// A spinning responder polls for this long after each request, at least:
// twice the probe's interval, so it never blocks between paced requests.
constexpr uint64_t kResponderMinSpinNs = 1'000'000;

std::string dur(uint64_t ns) { return scenario::format_duration(ns); }

// The agent program for a node: the host's, or the container's own copy.
std::string agent_for(const scenario::Lab& lab, const std::string& node, const std::string& agent_path) {
  const scenario::Node* n = lab.find_node(node);
  if (n && n->host != scenario::kLocalHost) return kRemoteAgent;  // the copy latlab keeps there
  return n && n->agent_exec ? agent_in_container() : agent_path;
}

void add_netns(const scenario::Lab& lab, const std::string& node, std::vector<std::string>& a) {
  const scenario::Node* n = lab.find_node(node);
  if (n && n->agent_exec) return;  // exec'd inside the container: already there
  std::string ns = n ? topology::netns_path(*n) : std::string();
  if (!ns.empty()) a.insert(a.end(), {"--netns", ns});
}

}  // namespace

std::string agent_in_container() { return std::string("/") + docker::agent_file; }

std::vector<std::string> probe_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                    const std::string& agent_path, uint32_t ident) {
  scenario::ProbePair own;
  own.from_node = e.from_node;
  own.target = e.target;
  return probe_argv(lab, e, own, agent_path, ident, e.cpu);
}

std::vector<std::string> probe_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                    const scenario::ProbePair& pair, const std::string& agent_path, uint32_t ident,
                                    std::optional<int> cpu) {
  std::vector<std::string> a = {agent_for(lab, pair.from_node, agent_path), e.probe};
  add_netns(lab, pair.from_node, a);
  a.insert(a.end(), {"--target", pair.target.str()});
  if (e.count) a.insert(a.end(), {"--count", std::to_string(*e.count)});
  if (e.duration_ns) a.insert(a.end(), {"--duration", dur(*e.duration_ns)});
  a.insert(a.end(), {"--interval", dur(e.interval_ns), "--payload", std::to_string(e.payload), "--warmup",
                     std::to_string(e.warmup), "--timeout", dur(e.timeout_ns)});
  if (cpu) a.insert(a.end(), {"--cpu", std::to_string(*cpu)});
  // "spin": paced, through the whole interval (the CPU never idles between
  // requests); back to back, through the whole wait for each reply.
  if (e.wait == "spin") a.insert(a.end(), {"--spin", dur(e.interval_ns > 0 ? e.interval_ns : e.timeout_ns)});
  // options.busy_poll is passed whatever the wait mode, as it always was.
  if (e.options.busy_poll_us || e.wait == "busy_poll")
    a.insert(a.end(),
             {"--busy-poll", std::to_string(e.options.busy_poll_us.value_or(scenario::kDefaultBusyPollUs))});
  if (e.options.priority) a.insert(a.end(), {"--priority", std::to_string(*e.options.priority)});
  if (e.options.realtime) a.push_back("--rt");
  if (auto k = probe_kind(e.probe); k && (*k)->agent_args) (*k)->agent_args(e, ident, a);
  return a;
}

std::vector<std::string> responder_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                        const std::string& agent_path) {
  return responder_argv(lab, e, e.responder.node.empty() ? e.to_node : e.responder.node, agent_path,
                        e.responder.cpu);
}

std::vector<std::string> responder_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                        const std::string& node, const std::string& agent_path,
                                        std::optional<int> cpu) {
  const scenario::ResponderKind* rk = scenario::find_responder_kind(e.responder.kind);
  auto run_kind = responder_kind(e.responder.kind);
  if (!rk || !rk->user_space() || !run_kind || !(*run_kind)->agent_args) return {};
  std::vector<std::string> a = {agent_for(lab, node, agent_path), rk->agent_mode};
  add_netns(lab, node, a);
  (*run_kind)->agent_args(e, a);
  if (cpu) a.insert(a.end(), {"--cpu", std::to_string(*cpu)});
  if (e.responder.drop_every) a.insert(a.end(), {"--drop-every", std::to_string(e.responder.drop_every)});
  if (e.responder.wait == "spin")
    a.insert(a.end(), {"--spin", dur(std::max(2 * e.interval_ns, kResponderMinSpinNs))});
  if (e.responder.wait == "busy_poll")
    a.insert(a.end(), {"--busy-poll", std::to_string(scenario::kDefaultBusyPollUs)});
  if (e.responder.delay_ns) a.insert(a.end(), {"--delay", dur(e.responder.delay_ns)});
  return a;
}

}  // namespace latlab::run
