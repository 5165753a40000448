#include "store/night_store.h"

#include <set>
#include <sstream>

namespace latlab::store {

namespace {

std::string ids_json(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

std::vector<int64_t> parse_ids(const std::string& text) {
  std::vector<int64_t> out;
  std::string cur;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '-') {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(std::stoll(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::stoll(cur));
  return out;
}

constexpr const char* kNightColumns =
    "id, suite, suite_file, suite_hash, status, started_ns, ended_ns, host_fingerprint, host_json, kernel, "
    "latlab_version, pid, boot_id, note, note_ns, exit_code, error";

NightRecord read_night(const Stmt& s) {
  NightRecord n;
  n.id = s.int64(0);
  n.suite = s.text(1);
  n.suite_file = s.text(2);
  n.suite_hash = s.text(3);
  n.status = s.text(4);
  n.started_ns = s.int64(5);
  n.ended_ns = s.opt_int64(6);
  n.host_fingerprint = s.text(7);
  n.host_json = s.text(8);
  n.kernel = s.text(9);
  n.latlab_version = s.text(10);
  n.pid = s.int64(11);
  n.boot_id = s.text(12);
  n.note = s.text(13);
  n.note_ns = s.opt_int64(14);
  n.exit_code = s.opt_int64(15);
  n.error = s.text(16);
  return n;
}

constexpr const char* kMetricColumns =
    "m.night_id, m.scenario, m.experiment, m.metric, m.measurement, m.measurement_json, m.system_json, m.n, "
    "m.mean, m.se2, m.center, m.low, m.high, m.values_json, m.verdict, m.estimate, m.estimate_low, "
    "m.estimate_high, m.floor, m.baseline_json, m.change_json, m.reason";

NightMetricRecord read_metric(const Stmt& s) {
  NightMetricRecord m;
  m.night_id = s.int64(0);
  m.scenario = s.text(1);
  m.experiment = s.text(2);
  m.metric = s.text(3);
  m.measurement = s.text(4);
  m.measurement_json = s.text(5);
  m.system_json = s.text(6);
  m.n = s.int64(7);
  m.mean = s.opt_real(8);
  m.se2 = s.opt_real(9);
  m.center = s.opt_real(10);
  m.low = s.opt_real(11);
  m.high = s.opt_real(12);
  m.values_json = s.text(13);
  m.verdict = s.text(14);
  m.estimate = s.opt_real(15);
  m.estimate_low = s.opt_real(16);
  m.estimate_high = s.opt_real(17);
  m.floor = s.opt_real(18);
  m.baseline_json = s.text(19);
  m.change_json = s.text(20);
  m.reason = s.text(21);
  return m;
}

template <typename T, typename F>
Result<std::vector<T>> collect(Stmt& st, F read) {
  std::vector<T> out;
  while (true) {
    auto row = st.step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(read(st));
  }
  return out;
}

}  // namespace

Result<int64_t> NightStore::begin_night(const NightRecord& n) {
  auto st = db_.prepare(
      "INSERT INTO nights (suite, suite_file, suite_hash, status, started_ns, host_fingerprint, host_json, "
      "kernel, latlab_version, pid, boot_id, note, note_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, n.suite).bind(2, n.suite_file).bind(3, n.suite_hash).bind(4, n.status).bind(5, n.started_ns);
  st->bind(6, n.host_fingerprint).bind(7, n.host_json).bind(8, n.kernel).bind(9, n.latlab_version);
  st->bind(10, n.pid).bind(11, n.boot_id);
  if (n.note.empty())
    st->bind_null(12).bind_null(13);
  else
    st->bind(12, n.note).bind(13, n.note_ns);
  LATLAB_TRY(st->run());
  return db_.last_insert_id();
}

Status NightStore::finish_night(int64_t id, const std::string& status, int exit_code,
                                const std::string& error) {
  auto st = db_.prepare(
      "UPDATE nights SET status = ?, exit_code = ?, error = ?, "
      "ended_ns = CAST((julianday('now') - 2440587.5) * 86400000000000 AS INTEGER) WHERE id = ?");
  if (!st.ok()) return st.error();
  st->bind(1, status).bind(2, static_cast<int64_t>(exit_code)).bind(4, id);
  if (error.empty())
    st->bind_null(3);
  else
    st->bind(3, error);
  return st->run();
}

Status NightStore::add_night_run(const NightRunRecord& r) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO night_runs (night_id, scenario, run_id, status, error) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, r.night_id).bind(2, r.scenario).bind(3, r.run_id).bind(4, r.status).bind(5, r.error);
  return st->run();
}

Status NightStore::put_metric(const NightMetricRecord& m) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO night_metrics (night_id, scenario, experiment, metric, measurement, "
      "measurement_json, system_json, n, mean, se2, center, low, high, values_json, verdict, estimate, "
      "estimate_low, estimate_high, floor, baseline_json, change_json, reason) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, m.night_id).bind(2, m.scenario).bind(3, m.experiment).bind(4, m.metric);
  st->bind(5, m.measurement).bind(6, m.measurement_json).bind(7, m.system_json).bind(8, m.n);
  st->bind(9, m.mean).bind(10, m.se2).bind(11, m.center).bind(12, m.low).bind(13, m.high);
  st->bind(14, m.values_json).bind(15, m.verdict).bind(16, m.estimate).bind(17, m.estimate_low);
  st->bind(18, m.estimate_high).bind(19, m.floor).bind(20, m.baseline_json);
  if (m.change_json.empty())
    st->bind_null(21);
  else
    st->bind(21, m.change_json);
  st->bind(22, m.reason);
  return st->run();
}

Status NightStore::set_note(int64_t night_id, const std::string& note, int64_t now_ns) {
  auto st = db_.prepare("UPDATE nights SET note = ?, note_ns = ? WHERE id = ?");
  if (!st.ok()) return st.error();
  if (note.empty())
    st->bind_null(1).bind_null(2);
  else
    st->bind(1, note).bind(2, now_ns);
  st->bind(3, night_id);
  return st->run();
}

Result<std::vector<NightRecord>> NightStore::nights(const std::string& suite, int64_t last) {
  std::string sql = std::string("SELECT ") + kNightColumns + " FROM nights";
  if (!suite.empty()) sql += " WHERE suite = ?1";
  sql += " ORDER BY id DESC";
  if (last > 0) sql += " LIMIT " + std::to_string(last);
  auto st = db_.prepare("SELECT * FROM (" + sql + ") ORDER BY id");
  if (!st.ok()) return st.error();
  if (!suite.empty()) st->bind(1, suite);
  return collect<NightRecord>(*st, read_night);
}

Result<std::optional<NightRecord>> NightStore::night(int64_t id) {
  auto st = db_.prepare(std::string("SELECT ") + kNightColumns + " FROM nights WHERE id = ?");
  if (!st.ok()) return st.error();
  st->bind(1, id);
  auto rows = collect<NightRecord>(*st, read_night);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<NightRecord>();
  return std::optional<NightRecord>(rows->front());
}

Result<std::vector<NightRunRecord>> NightStore::night_runs(int64_t night_id) {
  auto st = db_.prepare(
      "SELECT night_id, scenario, run_id, status, error FROM night_runs WHERE night_id = ? ORDER BY rowid");
  if (!st.ok()) return st.error();
  st->bind(1, night_id);
  return collect<NightRunRecord>(*st, [](const Stmt& s) {
    return NightRunRecord{s.int64(0), s.text(1), s.opt_int64(2), s.text(3), s.text(4)};
  });
}

Result<std::vector<NightMetricRecord>> NightStore::history(const std::string& suite,
                                                           const std::string& scenario,
                                                           const std::string& experiment,
                                                           const std::string& metric) {
  auto st = db_.prepare(std::string("SELECT ") + kMetricColumns +
                        " FROM night_metrics m JOIN nights n ON n.id = m.night_id WHERE n.suite = ? AND "
                        "m.scenario = ? AND m.experiment = ? AND m.metric = ? ORDER BY m.night_id");
  if (!st.ok()) return st.error();
  st->bind(1, suite).bind(2, scenario).bind(3, experiment).bind(4, metric);
  return collect<NightMetricRecord>(*st, read_metric);
}

Result<std::vector<NightMetricRecord>> NightStore::metrics_of(int64_t night_id) {
  auto st =
      db_.prepare(std::string("SELECT ") + kMetricColumns + " FROM night_metrics m WHERE m.night_id = ?");
  if (!st.ok()) return st.error();
  st->bind(1, night_id);
  return collect<NightMetricRecord>(*st, read_metric);
}

Status NightStore::set_baseline(const BaselineRecord& b) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO baselines (name, suite, nights_json, created_ns, note) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.error();
  st->bind(1, b.name).bind(2, b.suite).bind(3, ids_json(b.nights)).bind(4, b.created_ns).bind(5, b.note);
  return st->run();
}

Result<std::vector<BaselineRecord>> NightStore::baselines() {
  auto st = db_.prepare("SELECT name, suite, nights_json, created_ns, note FROM baselines ORDER BY name");
  if (!st.ok()) return st.error();
  return collect<BaselineRecord>(*st, [](const Stmt& s) {
    return BaselineRecord{s.text(0), s.text(1), parse_ids(s.text(2)), s.int64(3), s.text(4)};
  });
}

Result<std::optional<BaselineRecord>> NightStore::baseline(const std::string& name) {
  auto all = baselines();
  if (!all.ok()) return all.error();
  for (auto& b : *all)
    if (b.name == name) return std::optional<BaselineRecord>(std::move(b));
  return std::optional<BaselineRecord>();
}

Result<bool> NightStore::clear_baseline(const std::string& name) {
  auto st = db_.prepare("DELETE FROM baselines WHERE name = ?");
  if (!st.ok()) return st.error();
  st->bind(1, name);
  LATLAB_TRY(st->run());
  return sqlite3_changes(db_.raw()) > 0;
}

Result<GcResult> NightStore::gc(int64_t cutoff_ns, bool dry_run) {
  GcResult out;
  std::set<int64_t> keep_nights;
  auto bs = baselines();
  if (!bs.ok()) return bs.error();
  for (const auto& b : *bs) keep_nights.insert(b.nights.begin(), b.nights.end());
  std::set<int64_t> keep_runs;
  for (int64_t n : keep_nights) {
    auto rs = night_runs(n);
    if (!rs.ok()) return rs.error();
    for (const auto& r : *rs)
      if (r.run_id) keep_runs.insert(*r.run_id);
  }
  auto st = db_.prepare(
      "SELECT id, COALESCE(run_dir, '') FROM runs WHERE status != 'running' AND "
      "COALESCE(ended_ns, started_ns) < ? ORDER BY id");
  if (!st.ok()) return st.error();
  st->bind(1, cutoff_ns);
  std::vector<std::pair<int64_t, std::string>> old;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    if (keep_runs.count(st->int64(0))) {
      ++out.kept_for_baselines;
      continue;
    }
    old.emplace_back(st->int64(0), st->text(1));
  }
  for (const auto& [id, dir] : old) {
    out.runs.push_back(id);
    if (!dir.empty()) out.run_dirs.push_back(dir);
  }
  if (dry_run || old.empty()) return out;
  Transaction tx(db_);
  LATLAB_TRY(tx.begun());
  for (const auto& [id, dir] : old) {
    auto del = db_.prepare(
        "DELETE FROM samples WHERE experiment_id IN (SELECT id FROM experiments WHERE run_id = ?1)");
    if (!del.ok()) return del.error();
    del->bind(1, id);
    LATLAB_TRY(del->run());
    auto run = db_.prepare("DELETE FROM runs WHERE id = ?1");
    if (!run.ok()) return run.error();
    run->bind(1, id);
    LATLAB_TRY(run->run());
  }
  LATLAB_TRY(tx.commit());
  return out;
}

}  // namespace latlab::store
