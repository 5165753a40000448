// Text helpers shared by the SVG charts, the flame graphs and the HTML page:
// escaping of everything that comes from a scenario or the store, and number
// formatting that is stable across locales (std::to_chars, never printf %f with
// a locale).
#pragma once

#include <string>
#include <string_view>

namespace latlab::reports {

// Escapes & < > " ' for XML/HTML text and attribute values (double- or
// single-quoted). Control characters other than tab, LF and CR are not allowed
// in XML 1.0; they become U+FFFD so that a store value cannot break the SVG.
std::string xml_escape(std::string_view s);

// Serialized JSON made safe inside <script>: '<', '>' and '&' (which can only
// occur inside JSON strings) become \u003c, \u003e, \u0026, so neither
// "</script" nor "<!--" can appear; U+2028/U+2029 are escaped too.
std::string json_for_script(std::string_view json_text);

// Shortest decimal with at most `decimals` digits after the point; no
// trailing zeros, no "-0".
std::string fmt_num(double v, int decimals = 2);

// A latency in ns shown with a unit fitting its size: "850 ns", "77.0 µs",
// "1.23 ms", "2.50 s".
std::string format_ns(double ns);

// A latency in ns as microseconds with 3 significant digits (table cells whose
// header says "µs"): 77.0, 134, 0.850, 12345.
std::string format_us(double ns);

}  // namespace latlab::reports
