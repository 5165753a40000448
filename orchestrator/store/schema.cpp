#include "store/schema.h"

#include <string>
#include <vector>

namespace latlab::store {

namespace {

// Migration i brings user_version from i to i + 1. Never edit a released one:
// append a new one.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> m = {
      R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  scenario_name TEXT NOT NULL,
  scenario_file TEXT,
  scenario_text TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  latlab_version TEXT NOT NULL,
  host_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('running','complete','interrupted','failed','aborted')),
  started_ns INTEGER NOT NULL,
  ended_ns INTEGER,
  pid INTEGER,
  boot_id TEXT,
  seed INTEGER,
  order_json TEXT NOT NULL DEFAULT '[]',
  run_dir TEXT,
  error TEXT
);
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  repetition INTEGER NOT NULL,
  position INTEGER NOT NULL,
  probe TEXT NOT NULL,
  path_kind TEXT NOT NULL,
  from_node TEXT NOT NULL,
  from_kind TEXT NOT NULL,
  to_node TEXT,
  to_kind TEXT,
  target TEXT NOT NULL,
  egress TEXT,
  params_json TEXT NOT NULL DEFAULT '{}',
  agent_json TEXT,
  summary_json TEXT,
  status TEXT NOT NULL DEFAULT 'running',
  started_ns INTEGER,
  ended_ns INTEGER,
  clock_offset_start_ns INTEGER,
  clock_offset_end_ns INTEGER,
  error TEXT
);
CREATE INDEX experiments_run ON experiments(run_id);
-- No foreign key on samples: checking it costs a lookup per row at ingest;
-- the writer checks the experiment once when it opens the sink.
CREATE TABLE samples (
  experiment_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  status INTEGER NOT NULL,
  warmup INTEGER NOT NULL,
  t_send_user INTEGER,
  t_send_kernel INTEGER,
  t_recv_kernel INTEGER,
  t_recv_user INTEGER,
  rtt_user INTEGER,
  rtt_kernel INTEGER,
  peer_proc INTEGER,
  wire_send INTEGER,
  wire_recv INTEGER,
  PRIMARY KEY (experiment_id, seq)
) WITHOUT ROWID;
CREATE TABLE captures (
  id INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  interface TEXT,
  file TEXT,
  status TEXT NOT NULL,
  summary_json TEXT NOT NULL DEFAULT '{}',
  error TEXT
);
CREATE INDEX captures_experiment ON captures(experiment_id);
CREATE TABLE counters (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  phase TEXT NOT NULL CHECK (phase IN ('before','after','delta')),
  node TEXT NOT NULL,
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  value INTEGER NOT NULL
);
CREATE INDEX counters_experiment ON counters(experiment_id, phase);
CREATE TABLE stacks (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  stack TEXT NOT NULL,
  weight INTEGER NOT NULL
);
CREATE INDEX stacks_experiment ON stacks(experiment_id);
CREATE TABLE trace_events (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  t_ns INTEGER NOT NULL,
  cpu INTEGER,
  event TEXT NOT NULL,
  skbaddr TEXT,
  dev TEXT,
  len INTEGER,
  detail TEXT
);
CREATE INDEX trace_events_experiment ON trace_events(experiment_id, t_ns);
)sql",
      // 2: nightly jobs. A night is one `latlab nightly` of a suite; its
      // runs are ordinary runs; night_metrics keeps, per gated metric, the
      // night's value over repetitions and its verdict, so the history of a
      // metric stays readable after `latlab gc` removed the runs' samples.
      R"sql(
CREATE TABLE nights (
  id INTEGER PRIMARY KEY,
  suite TEXT NOT NULL,
  suite_file TEXT,
  suite_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running','complete','incomplete','aborted')),
  started_ns INTEGER NOT NULL,
  ended_ns INTEGER,
  host_fingerprint TEXT NOT NULL,
  host_json TEXT NOT NULL DEFAULT '{}',
  kernel TEXT NOT NULL,
  latlab_version TEXT NOT NULL,
  pid INTEGER,
  boot_id TEXT,
  note TEXT,
  note_ns INTEGER,
  exit_code INTEGER,
  error TEXT
);
CREATE INDEX nights_suite ON nights(suite, id);
CREATE TABLE night_runs (
  night_id INTEGER NOT NULL REFERENCES nights(id) ON DELETE CASCADE,
  scenario TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  status TEXT NOT NULL,
  error TEXT,
  PRIMARY KEY (night_id, scenario)
);
CREATE TABLE night_metrics (
  night_id INTEGER NOT NULL REFERENCES nights(id) ON DELETE CASCADE,
  scenario TEXT NOT NULL,
  experiment TEXT NOT NULL,
  metric TEXT NOT NULL,
  measurement TEXT NOT NULL,
  measurement_json TEXT NOT NULL,
  system_json TEXT NOT NULL,
  n INTEGER NOT NULL,
  mean REAL,
  se2 REAL,
  center REAL,
  low REAL,
  high REAL,
  values_json TEXT NOT NULL DEFAULT '[]',
  verdict TEXT NOT NULL,
  estimate REAL,
  estimate_low REAL,
  estimate_high REAL,
  floor REAL,
  baseline_json TEXT NOT NULL DEFAULT '[]',
  change_json TEXT,
  reason TEXT,
  PRIMARY KEY (night_id, scenario, experiment, metric)
) WITHOUT ROWID;
CREATE TABLE baselines (
  name TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  nights_json TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  note TEXT
);
)sql",
      // 3: latency under load. An experiment may run several probes at once
      // (its samples carry the probe's pair), and background loads, whose
      // results are kept in loads.
      R"sql(
CREATE TABLE samples_v3 (
  experiment_id INTEGER NOT NULL,
  pair INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL,
  status INTEGER NOT NULL,
  warmup INTEGER NOT NULL,
  t_send_user INTEGER,
  t_send_kernel INTEGER,
  t_recv_kernel INTEGER,
  t_recv_user INTEGER,
  rtt_user INTEGER,
  rtt_kernel INTEGER,
  peer_proc INTEGER,
  wire_send INTEGER,
  wire_recv INTEGER,
  PRIMARY KEY (experiment_id, pair, seq)
) WITHOUT ROWID;
INSERT INTO samples_v3 (experiment_id, pair, seq, status, warmup, t_send_user, t_send_kernel, t_recv_kernel,
                        t_recv_user, rtt_user, rtt_kernel, peer_proc, wire_send, wire_recv)
  SELECT experiment_id, 0, seq, status, warmup, t_send_user, t_send_kernel, t_recv_kernel, t_recv_user,
         rtt_user, rtt_kernel, peer_proc, wire_send, wire_recv FROM samples;
DROP TABLE samples;
ALTER TABLE samples_v3 RENAME TO samples;
CREATE TABLE loads (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  from_node TEXT NOT NULL,
  to_node TEXT NOT NULL,
  target TEXT NOT NULL,
  streams INTEGER NOT NULL,
  bandwidth_bps INTEGER NOT NULL,
  payload INTEGER NOT NULL,
  cpus TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('complete','failed')),
  error TEXT,
  started_ns INTEGER,
  ended_ns INTEGER,
  bits_per_second REAL,
  retransmits INTEGER,
  lost_packets INTEGER,
  packets INTEGER,
  congestion TEXT,
  peak_json TEXT NOT NULL DEFAULT '{}',
  result_json TEXT,
  PRIMARY KEY (experiment_id, idx)
);
)sql",
  };
  return m;
}

}  // namespace

Status migrate(Db& db) {
  LATLAB_TRY(db.exec("PRAGMA journal_mode=WAL"));
  LATLAB_TRY(db.exec("PRAGMA synchronous=NORMAL"));
  LATLAB_TRY(db.exec("PRAGMA foreign_keys=ON"));
  auto st = db.prepare("PRAGMA user_version");
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  int version = static_cast<int>(st->int64(0));
  st->reset();
  if (version > schema_version) {
    return Error("store " + db.path() + ": schema version " + std::to_string(version) +
                     " is newer than this latlab understands (" + std::to_string(schema_version) +
                     "); use a newer latlab",
                 0, ExitCode::environment);
  }
  const auto& m = migrations();
  for (int v = version; v < schema_version; ++v) {
    Transaction tx(db);
    if (!tx.active()) return db.error("begin migration");
    if (auto r = db.exec(m[static_cast<size_t>(v)]); !r.ok())
      return r.error().with_context("migration to schema version " + std::to_string(v + 1));
    LATLAB_TRY(db.exec("PRAGMA user_version=" + std::to_string(v + 1)));
    LATLAB_TRY(tx.commit());
  }
  return Ok{};
}

}  // namespace latlab::store
