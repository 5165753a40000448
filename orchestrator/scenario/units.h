// Units in scenario values: durations ("10ms"), rates ("1gbit", tc style), sizes
// ("32kb"), percentages ("5%").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace latlab::scenario {

// "0", "250ns", "200us", "1.5ms", "2s", "1m". Nanoseconds.
std::optional<uint64_t> parse_duration(std::string_view text);
// tc rates: "bit", "kbit", "mbit", "gbit" (x1000) and "bps", "kbps", "mbps", "gbps" (bytes). Bits/s.
std::optional<uint64_t> parse_rate(std::string_view text);
// tc sizes: "b", "k"/"kb", "m"/"mb" (x1024), "kbit", "mbit". Bytes.
std::optional<uint64_t> parse_size(std::string_view text);
// "5%", "2.5%": a percentage, as a fraction (0.05, 0.025). The number is
// unsigned, the % sign required.
std::optional<double> parse_percent(std::string_view text);
// A CPU list: "1", "0-3", "0,2,4-5" (sorted, without repeats).
std::optional<std::vector<int>> parse_cpu_list(std::string_view text);
// The same list as text: "0-3,5".
std::string format_cpu_list(const std::vector<int>& cpus);
// "10ms" style text for a nanosecond value.
std::string format_duration(uint64_t ns);

}  // namespace latlab::scenario
