#include "store/store.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/schema.h"

namespace latlab::store {

std::string default_db_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("LATLAB_DB"); env && *env) return env;
  return "latlab.db";
}

std::string current_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

namespace {

void bind_opt(Stmt& s, int i, const std::optional<int64_t>& v) {
  if (v)
    s.bind(i, *v);
  else
    s.bind_null(i);
}

void bind_text_or_null(Stmt& s, int i, const std::string& v) {
  if (v.empty())
    s.bind_null(i);
  else
    s.bind(i, v);
}

// Inserts samples with one prepared statement, committing every batch_rows.
class SqliteSampleSink : public SampleSink {
 public:
  SqliteSampleSink(Db& db, Stmt insert, int64_t experiment_id)
      : db_(db), insert_(std::move(insert)), experiment_id_(experiment_id) {}
  ~SqliteSampleSink() override { (void)flush(); }

  Status add(const SampleRecord& s) override {
    if (!in_tx_) {
      LATLAB_TRY(db_.exec("BEGIN"));
      in_tx_ = true;
    }
    insert_.bind(1, experiment_id_).bind(2, s.pair).bind(3, s.seq).bind(4, static_cast<int64_t>(s.status));
    insert_.bind(5, static_cast<int64_t>(s.warmup ? 1 : 0));
    bind_opt(insert_, 6, s.t_send_user);
    bind_opt(insert_, 7, s.t_send_kernel);
    bind_opt(insert_, 8, s.t_recv_kernel);
    bind_opt(insert_, 9, s.t_recv_user);
    bind_opt(insert_, 10, s.rtt_user);
    bind_opt(insert_, 11, s.rtt_kernel);
    bind_opt(insert_, 12, s.peer_proc);
    bind_opt(insert_, 13, s.wire_send);
    bind_opt(insert_, 14, s.wire_recv);
    auto r = insert_.step();
    if (!r.ok()) {
      Error e = db_.error("sample " + std::to_string(s.seq));  // before the reset: SQLite's message
      insert_.rewind();
      return e;
    }
    insert_.rewind();
    if (++pending_ >= batch_rows) return flush();
    return Ok{};
  }

  Status flush() override {
    if (!in_tx_) return Ok{};
    in_tx_ = false;
    pending_ = 0;
    if (!db_.exec("COMMIT").ok()) return db_.error("commit samples");
    return Ok{};
  }

 private:
  static constexpr int batch_rows = 65536;
  Db& db_;
  Stmt insert_;
  int64_t experiment_id_;
  bool in_tx_ = false;
  int pending_ = 0;
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, bool create) {
  auto db = Db::open(path, create);
  if (!db.ok()) return db.error();
  LATLAB_TRY(migrate(*db));
  std::unique_ptr<SqliteStore> s(new SqliteStore(std::move(*db)));
  LATLAB_TRY(s->mark_dead_runs());
  return s;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_read_only(const std::string& path) {
  auto db = Db::open(path, false, true);
  if (!db.ok()) return db.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db)));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_snapshot(const std::string& path) {
  auto db = Db::open_immutable(path);
  if (!db.ok()) return db.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db)));
}

Result<StoreReader> open_for_reading(const std::string& path) {
  auto st = SqliteStore::open_read_only(path);
  if (!st.ok()) return st.error();
  auto probe = (*st)->runs("", 1);
  if (probe.ok()) return StoreReader{std::move(*st)};
  if (::access(path.c_str(), R_OK) == 0) {
    auto snap = SqliteStore::open_snapshot(path);
    if (snap.ok() && (*snap)->runs("", 1).ok()) {
      std::error_code ec;
      auto wal = std::filesystem::file_size(path + "-wal", ec);
      return StoreReader{std::move(*snap), true, ec ? 0 : wal};
    }
  }
  return probe.error();
}

Status SqliteStore::mark_dead_runs() {
  auto st = db_.prepare("SELECT id, pid, boot_id FROM runs WHERE status = 'running'");
  if (!st.ok()) return st.error();
  std::string boot = current_boot_id();
  std::vector<int64_t> dead;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    int64_t id = st->int64(0);
    auto pid = static_cast<pid_t>(st->int64(1));
    std::string run_boot = st->text(2);
    bool alive = run_boot == boot && pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
    if (!alive) dead.push_back(id);
  }
  for (int64_t id : dead) {
    auto up = db_.prepare(
        "UPDATE runs SET status = 'aborted', error = 'the latlab process running it died' WHERE id = ?");
    if (!up.ok()) return up.error();
    up->bind(1, id);
    LATLAB_TRY(up->run());
    auto ex =
        db_.prepare("UPDATE experiments SET status = 'interrupted' WHERE run_id = ? AND status = 'running'");
    if (!ex.ok()) return ex.error();
    ex->bind(1, id);
    LATLAB_TRY(ex->run());
  }
  aborted_ = dead;
  // Nights (schema 2) whose `latlab nightly` died the same way.
  auto nights = db_.prepare("SELECT id, pid, boot_id FROM nights WHERE status = 'running'");
  if (!nights.ok()) return nights.error();
  std::vector<int64_t> dead_nights;
  while (true) {
    auto row = nights->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    auto pid = static_cast<pid_t>(nights->int64(1));
    bool alive = nights->text(2) == boot && pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
    if (!alive) dead_nights.push_back(nights->int64(0));
  }
  for (int64_t id : dead_nights) {
    auto up = db_.prepare(
        "UPDATE nights SET status = 'aborted', error = 'the latlab process running it died' WHERE id = ?");
    if (!up.ok()) return up.error();
    up->bind(1, id);
    LATLAB_TRY(up->run());
  }
  return Ok{};
}

Result<int64_t> SqliteStore::begin_run(const RunRecord& r) {
  auto st = db_.prepare(
      "INSERT INTO runs (scenario_name, scenario_file, scenario_text, scenario_hash, latlab_version, "
      "host_json, "
      "status, started_ns, pid, boot_id, seed, order_json, run_dir) VALUES "
      "(?,?,?,?,?,?,'running',?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, r.scenario_name).bind(2, r.scenario_file).bind(3, r.scenario_text).bind(4, r.scenario_hash);
  st->bind(5, r.latlab_version).bind(6, r.host_json).bind(7, r.started_ns).bind(8, r.pid).bind(9, r.boot_id);
  bind_opt(*st, 10, r.seed);
  st->bind(11, r.order_json).bind(12, r.run_dir);
  LATLAB_TRY(st->run());
  return db_.last_insert_id();
}

Status SqliteStore::finish_run(int64_t run_id, const std::string& status, const std::string& error) {
  auto st = db_.prepare("UPDATE runs SET status = ?, ended_ns = ?, error = ? WHERE id = ?");
  if (!st.ok()) return st.error();
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  st->bind(1, status).bind(2, int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec);
  bind_text_or_null(*st, 3, error);
  st->bind(4, run_id);
  return st->run();
}

Status SqliteStore::set_run_order(int64_t run_id, const std::string& order_json) {
  auto st = db_.prepare("UPDATE runs SET order_json = ? WHERE id = ?");
  if (!st.ok()) return st.error();
  st->bind(1, order_json).bind(2, run_id);
  return st->run();
}

Status SqliteStore::set_run_host(int64_t run_id, const std::string& host_json) {
  auto st = db_.prepare("UPDATE runs SET host_json = ? WHERE id = ?");
  if (!st.ok()) return st.error();
  st->bind(1, host_json).bind(2, run_id);
  return st->run();
}

Result<int64_t> SqliteStore::begin_experiment(const ExperimentRecord& e) {
  auto st = db_.prepare(
      "INSERT INTO experiments (run_id, name, repetition, position, probe, path_kind, from_node, from_kind, "
      "to_node, to_kind, target, egress, params_json, status, started_ns) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,'running',?)");
  if (!st.ok()) return st.error();
  st->bind(1, e.run_id).bind(2, e.name).bind(3, e.repetition).bind(4, e.position).bind(5, e.probe);
  st->bind(6, e.path_kind).bind(7, e.from_node).bind(8, e.from_kind);
  bind_text_or_null(*st, 9, e.to_node);
  bind_text_or_null(*st, 10, e.to_kind);
  st->bind(11, e.target);
  bind_text_or_null(*st, 12, e.egress);
  st->bind(13, e.params_json);
  bind_opt(*st, 14, e.started_ns);
  LATLAB_TRY(st->run());
  return db_.last_insert_id();
}

Status SqliteStore::finish_experiment(const ExperimentRecord& e) {
  auto st = db_.prepare(
      "UPDATE experiments SET agent_json = ?, summary_json = ?, status = ?, ended_ns = ?, "
      "clock_offset_start_ns = ?, "
      "clock_offset_end_ns = ?, error = ? WHERE id = ?");
  if (!st.ok()) return st.error();
  bind_text_or_null(*st, 1, e.agent_json);
  bind_text_or_null(*st, 2, e.summary_json);
  st->bind(3, e.status);
  bind_opt(*st, 4, e.ended_ns);
  bind_opt(*st, 5, e.clock_offset_start_ns);
  bind_opt(*st, 6, e.clock_offset_end_ns);
  bind_text_or_null(*st, 7, e.error);
  st->bind(8, e.id);
  return st->run();
}

Result<std::unique_ptr<SampleSink>> SqliteStore::samples(int64_t experiment_id) {
  auto check = db_.prepare("SELECT 1 FROM experiments WHERE id = ?");
  if (!check.ok()) return check.error();
  check->bind(1, experiment_id);
  auto found = check->step();
  if (!found.ok()) return found.error();
  if (!*found)
    return Error("store " + db_.path() + ": experiment " + std::to_string(experiment_id) + " does not exist");
  auto st = db_.prepare(
      "INSERT INTO samples (experiment_id, pair, seq, status, warmup, t_send_user, t_send_kernel, "
      "t_recv_kernel, t_recv_user, rtt_user, rtt_kernel, peer_proc, wire_send, wire_recv) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      // The agent reports a late reply as a second line for the same seq:
      // the later line wins.
      "ON CONFLICT (experiment_id, pair, seq) DO UPDATE SET status = excluded.status, warmup = excluded.warmup, "
      "t_send_user = excluded.t_send_user, t_send_kernel = excluded.t_send_kernel, "
      "t_recv_kernel = excluded.t_recv_kernel, t_recv_user = excluded.t_recv_user, rtt_user = "
      "excluded.rtt_user, "
      "rtt_kernel = excluded.rtt_kernel, peer_proc = excluded.peer_proc");
  if (!st.ok()) return st.error();
  return std::unique_ptr<SampleSink>(new SqliteSampleSink(db_, std::move(*st), experiment_id));
}

Status SqliteStore::set_wire_times(int64_t experiment_id, const std::vector<WireTimeRecord>& times) {
  Transaction tx(db_);
  LATLAB_TRY(tx.begun());
  auto st = db_.prepare(
      "UPDATE samples SET wire_send = coalesce(?, wire_send), wire_recv = coalesce(?, wire_recv) "
      "WHERE experiment_id = ? AND pair = 0 AND seq = ?");
  if (!st.ok()) return st.error();
  for (const auto& t : times) {
    bind_opt(*st, 1, t.send);
    bind_opt(*st, 2, t.recv);
    st->bind(3, experiment_id).bind(4, t.seq);
    LATLAB_TRY(st->run());
  }
  return tx.commit();
}

Result<int64_t> SqliteStore::add_capture(const CaptureRecord& c) {
  auto st = db_.prepare(
      "INSERT INTO captures (experiment_id, kind, interface, file, status, summary_json, error) VALUES "
      "(?,?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, c.experiment_id).bind(2, c.kind);
  bind_text_or_null(*st, 3, c.interface);
  bind_text_or_null(*st, 4, c.file);
  st->bind(5, c.status).bind(6, c.summary_json);
  bind_text_or_null(*st, 7, c.error);
  LATLAB_TRY(st->run());
  return db_.last_insert_id();
}

Status SqliteStore::add_counters(int64_t experiment_id, const std::vector<CounterRecord>& list) {
  Transaction tx(db_);
  LATLAB_TRY(tx.begun());
  auto st = db_.prepare(
      "INSERT INTO counters (experiment_id, phase, node, source, name, value) VALUES (?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  for (const auto& c : list) {
    st->bind(1, experiment_id)
        .bind(2, c.phase)
        .bind(3, c.node)
        .bind(4, c.source)
        .bind(5, c.name)
        .bind(6, c.value);
    LATLAB_TRY(st->run());
  }
  return tx.commit();
}

Status SqliteStore::add_stacks(int64_t experiment_id, const std::vector<StackRecord>& list) {
  Transaction tx(db_);
  LATLAB_TRY(tx.begun());
  auto st = db_.prepare("INSERT INTO stacks (experiment_id, stack, weight) VALUES (?,?,?)");
  if (!st.ok()) return st.error();
  for (const auto& s : list) {
    st->bind(1, experiment_id).bind(2, s.stack).bind(3, s.weight);
    LATLAB_TRY(st->run());
  }
  return tx.commit();
}

Status SqliteStore::add_trace_events(int64_t experiment_id, const std::vector<TraceEventRecord>& list) {
  Transaction tx(db_);
  LATLAB_TRY(tx.begun());
  auto st = db_.prepare(
      "INSERT INTO trace_events (experiment_id, t_ns, cpu, event, skbaddr, dev, len, detail) VALUES "
      "(?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  for (const auto& e : list) {
    st->bind(1, experiment_id).bind(2, e.t_ns);
    bind_opt(*st, 3, e.cpu);
    st->bind(4, e.event);
    bind_text_or_null(*st, 5, e.skbaddr);
    bind_text_or_null(*st, 6, e.dev);
    bind_opt(*st, 7, e.len);
    bind_text_or_null(*st, 8, e.detail);
    LATLAB_TRY(st->run());
  }
  return tx.commit();
}

// ---------------------------------------------------------------- reader

namespace {

RunRecord read_run(const Stmt& s) {
  RunRecord r;
  r.id = s.int64(0);
  r.scenario_name = s.text(1);
  r.scenario_file = s.text(2);
  r.scenario_text = s.text(3);
  r.scenario_hash = s.text(4);
  r.latlab_version = s.text(5);
  r.host_json = s.text(6);
  r.status = s.text(7);
  r.started_ns = s.int64(8);
  r.ended_ns = s.opt_int64(9);
  r.pid = s.int64(10);
  r.boot_id = s.text(11);
  r.seed = s.opt_int64(12);
  r.order_json = s.text(13);
  r.run_dir = s.text(14);
  r.error = s.text(15);
  return r;
}

const char* run_cols =
    "id, scenario_name, scenario_file, scenario_text, scenario_hash, latlab_version, host_json, status, "
    "started_ns, ended_ns, pid, boot_id, seed, order_json, run_dir, error";

template <typename T, typename F>
Result<std::vector<T>> collect(Result<Stmt> st, F read) {
  if (!st.ok()) return st.error();
  std::vector<T> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(read(*st));
  }
  return out;
}

}  // namespace

Result<std::vector<RunRecord>> SqliteStore::runs(const std::string& scenario, int64_t last) {
  std::string sql = std::string("SELECT ") + run_cols + " FROM runs";
  if (!scenario.empty()) sql += " WHERE scenario_name = ?1";
  sql += " ORDER BY id DESC";
  if (last > 0) sql += " LIMIT " + std::to_string(last);
  auto st = db_.prepare(sql);
  if (st.ok() && !scenario.empty()) st->bind(1, scenario);
  auto r = collect<RunRecord>(std::move(st), read_run);
  if (r.ok()) std::reverse(r->begin(), r->end());
  return r;
}

Result<RunRecord> SqliteStore::run(int64_t id) {
  auto st = db_.prepare(std::string("SELECT ") + run_cols + " FROM runs WHERE id = ?");
  if (!st.ok()) return st.error();
  st->bind(1, id);
  auto row = st->step();
  if (!row.ok()) return row.error();
  if (!*row)
    return Error("store " + db_.path() + ": run " + std::to_string(id) + " does not exist", 0,
                 ExitCode::bad_input);
  return read_run(*st);
}

Result<std::vector<ExperimentRecord>> SqliteStore::experiments(int64_t run_id) {
  auto st = db_.prepare(
      "SELECT id, run_id, name, repetition, position, probe, path_kind, from_node, from_kind, to_node, "
      "to_kind, "
      "target, egress, params_json, agent_json, summary_json, status, started_ns, ended_ns, "
      "clock_offset_start_ns, "
      "clock_offset_end_ns, error FROM experiments WHERE run_id = ? ORDER BY position, id");
  if (st.ok()) st->bind(1, run_id);
  return collect<ExperimentRecord>(std::move(st), [](const Stmt& s) {
    ExperimentRecord e;
    e.id = s.int64(0);
    e.run_id = s.int64(1);
    e.name = s.text(2);
    e.repetition = s.int64(3);
    e.position = s.int64(4);
    e.probe = s.text(5);
    e.path_kind = s.text(6);
    e.from_node = s.text(7);
    e.from_kind = s.text(8);
    e.to_node = s.text(9);
    e.to_kind = s.text(10);
    e.target = s.text(11);
    e.egress = s.text(12);
    e.params_json = s.text(13);
    e.agent_json = s.text(14);
    e.summary_json = s.text(15);
    e.status = s.text(16);
    e.started_ns = s.opt_int64(17);
    e.ended_ns = s.opt_int64(18);
    e.clock_offset_start_ns = s.opt_int64(19);
    e.clock_offset_end_ns = s.opt_int64(20);
    e.error = s.text(21);
    return e;
  });
}

Status SqliteStore::for_each_sample(int64_t experiment_id,
                                    const std::function<void(const SampleRecord&)>& fn) {
  auto st = db_.prepare(
      "SELECT seq, status, warmup, t_send_user, t_send_kernel, t_recv_kernel, t_recv_user, rtt_user, "
      "rtt_kernel, "
      "peer_proc, wire_send, wire_recv, pair FROM samples WHERE experiment_id = ? ORDER BY pair, seq");
  if (!st.ok()) return st.error();
  st->bind(1, experiment_id);
  SampleRecord r;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    r.seq = st->int64(0);
    r.status = static_cast<SampleStatus>(st->int64(1));
    r.warmup = st->int64(2) != 0;
    r.t_send_user = st->opt_int64(3);
    r.t_send_kernel = st->opt_int64(4);
    r.t_recv_kernel = st->opt_int64(5);
    r.t_recv_user = st->opt_int64(6);
    r.rtt_user = st->opt_int64(7);
    r.rtt_kernel = st->opt_int64(8);
    r.peer_proc = st->opt_int64(9);
    r.wire_send = st->opt_int64(10);
    r.wire_recv = st->opt_int64(11);
    r.pair = st->int64(12);
    fn(r);
  }
  return Ok{};
}

Result<std::vector<CaptureRecord>> SqliteStore::captures(int64_t experiment_id) {
  auto st = db_.prepare(
      "SELECT id, experiment_id, kind, interface, file, status, summary_json, error FROM captures "
      "WHERE experiment_id = ? ORDER BY id");
  if (st.ok()) st->bind(1, experiment_id);
  return collect<CaptureRecord>(std::move(st), [](const Stmt& s) {
    CaptureRecord c;
    c.id = s.int64(0);
    c.experiment_id = s.int64(1);
    c.kind = s.text(2);
    c.interface = s.text(3);
    c.file = s.text(4);
    c.status = s.text(5);
    c.summary_json = s.text(6);
    c.error = s.text(7);
    return c;
  });
}

Result<std::vector<CounterRecord>> SqliteStore::counters(int64_t experiment_id) {
  auto st = db_.prepare(
      "SELECT phase, node, source, name, value FROM counters WHERE experiment_id = ? ORDER BY rowid");
  if (st.ok()) st->bind(1, experiment_id);
  return collect<CounterRecord>(std::move(st), [](const Stmt& s) {
    return CounterRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4)};
  });
}

Status SqliteStore::add_load(const LoadRecord& l) {
  auto st = db_.prepare(
      "INSERT INTO loads (experiment_id, idx, kind, from_node, to_node, target, streams, bandwidth_bps, payload, "
      "cpus, status, error, started_ns, ended_ns, bits_per_second, retransmits, lost_packets, packets, "
      "peak_json, result_json, congestion) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, l.experiment_id).bind(2, l.idx).bind(3, l.kind).bind(4, l.from_node).bind(5, l.to_node);
  st->bind(6, l.target).bind(7, l.streams).bind(8, l.bandwidth_bps).bind(9, l.payload).bind(10, l.cpus);
  st->bind(11, l.status);
  if (l.error.empty())
    st->bind_null(12);
  else
    st->bind(12, l.error);
  st->bind(13, l.started_ns).bind(14, l.ended_ns).bind(15, l.bits_per_second).bind(16, l.retransmits);
  st->bind(17, l.lost_packets).bind(18, l.packets).bind(19, l.peak_json);
  if (l.result_json.empty())
    st->bind_null(20);
  else
    st->bind(20, l.result_json);
  if (l.congestion.empty())
    st->bind_null(21);
  else
    st->bind(21, l.congestion);
  return st->run();
}

Result<std::vector<LoadRecord>> SqliteStore::loads(int64_t experiment_id) {
  auto st = db_.prepare(
      "SELECT experiment_id, idx, kind, from_node, to_node, target, streams, bandwidth_bps, payload, cpus, "
      "status, error, started_ns, ended_ns, bits_per_second, retransmits, lost_packets, packets, peak_json, "
      "result_json, congestion FROM loads WHERE experiment_id = ? ORDER BY idx");
  if (st.ok()) st->bind(1, experiment_id);
  return collect<LoadRecord>(std::move(st), [](const Stmt& s) {
    LoadRecord l;
    l.experiment_id = s.int64(0);
    l.idx = s.int64(1);
    l.kind = s.text(2);
    l.from_node = s.text(3);
    l.to_node = s.text(4);
    l.target = s.text(5);
    l.streams = s.int64(6);
    l.bandwidth_bps = s.int64(7);
    l.payload = s.int64(8);
    l.cpus = s.text(9);
    l.status = s.text(10);
    l.error = s.text(11);
    l.started_ns = s.opt_int64(12);
    l.ended_ns = s.opt_int64(13);
    l.bits_per_second = s.opt_real(14);
    l.retransmits = s.opt_int64(15);
    l.lost_packets = s.opt_int64(16);
    l.packets = s.opt_int64(17);
    l.peak_json = s.text(18);
    l.result_json = s.text(19);
    l.congestion = s.text(20);
    return l;
  });
}

Result<std::vector<StackRecord>> SqliteStore::stacks(int64_t experiment_id) {
  auto st = db_.prepare("SELECT stack, weight FROM stacks WHERE experiment_id = ? ORDER BY rowid");
  if (st.ok()) st->bind(1, experiment_id);
  return collect<StackRecord>(std::move(st), [](const Stmt& s) {
    return StackRecord{s.text(0), s.int64(1)};
  });
}

Result<std::vector<TraceEventRecord>> SqliteStore::trace_events(int64_t experiment_id) {
  auto st = db_.prepare(
      "SELECT t_ns, cpu, event, skbaddr, dev, len, detail FROM trace_events WHERE experiment_id = ? ORDER BY "
      "t_ns");
  if (st.ok()) st->bind(1, experiment_id);
  return collect<TraceEventRecord>(std::move(st), [](const Stmt& s) {
    TraceEventRecord e;
    e.t_ns = s.int64(0);
    e.cpu = s.opt_int64(1);
    e.event = s.text(2);
    e.skbaddr = s.text(3);
    e.dev = s.text(4);
    e.len = s.opt_int64(5);
    e.detail = s.text(6);
    return e;
  });
}

Status SqliteStore::integrity_check() {
  auto st = db_.prepare("PRAGMA integrity_check");
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  std::string res = *row ? st->text(0) : "";
  if (res != "ok") return Error("store " + db_.path() + ": integrity check failed: " + res);
  return Ok{};
}

}  // namespace latlab::store
