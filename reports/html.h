// The HTML report: one self-contained file (inline CSS, inline SVG charts and
// flame graphs, one small inline script; nothing fetched from the network).
// Everything from the scenario or the store is escaped.
#pragma once

#include <string>

#include "reports/report_model.h"

namespace latlab::reports {

struct HtmlCounts {
  size_t charts = 0;  // <svg class="chart ..."> elements
  size_t flames = 0;  // <svg class="flame ..."> elements (incl. differential)
};

// The charts and flame graphs render_html() will draw for this report: per
// experiment a CDF, a histogram and RTT over time, each in a linear and a log
// variant (6), plus an overlaid CDF (2), box plots (2) and the time split (1);
// one flame graph per experiment with stacks and one differential graph per
// experiment with stacks other than the reference (the baseline, else the
// first experiment with stacks).
HtmlCounts expected_html_counts(const Report& r);

std::string render_html(const Report& r);

}  // namespace latlab::reports
