#include "core/duration.h"

#include <string>

namespace latlab::agent {

Result<std::int64_t> parse_duration(std::string_view what, std::string_view text) {
  const std::string shown = std::string(what) + " \"" + std::string(text) + "\"";
  if (text.empty()) return usage_error(std::string(what) + ": empty duration");
  if (text[0] == '-') return usage_error(shown + ": must not be negative");
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  std::int64_t frac_scale = 1;
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (whole > 1'000'000'000'000) return usage_error(shown + ": too large");
    whole = whole * 10 + (text[i] - '0');
    any_digit = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (frac_scale < 1'000'000'000) {
        frac = frac * 10 + (text[i] - '0');
        frac_scale *= 10;
      }
      any_digit = true;
    }
  }
  if (!any_digit) return usage_error(shown + ": not a duration (expected e.g. 0, 200us, 1ms, 1s)");
  const std::string_view unit = text.substr(i);
  std::int64_t scale;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1'000;
  else if (unit == "ms") scale = 1'000'000;
  else if (unit == "s") scale = 1'000'000'000;
  else if (unit.empty()) {
    if (whole == 0 && frac == 0) return std::int64_t{0};
    return usage_error(shown + ": needs a unit (ns, us, ms or s)");
  } else {
    return usage_error(shown + ": unknown unit \"" + std::string(unit) + "\" (expected ns, us, ms or s)");
  }
  if (whole > INT64_MAX / scale / 2) return usage_error(shown + ": too large");
  const std::int64_t ns = whole * scale + (frac * scale) / frac_scale;
  return ns;
}

std::string format_duration(std::int64_t ns) {
  if (ns == 0) return "0";
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

}  // namespace latlab::agent
