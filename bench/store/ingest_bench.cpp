// Sample ingest through latlab's store (prepared statement, batched
// transactions, WAL) against a reference: the same rows written with bare
// SQLite calls in one transaction, the floor for this schema.
//   build/bin/latlab-bench-store [samples]   (default 2,000,000)
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "store/store.h"

using namespace latlab::store;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

SampleRecord make_sample(int64_t i) {
  SampleRecord r;
  r.seq = i;
  r.warmup = i < 10;
  r.t_send_user = 1'000'000'000 + i * 1000;
  r.t_send_kernel = *r.t_send_user + 2000;
  r.t_recv_kernel = *r.t_send_user + 30000;
  r.t_recv_user = *r.t_send_user + 33000;
  r.rtt_user = 33000 + (i % 97);
  r.rtt_kernel = 28000 + (i % 89);
  return r;
}

double latlab_ingest(const std::string& path, int64_t n) {
  auto s = SqliteStore::open(path);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message().c_str());
    std::exit(3);
  }
  RunRecord run;
  run.scenario_name = "bench";
  run.scenario_text = "{}";
  run.scenario_hash = "-";
  run.latlab_version = "bench";
  run.pid = getpid();
  auto run_id = *(*s)->begin_run(run);
  ExperimentRecord e;
  e.run_id = run_id;
  e.name = "bench";
  e.probe = "icmp";
  e.path_kind = "peer";
  e.from_node = "a";
  e.from_kind = "netns";
  e.target = "198.18.0.2";
  auto exp = *(*s)->begin_experiment(e);
  auto t0 = std::chrono::steady_clock::now();
  auto sink = std::move(*(*s)->samples(exp));
  for (int64_t i = 0; i < n; ++i) {
    if (!sink->add(make_sample(i)).ok()) std::exit(1);
  }
  if (!sink->flush().ok()) std::exit(1);
  return seconds_since(t0);
}

double reference_ingest(const std::string& path, int64_t n) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "CREATE TABLE samples (experiment_id INTEGER NOT NULL, pair INTEGER NOT NULL, seq INTEGER NOT NULL,"
               " status INTEGER NOT NULL,"
               " warmup INTEGER NOT NULL, t_send_user INTEGER, t_send_kernel INTEGER, t_recv_kernel INTEGER,"
               " t_recv_user INTEGER, rtt_user INTEGER, rtt_kernel INTEGER, peer_proc INTEGER, wire_send INTEGER,"
               " wire_recv INTEGER, PRIMARY KEY (experiment_id, pair, seq)) WITHOUT ROWID;",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO samples VALUES (1,0,?,?,?,?,?,?,?,?,?,NULL,NULL,NULL)", -1, &st, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (int64_t i = 0; i < n; ++i) {
    SampleRecord r = make_sample(i);
    sqlite3_bind_int64(st, 1, r.seq);
    sqlite3_bind_int64(st, 2, 0);
    sqlite3_bind_int64(st, 3, r.warmup);
    sqlite3_bind_int64(st, 4, *r.t_send_user);
    sqlite3_bind_int64(st, 5, *r.t_send_kernel);
    sqlite3_bind_int64(st, 6, *r.t_recv_kernel);
    sqlite3_bind_int64(st, 7, *r.t_recv_user);
    sqlite3_bind_int64(st, 8, *r.rtt_user);
    sqlite3_bind_int64(st, 9, *r.rtt_kernel);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  double t = seconds_since(t0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  auto dir = fs::temp_directory_path() / ("latlab-bench-store-" + std::to_string(getpid()));
  fs::create_directories(dir);
  double ref = reference_ingest((dir / "ref.db").string(), n);
  double ours = latlab_ingest((dir / "latlab.db").string(), n);
  fs::remove_all(dir);
  std::printf("store ingest, %lld samples\n", static_cast<long long>(n));
  std::printf("  %-34s %8.3f s  %10.0f samples/s\n", "reference (bare sqlite, 1 tx)", ref, n / ref);
  std::printf("  %-34s %8.3f s  %10.0f samples/s\n", "latlab store (batched, WAL)", ours, n / ours);
  std::printf("  ratio latlab/reference throughput: %.2f\n", ref / ours);
  std::printf("  target >= 1,000,000 samples/s: %s\n", n / ours >= 1e6 ? "met" : "NOT met");
  return 0;
}
