// latlab nightly, nights, baseline, note, gc: nightly jobs over a suite.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "process/real_launcher.h"
#include "reports/nightly.h"
#include "run/host_info.h"
#include "run/runner.h"
#include "run/signals.h"
#include "scenario/suite.h"
#include "store/night_store.h"
#include "store/store.h"
#include "topology/journal.h"
#include "topology/real_netlink_ops.h"
#include "util/owner.h"
#include "util/result.h"

namespace latlab::cli {

namespace fs = std::filesystem;

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

scenario::Suite load_suite_or_throw(const std::string& path) {
  auto r = scenario::load_suite_file(path);
  if (!r.ok()) {
    for (const auto& d : r.errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    throw FatalError("", ExitCode::bad_input);
  }
  return std::move(*r.suite);
}

std::unique_ptr<store::SqliteStore> open_store(const std::string& db_flag) {
  auto st = store::SqliteStore::open(store::default_db_path(db_flag));
  if (!st.ok()) throw FatalError(st.error());
  return std::move(*st);
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The machine-wide lock of nightly jobs: two at once would measure each other.
class NightlyLock {
 public:
  static std::string default_path() {
    const char* env = std::getenv("LATLAB_NIGHTLY_LOCK");
    return env && *env ? env : "/run/latlab/nightly.lock";
  }
  explicit NightlyLock(const std::string& path) : path_(path) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw FatalError(fmt::format("nightly lock {}: {}", path, std::strerror(errno)), ExitCode::environment);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      std::string holder = first_line(path);
      ::close(fd_);
      fd_ = -1;
      throw FatalError(
          fmt::format("another nightly job{} holds {}; two jobs on one machine would measure each "
                      "other: wait for it to finish",
                      holder.empty() ? "" : " (pid " + holder + ")", path),
          ExitCode::environment);
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0 && ::write(fd_, pid.data(), pid.size()) < 0) {
      // The pid is only a hint for the next job's message.
    }
  }
  ~NightlyLock() {
    if (fd_ >= 0) {
      if (::ftruncate(fd_, 0) != 0) {
      }
      ::close(fd_);
    }
  }
  NightlyLock(const NightlyLock&) = delete;
  NightlyLock& operator=(const NightlyLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

reports::NightPlan plan_of(const scenario::Suite& s) {
  reports::NightPlan p;
  p.suite = s.name;
  p.level = s.level;
  p.baseline_nights = s.baseline_nights;
  p.baseline_name = s.baseline_name;
  p.change.max_pvalue = s.change_pvalue;
  p.change.window = s.change_window;
  if (s.change_min_magnitude) {
    p.change.min_magnitude = *s.change_min_magnitude;
    p.change_min_magnitude_set = true;
  }
  for (const auto& sc : s.scenarios)
    for (const auto& g : sc.gates) {
      reports::NightGate gate{sc.name(), g.experiment, {}, g.min_effect};
      for (const auto& m : g.metrics) gate.metrics.push_back(*reports::parse_metric(m));
      p.gates.push_back(std::move(gate));
    }
  return p;
}

void write_file(const std::string& path, const std::string& text, const char* what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    throw FatalError(fmt::format("{} {}: cannot write: {}", what, path, std::strerror(errno)),
                     ExitCode::environment);
  (void)hand_over(path);  // under sudo, the user's (util/owner.h)
}

void emit(store::SqliteStore& st, const reports::NightReport& r, const reports::ChangePointOptions& cp,
          const std::string& html, const std::string& junit, bool json) {
  if (!html.empty()) {
    auto page = reports::render_night_html(st, r, cp);
    if (!page.ok()) throw FatalError(page.error());
    write_file(html, *page, "--html");
  }
  if (!junit.empty()) write_file(junit, reports::render_night_junit(r), "--junit");
  if (json)
    std::printf("%s\n", reports::night_to_json(r).dump(2).c_str());
  else
    std::fputs(reports::render_night_text(r).c_str(), stdout);
}

struct NightlyOpts {
  std::string suite;
  std::string db;
  std::string html, junit;
  std::string note;
  uint32_t repeat = 0;
  bool json = false;
};

int run_nightly(const NightlyOpts& o) {
  auto suite = load_suite_or_throw(o.suite);
  if (::geteuid() != 0)
    throw FatalError(
        "nightly: running a suite builds labs and needs root (network namespaces, netlink); run as "
        "root",
        ExitCode::environment);
  NightlyLock lock(NightlyLock::default_path());
  run::install_interrupt_handlers();
  std::string db_path = store::default_db_path(o.db);
  auto st = open_store(o.db);
  store::NightStore ns(*st);
  reports::NightPlan plan = plan_of(suite);
  if (!plan.baseline_name.empty()) {
    auto b = ns.baseline(plan.baseline_name);
    if (!b.ok()) throw FatalError(b.error());
    if (!*b)
      throw FatalError(
          fmt::format("{}: baseline \"{}\" is not set; set it with `latlab baseline set {} --suite {} "
                      "--last N` once the suite has good nights, or use \"baseline\": {{\"last\": N}}",
                      o.suite, plan.baseline_name, plan.baseline_name, suite.name),
          ExitCode::bad_input);
  }
  auto ops = topology::RealNetlinkOps::create();
  if (!ops.ok()) throw FatalError(ops.error());
  topology::FileStateStore states(topology::FileStateStore::default_root());
  process::RealLauncher launcher;
  auto runtime = make_container_runtime();
  const std::string agent = agent_path();

  nlohmann::json machine = run::machine_info();
  machine["machine_id"] = first_line("/etc/machine-id");
  auto host = reports::host_identity(machine);
  store::NightRecord night;
  night.suite = suite.name;
  night.suite_file = fs::absolute(o.suite).string();
  night.suite_hash = run::scenario_hash(suite.text);
  night.started_ns = now_ns();
  night.host_fingerprint = host.fingerprint;
  night.host_json = host.parts.dump();
  night.kernel = host.kernel;
  night.latlab_version = LATLAB_VERSION;
  night.pid = ::getpid();
  night.boot_id = store::current_boot_id();
  night.note = o.note;
  if (!o.note.empty()) night.note_ns = night.started_ns;
  auto id = ns.begin_night(night);
  if (!id.ok()) throw FatalError(id.error());
  std::fprintf(stderr, "latlab: night %lld of suite \"%s\": %zu scenario%s\n", static_cast<long long>(*id),
               suite.name.c_str(), suite.scenarios.size(), suite.scenarios.size() == 1 ? "" : "s");

  bool incomplete = false, interrupted = false;
  ProgressPrinter printer(::isatty(STDERR_FILENO) == 1);
  fs::path dbp = fs::absolute(db_path);
  for (const auto& sc : suite.scenarios) {
    if (run::interrupts().count.load() > 0) {
      interrupted = true;
      break;
    }
    run::RunOptions opt;
    opt.scenario_path = sc.path;
    opt.repeat = o.repeat ? o.repeat : sc.repeat.value_or(suite.repeat);
    opt.agent_path = agent;
    opt.runtime = runtime.get();
    opt.runs_root = (dbp.parent_path() / "latlab-runs").string();
    std::fprintf(stderr, "latlab: night %lld: scenario \"%s\" (%s), %u repetitions\n",
                 static_cast<long long>(*id), sc.name().c_str(), sc.file.c_str(), *opt.repeat);
    run::Runner runner(sc.scenario, opt, **ops, states, *st, launcher,
                       [&](const run::ProgressEvent& e) { printer(e); });
    auto out = runner.run();
    store::NightRunRecord rr;
    rr.night_id = *id;
    rr.scenario = sc.name();
    if (out.ok()) {
      rr.run_id = out->run_id;
      rr.status = out->status;
      rr.error = out->error;
    } else {
      rr.status = "failed";
      rr.error = out.error().message();
    }
    if (rr.status != "complete") incomplete = true;
    if (rr.status == "interrupted") interrupted = true;
    if (auto s = ns.add_night_run(rr); !s.ok()) throw FatalError(s.error());
    if (interrupted) break;
  }
  if (interrupted) {
    (void)ns.finish_night(*id, "aborted", to_int(ExitCode::interrupted), "interrupted");
    throw FatalError(fmt::format("night {} interrupted: no verdict", *id), ExitCode::interrupted);
  }
  auto report = reports::evaluate_night(*st, plan, *id);
  if (!report.ok()) {
    (void)ns.finish_night(*id, "incomplete", report.error().exit_code() == ExitCode::bad_input ? 2 : 3,
                          report.error().message());
    throw FatalError(report.error().with_context(fmt::format("night {}", *id)));
  }
  report->night.status = incomplete ? "incomplete" : "complete";
  int code = report->exit_code();
  if (auto s = ns.finish_night(*id, report->night.status, code, ""); !s.ok()) throw FatalError(s.error());
  emit(*st, *report, plan.change, o.html, o.junit, o.json);
  return code;
}

struct NightsOpts {
  std::string suite, db, html, junit;
  int64_t show = 0;
  int64_t last = 0;
  bool json = false;
};

int run_nights(const NightsOpts& o) {
  std::string db_path = store::default_db_path(o.db);
  auto reader = store::open_for_reading(db_path);
  if (!reader.ok()) throw FatalError(reader.error());
  auto& st = *reader->store;
  store::NightStore ns(st);
  if (o.show) {
    auto r = reports::load_night(st, o.show);
    if (!r.ok()) throw FatalError(r.error());
    emit(st, *r, reports::ChangePointOptions{}, o.html, o.junit, o.json);
    return r->exit_code();
  }
  auto nights = ns.nights(o.suite, o.last);
  if (!nights.ok()) throw FatalError(nights.error());
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  if (!o.json)
    std::printf("%-6s %-16s %-11s %-17s %4s  %-40s %s\n", "night", "suite", "status", "started (UTC)", "exit",
                "verdicts", "note");
  for (const auto& n : *nights) {
    auto r = reports::load_night(st, n.id);
    if (!r.ok()) throw FatalError(r.error());
    std::string counts;
    for (const auto& [k, v] : r->counts) counts += (counts.empty() ? "" : ", ") + fmt::format("{} {}", v, k);
    char when[32] = "-";
    std::time_t t = static_cast<std::time_t>(n.started_ns / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    if (o.json) {
      nlohmann::ordered_json x = {{"night", n.id},
                                  {"suite", n.suite},
                                  {"status", n.status},
                                  {"started_ns", n.started_ns},
                                  {"counts", r->counts}};
      if (n.exit_code) x["exit_code"] = *n.exit_code;
      if (!n.note.empty()) x["note"] = n.note;
      j.push_back(x);
    } else {
      std::printf("%-6lld %-16s %-11s %-17s %4s  %-40s %s\n", static_cast<long long>(n.id), n.suite.c_str(),
                  n.status.c_str(), when, n.exit_code ? std::to_string(*n.exit_code).c_str() : "-",
                  counts.c_str(), n.note.c_str());
    }
  }
  if (o.json) std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

std::vector<int64_t> parse_id_list(const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      long long v = std::stoll(item, &used);
      if (used != item.size() || v <= 0) throw std::invalid_argument("");
      out.push_back(v);
    } catch (const std::exception&) {
      throw FatalError(fmt::format("--nights: \"{}\" is not a night number", item), ExitCode::bad_input);
    }
  }
  return out;
}

struct BaselineOpts {
  std::string name, suite, db, nights, note;
  int64_t last = 0;
  bool json = false;
};

int baseline_set(const BaselineOpts& o) {
  auto st = open_store(o.db);
  store::NightStore ns(*st);
  auto all = ns.nights(o.suite);
  if (!all.ok()) throw FatalError(all.error());
  std::map<int64_t, store::NightRecord> by_id;
  for (const auto& n : *all) by_id[n.id] = n;
  std::vector<int64_t> chosen;
  if (!o.nights.empty()) {
    for (int64_t id : parse_id_list(o.nights)) {
      auto it = by_id.find(id);
      if (it == by_id.end())
        throw FatalError(fmt::format("--nights: night {} is not a night of suite \"{}\"", id, o.suite),
                         ExitCode::bad_input);
      if (it->second.status != "complete")
        throw FatalError(fmt::format("--nights: night {} is {}, not complete", id, it->second.status),
                         ExitCode::bad_input);
      chosen.push_back(id);
    }
  } else {
    for (auto it = all->rbegin(); it != all->rend() && static_cast<int64_t>(chosen.size()) < o.last; ++it)
      if (it->status == "complete") chosen.insert(chosen.begin(), it->id);
  }
  if (chosen.size() < reports::kMinBaselineNights)
    throw FatalError(
        fmt::format("baseline \"{}\": {} complete night{} of suite \"{}\" chosen; a baseline needs at "
                    "least {} (`latlab nights --suite {}` lists them)",
                    o.name, chosen.size(), chosen.size() == 1 ? "" : "s", o.suite,
                    reports::kMinBaselineNights, o.suite),
        ExitCode::bad_input);
  store::BaselineRecord b{o.name, o.suite, chosen, now_ns(), o.note};
  if (auto s = ns.set_baseline(b); !s.ok()) throw FatalError(s.error());
  std::printf("baseline \"%s\" of suite \"%s\": nights %s\n", o.name.c_str(), o.suite.c_str(),
              fmt::format("{}", fmt::join(chosen, ", ")).c_str());
  return 0;
}

int baseline_show(const BaselineOpts& o) {
  auto reader = store::open_for_reading(store::default_db_path(o.db));
  if (!reader.ok()) throw FatalError(reader.error());
  store::NightStore ns(*reader->store);
  auto all = ns.baselines();
  if (!all.ok()) throw FatalError(all.error());
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  size_t shown = 0;
  for (const auto& b : *all) {
    if (!o.name.empty() && b.name != o.name) continue;
    ++shown;
    if (o.json) {
      j.push_back({{"name", b.name},
                   {"suite", b.suite},
                   {"nights", b.nights},
                   {"created_ns", b.created_ns},
                   {"note", b.note}});
    } else {
      std::printf("%s: suite \"%s\", nights %s%s%s\n", b.name.c_str(), b.suite.c_str(),
                  fmt::format("{}", fmt::join(b.nights, ", ")).c_str(), b.note.empty() ? "" : "; ",
                  b.note.c_str());
    }
  }
  if (!o.name.empty() && shown == 0)
    throw FatalError(fmt::format("baseline \"{}\" is not set", o.name), ExitCode::bad_input);
  if (o.json)
    std::printf("%s\n", j.dump(2).c_str());
  else if (shown == 0)
    std::printf("no baselines (set one with `latlab baseline set NAME --suite SUITE --last N`)\n");
  return 0;
}

int baseline_clear(const BaselineOpts& o) {
  auto st = open_store(o.db);
  store::NightStore ns(*st);
  auto r = ns.clear_baseline(o.name);
  if (!r.ok()) throw FatalError(r.error());
  if (!*r) throw FatalError(fmt::format("baseline \"{}\" is not set", o.name), ExitCode::bad_input);
  std::printf("baseline \"%s\" cleared\n", o.name.c_str());
  return 0;
}

int run_note(int64_t night, const std::string& text, bool clear, const std::string& db) {
  if (!clear && text.empty()) throw FatalError("note: give the note's text, or --clear", ExitCode::bad_input);
  auto st = open_store(db);
  store::NightStore ns(*st);
  auto n = ns.night(night);
  if (!n.ok()) throw FatalError(n.error());
  if (!*n) throw FatalError(fmt::format("night {} is not in the store", night), ExitCode::bad_input);
  if (auto s = ns.set_note(night, clear ? "" : text, now_ns()); !s.ok()) throw FatalError(s.error());
  if (clear)
    std::printf("night %lld: note cleared\n", static_cast<long long>(night));
  else
    std::printf(
        "night %lld of suite \"%s\": noted; later nights are not compared with the nights before it\n",
        static_cast<long long>(night), n->value().suite.c_str());
  return 0;
}

int run_gc(uint32_t keep_days, bool dry_run, bool json, const std::string& db) {
  auto st = open_store(db);
  store::NightStore ns(*st);
  int64_t cutoff = now_ns() - static_cast<int64_t>(keep_days) * 86'400'000'000'000LL;
  auto r = ns.gc(cutoff, dry_run);
  if (!r.ok()) throw FatalError(r.error());
  size_t dirs = 0;
  if (!dry_run)
    for (const auto& d : r->run_dirs) {
      std::error_code ec;
      if (fs::remove_all(d, ec) > 0) ++dirs;
    }
  if (json) {
    nlohmann::ordered_json j = {{"dry_run", dry_run},
                                {"runs", r->runs},
                                {"run_dirs", dry_run ? r->run_dirs.size() : dirs},
                                {"kept_for_baselines", r->kept_for_baselines}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf(
        "%s %zu run%s older than %u day%s (%zu run director%s); kept %zu for baselines; nights keep "
        "their verdicts\n",
        dry_run ? "would remove" : "removed", r->runs.size(), r->runs.size() == 1 ? "" : "s", keep_days,
        keep_days == 1 ? "" : "s", dry_run ? r->run_dirs.size() : dirs,
        (dry_run ? r->run_dirs.size() : dirs) == 1 ? "y" : "ies", r->kept_for_baselines);
  }
  return 0;
}

}  // namespace

void add_nightly_commands(Registry& reg) {
  const char* db_help = "SQLite store (default: $LATLAB_DB, else ./latlab.db)";
  {
    auto o = std::make_shared<NightlyOpts>();
    auto* c = reg.app.add_subcommand(
        "nightly",
        "Run a nightly suite: every scenario it names (repetitions interleaved), then a verdict per gated "
        "metric "
        "against the baseline nights: ok, improved, suspected (tonight differs), confirmed (a change point "
        "over the nights: the shift persists), expected (tonight carries a note), not comparable (host, "
        "kernel, "
        "latlab or the measurement changed) or no baseline. Needs root. One nightly job per machine at a "
        "time "
        "(lock $LATLAB_NIGHTLY_LOCK, else /run/latlab/nightly.lock). Exit codes: 0 ok, 1 confirmed "
        "regression, 4 suspected only, 2 bad input, 3 environment problem (a scenario could not run, the "
        "lock "
        "is held), 130 interrupted.");
    c->add_option("SUITE", o->suite, "suite file")->required()->check(CLI::ExistingFile);
    c->add_option("--db", o->db, db_help);
    c->add_option("--html", o->html, "write the history page (one offline HTML file) here");
    c->add_option("--junit", o->junit,
                  "write JUnit XML here: a test case per gated metric, failures for "
                  "confirmed regressions");
    c->add_option("--note", o->note,
                  "mark tonight as an expected change (a kernel upgrade): nothing alarms, "
                  "and later nights are compared only with nights from tonight on");
    c->add_option("--repeat", o->repeat, "repetitions of every experiment (overrides the suite's)")
        ->check(CLI::Range(3, 1000));
    c->add_flag("--json", o->json, "print the verdicts as JSON on stdout");
    c->callback([o, sel = reg.selected] { *sel = [o] { return run_nightly(*o); }; });
  }
  {
    auto o = std::make_shared<NightsOpts>();
    auto* c = reg.app.add_subcommand("nights",
                                     "List the nights in the store, or show one night's verdicts "
                                     "again (--show) as text, JSON, HTML or JUnit. Reads the store only.");
    c->add_option("--suite", o->suite, "only this suite's nights");
    c->add_option("--last", o->last, "only the latest N nights")->check(CLI::PositiveNumber);
    c->add_option("--show", o->show, "show night N")->check(CLI::PositiveNumber);
    c->add_option("--db", o->db, db_help);
    c->add_option("--html", o->html, "with --show: write the history page here");
    c->add_option("--junit", o->junit, "with --show: write JUnit XML here");
    c->add_flag("--json", o->json, "JSON on stdout");
    c->callback([o, sel = reg.selected] { *sel = [o] { return run_nights(*o); }; });
  }
  {
    auto* b = reg.app.add_subcommand("baseline",
                                     "Named baselines: nights a suite compares with "
                                     "(\"baseline\": {\"name\": ...} in the suite)");
    b->require_subcommand(1);
    auto o = std::make_shared<BaselineOpts>();
    auto* set = b->add_subcommand("set", "Set (or replace) a named baseline from complete nights of a suite");
    set->add_option("NAME", o->name, "baseline name")->required();
    set->add_option("--suite", o->suite, "the suite whose nights it holds")->required();
    auto* nights = set->add_option("--nights", o->nights, "night numbers, comma-separated");
    set->add_option("--last", o->last, "the latest N complete nights")
        ->check(CLI::Range(3, 365))
        ->excludes(nights);
    set->add_option("--note", o->note, "why this baseline");
    set->add_option("--db", o->db, db_help);
    set->callback([o, set, sel = reg.selected] {
      if (o->nights.empty() && o->last == 0)
        throw CLI::ValidationError("baseline set", "give --nights LIST or --last N");
      *sel = [o] { return baseline_set(*o); };
    });
    auto* show = b->add_subcommand("show", "Show named baselines (or one)");
    show->add_option("NAME", o->name, "baseline name");
    show->add_option("--db", o->db, db_help);
    show->add_flag("--json", o->json, "JSON on stdout");
    show->callback([o, sel = reg.selected] { *sel = [o] { return baseline_show(*o); }; });
    auto* clear = b->add_subcommand("clear", "Remove a named baseline (its nights stay)");
    clear->add_option("NAME", o->name, "baseline name")->required();
    clear->add_option("--db", o->db, db_help);
    clear->callback([o, sel = reg.selected] { *sel = [o] { return baseline_clear(*o); }; });
  }
  {
    struct NoteOpts {
      int64_t night = 0;
      std::string text, db;
      bool clear = false;
    };
    auto o = std::make_shared<NoteOpts>();
    auto* c = reg.app.add_subcommand("note",
                                     "Note a night as an expected change (a kernel upgrade): later "
                                     "nights are compared only with nights from it on, so it does not "
                                     "alarm again");
    c->add_option("NIGHT", o->night, "night number")->required()->check(CLI::PositiveNumber);
    c->add_option("TEXT", o->text, "the note");
    c->add_flag("--clear", o->clear, "remove the night's note");
    c->add_option("--db", o->db, db_help);
    c->callback(
        [o, sel = reg.selected] { *sel = [o] { return run_note(o->night, o->text, o->clear, o->db); }; });
  }
  {
    struct GcOpts {
      uint32_t keep_days = 0;
      bool dry_run = false, json = false;
      std::string db;
    };
    auto o = std::make_shared<GcOpts>();
    auto* c = reg.app.add_subcommand("gc",
                                     "Remove runs older than N days with their samples, captures and run "
                                     "directories; runs of nights a baseline names are kept, and every "
                                     "night keeps its verdicts and values for the history");
    c->add_option("--keep-days", o->keep_days, "keep runs of the last N days")
        ->required()
        ->check(CLI::Range(1, 36500));
    c->add_flag("--dry-run", o->dry_run, "say what would be removed, remove nothing");
    c->add_flag("--json", o->json, "JSON on stdout");
    c->add_option("--db", o->db, db_help);
    c->callback(
        [o, sel = reg.selected] { *sel = [o] { return run_gc(o->keep_days, o->dry_run, o->json, o->db); }; });
  }
}

}  // namespace latlab::cli
