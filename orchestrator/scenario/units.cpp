#include "scenario/units.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace latlab::scenario {

namespace {

// The length of the unsigned decimal number ("1", "1.5", ".5") that text
// starts with; 0 when it starts with none.
size_t number_length(std::string_view text) {
  size_t i = 0;
  bool digits = false, dot = false;
  while (i < text.size()) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++i;
  }
  return digits ? i : 0;
}

// Splits "1.5ms" into 1.5 and "ms". Rejects signs, empty numbers, spaces.
bool split_number(std::string_view text, double& value, std::string_view& unit) {
  size_t n = number_length(text);
  if (n == 0) return false;
  std::string num(text.substr(0, n));
  value = std::strtod(num.c_str(), nullptr);
  unit = text.substr(n);
  return std::isfinite(value);
}

std::optional<uint64_t> scaled(double v, double factor) {
  double r = v * factor;
  if (!(r >= 0) || r > 1.8e19) return std::nullopt;
  return static_cast<uint64_t>(std::llround(r));
}

}  // namespace

std::optional<uint64_t> parse_duration(std::string_view text) {
  if (text == "0") return 0;
  double v;
  std::string_view u;
  if (!split_number(text, v, u)) return std::nullopt;
  if (u == "ns") return scaled(v, 1);
  if (u == "us") return scaled(v, 1e3);
  if (u == "ms") return scaled(v, 1e6);
  if (u == "s") return scaled(v, 1e9);
  if (u == "m") return scaled(v, 60e9);
  return std::nullopt;
}

std::optional<uint64_t> parse_rate(std::string_view text) {
  double v;
  std::string_view u;
  if (!split_number(text, v, u)) return std::nullopt;
  if (u == "bit") return scaled(v, 1);
  if (u == "kbit") return scaled(v, 1e3);
  if (u == "mbit") return scaled(v, 1e6);
  if (u == "gbit") return scaled(v, 1e9);
  if (u == "bps") return scaled(v, 8);
  if (u == "kbps") return scaled(v, 8e3);
  if (u == "mbps") return scaled(v, 8e6);
  if (u == "gbps") return scaled(v, 8e9);
  return std::nullopt;
}

std::optional<uint64_t> parse_size(std::string_view text) {
  double v;
  std::string_view u;
  if (!split_number(text, v, u)) return std::nullopt;
  if (u.empty() || u == "b") return scaled(v, 1);
  if (u == "k" || u == "kb") return scaled(v, 1024);
  if (u == "m" || u == "mb") return scaled(v, 1024 * 1024);
  if (u == "kbit") return scaled(v, 1024 / 8.0);
  if (u == "mbit") return scaled(v, 1024 * 1024 / 8.0);
  return std::nullopt;
}

std::optional<double> parse_percent(std::string_view text) {
  size_t n = number_length(text);
  if (n == 0 || text.substr(n) != "%") return std::nullopt;
  // Scaled in the text, so that "2.3%" is the double nearest to 0.023.
  std::string num = std::string(text.substr(0, n)) + "e-2";
  double v = std::strtod(num.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::vector<int>> parse_cpu_list(std::string_view text) {
  std::vector<int> out;
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  auto number = [&]() -> std::optional<int> {
    size_t start = i;
    long v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 5) v = v * 10 + (text[i++] - '0');
    if (i == start || v > 4095) return std::nullopt;
    return static_cast<int>(v);
  };
  while (i < text.size()) {
    auto lo = number();
    if (!lo) return std::nullopt;
    int hi = *lo;
    if (i < text.size() && text[i] == '-') {
      ++i;
      auto h = number();
      if (!h || *h < *lo) return std::nullopt;
      hi = *h;
    }
    for (int c = *lo; c <= hi; ++c) out.push_back(c);
    if (i < text.size()) {
      if (text[i] != ',' || i + 1 == text.size()) return std::nullopt;
      ++i;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(cpus[i]);
    if (j > i) out += "-" + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

std::string format_duration(uint64_t ns) {
  char buf[48];
  if (ns == 0) return "0";
  if (ns % 1'000'000'000 == 0) std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(ns / 1'000'000'000));
  else if (ns % 1'000'000 == 0) std::snprintf(buf, sizeof buf, "%llums", static_cast<unsigned long long>(ns / 1'000'000));
  else if (ns % 1'000 == 0) std::snprintf(buf, sizeof buf, "%lluus", static_cast<unsigned long long>(ns / 1'000));
  else std::snprintf(buf, sizeof buf, "%lluns", static_cast<unsigned long long>(ns));
  return buf;
}

}  // namespace latlab::scenario
