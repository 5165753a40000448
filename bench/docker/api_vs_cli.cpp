// latlab-bench-docker: the Engine API client against the docker CLI, in one
// run. Each round creates, starts and removes N containers from a locally
// built agent image (entrypoint `/latlab-agent hold`): once through
// EngineApiRuntime (one kept-open connection, no process per call) and once
// with `docker create`, `docker start`, `docker rm -f` (one CLI process per
// call); rounds alternate which goes first. Prints the median round of each
// and their ratio; then the same for --inspects inspections of one running
// container (the per-call cost of each client, without the engine's work of
// creating and removing). Everything carries latlab.lab=bench-<pid> and is removed
// at the end (also after Ctrl-C); the image too. Never pulls.
//
//   latlab-bench-docker [--containers N] [--rounds R] [--inspects K] [--agent PATH] [--docker PATH]
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "docker/engine_api.h"
#include "process/real_launcher.h"

namespace {

using namespace latlab;
using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

struct Options {
  int containers = 10;
  int rounds = 5;
  int inspects = 30;
  std::string agent = LATLAB_BIN_DIR "/latlab-agent";
  std::string docker = "docker";
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "latlab-bench-docker: %s\nusage: latlab-bench-docker [--containers N] [--rounds R] "
               "[--inspects K] [--agent PATH] [--docker PATH]\n", why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage("option " + a + " needs a value");
    const std::string v = argv[++i];
    if (a == "--containers") o.containers = std::atoi(v.c_str());
    else if (a == "--rounds") o.rounds = std::atoi(v.c_str());
    else if (a == "--inspects") o.inspects = std::atoi(v.c_str());
    else if (a == "--agent") o.agent = v;
    else if (a == "--docker") o.docker = v;
    else usage("unknown option " + a);
  }
  if (o.containers < 1 || o.rounds < 1 || o.inspects < 1) usage("--containers, --rounds and --inspects must be at least 1");
  return o;
}

Status run_cli(const std::string& docker, std::vector<std::string> args) {
  args.insert(args.begin(), docker);
  process::SpawnSpec spec;
  spec.argv = args;
  process::RealLauncher launcher;
  auto child = launcher.spawn(spec);
  if (!child) return std::move(child).error();
  auto code = (*child)->wait(std::chrono::minutes(2));
  if (!code) return std::move(code).error();
  if (*code != 0) {
    return Error("`" + args[0] + " " + args[1] + " ...` exited with " + std::to_string(*code) + ": " +
                 (*child)->stderr_text());
  }
  return Ok{};
}

std::string name_of(const std::string& lab, const std::string& how, int round, int i) {
  return "latlab-" + lab + "-" + how + std::to_string(round) + "-" + std::to_string(i);
}

Result<double> api_round(docker::EngineApiRuntime& rt, const std::string& lab, const std::string& image, int round,
                         int n) {
  const auto t0 = Clock::now();
  for (int i = 0; i < n && !g_interrupted; ++i) {
    docker::ContainerSpec s;
    s.name = name_of(lab, "api", round, i);
    s.image = image;
    s.labels = {{docker::label_lab, lab}};
    s.entrypoint = {"/latlab-agent", "hold"};
    LATLAB_TRY(rt.create_container(s));
    LATLAB_TRY(rt.start_container(s.name));
    LATLAB_TRY(rt.remove_container(s.name, lab));
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Result<double> cli_round(const std::string& docker, const std::string& lab, const std::string& image, int round,
                         int n) {
  const auto t0 = Clock::now();
  for (int i = 0; i < n && !g_interrupted; ++i) {
    const std::string name = name_of(lab, "cli", round, i);
    LATLAB_TRY(run_cli(docker, {"create", "--name", name, "--label", std::string(docker::label_lab) + "=" + lab,
                                "--entrypoint", "/latlab-agent", image, "hold"}));
    LATLAB_TRY(run_cli(docker, {"start", name}));
    LATLAB_TRY(run_cli(docker, {"rm", "-f", name}));
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Result<double> api_inspects(docker::EngineApiRuntime& rt, const std::string& name, int k) {
  const auto t0 = Clock::now();
  for (int i = 0; i < k && !g_interrupted; ++i) LATLAB_TRY(rt.inspect_container(name));
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Result<double> cli_inspects(const std::string& docker, const std::string& name, int k) {
  const auto t0 = Clock::now();
  for (int i = 0; i < k && !g_interrupted; ++i) LATLAB_TRY(run_cli(docker, {"inspect", name}));
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  docker::EngineApiRuntime rt;
  if (auto p = rt.ping(); !p) {
    std::fprintf(stderr, "latlab-bench-docker: %s\n", p.error().message().c_str());
    return 3;
  }
  const std::string lab = "bench-" + std::to_string(::getpid());
  const std::string image = "latlab-" + lab + "-agent:bench";
  int rc = 0;
  std::vector<double> api, cli;
  if (auto b = rt.build_agent_image(image, o.agent); !b) {
    std::fprintf(stderr, "latlab-bench-docker: %s\n", b.error().message().c_str());
    rc = 3;
  }
  for (int r = 0; rc == 0 && r < o.rounds && !g_interrupted; ++r) {
    // Alternate the order so that a trend in the machine's load hits both alike.
    for (int k = 0; k < 2 && rc == 0; ++k) {
      const bool api_turn = (r % 2 == 0) == (k == 0);
      auto t = api_turn ? api_round(rt, lab, image, r, o.containers) : cli_round(o.docker, lab, image, r, o.containers);
      if (!t) {
        std::fprintf(stderr, "latlab-bench-docker: %s\n", t.error().message().c_str());
        rc = 1;
        break;
      }
      (api_turn ? api : cli).push_back(*t);
    }
  }
  std::vector<double> api_i, cli_i;
  const std::string held = "latlab-" + lab + "-inspected";
  if (rc == 0 && !g_interrupted) {
    docker::ContainerSpec s;
    s.name = held;
    s.image = image;
    s.labels = {{docker::label_lab, lab}};
    s.entrypoint = {"/latlab-agent", "hold"};
    auto made = rt.create_container(s);
    Status started = made ? rt.start_container(held) : Status(made.error());
    if (!started) {
      std::fprintf(stderr, "latlab-bench-docker: %s\n", started.error().message().c_str());
      rc = 1;
    }
  }
  for (int r = 0; rc == 0 && r < o.rounds && !g_interrupted; ++r) {
    for (int k = 0; k < 2 && rc == 0; ++k) {
      const bool api_turn = (r % 2 == 0) == (k == 0);
      auto t = api_turn ? api_inspects(rt, held, o.inspects) : cli_inspects(o.docker, held, o.inspects);
      if (!t) {
        std::fprintf(stderr, "latlab-bench-docker: %s\n", t.error().message().c_str());
        rc = 1;
        break;
      }
      (api_turn ? api_i : cli_i).push_back(*t);
    }
  }
  // Whatever is left (a failed or interrupted round), then the image.
  if (auto left = rt.list_containers(std::string(docker::label_lab) + "=" + lab)) {
    for (const auto& c : *left) (void)rt.remove_container(c.id, lab);
  }
  (void)rt.remove_image(image);
  if (g_interrupted) return 130;
  if (rc != 0) return rc;

  const double a = median(api), c = median(cli);
  const int n = o.containers;
  std::printf("create+start+remove of %d containers, median of %d rounds (alternating order)\n", n, o.rounds);
  std::printf("  Engine API (latlab, one connection): %8.3f s  (%6.1f ms per container)\n", a, 1e3 * a / n);
  std::printf("  docker CLI (3 processes/container):  %8.3f s  (%6.1f ms per container)\n", c, 1e3 * c / n);
  std::printf("  ratio CLI / API: %.2fx\n", c / a);
  std::printf("  rounds API:");
  for (double x : api) std::printf(" %.3f", x);
  std::printf("\n  rounds CLI:");
  for (double x : cli) std::printf(" %.3f", x);
  std::printf("\n");
  const double ai = median(api_i), ci = median(cli_i);
  std::printf("inspect of one running container, %d times, median of %d rounds\n", o.inspects, o.rounds);
  std::printf("  Engine API: %8.3f s  (%6.2f ms per call)\n", ai, 1e3 * ai / o.inspects);
  std::printf("  docker CLI: %8.3f s  (%6.2f ms per call)\n", ci, 1e3 * ci / o.inspects);
  std::printf("  ratio CLI / API: %.1fx\n", ci / ai);
  return 0;
}
