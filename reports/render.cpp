#include "reports/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "reports/html.h"

namespace latlab::reports {

using nlohmann::ordered_json;

// ---------------------------------------------------------------- helpers

std::optional<Format> parse_format(std::string_view n) {
  if (n == "text") return Format::text;
  if (n == "md" || n == "markdown") return Format::md;
  if (n == "html") return Format::html;
  if (n == "json") return Format::json;
  if (n == "csv") return Format::csv;
  return std::nullopt;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::text:
      return "text";
    case Format::md:
      return "md";
    case Format::html:
      return "html";
    case Format::json:
      return "json";
    case Format::csv:
      return "csv";
  }
  return "?";
}

std::string markdown_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '#':
      case '~':
      case '&':
      case '$':
        out += '\\';
        out += c;
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Unit choose_unit(double max_ns) {
  if (max_ns < 1e6) return Unit{"µs", 1e3, max_ns < 1e4 ? 2 : 1};
  return Unit{"ms", 1e6, 3};
}

std::string fmt_in(std::optional<double> ns, const Unit& u) {
  if (!ns) return "-";
  return fmt::format("{:.{}f}", *ns / u.divisor, u.decimals);
}

namespace {

size_t display_width(const std::string& s) {  // code points: good enough for µ, Δ, names
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, size_t w, bool right) {
  size_t d = display_width(s);
  if (d >= w) return s;
  return right ? std::string(w - d, ' ') + s : s + std::string(w - d, ' ');
}

std::string utc(int64_t realtime_ns) {
  std::time_t t = static_cast<std::time_t>(realtime_ns / 1000000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string with_ci(std::optional<double> v, const std::optional<Interval>& ci, const Unit& u) {
  if (!v) return "-";
  std::string s = fmt_in(v, u);
  if (ci) s += fmt::format(" [{}, {}]", fmt_in(ci->low, u), fmt_in(ci->high, u));
  return s;
}

std::string count(uint64_t n) { return std::to_string(n); }

bool any_kernel(const Report& r) {
  return std::any_of(r.experiments.begin(), r.experiments.end(),
                     [](auto& x) { return x.kernel.received > 0; });
}

// --------------------------------------------------------------- emitters

class TextEmitter : public Emitter {
 public:
  explicit TextEmitter(std::string& out) : out_(out) {}
  void title(const std::string& text) override {
    sep();
    out_ += text + "\n" + std::string(display_width(text), '=') + "\n";
  }
  void paragraph(const std::string& text) override {
    sep();
    out_ += text + "\n";
  }
  void table(const Table& t) override {
    sep();
    out_ += t.title + "\n";
    std::vector<size_t> w(t.columns.size(), 0);
    for (size_t c = 0; c < t.columns.size(); ++c) w[c] = display_width(t.columns[c]);
    for (const auto& row : t.rows)
      for (size_t c = 0; c < row.size() && c < w.size(); ++c) w[c] = std::max(w[c], display_width(row[c]));
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l;
      for (size_t c = 0; c < w.size(); ++c) {
        if (c) l += "  ";
        bool right = c < t.right.size() && t.right[c];
        l += pad(c < cells.size() ? cells[c] : "", w[c], right);
      }
      while (!l.empty() && l.back() == ' ') l.pop_back();
      out_ += l + "\n";
    };
    line(t.columns);
    std::vector<std::string> rule;
    for (size_t c = 0; c < w.size(); ++c) rule.push_back(std::string(w[c], '-'));
    line(rule);
    for (const auto& row : t.rows) line(row);
    for (const auto& n : t.notes) out_ += n + "\n";
  }

 private:
  void sep() {
    if (!out_.empty()) out_ += "\n";
  }
  std::string& out_;
};

class MarkdownEmitter : public Emitter {
 public:
  explicit MarkdownEmitter(std::string& out) : out_(out) {}
  void title(const std::string& text) override {
    sep();
    out_ += "# " + markdown_escape(text) + "\n";
  }
  void paragraph(const std::string& text) override {
    sep();
    out_ += markdown_escape(text) + "\n";
  }
  void table(const Table& t) override {
    sep();
    out_ += "## " + markdown_escape(t.title) + "\n\n";
    out_ += "|";
    for (const auto& c : t.columns) out_ += " " + markdown_escape(c) + " |";
    out_ += "\n|";
    for (size_t c = 0; c < t.columns.size(); ++c)
      out_ += (c < t.right.size() && t.right[c]) ? " ---: |" : " --- |";
    out_ += "\n";
    for (const auto& row : t.rows) {
      out_ += "|";
      for (size_t c = 0; c < t.columns.size(); ++c)
        out_ += " " + markdown_escape(c < row.size() ? row[c] : "") + " |";
      out_ += "\n";
    }
    if (!t.notes.empty()) {
      out_ += "\n";
      for (const auto& n : t.notes) out_ += "- " + markdown_escape(n) + "\n";
    }
  }

 private:
  void sep() {
    if (!out_.empty()) out_ += "\n";
  }
  std::string& out_;
};

}  // namespace

std::string wait_label(const HowTaken& h) {
  std::string s = h.wait.empty() ? "block" : h.wait;
  if (!h.responder_wait.empty()) s += "/" + h.responder_wait;
  if (h.busy_poll_us && s.find("busy_poll") == std::string::npos)
    s += fmt::format(" busy-poll {}µs", *h.busy_poll_us);
  if (h.responder_delay_ns > 0) {
    Unit du = choose_unit(static_cast<double>(h.responder_delay_ns));
    s += fmt::format(" +delay {}{}", fmt_in(static_cast<double>(h.responder_delay_ns), du), du.name);
  }
  if (!h.agent.empty()) s += " agent " + h.agent;
  return s;
}

namespace {
bool is_loss(const Comparison& c) { return c.metric == Metric::loss; }
std::string signed_change(double v, const Comparison& c) {  // ratio -> "+12.3%", loss -> "+1.0 pp"
  return is_loss(c) ? fmt::format("{:+.1f} pp", v) : fmt::format("{:+.1f}%", 100 * (v - 1));
}
}  // namespace

std::string change_label(const Comparison& c) {
  if (!c.estimate) return "-";
  std::string s = signed_change(*c.estimate, c);
  if (c.low && c.high) {
    if (is_loss(c))
      s += fmt::format(" [{:+.1f}, {:+.1f}]", *c.low, *c.high);
    else
      s += fmt::format(" [{:+.1f}, {:+.1f}]", 100 * (*c.low - 1), 100 * (*c.high - 1));
  }
  return s;
}

std::string verdict_label(const Comparison& c) {
  if (c.verdict == Verdict::no_verdict) return "no verdict" + (c.reason.empty() ? "" : ": " + c.reason);
  if (c.verdict == Verdict::no_difference && c.detectable)
    return is_loss(c) ? fmt::format("no difference shown (±{:.1f} pp)", *c.detectable)
                      : fmt::format("no difference shown (±{:.1f}%)", 100 * *c.detectable);
  return verdict_name(c.verdict);
}

std::string design_label(const Comparison& c) {
  if (c.paired) return fmt::format("paired, {} repetition{}", c.n_a, c.n_a == 1 ? "" : "s");
  std::string s = fmt::format("unpaired, {} vs {} repetitions", c.n_a, c.n_b);
  if (c.run_level)
    s += is_loss(c) ? fmt::format(" + run-to-run sd {:.2f} pp ({} runs)", std::sqrt(c.run_level->var),
                                  c.run_level->runs)
                    : fmt::format(" + run-to-run sd {:.1f}% ({} runs)",
                                  100 * std::expm1(std::sqrt(c.run_level->var)), c.run_level->runs);
  return s;
}

Table comparisons_table(const std::vector<const ExperimentReport*>& rows, const std::string& title,
                        const std::vector<Metric>& only) {
  Table t;
  t.title = title;
  t.columns = {"experiment", "wait", "metric", "change [95% CI]", "verdict", "floor", "design"};
  t.right = {false, false, false, true, false, true, false};
  for (const ExperimentReport* x : rows)
    for (const auto& c : x->vs_baseline) {
      if (!only.empty() && std::find(only.begin(), only.end(), c.metric) == only.end()) continue;
      t.rows.push_back(
          {x->label, wait_label(x->how), metric_name(c.metric), change_label(c), verdict_label(c),
           is_loss(c) ? fmt::format("{:.1f} pp", c.floor) : fmt::format("{:.1f}%", 100 * c.floor),
           design_label(c)});
    }
  t.notes.push_back(
      "over repetitions, the independent unit: change = ratio of the repetitions' p50 (p99) on a log scale, "
      "or "
      "difference of their loss in percentage points; 95% t interval, paired by round when both ran in one "
      "run; "
      "between two runs the run-to-run variance of the experiment's other stored runs is added.");
  t.notes.push_back(
      "\"worse\"/\"better\" only when the interval excludes no change and the change exceeds the floor; "
      "otherwise \"no difference shown\", with the smallest change these repetitions could have shown (80% "
      "power); "
      "no verdict below 3 repetitions.");
  return t;
}

std::optional<Table> repetitions_table(const Report& r, const Unit& u) {
  Table v;
  v.title = fmt::format("Repetitions: p50 of each ({})", u.name);
  v.columns = {"experiment",     "reps",          "lowest p50",     "highest p50",
               "between-rep sd", "within-rep sd", "variance mostly"};
  v.right = {false, true, true, true, true, true, false};
  bool any = false;
  for (const auto& x : r.experiments) {
    any = any || x.repetitions >= 2;
    v.rows.push_back({x.label, std::to_string(x.repetitions), fmt_in(x.p50_reps.min, u),
                      fmt_in(x.p50_reps.max, u), fmt_in(x.variance.between_sd, u),
                      fmt_in(x.variance.within_sd, u),
                      x.variance.dominant.empty() ? "-" : x.variance.dominant});
  }
  v.notes.push_back(
      "within-rep sd: the sampling sd of one repetition's p50 (its order-statistic interval); "
      "between-rep sd: what the repetitions' p50s vary by beyond that (seconds-long states of the "
      "machine). When it dominates, more repetitions, not more samples, narrow the intervals.");
  if (!any) return std::nullopt;
  return v;
}

std::unique_ptr<Emitter> make_emitter(bool markdown, std::string& out) {
  if (markdown) return std::make_unique<MarkdownEmitter>(out);
  return std::make_unique<TextEmitter>(out);
}

// ------------------------------------------------------------- the walk

void emit_report(const Report& r, Emitter& e, const RenderOptions& opt) {
  std::string head = "latlab report";
  if (!r.runs.empty()) {
    head += r.runs.size() == 1 ? ": run " : ": runs ";
    for (size_t i = 0; i < r.runs.size(); ++i) head += (i ? ", " : "") + std::to_string(r.runs[i].id);
  }
  e.title(head);
  for (const auto& run : r.runs)
    e.paragraph(fmt::format("run {}: scenario \"{}\", {}, started {}, latlab {}", run.id, run.scenario,
                            run.status, utc(run.started_ns),
                            run.latlab_version.empty() ? "?" : run.latlab_version));

  // Summary table.
  double max_p50 = 0;
  for (const auto& x : r.experiments)
    if (x.user.p50) max_p50 = std::max(max_p50, *x.user.p50);
  Unit u = choose_unit(max_p50);
  Table t;
  t.title = fmt::format("Latency: user-space RTT ({})", u.name);
  t.columns = {"experiment", "wait", "reps",           "samples", "loss", "min",    "p50 [95% CI]",
               "mean",       "p90",  "p99 [95% CI]",   "p99.9",   "max",  "stddev", "jitter",
               "Δp50",       "%",    "p50 vs baseline"};
  t.right = {false, false, true, true, true, true, true, true, true,
             true,  true,  true, true, true, true, true, false};
  uint64_t warm = 0, late = 0;
  bool all_exact = true;
  for (const auto& x : r.experiments) {
    const auto& s = x.user;
    warm += s.warmup_excluded;
    late += s.late;
    all_exact = all_exact && s.percentiles_exact;
    bool is_base = x.label == r.baseline;
    std::string delta = is_base ? "baseline" : fmt_in(x.delta_p50_ns, u);
    if (!is_base && x.delta_p50_ns && *x.delta_p50_ns > 0) delta = "+" + delta;
    std::string pct = is_base ? "100%" : (x.ratio_p50_pct ? fmt::format("{:.0f}%", *x.ratio_p50_pct) : "-");
    const Comparison* c = x.verdict(Metric::p50);
    std::string verdict = is_base ? "" : (c ? verdict_name(c->verdict) : "-");
    t.rows.push_back({x.label, wait_label(x.how), count(x.repetitions), count(s.samples),
                      fmt::format("{:.1f}%", s.loss_pct()), fmt_in(s.min, u), with_ci(s.p50, s.p50_ci, u),
                      fmt_in(s.mean, u), fmt_in(s.p90, u), with_ci(s.p99, s.p99_ci, u), fmt_in(s.p999, u),
                      fmt_in(s.max, u), fmt_in(s.stddev, u), fmt_in(s.jitter, u), delta, pct, verdict});
  }
  t.notes.push_back(
      fmt::format("samples: measured requests (warm-up excluded: {}); loss = lost / samples; late replies: "
                  "{}, counted, not in "
                  "the statistics.",
                  warm, late));
  t.notes.push_back(
      std::string("percentiles: nearest rank over the pooled samples, ") +
      (all_exact ? "exact" : "from a log histogram where marked in the warnings (< 0.05 % error)") +
      "; 95% CIs over the repetitions (t interval of the repetitions' percentiles, geometric: the "
      "typical repetition, which can lie below a pooled p99 that a few bad repetitions lift; none "
      "below 2 repetitions); jitter: RFC 3393 IPDV, mean |difference| of consecutive RTTs; stddev: "
      "sample (n-1).");
  t.notes.push_back(
      "wait: how the probe / the responder waited for packets (block: sleeps, and a sleeping CPU "
      "takes time to wake; spin: busy-polls, 100 % of a CPU; busy_poll: SO_BUSY_POLL).");
  if (!r.baseline.empty())
    t.notes.push_back(
        fmt::format("baseline: {}; Δp50 = p50 - baseline p50; % = 100 x the ratio of the repetitions' p50s "
                    "(geometric mean); "
                    "verdicts: see the comparisons table.",
                    r.baseline));
  e.table(t);

  // Comparisons with the baseline, over repetitions.
  {
    std::vector<const ExperimentReport*> rows;
    for (const auto& x : r.experiments)
      if (!x.vs_baseline.empty()) rows.push_back(&x);
    if (!rows.empty())
      e.table(
          comparisons_table(rows, fmt::format("Against the baseline ({}), over repetitions", r.baseline)));
  }

  // Repetitions: the spread between them and which level dominates.
  if (auto v = repetitions_table(r, u)) e.table(*v);

  if (any_kernel(r)) {
    Table k;
    k.title = fmt::format("Latency: kernel-stamped RTT ({})", u.name);
    k.columns = {"experiment", "wait", "received", "min", "p50 [95% CI]", "p90", "p99 [95% CI]", "max"};
    k.right = {false, false, true, true, true, true, true, true};
    for (const auto& x : r.experiments) {
      const auto& s = x.kernel;
      k.rows.push_back({x.label, wait_label(x.how), count(s.received), fmt_in(s.min, u),
                        with_ci(s.p50, s.p50_ci, u), fmt_in(s.p90, u), with_ci(s.p99, s.p99_ci, u),
                        fmt_in(s.max, u)});
    }
    e.table(k);
  }

  // Groups.
  for (const auto& [name, rows] : r.groups) {
    bool wanted = opt.groups.empty()
                      ? rows.size() >= 2
                      : std::find(opt.groups.begin(), opt.groups.end(), name) != opt.groups.end();
    if (!wanted || rows.empty()) continue;
    double m = 0;
    for (const auto& g : rows)
      if (g.p50) m = std::max(m, *g.p50);
    Unit gu = choose_unit(m);
    Table g;
    g.title = fmt::format("By {} ({})", name, gu.name);
    g.columns = {name, "samples", "p50", "p99", "% of first"};
    g.right = {false, true, true, true, true};
    for (const auto& row : rows)
      g.rows.push_back({row.key, count(row.samples), fmt_in(row.p50, gu), fmt_in(row.p99, gu),
                        row.ratio_to_first ? fmt::format("{:.0f}%", *row.ratio_to_first) : "100%"});
    g.notes.push_back(
        "RTTs of every experiment of the kind pooled (log histogram, < 0.05 % error); % of first = "
        "100·p50/p50 of the first row.");
    e.table(g);
  }

  // Where the time goes.
  {
    Table w;
    w.title = fmt::format("Where the time goes: medians ({})", u.name);
    w.columns = {"experiment",  "wait", "user RTT",       "user-space overhead",
                 "local stack", "wire", "peer processing"};
    w.right = {false, false, true, true, true, true, true};
    std::vector<std::string> notes;
    for (const auto& x : r.experiments) {
      const auto& s = x.split;
      w.rows.push_back({x.label, wait_label(x.how), fmt_in(s.total_user, u), fmt_in(s.user_overhead, u),
                        fmt_in(s.local_stack, u), fmt_in(s.wire, u), fmt_in(s.peer, u)});
      if (!s.note.empty()) w.notes.push_back(x.label + ": " + s.note + ".");
    }
    w.notes.insert(
        w.notes.begin(),
        "user-space overhead = user RTT - kernel-stamped RTT; wire = reply - request on the captured "
        "interface; local stack = kernel RTT - wire; peer = the responder's own time. Each a median of "
        "per-sample differences.");
    e.table(w);
  }

  // Hops.
  {
    Table h;
    h.title = "Packet path hops from tracepoints: medians (µs)";
    h.columns = {"experiment", "from", "to", "packets", "median"};
    h.right = {false, false, false, true, true};
    Unit hu{"µs", 1e3, 2};
    for (const auto& x : r.experiments)
      for (const auto& hop : x.hops)
        h.rows.push_back(
            {x.label, hop.from_event, hop.to_event, count(hop.count), fmt_in(hop.median_ns, hu)});
    if (!h.rows.empty()) {
      h.notes.push_back(
          "per-hop medians from the trace capture (skbaddr-joined); over repetitions, the median of "
          "the repetitions' medians.");
      e.table(h);
    }
  }

  // Under load.
  if (!r.under_load.empty()) {
    double mx = 0;
    for (const auto& row : r.under_load)
      for (const auto& v : {row.idle_p99, row.load_p99})
        if (v) mx = std::max(mx, *v);
    Unit lu = choose_unit(mx);
    Table t;
    t.title = fmt::format("Latency under load: user-space RTT ({})", lu.name);
    t.columns = {"experiment", "idle reference", "idle p50", "load p50", "p50 change", "idle p99", "load p99",
                 "p99 change"};
    t.right = {false, false, true, true, true, true, true, true};
    for (const auto& row : r.under_load) {
      auto change = [](const std::optional<Comparison>& c) {
        return c ? change_label(*c) + " " + verdict_label(*c) : std::string("-");
      };
      t.rows.push_back({row.loaded, row.idle.empty() ? "-" : row.idle, fmt_in(row.idle_p50, lu),
                        fmt_in(row.load_p50, lu), change(row.p50), fmt_in(row.idle_p99, lu), fmt_in(row.load_p99, lu),
                        change(row.p99)});
    }
    for (const auto& row : r.under_load) {
      t.notes.push_back(row.loaded + ": load " + row.load);
      if (row.idle.empty()) t.notes.push_back(row.loaded + ": no idle reference: " + row.idle_how);
      for (const auto& x : row.explain) t.notes.push_back(row.loaded + ": " + x);
    }
    t.notes.push_back(
        "change: loaded vs idle over repetitions (95% interval); the load ran for the whole measurement, on CPUs "
        "the probe did not use unless the scenario gave it \"cpus\".");
    e.table(t);
  }
  // Concurrent probes.
  for (const auto& x : r.experiments) {
    if (x.pairs.size() < 2) continue;
    double mx = 0;
    for (const auto& p : x.pairs)
      if (p.p99) mx = std::max(mx, *p.p99);
    Unit pu = choose_unit(mx);
    Table t;
    t.title = fmt::format("{}: {} probes at once ({})", x.label, x.pairs.size(), pu.name);
    t.columns = {"pair", "received", "lost", "p50", "p99"};
    t.right = {true, true, true, true, true};
    for (const auto& p : x.pairs)
      t.rows.push_back({std::to_string(p.pair), count(p.received), count(p.lost), fmt_in(p.p50, pu),
                        fmt_in(p.p99, pu)});
    e.table(t);
  }

  // Counters.
  {
    Table c;
    c.title = "Counters that changed (sum of deltas over repetitions)";
    c.columns = {"experiment", "node", "source", "counter", "delta", "flag"};
    c.right = {false, false, false, false, true, false};
    // Every flagged counter; of the others the kLargest largest |delta| per experiment.
    constexpr size_t kLargest = 8;
    size_t flagged = 0, hidden = 0;
    for (const auto& x : r.experiments) {
      std::vector<const CounterChange*> plain;
      for (const auto& k : x.counters) {
        if (k.flagged) {
          ++flagged;
          c.rows.push_back({x.label, k.node, k.source, k.name, std::to_string(k.delta), "FLAG"});
        } else {
          plain.push_back(&k);
        }
      }
      std::stable_sort(plain.begin(), plain.end(),
                       [](auto* a, auto* b) { return std::llabs(a->delta) > std::llabs(b->delta); });
      for (size_t i = 0; i < plain.size(); ++i) {
        if (i >= kLargest) {
          ++hidden;
          continue;
        }
        c.rows.push_back(
            {x.label, plain[i]->node, plain[i]->source, plain[i]->name, std::to_string(plain[i]->delta), ""});
      }
    }
    if (!c.rows.empty()) {
      c.notes.push_back(fmt::format("{} flagged: names with drop, squeeze, err, overflow or fail.", flagged));
      if (hidden)
        c.notes.push_back(
            fmt::format("{} more unflagged changes not shown (the {} largest per experiment are); "
                        "--format json lists all.",
                        hidden, kLargest));
      e.table(c);
    }
  }

  // Captures.
  {
    Table c;
    c.title = "Captures and coverage";
    c.columns = {"experiment",    "capture",      "interface", "status",
                 "requests seen", "replies seen", "expected",  "coverage"};
    c.right = {false, false, false, false, true, true, true, true};
    auto opt_n = [](std::optional<int64_t> v) { return v ? std::to_string(*v) : std::string("-"); };
    for (const auto& x : r.experiments)
      for (const auto& k : x.captures) {
        std::string cov = "-";
        if (k.expected && *k.expected > 0 && k.requests_seen && k.replies_seen)
          cov = fmt::format("{:.0f}%", 100.0 * static_cast<double>(*k.requests_seen + *k.replies_seen) /
                                           (2.0 * static_cast<double>(*k.expected)));
        std::string status = k.status + (k.error.empty() ? "" : ": " + k.error);
        c.rows.push_back({x.label, k.kind, k.interface.empty() ? "-" : k.interface, status,
                          opt_n(k.requests_seen), opt_n(k.replies_seen), opt_n(k.expected), cov});
      }
    if (!c.rows.empty()) {
      c.notes.push_back("coverage = (requests seen + replies seen) / (2 · expected), tcpdump captures only.");
      e.table(c);
    }
  }

  // Environment.
  if (r.runs.size() >= 2) {
    Table env;
    env.title = "Environment differences between the compared runs";
    env.columns = {"key"};
    env.right = {false};
    for (const auto& run : r.runs) {
      env.columns.push_back(fmt::format("run {}", run.id));
      env.right.push_back(false);
    }
    for (const auto& key : r.environment_differences) {
      std::vector<std::string> row{key};
      for (const auto& run : r.runs) {
        auto it = run.environment.find(key);
        row.push_back(it == run.environment.end() ? "(missing)" : it->second);
      }
      env.rows.push_back(row);
    }
    if (env.rows.empty())
      env.notes.push_back("none: kernel, CPU, governor, sysctls and interfaces are the same.");
    e.table(env);
  } else if (!r.runs.empty()) {
    std::string s = "environment:";
    bool any = false;
    for (const char* k : {"machine.kernel", "machine.cpu_model", "machine.cpus_online", "machine.clocksource",
                          "machine.cpu_governor"}) {
      auto it = r.runs.front().environment.find(k);
      if (it == r.runs.front().environment.end()) continue;
      s += fmt::format("{} {}={}", any ? "," : "", std::string(k).substr(8), it->second);
      any = true;
    }
    if (any) e.paragraph(s);
  }

  std::vector<std::string> problems = r.warnings;
  for (const auto& x : r.experiments)
    for (const auto& err : x.errors) problems.push_back(x.label + ": " + err);
  for (const auto& p : problems) e.paragraph("warning: " + p);
}

std::string render_text(const Report& r, const RenderOptions& opt) {
  std::string out;
  TextEmitter e(out);
  emit_report(r, e, opt);
  return out;
}

std::string render_markdown(const Report& r, const RenderOptions& opt) {
  std::string out;
  MarkdownEmitter e(out);
  emit_report(r, e, opt);
  return out;
}

// ------------------------------------------------------------------ JSON

namespace {

ordered_json opt_num(const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }
ordered_json opt_int(const std::optional<int64_t>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }
ordered_json interval(const std::optional<Interval>& i) {
  if (!i) return nullptr;
  return ordered_json{{"low", i->low}, {"high", i->high}, {"level", i->level}};
}

ordered_json stats_json(const LatencyStats& s) {
  return ordered_json{{"samples", s.samples},
                      {"received", s.received},
                      {"lost", s.lost},
                      {"late", s.late},
                      {"warmup_excluded", s.warmup_excluded},
                      {"loss_pct", s.loss_pct()},
                      {"min", opt_num(s.min)},
                      {"p50", opt_num(s.p50)},
                      {"p50_ci", interval(s.p50_ci)},
                      {"mean", opt_num(s.mean)},
                      {"p90", opt_num(s.p90)},
                      {"p99", opt_num(s.p99)},
                      {"p99_ci", interval(s.p99_ci)},
                      {"p999", opt_num(s.p999)},
                      {"max", opt_num(s.max)},
                      {"stddev", opt_num(s.stddev)},
                      {"jitter", opt_num(s.jitter)},
                      {"percentiles_exact", s.percentiles_exact}};
}

ordered_json estimate_json(const RepetitionEstimate& e) {
  return ordered_json{{"n", e.n},
                      {"center", opt_num(e.center)},
                      {"low", opt_num(e.low)},
                      {"high", opt_num(e.high)},
                      {"min", opt_num(e.min)},
                      {"max", opt_num(e.max)}};
}

}  // namespace

ordered_json how_json(const HowTaken& h) {
  return ordered_json{
      {"wait", h.wait},
      {"responder", h.responder},
      {"responder_wait", h.responder_wait.empty() ? ordered_json(nullptr) : ordered_json(h.responder_wait)},
      {"responder_delay_ns", h.responder_delay_ns},
      {"busy_poll_us", opt_int(h.busy_poll_us)},
      {"cpu", opt_int(h.cpu)},
      {"min_effect", h.min_effect},
      {"label", wait_label(h)}};
}

ordered_json comparison_json(const Comparison& c) {
  return ordered_json{{"metric", metric_name(c.metric)},
                      {"verdict", verdict_name(c.verdict)},
                      {"scale", c.metric == Metric::loss ? "difference_pp" : "ratio"},
                      {"estimate", opt_num(c.estimate)},
                      {"low", opt_num(c.low)},
                      {"high", opt_num(c.high)},
                      {"level", kLevel},
                      {"detectable", opt_num(c.detectable)},
                      {"floor", c.floor},
                      {"paired", c.paired},
                      {"repetitions", ordered_json::array({c.n_a, c.n_b})},
                      {"run_level", c.run_level ? ordered_json{{"var", c.run_level->var},
                                                               {"df", c.run_level->df},
                                                               {"runs", c.run_level->runs}}
                                                : ordered_json(nullptr)},
                      {"reason", c.reason}};
}

namespace {

ordered_json pairs_json(const std::vector<std::pair<double, double>>& v) {
  ordered_json a = ordered_json::array();
  for (const auto& [x, y] : v) a.push_back(ordered_json::array({x, y}));
  return a;
}

}  // namespace

ordered_json report_to_json(const Report& r) {
  ordered_json j;
  j["format"] = "latlab-report";
  j["version"] = 1;
  j["units"] = "ns";
  j["baseline"] = r.baseline;
  j["runs"] = ordered_json::array();
  for (const auto& run : r.runs) {
    ordered_json env = ordered_json::object();
    for (const auto& [k, v] : run.environment) env[k] = v;
    j["runs"].push_back(ordered_json{{"id", run.id},
                                     {"scenario", run.scenario},
                                     {"status", run.status},
                                     {"started_ns", run.started_ns},
                                     {"ended_ns", opt_int(run.ended_ns)},
                                     {"latlab_version", run.latlab_version},
                                     {"environment", env}});
  }
  j["experiments"] = ordered_json::array();
  for (const auto& x : r.experiments) {
    ordered_json e;
    e["run_id"] = x.run_id;
    e["name"] = x.name;
    e["label"] = x.label;
    e["probe"] = x.probe;
    e["path_kind"] = x.path_kind;
    e["from_node"] = x.from_node;
    e["from_kind"] = x.from_kind;
    e["target"] = x.target;
    e["repetitions"] = x.repetitions;
    e["experiment_ids"] = x.experiment_ids;
    e["user"] = stats_json(x.user);
    e["kernel"] = stats_json(x.kernel);
    e["delta_p50_ns"] = opt_num(x.delta_p50_ns);
    e["ratio_p50_pct"] = opt_num(x.ratio_p50_pct);
    e["how"] = how_json(x.how);
    e["repetition_stats"] = ordered_json::array();
    for (const auto& rs : x.reps)
      e["repetition_stats"].push_back(ordered_json{{"repetition", rs.repetition},
                                                   {"position", rs.position},
                                                   {"samples", rs.samples},
                                                   {"received", rs.received},
                                                   {"loss_pct", rs.loss_pct},
                                                   {"p50", opt_num(rs.p50)},
                                                   {"p99", opt_num(rs.p99)},
                                                   {"p50_sampling_sd", opt_num(rs.p50_sampling_sd)}});
    e["over_repetitions"] = ordered_json{{"p50", estimate_json(x.p50_reps)},
                                         {"p99", estimate_json(x.p99_reps)},
                                         {"loss_pct", estimate_json(x.loss_reps)}};
    e["variance"] = ordered_json{{"between_sd", opt_num(x.variance.between_sd)},
                                 {"within_sd", opt_num(x.variance.within_sd)},
                                 {"dominant", x.variance.dominant}};
    e["vs_baseline"] = ordered_json::array();
    for (const auto& c : x.vs_baseline) e["vs_baseline"].push_back(comparison_json(c));
    e["split"] = ordered_json{{"total_user", opt_num(x.split.total_user)},
                              {"user_overhead", opt_num(x.split.user_overhead)},
                              {"local_stack", opt_num(x.split.local_stack)},
                              {"wire", opt_num(x.split.wire)},
                              {"peer", opt_num(x.split.peer)},
                              {"note", x.split.note}};
    e["hops"] = ordered_json::array();
    for (const auto& h : x.hops)
      e["hops"].push_back(ordered_json{{"from", h.from_event},
                                       {"to", h.to_event},
                                       {"count", h.count},
                                       {"median_ns", opt_num(h.median_ns)}});
    e["counters"] = ordered_json::array();
    for (const auto& c : x.counters)
      e["counters"].push_back(ordered_json{{"node", c.node},
                                           {"source", c.source},
                                           {"name", c.name},
                                           {"delta", c.delta},
                                           {"flagged", c.flagged}});
    e["captures"] = ordered_json::array();
    for (const auto& c : x.captures)
      e["captures"].push_back(ordered_json{{"kind", c.kind},
                                           {"interface", c.interface},
                                           {"status", c.status},
                                           {"error", c.error},
                                           {"requests_seen", opt_int(c.requests_seen)},
                                           {"replies_seen", opt_int(c.replies_seen)},
                                           {"expected", opt_int(c.expected)}});
    e["distribution"] = ordered_json{{"edges_ns", x.dist.edges_ns},
                                     {"counts", x.dist.counts},
                                     {"cdf", pairs_json(x.dist.cdf)},
                                     {"over_time", pairs_json(x.dist.over_time)}};
    e["stacks"] = ordered_json::array();
    for (const auto& s : x.stacks)
      e["stacks"].push_back(ordered_json{{"folded", s.folded}, {"weight", s.weight}});
    e["errors"] = x.errors;
    j["experiments"].push_back(std::move(e));
  }
  j["groups"] = ordered_json::object();
  for (const auto& [name, rows] : r.groups) {
    ordered_json a = ordered_json::array();
    for (const auto& g : rows)
      a.push_back(ordered_json{{"key", g.key},
                               {"samples", g.samples},
                               {"p50", opt_num(g.p50)},
                               {"p99", opt_num(g.p99)},
                               {"ratio_to_first_pct", opt_num(g.ratio_to_first)}});
    j["groups"][name] = a;
  }
  if (!r.under_load.empty()) j["under_load"] = ordered_json::array();
  for (const auto& row : r.under_load) {
    j["under_load"].push_back(ordered_json{{"experiment", row.loaded},
                                           {"idle", row.idle.empty() ? ordered_json(nullptr) : ordered_json(row.idle)},
                                           {"idle_how", row.idle_how},
                                           {"idle_p50_ns", opt_num(row.idle_p50)},
                                           {"load_p50_ns", opt_num(row.load_p50)},
                                           {"idle_p99_ns", opt_num(row.idle_p99)},
                                           {"load_p99_ns", opt_num(row.load_p99)},
                                           {"p50", row.p50 ? comparison_json(*row.p50) : ordered_json(nullptr)},
                                           {"p99", row.p99 ? comparison_json(*row.p99) : ordered_json(nullptr)},
                                           {"load", row.load},
                                           {"explain", row.explain}});
  }
  j["environment_differences"] = r.environment_differences;
  j["warnings"] = r.warnings;
  return j;
}

std::string render_json(const Report& r) { return report_to_json(r).dump(2) + "\n"; }

// ------------------------------------------------------------------- CSV

std::string render_csv(const Report& r) {
  static const char* const kCols[] = {
      "run_id",        "label",        "name",          "probe",           "path_kind",
      "from_node",     "from_kind",    "target",        "repetitions",     "samples",
      "received",      "lost",         "late",          "warmup_excluded", "loss_pct",
      "min_ns",        "p50_ns",       "p50_ci_low_ns", "p50_ci_high_ns",  "mean_ns",
      "p90_ns",        "p99_ns",       "p99_ci_low_ns", "p99_ci_high_ns",  "p999_ns",
      "max_ns",        "stddev_ns",    "jitter_ns",     "kernel_p50_ns",   "delta_p50_ns",
      "ratio_p50_pct", "wait",         "p50_verdict",   "p50_ratio_low",   "p50_ratio_high",
      "p99_verdict",   "loss_verdict", "baseline"};
  std::string out;
  bool first = true;
  for (const char* c : kCols) {
    out += first ? "" : ",";
    out += c;
    first = false;
  }
  out += "\r\n";
  auto num = [](std::optional<double> v) {
    if (!v) return std::string();
    if (std::floor(*v) == *v && std::fabs(*v) < 1e15) return fmt::format("{:.0f}", *v);
    return fmt::format("{:.3f}", *v);
  };
  auto verdict_of = [](const ExperimentReport& x, Metric m) {
    const Comparison* c = x.verdict(m);
    return c ? std::string(verdict_name(c->verdict)) : std::string();
  };
  for (const auto& x : r.experiments) {
    const auto& s = x.user;
    const Comparison* p50c = x.verdict(Metric::p50);
    std::vector<std::string> f = {std::to_string(x.run_id),
                                  x.label,
                                  x.name,
                                  x.probe,
                                  x.path_kind,
                                  x.from_node,
                                  x.from_kind,
                                  x.target,
                                  std::to_string(x.repetitions),
                                  std::to_string(s.samples),
                                  std::to_string(s.received),
                                  std::to_string(s.lost),
                                  std::to_string(s.late),
                                  std::to_string(s.warmup_excluded),
                                  fmt::format("{:.3f}", s.loss_pct()),
                                  num(s.min),
                                  num(s.p50),
                                  num(s.p50_ci ? std::optional(s.p50_ci->low) : std::nullopt),
                                  num(s.p50_ci ? std::optional(s.p50_ci->high) : std::nullopt),
                                  num(s.mean),
                                  num(s.p90),
                                  num(s.p99),
                                  num(s.p99_ci ? std::optional(s.p99_ci->low) : std::nullopt),
                                  num(s.p99_ci ? std::optional(s.p99_ci->high) : std::nullopt),
                                  num(s.p999),
                                  num(s.max),
                                  num(s.stddev),
                                  num(s.jitter),
                                  num(x.kernel.p50),
                                  num(x.delta_p50_ns),
                                  num(x.ratio_p50_pct),
                                  wait_label(x.how),
                                  verdict_of(x, Metric::p50),
                                  num(p50c ? p50c->low : std::optional<double>{}),
                                  num(p50c ? p50c->high : std::optional<double>{}),
                                  verdict_of(x, Metric::p99),
                                  verdict_of(x, Metric::loss),
                                  x.label == r.baseline ? "true" : "false"};
    for (size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + csv_field(f[i]);
    out += "\r\n";
  }
  return out;
}

// -------------------------------------------------------------- dispatch

Status render(const Report& r, Format f, std::ostream& out, const RenderOptions& opt) {
  switch (f) {
    case Format::text:
      out << render_text(r, opt);
      break;
    case Format::md:
      out << render_markdown(r, opt);
      break;
    case Format::json:
      out << render_json(r);
      break;
    case Format::csv:
      out << render_csv(r);
      break;
    case Format::html:
      out << render_html(r);
      break;
  }
  if (!out) return Error("writing the report failed", 0, ExitCode::environment);
  return Ok{};
}

}  // namespace latlab::reports
