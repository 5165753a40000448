// `latlab report` on a large store against the floor: the sqlite3 CLI
// computing count/avg over the same samples (one scan, no statistics).
//   build/bin/latlab-bench-report [total samples] [experiments] [store path]
//   (defaults: 10,000,000 samples over 10 experiments in a temp dir; an
//   existing store path is reused, so a second invocation skips the ingest)
// Prints wall time and max RSS of each child (wait4 rusage) and the ratios.
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

using namespace latlab::store;
namespace fs = std::filesystem;

namespace {

struct Child {
  double seconds = 0;
  long max_rss_kb = 0;
  int status = -1;
};

Child run_child(const std::vector<std::string>& argv) {
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  Child c;
  int st = 0;
  rusage ru{};
  wait4(pid, &st, 0, &ru);
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.max_rss_kb = ru.ru_maxrss;
  c.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return c;
}

void create_store(const std::string& path, int64_t total, int64_t experiments) {
  auto s = SqliteStore::open(path);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message().c_str());
    std::exit(3);
  }
  RunRecord run;
  run.scenario_name = "bench-report";
  run.scenario_text = "{}";
  run.scenario_hash = "-";
  run.latlab_version = "bench";
  run.pid = getpid();
  run.boot_id = current_boot_id();
  auto run_id = *(*s)->begin_run(run);
  uint64_t x = 88172645463325252ULL;  // xorshift64: deterministic, cheap
  int64_t per = total / experiments;
  for (int64_t k = 0; k < experiments; ++k) {
    ExperimentRecord e;
    e.run_id = run_id;
    e.name = k == 0 ? "localhost" : "exp-" + std::to_string(k);
    e.probe = "icmp";
    e.path_kind = k == 0 ? "localhost" : (k % 2 ? "peer" : "self");
    e.from_node = "a";
    e.from_kind = k % 3 ? "netns" : "docker";
    e.target = "198.18.0.2";
    e.id = *(*s)->begin_experiment(e);
    auto sink = std::move(*(*s)->samples(e.id));
    double base = 20000.0 + 5000.0 * static_cast<double>(k);
    for (int64_t i = 0; i < per; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      double u = static_cast<double>(x >> 11) * 0x1.0p-53;
      SampleRecord r;
      r.seq = i;
      r.warmup = i < 10;
      r.t_send_user = 1'000'000'000 + i * 1000;
      if (x % 10007 == 0) {
        r.status = SampleStatus::lost;
      } else {
        int64_t rtt = static_cast<int64_t>(base - std::log(1.0 - u) * 10000.0);
        r.rtt_user = rtt;
        r.rtt_kernel = rtt - 3000;
        r.t_recv_user = *r.t_send_user + rtt;
      }
      if (!sink->add(r).ok()) std::exit(1);
    }
    if (!sink->flush().ok()) std::exit(1);
    e.status = "complete";
    if (!(*s)->finish_experiment(e).ok()) std::exit(1);
  }
  if (!(*s)->finish_run(run_id, "complete", "").ok()) std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t total = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  int64_t experiments = argc > 2 ? std::atoll(argv[2]) : 10;
  std::string dir;
  std::string db;
  if (argc > 3) {
    db = argv[3];
  } else {
    char tmpl[] = "/tmp/latlab-bench-report-XXXXXX";
    dir = mkdtemp(tmpl);
    db = dir + "/bench.db";
  }
  fs::path self = fs::read_symlink("/proc/self/exe");
  std::string latlab = (self.parent_path() / "latlab").string();
  if (!fs::exists(db)) {
    std::printf("creating %s: %lld samples in %lld experiments through SqliteStore ...\n", db.c_str(),
                static_cast<long long>(total), static_cast<long long>(experiments));
    std::fflush(stdout);
    auto t0 = std::chrono::steady_clock::now();
    create_store(db, total, experiments);
    std::printf("  ingest: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::string sql = "SELECT count(*), avg(rtt_user) FROM samples WHERE warmup = 0 AND status = 0;";
  // Warm the page cache once so every contender reads from memory.
  run_child({"sqlite3", "-readonly", db, sql});
  Child floor = run_child({"sqlite3", "-readonly", db, sql});
  Child text = run_child({latlab, "report", "--db", db});
  Child json = run_child({latlab, "report", "--db", db, "--format", "json"});
  auto line = [](const char* what, const Child& c) {
    std::printf("%-44s %7.2f s  max RSS %7.1f MB  exit %d\n", what, c.seconds, static_cast<double>(c.max_rss_kb) / 1024,
                c.status);
  };
  std::printf("store: %s (%.0f MB)\n", db.c_str(), static_cast<double>(fs::file_size(db)) / 1e6);
  line("reference: sqlite3 CLI count/avg (floor)", floor);
  line("latlab report (text)", text);
  line("latlab report --format json", json);
  std::printf("ratio text/floor: %.2f   json/floor: %.2f   goal: report < 5 s\n", text.seconds / floor.seconds,
              json.seconds / floor.seconds);
  if (!dir.empty()) fs::remove_all(dir);
  return text.status == 0 && json.status == 0 && floor.status == 0 ? 0 : 1;
}
