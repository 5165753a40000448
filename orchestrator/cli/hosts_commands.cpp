// The far side of a multi-host lab, run by the controller over SSH on the
// lab's other hosts (hidden from --help: a user never types them):
//   latlab part-up HOST   builds this host's part of the lab on stdin
//   latlab spawn ... --   runs an agent in a node, ended with the session
#include <poll.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "process/process.h"
#include "remote/fleet.h"
#include "remote/spawn_here.h"
#include "run/host_info.h"
#include "scenario/units.h"
#include "topology/engine.h"
#include "topology/plan.h"

namespace latlab::cli {

namespace {

using nlohmann::json;

// How long a built part waits for the controller's "commit": one round trip
// over the SSH connection the request came by.
constexpr std::chrono::seconds kCommitWait{10};

// One line of stdin (without its newline), read byte by byte so that nothing
// after it is consumed; empty at EOF, on an error, or once `wait` is over.
std::optional<std::string> read_stdin_line(std::optional<std::chrono::milliseconds> wait) {
  const auto end = std::chrono::steady_clock::now() + wait.value_or(std::chrono::hours(24));
  std::string line;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (r <= 0) continue;
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line.push_back(c);
  }
}

int run_part_up(const std::string& host, bool describe) {
  if (::geteuid() != 0)
    throw FatalError("`latlab part-up` needs root (it builds namespaces and interfaces)", ExitCode::environment);
  // A controller that is gone shows as EPIPE on our answer, not a SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  const std::string text = read_stdin_line(std::nullopt).value_or("");
  auto req = remote::parse_part_payload(text);
  if (!req) throw FatalError(req.error());
  auto loaded = scenario::load_scenario_text(req->scenario_text, req->scenario_file, req->hosts, host);
  if (!loaded.ok()) {
    for (const auto& d : loaded.errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    throw FatalError("", ExitCode::bad_input);
  }
  const scenario::Lab& lab = *loaded.lab;
  if (lab.find_host(host) == nullptr)
    throw FatalError("lab \"" + lab.name + "\" has no host \"" + host + "\"", ExitCode::bad_input);
  const scenario::Lab part = scenario::part_of(lab, host);
  auto ops = make_netlink_ops();
  topology::FileStateStore store(topology::FileStateStore::default_root());
  topology::Engine engine(*ops, store);
  topology::ApplyOptions opt;
  opt.scenario_path = req->scenario_file;
  opt.part = host;
  opt.agent_path = find_agent().value_or("");
  auto r = engine.up(part, topology::make_plan(lab, host), opt);
  if (!r) throw FatalError(Error(r.error()).context("host \"" + host + "\""));
  json nodes = json::array();
  for (const auto& n : r->nodes) nodes.push_back({{"name", n.name}, {"kind", n.kind}, {"netns", n.netns}});
  json out = {{"lab", lab.name}, {"host", host}, {"nodes", nodes}};
  if (describe) {
    // What the controller records of this host for a run: the machine, and
    // the settings of this part's nodes as its kernel has them.
    out["machine"] = run::machine_info();
    out["settings"] = run::lab_settings(part, *ops);
  }
  // The part stays only once the controller has our answer and says so
  // ("commit"). If it died meanwhile (SIGKILL, its machine, the network),
  // its `latlab cleanup` may have been here before the part was built and
  // found nothing: this host removes its part itself.
  const bool answered = process::write_pipe(STDOUT_FILENO, out.dump() + "\n").ok();
  if (answered && read_stdin_line(kCommitWait) == std::optional<std::string>("commit")) return 0;
  auto undo = engine.down(lab.name);
  const std::string how = undo ? "removed it" : "removing it failed: " + Error(undo.error()).message();
  std::fprintf(stderr, "latlab part-up: the controller did not take host \"%s\"'s part of lab \"%s\" (%s): %s\n",
               host.c_str(), lab.name.c_str(), answered ? "no commit" : "its session ended", how.c_str());
  return to_int(ExitCode::interrupted);
}

}  // namespace

void add_hosts_commands(Registry& reg) {
  struct Opts {
    std::string host, netns, cpus;
    std::vector<std::string> argv;
    bool describe = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sel = reg.selected;

  auto* part = reg.app.add_subcommand(
      "part-up", "Build this host's part of a multi-host lab, the request on stdin (run by the controller over SSH)");
  part->group("");  // hidden
  part->add_option("HOST", o->host, "this host's name in the lab")->required();
  part->add_flag("--describe", o->describe, "also print the machine and the part's settings");
  part->callback([o, sel] { *sel = [o] { return run_part_up(o->host, o->describe); }; });

  auto* spawn = reg.app.add_subcommand(
      "spawn", "Run a command in a namespace and on CPUs until stdin closes (run by the controller over SSH)");
  spawn->group("");
  spawn->add_option("--netns", o->netns, "network namespace file");
  spawn->add_option("--cpus", o->cpus, "CPU list");
  spawn->add_option("ARGV", o->argv, "the command, after --")->required()->expected(-1);
  spawn->callback([o, sel] {
    *sel = [o] {
      remote::SpawnHere what;
      what.netns_path = o->netns;
      what.argv = o->argv;
      if (!o->cpus.empty()) {
        auto cpus = scenario::parse_cpu_list(o->cpus);
        if (!cpus) throw FatalError("spawn: --cpus " + o->cpus + " is not a CPU list", ExitCode::bad_input);
        what.cpus = *cpus;
      }
      return remote::spawn_here(what);
    };
  });
}

}  // namespace latlab::cli
