// Text, JSON and JUnit XML of a night (reports/nightly.h).
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "reports/nightly.h"
#include "reports/svg_text.h"

namespace latlab::reports {

using nlohmann::ordered_json;

namespace {

bool is_latency(Metric m) { return m != Metric::loss; }

std::string fmt_value(const NightValue& v, Metric m) {
  if (!v.center) return "-";
  if (!is_latency(m)) return fmt::format("{:.2f} %", *v.center);
  return format_ns(*v.center);
}

std::string fmt_interval(const NightValue& v, Metric m) {
  if (!v.low || !v.high) return "";
  if (!is_latency(m)) return fmt::format(" ({:.2f}-{:.2f})", *v.low, *v.high);
  return " (" + format_ns(*v.low) + "-" + format_ns(*v.high) + ")";
}

std::string fmt_change(const GateDecision& d, Metric m) {
  if (!d.estimate) return "-";
  if (!is_latency(m))
    return fmt::format("{:+.2f} pp ({:+.2f} to {:+.2f})", *d.estimate, d.low.value_or(0), d.high.value_or(0));
  return fmt::format("{:+.1f} % ({:+.1f} to {:+.1f})", 100 * (*d.estimate - 1), 100 * (d.low.value_or(1) - 1),
                     100 * (d.high.value_or(1) - 1));
}

std::string fmt_nights(const std::vector<int64_t>& n) {
  if (n.empty()) return "-";
  if (n.size() == 1) return std::to_string(n.front());
  return fmt::format("{} nights ({}..{})", n.size(), n.front(), n.back());
}

std::string fmt_time(int64_t ns) {
  std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string iso_time(int64_t ns) {
  std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string detail(const NightRow& r) {
  const auto& d = r.decision;
  std::string out;
  if (d.verdict == NightVerdict::confirmed && d.change)
    out = fmt::format(
        "change point at night {} (p {:.1e}, {}{}, {} nights since)", d.change_night, d.change->pvalue,
        is_latency(r.metric) ? "" : "",
        is_latency(r.metric)
            ? fmt::format("{:+.1f} %", 100 * std::expm1(d.change->mean_after - d.change->mean_before))
            : fmt::format("{:+.2f} pp", d.change->mean_after - d.change->mean_before),
        d.change->n_after);
  if (!d.reason.empty()) out += (out.empty() ? "" : "; ") + d.reason;
  if (!r.system_changes.empty()) {
    out += out.empty() ? "since the last night: " : "; since the last night: ";
    for (size_t i = 0; i < r.system_changes.size(); ++i) out += (i ? ", " : "") + r.system_changes[i];
  }
  return out;
}

int metric_rank(Metric m) { return m == Metric::p50 ? 0 : m == Metric::p99 ? 1 : 2; }

std::vector<const NightRow*> ordered(const NightReport& r) {
  std::vector<const NightRow*> out;
  for (const auto& row : r.rows) out.push_back(&row);
  std::stable_sort(out.begin(), out.end(), [](const NightRow* a, const NightRow* b) {
    if (a->scenario != b->scenario) return a->scenario < b->scenario;
    if (a->experiment != b->experiment) return a->experiment < b->experiment;
    return metric_rank(a->metric) < metric_rank(b->metric);
  });
  return out;
}

std::string exit_meaning(int code) {
  switch (code) {
    case 0:
      return "no regression";
    case 1:
      return "a confirmed regression";
    case 3:
      return "a scenario could not run";
    case 4:
      return "suspected changes only";
  }
  return "";
}

}  // namespace

std::string render_night_text(const NightReport& r) {
  std::string out =
      fmt::format("night {} of suite \"{}\": {}, {}; kernel {}; latlab {}\n", r.night.id, r.night.suite,
                  r.night.status, fmt_time(r.night.started_ns), r.night.kernel, r.night.latlab_version);
  if (!r.night.note.empty()) out += "note: " + r.night.note + "\n";
  for (const auto& p : r.problems) out += "problem: " + p + "\n";
  out += fmt::format("{:<15} {:<36} {:<5} {:<28} {:<32} {}\n", "verdict", "scenario/experiment", "metric",
                     "tonight (95 % CI)", "vs baseline (CI of the change)", "baseline");
  for (const NightRow* row : ordered(r)) {
    const auto& d = row->decision;
    out += fmt::format("{:<15} {:<36} {:<5} {:<28} {:<32} {}\n", night_verdict_name(d.verdict),
                       row->scenario + "/" + row->experiment, metric_name(row->metric),
                       fmt_value(row->value, row->metric) + fmt_interval(row->value, row->metric),
                       fmt_change(d, row->metric), fmt_nights(d.baseline));
    std::string why = detail(*row);
    if (!why.empty()) out += "    " + why + "\n";
  }
  std::string counts;
  for (auto v : {NightVerdict::confirmed, NightVerdict::suspected, NightVerdict::improved, NightVerdict::ok,
                 NightVerdict::expected, NightVerdict::not_comparable, NightVerdict::no_baseline,
                 NightVerdict::failed}) {
    auto it = r.counts.find(night_verdict_name(v));
    if (it == r.counts.end()) continue;
    counts += (counts.empty() ? "" : ", ") + fmt::format("{} {}", it->second, night_verdict_name(v));
  }
  int code = r.exit_code();
  out += fmt::format("{} gated metric{}: {}; exit {} ({})\n", r.rows.size(), r.rows.size() == 1 ? "" : "s",
                     counts.empty() ? "none" : counts, code, exit_meaning(code));
  out +=
      "tonight: geometric mean over repetitions (loss: mean); the change: tonight against the baseline "
      "nights, with the nights' own variance.\n";
  return out;
}

ordered_json night_to_json(const NightReport& r) {
  ordered_json j;
  j["night"] = r.night.id;
  j["suite"] = r.night.suite;
  j["status"] = r.night.status;
  j["started_ns"] = r.night.started_ns;
  j["kernel"] = r.night.kernel;
  j["latlab_version"] = r.night.latlab_version;
  j["host_fingerprint"] = r.night.host_fingerprint;
  if (!r.night.note.empty()) j["note"] = r.night.note;
  j["exit_code"] = r.exit_code();
  j["counts"] = r.counts;
  j["problems"] = r.problems;
  j["runs"] = ordered_json::array();
  for (const auto& run : r.runs) {
    ordered_json x = {{"scenario", run.scenario}, {"status", run.status}};
    if (run.run_id) x["run_id"] = *run.run_id;
    if (!run.error.empty()) x["error"] = run.error;
    j["runs"].push_back(x);
  }
  j["metrics"] = ordered_json::array();
  for (const NightRow* row : ordered(r)) {
    const auto& d = row->decision;
    ordered_json x = {{"scenario", row->scenario},
                      {"experiment", row->experiment},
                      {"metric", metric_name(row->metric)},
                      {"verdict", night_verdict_name(d.verdict)},
                      {"how", row->how},
                      {"repetitions", row->value.n},
                      {"values", row->value.values}};
    auto put = [&](const char* k, const std::optional<double>& v) {
      if (v) x[k] = *v;
    };
    put("tonight", row->value.center);
    put("tonight_low", row->value.low);
    put("tonight_high", row->value.high);
    put(is_latency(row->metric) ? "ratio" : "difference_pp", d.estimate);
    put("low", d.low);
    put("high", d.high);
    x["floor"] = d.floor;
    x["baseline_nights"] = d.baseline;
    if (d.change)
      x["change_point"] = {{"night", d.change_night},
                           {"pvalue", d.change->pvalue},
                           {"magnitude", d.change->magnitude},
                           {"nights_before", d.change->n_before},
                           {"nights_after", d.change->n_after}};
    if (!d.reason.empty()) x["reason"] = d.reason;
    if (!row->system_changes.empty()) x["changed_since_last_night"] = row->system_changes;
    j["metrics"].push_back(x);
  }
  return j;
}

std::string render_night_junit(const NightReport& r) {
  size_t failures = 0, errors = 0, skipped = 0;
  std::string cases;
  for (const NightRow* row : ordered(r)) {
    const auto& d = row->decision;
    std::string name = row->experiment + " " + metric_name(row->metric);
    std::string summary = fmt::format("{}: tonight {}, change {}", night_verdict_name(d.verdict),
                                      fmt_value(row->value, row->metric), fmt_change(d, row->metric));
    std::string why = detail(*row);
    if (!why.empty()) summary += "; " + why;
    cases += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\" time=\"0\">\n",
                         xml_escape(r.night.suite), xml_escape(row->scenario), xml_escape(name));
    switch (d.verdict) {
      case NightVerdict::confirmed:
        ++failures;
        cases += fmt::format("      <failure type=\"confirmed\" message=\"{}\">{}</failure>\n",
                             xml_escape("confirmed regression of " + name), xml_escape(summary));
        break;
      case NightVerdict::failed:
        ++errors;
        cases += fmt::format("      <error type=\"failed\" message=\"{}\"/>\n", xml_escape(summary));
        break;
      case NightVerdict::no_baseline:
      case NightVerdict::not_comparable:
        ++skipped;
        cases += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(summary));
        break;
      default:
        cases += fmt::format("      <system-out>{}</system-out>\n", xml_escape(summary));
    }
    cases += "    </testcase>\n";
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  errors += r.problems.size();
  const size_t tests = r.rows.size() + r.problems.size();
  out += fmt::format(
      "<testsuites name=\"latlab nightly\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
      tests, failures, errors, skipped);
  out += fmt::format(
      "  <testsuite name=\"{}\" id=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "timestamp=\"{}\">\n",
      xml_escape(r.night.suite), r.night.id, tests, failures, errors, skipped, iso_time(r.night.started_ns));
  for (const auto& p : r.problems)
    out += fmt::format(
        "    <testcase classname=\"{}\" name=\"run\"><error type=\"run\" message=\"{}\"/></testcase>\n",
        xml_escape(r.night.suite), xml_escape(p));
  out += cases;
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace latlab::reports
