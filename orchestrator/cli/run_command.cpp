// latlab run: one command turns a scenario into stored, comparable evidence.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "process/real_launcher.h"
#include "remote/lab_across.h"
#include "run/runner.h"
#include "run/signals.h"
#include "store/store.h"
#include "topology/journal.h"
#include "topology/real_netlink_ops.h"
#include "util/result.h"

namespace latlab::cli {

namespace fs = std::filesystem;

namespace {

int run_run(const std::string& file, const std::string& db_flag, std::optional<uint32_t> repeat,
            bool keep_lab, bool json) {
  auto scenario = load_lab_or_throw(file);
  if (::geteuid() != 0)
    throw FatalError("run: building a lab needs root (network namespaces, netlink); run as root",
                     ExitCode::environment);
  run::install_interrupt_handlers();
  std::string db_path = store::default_db_path(db_flag);
  auto store = store::SqliteStore::open(db_path);
  if (!store.ok()) throw FatalError(store.error());
  for (int64_t id : (*store)->aborted_on_open())
    std::fprintf(stderr, "latlab: run %lld was left running by a process that died; marked aborted\n",
                 static_cast<long long>(id));
  auto ops = topology::RealNetlinkOps::create();
  if (!ops.ok()) throw FatalError(ops.error());
  topology::FileStateStore states(topology::FileStateStore::default_root());
  process::RealLauncher local;
  run::RunOptions opt;
  opt.scenario_path = file;
  opt.repeat = repeat;
  opt.keep_lab = keep_lab;
  opt.agent_path = agent_path();
  auto runtime = make_container_runtime();
  opt.runtime = runtime.get();
  fs::path dbp = fs::absolute(db_path);
  opt.runs_root = (dbp.parent_path() / "latlab-runs").string();
  // A lab across machines: its parts on every host, its agents through the
  // hosts' SSH connections.
  std::unique_ptr<remote::Fleet> fleet;
  process::ProcessLauncher* launcher = &local;
  if (auto hosts = remote::remote_hosts(*scenario.lab); !hosts.empty()) {
    fleet = make_fleet(local, std::move(hosts));
    launcher = &fleet->launcher();
    const std::string payload = remote::part_payload(file, scenario.text, *scenario.lab);
    opt.up = [&, payload](topology::Engine& engine, const scenario::Lab& lab,
                          const topology::ApplyOptions& apply) -> Result<topology::LabState> {
      auto a = remote::up_across(engine, states, *fleet, lab, payload, apply, /*describe=*/true);
      if (!a) return std::move(a).error();
      return std::move(a->state);
    };
    opt.down = [&](topology::Engine& engine, const std::string& lab) {
      auto r = remote::down_across(engine, states, *fleet, lab, false, false);
      fleet->close();
      std::string err;
      for (const auto& h : r.hosts)
        if (!h.ok) err += (err.empty() ? "" : "; ") + h.error;
      for (const auto& l : r.left) err += (err.empty() ? "" : "; ") + l;
      if (r.local_error) err += (err.empty() ? "" : "; ") + r.local_error->message();
      return err;
    };
  }
  ProgressPrinter printer(::isatty(STDERR_FILENO) == 1);
  run::Runner runner(scenario, opt, **ops, states, **store, *launcher,
                     [&](const run::ProgressEvent& e) { printer(e); });
  auto out = runner.run();
  if (!out.ok()) {
    Error e = out.error();
    if (run::interrupts().count.load() > 0) e.exit(ExitCode::interrupted);
    throw FatalError(e.with_context(fmt::format("run of lab \"{}\"", scenario.lab->name)));
  }
  if (json) {
    nlohmann::json j = {
        {"run_id", out->run_id}, {"status", out->status}, {"db", db_path}, {"run_dir", out->run_dir}};
    if (!out->error.empty()) j["error"] = out->error;
    // latlab's own cost (not its agents'): CPU seconds and peak resident memory.
    struct rusage self {};
    if (::getrusage(RUSAGE_SELF, &self) == 0)
      j["orchestrator"] = {{"cpu_user_s", static_cast<double>(self.ru_utime.tv_sec) + self.ru_utime.tv_usec / 1e6},
                           {"cpu_system_s", static_cast<double>(self.ru_stime.tv_sec) + self.ru_stime.tv_usec / 1e6},
                           {"max_rss_kib", self.ru_maxrss}};
    j["experiments"] = nlohmann::json::array();
    for (const auto& s : out->experiments) {
      nlohmann::json x = {{"name", s.name},           {"probe", s.probe},
                          {"path_kind", s.path_kind}, {"repetitions", s.repetitions},
                          {"sent", s.sent},           {"received", s.received},
                          {"lost", s.lost},           {"warmup", s.warmup},
                          {"errors", s.errors}};
      if (s.p50_ns) x["p50_ns"] = *s.p50_ns;
      if (s.p99_ns) x["p99_ns"] = *s.p99_ns;
      if (s.p50_kernel_ns) x["p50_kernel_ns"] = *s.p50_kernel_ns;
      j["experiments"].push_back(x);
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("run %lld of \"%s\": %s (store %s)\n", static_cast<long long>(out->run_id),
                scenario.lab->name.c_str(), out->status.c_str(), db_path.c_str());
    std::printf("%-24s %-5s %-9s %5s %8s %8s %6s %11s %11s %11s\n", "experiment", "probe", "path", "reps",
                "sent", "received", "loss", "p50", "p99", "p50 kernel");
    for (const auto& s : out->experiments) {
      double loss = s.sent ? 100.0 * static_cast<double>(s.lost) / static_cast<double>(s.sent) : 0.0;
      std::printf("%-24s %-5s %-9s %5u %8llu %8llu %5.1f%% %11s %11s %11s\n", s.name.c_str(), s.probe.c_str(),
                  s.path_kind.c_str(), s.repetitions, static_cast<unsigned long long>(s.sent),
                  static_cast<unsigned long long>(s.received), loss, fmt_ns(s.p50_ns).c_str(),
                  fmt_ns(s.p99_ns).c_str(), fmt_ns(s.p50_kernel_ns).c_str());
    }
    for (const auto& s : out->experiments)
      for (const auto& err : s.errors) std::printf("error: %s\n", err.c_str());
    std::printf(
        "p50/p99: user-space RTT of measured samples (warm-up excluded), about 1%% resolution; "
        "`latlab report` gives exact figures from the store.\n");
  }
  if (out->status == "interrupted") return to_int(ExitCode::interrupted);
  return out->status == "complete" ? 0 : to_int(ExitCode::failure);
}

}  // namespace

void add_run_commands(Registry& reg) {
  struct Opts {
    std::string file;
    std::string db;
    uint32_t repeat = 0;
    bool keep_lab = false;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* r = reg.app.add_subcommand(
      "run",
      "Run a scenario: build the lab, run every experiment and repetition in a recorded random order with "
      "its "
      "captures, store samples, captures and counters in SQLite, tear the lab down and print a summary. "
      "Needs root. Ctrl-C stops agents and captures, tears down and marks the run interrupted (a second "
      "Ctrl-C "
      "skips straight to teardown).");
  r->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  r->add_option("--db", o->db, "SQLite store (default: $LATLAB_DB, else ./latlab.db; created on first use)");
  r->add_option("--repeat", o->repeat,
                "repetitions of every experiment (overrides the scenario's \"repeat\")")
      ->check(CLI::Range(1, 10000));
  r->add_flag("--keep-lab", o->keep_lab, "leave the lab up after the run (remove it with `latlab down LAB`)");
  r->add_flag("--json", o->json, "print the summary as JSON on stdout (progress stays on stderr)");
  r->callback([o, sel = reg.selected] {
    *sel = [o] {
      std::optional<uint32_t> rep;
      if (o->repeat) rep = o->repeat;
      return run_run(o->file, o->db, rep, o->keep_lab, o->json);
    };
  });
}

}  // namespace latlab::cli
