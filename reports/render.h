// One emitter, several formats (STYLE.md, Output). emit_report() walks the
// report once and hands headings, paragraphs and tables to an Emitter; the
// text and Markdown renderers are Emitters. JSON serializes the whole model,
// CSV the summary table; HTML is reports/html.h (render_html).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report_model.h"
#include "util/result.h"

namespace latlab::reports {

enum class Format { text, md, html, json, csv };
std::optional<Format> parse_format(std::string_view name);  // text | md | markdown | html | json | csv
const char* format_name(Format f);

struct RenderOptions {
  // Group tables to show: "path kind", "node kind". Empty: every grouping
  // with at least two keys.
  std::vector<std::string> groups;
};

// A table as the emitter sees it: cells are final strings (units chosen).
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<bool> right;  // right-aligned (numbers), per column
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
};

class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual void title(const std::string& text) = 0;
  virtual void paragraph(const std::string& text) = 0;
  virtual void table(const Table& t) = 0;
};

// The text or Markdown emitter, appending to `out`.
std::unique_ptr<Emitter> make_emitter(bool markdown, std::string& out);

// Walks the report: summary, groups, where the time goes, hops, counters,
// coverage, environment, warnings.
void emit_report(const Report& r, Emitter& e, const RenderOptions& opt = {});

std::string render_text(const Report& r, const RenderOptions& opt = {});
std::string render_markdown(const Report& r, const RenderOptions& opt = {});
nlohmann::ordered_json report_to_json(const Report& r);
nlohmann::ordered_json how_json(const HowTaken& h);
nlohmann::ordered_json comparison_json(const Comparison& c);
std::string render_json(const Report& r);
std::string render_csv(const Report& r);

// Writes the report in the format; html needs reports/html.h (the HTML
// renderer) and is an error without it.
Status render(const Report& r, Format f, std::ostream& out, const RenderOptions& opt = {});

// Markdown: backslash-escapes \ ` * _ [ ] < > | # ~ & $ and turns newlines
// into spaces, so a store string cannot open a link, tag, emphasis or cell.
std::string markdown_escape(std::string_view s);
// RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view s);

// Unit for a table whose largest value is max_ns: µs below 1 ms, else ms.
struct Unit {
  const char* name;  // "µs" | "ms"
  double divisor;
  int decimals;
};
Unit choose_unit(double max_ns);
std::string fmt_in(std::optional<double> ns, const Unit& u);

// Per experiment the spread of the repetitions' p50 and which level dominates
// the variance; nullopt when no experiment has 2 repetitions.
std::optional<Table> repetitions_table(const Report& r, const Unit& u);

// How a figure was taken, in one cell: the probe's wait mode, then the
// responder's ("spin/spin"), and an injected responder delay ("+delay 5 µs").
std::string wait_label(const HowTaken& h);
// A comparison's change: "+12.3% [+5.1, +19.0]" (latency) or "+10.0 pp [...]" (loss).
std::string change_label(const Comparison& c);
// The verdict cell: "worse", "no difference shown (±8.1%)", "no verdict: <reason>".
std::string verdict_label(const Comparison& c);
// "paired, 10 repetitions" | "unpaired, 10 vs 8 repetitions".
std::string design_label(const Comparison& c);

// The comparisons table (experiment, metric, change, verdict, design) for the
// given rows; `only` restricts the metrics (empty: all).
Table comparisons_table(const std::vector<const ExperimentReport*>& rows, const std::string& title,
                        const std::vector<Metric>& only = {});

}  // namespace latlab::reports
