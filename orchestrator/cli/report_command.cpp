// latlab report: comparative latency report from the store (read-only; no root).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "reports/build_report.h"
#include "reports/compare_runs.h"
#include "reports/render.h"
#include "store/store.h"
#include "util/result.h"

namespace latlab::cli {

namespace {

struct ReportOpts {
  std::string db;
  std::vector<int64_t> runs;
  int64_t last = 0;
  std::string scenario;
  std::string baseline;
  std::string format;
  std::string output;
  std::string group;
  std::string min_effect;
};

struct CompareOpts {
  std::string db;
  std::vector<int64_t> runs;
  std::string metric = "p50,p99,loss";
  std::string min_effect;
  std::string format;
};

// Read-only; a store the user may not write is read as a snapshot
// (store::open_for_reading), and a note says what that snapshot does not see.
std::unique_ptr<store::SqliteStore> open_store(const std::string& db_path) {
  auto r = store::open_for_reading(db_path);
  if (!r.ok()) throw FatalError(Error(r.error()).exit(ExitCode::environment).with_context("report"));
  if (r->snapshot && r->unseen_wal_bytes > 0)
    std::fprintf(stderr,
                 "latlab: note: %s read as a snapshot (no write access for its -shm file); %llu bytes in its "
                 "-wal file are not seen\n",
                 db_path.c_str(), static_cast<unsigned long long>(r->unseen_wal_bytes));
  return std::move(r->store);
}

std::unique_ptr<store::SqliteStore> open_existing_store(const std::string& db, const char* command) {
  std::string db_path = store::default_db_path(db);
  if (::access(db_path.c_str(), F_OK) != 0)
    throw FatalError(fmt::format("{}: store {} does not exist (record a run with `latlab run`, or give --db)",
                                 command, db_path),
                     ExitCode::environment);
  return open_store(db_path);
}

// --min-effect: unset when not given.
std::optional<double> min_effect_option(const std::string& text, const char* command) {
  if (text.empty()) return std::nullopt;
  auto m = reports::parse_min_effect(text, "--min-effect");
  if (!m.ok()) throw FatalError(m.error().with_context(command));
  return *m;
}

int run_compare(const CompareOpts& o) {
  if (o.runs.size() != 2)
    throw FatalError(
        fmt::format("compare: give two run ids, RUN_A (the baseline) and RUN_B; got {}", o.runs.size()),
        ExitCode::bad_input);
  std::string fmt_name = o.format.empty() ? "text" : o.format;
  if (fmt_name != "text" && fmt_name != "md" && fmt_name != "markdown" && fmt_name != "json")
    throw FatalError(
        fmt::format("compare: format \"{}\" is not supported; supported formats are text, md, json",
                    fmt_name),
        ExitCode::bad_input);
  reports::CompareRequest req;
  req.baseline_run = o.runs[0];
  req.candidate_run = o.runs[1];
  auto metrics = reports::parse_metrics(o.metric);
  if (!metrics.ok()) throw FatalError(metrics.error().with_context("compare"));
  req.metrics = *metrics;
  req.min_effect = min_effect_option(o.min_effect, "compare");
  auto st = open_existing_store(o.db, "compare");
  auto c = reports::compare_runs(*st, req);
  if (!c.ok()) throw FatalError(c.error().with_context("compare"));
  if (fmt_name == "json")
    std::cout << reports::compare_to_json(*c).dump(2) << "\n";
  else
    std::cout << reports::render_compare_text(*c, fmt_name != "text");
  std::cout.flush();
  if (!std::cout) throw FatalError("compare: writing the result failed", ExitCode::environment);
  return c->exit_code();
}

int run_report(const ReportOpts& o) {
  if (!o.runs.empty() && (o.last > 0 || !o.scenario.empty()))
    throw FatalError("report: give run ids, or --last/--scenario, not both", ExitCode::bad_input);
  std::string fmt_name = o.format;
  if (fmt_name.empty()) fmt_name = "text";
  auto format = reports::parse_format(fmt_name);
  if (!format)
    throw FatalError(
        fmt::format("report: format \"{}\" is not supported; supported formats are text, md, html, "
                    "json, csv",
                    fmt_name),
        ExitCode::bad_input);
  reports::RenderOptions ropt;
  if (o.group == "path")
    ropt.groups = {"path kind"};
  else if (o.group == "node")
    ropt.groups = {"node kind"};
  else if (!o.group.empty())
    throw FatalError(fmt::format("report: --group \"{}\" is not supported; use path or node", o.group),
                     ExitCode::bad_input);

  std::optional<double> min_effect = min_effect_option(o.min_effect, "report");
  auto st = open_existing_store(o.db, "report");

  reports::ReportRequest req;
  req.runs = o.runs;
  req.last = o.last;
  req.scenario = o.scenario;
  req.baseline = o.baseline;
  req.min_effect = min_effect;
  auto rep = reports::build_report(*st, req);
  if (!rep.ok()) throw FatalError(rep.error().with_context("report"));

  if (o.output.empty() || o.output == "-") {
    auto s = reports::render(*rep, *format, std::cout, ropt);
    std::cout.flush();
    if (!s.ok()) throw FatalError(s.error().with_context("report"));
  } else {
    std::ofstream f(o.output, std::ios::binary | std::ios::trunc);
    if (!f) throw FatalError(fmt::format("report: cannot write {}", o.output), ExitCode::environment);
    auto s = reports::render(*rep, *format, f, ropt);
    f.close();
    if (!s.ok()) throw FatalError(s.error().with_context("report"));
    if (!f) throw FatalError(fmt::format("report: writing {} failed", o.output), ExitCode::environment);
  }
  return 0;
}

}  // namespace

void add_report_commands(Registry& reg) {
  auto o = std::make_shared<ReportOpts>();
  auto* r = reg.app.add_subcommand("report",
                                   "Report on stored runs: per experiment how it was taken (wait mode), "
                                   "samples, loss, min, p50 and p99 with 95% "
                                   "confidence intervals over repetitions, mean, p90, p99.9, max, stddev, "
                                   "jitter (RFC 3393 IPDV), delta/% and "
                                   "a verdict per metric against a baseline row (as `latlab compare` gives "
                                   "it); the spread between repetitions "
                                   "and which level dominates the variance; groups by path and node "
                                   "kind; where the time goes (user space, local stack, wire, peer); trace "
                                   "hop medians; counters that changed "
                                   "(drops and errors flagged); capture coverage; environment differences "
                                   "between compared runs. Reads the "
                                   "store only (opened read-only: no root needed). Default: the last run, as "
                                   "text. Exit codes: 0 ok, 2 bad "
                                   "input (unknown run, baseline or format), 3 store missing or unreadable.");
  r->add_option("--db", o->db, "SQLite store (default: $LATLAB_DB, else ./latlab.db)");
  r->add_option("RUN", o->runs, "run ids to report on and compare (default: the last run)");
  r->add_option("--last", o->last, "the last N runs (of --scenario when given)")
      ->check(CLI::Range(1, 100000));
  r->add_option("--scenario", o->scenario, "only runs of this scenario name (default: the last one of them)");
  r->add_option(
      "--baseline", o->baseline,
      "the row others are compared with: an experiment name, or a run id among the compared runs (each "
      "experiment then against its namesake in that run). Default: \"localhost\" when present, else the "
      "first row; with several runs, the first run");
  r->add_option("--format", o->format, "text (default), md, html, json or csv");
  r->add_option("-o,--output", o->output, "write to FILE instead of stdout");
  r->add_option(
      "--group", o->group,
      "show only this grouping table: path (by path kind) or node (by node kind); default: each grouping "
      "with two or more kinds");
  r->add_option(
      "--min-effect", o->min_effect,
      "the smallest change a verdict reports, as a percentage (default: each experiment's \"min_effect\", "
      "5%)");
  r->callback([o, sel = reg.selected] { *sel = [o] { return run_report(*o); }; });

  auto c = std::make_shared<CompareOpts>();
  auto* cmp = reg.app.add_subcommand(
      "compare",
      "Compare two stored runs: each experiment of RUN_B against the same-named experiment of RUN_A (the "
      "baseline; also across scenarios, e.g. tuned vs default). Per experiment and metric, the change with "
      "its 95% "
      "confidence interval computed over repetitions (the independent unit), and a verdict: \"worse\" or "
      "\"better\" only when the interval excludes no change and the change exceeds --min-effect; otherwise "
      "\"no "
      "difference shown\" with the smallest change the data could have shown; no verdict below 3 "
      "repetitions. "
      "Warns when the wait modes, probes, scenarios or environments differ. Reads the store only. Exit "
      "codes: 0 no "
      "worse difference shown, 1 one is, 2 bad input, 3 store missing or unreadable.");
  cmp->add_option("--db", c->db, "SQLite store (default: $LATLAB_DB, else ./latlab.db)");
  cmp->add_option("RUN", c->runs, "RUN_A (the baseline) and RUN_B (compared with it)")->required();
  cmp->add_option("--metric", c->metric,
                  "comma-separated metrics to judge: p50, p99, loss (default: all three)");
  cmp->add_option(
      "--min-effect", c->min_effect,
      "the smallest change worth a verdict, as a percentage of the baseline (default: the experiment's "
      "\"min_effect\", 5%); loss uses 0.5 percentage points");
  cmp->add_option("--format", c->format, "text (default), md or json");
  cmp->callback([c, sel = reg.selected] { *sel = [c] { return run_compare(*c); }; });
}

}  // namespace latlab::cli
