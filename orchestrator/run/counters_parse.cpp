#include "run/counters_parse.h"

#include <charconv>
#include <map>
#include <set>

namespace latlab::run {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(i, nl - i));
    i = nl + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<CounterValue>> parse_softnet_stat(std::string_view text) {
  // Index -> name; "" = an always-zero column that is skipped.
  static const char* const names[] = {"processed",   "dropped", "time_squeeze",     "",
                                      "",            "",        "",                 "",
                                      "cpu_collision", "received_rps", "flow_limit_count", "backlog_len",
                                      "cpu",         "input_qlen", "process_qlen"};
  constexpr size_t known = sizeof names / sizeof names[0];
  std::vector<CounterValue> out;
  size_t index = 0;
  size_t columns = 0;
  for (auto line : lines(text)) {
    auto cols = tokens(line);
    if (cols.empty()) continue;
    if (columns == 0) columns = cols.size();
    if (cols.size() != columns)
      return Error("softnet_stat line " + std::to_string(index + 1) + ": " + std::to_string(cols.size()) +
                   " columns, the first line has " + std::to_string(columns));
    if (cols.size() < 10)
      return Error("softnet_stat line " + std::to_string(index + 1) + ": " + std::to_string(cols.size()) +
                   " columns, expected at least 10");
    std::vector<uint64_t> v(cols.size());
    for (size_t i = 0; i < cols.size(); ++i) {
      auto [p, ec] = std::from_chars(cols[i].data(), cols[i].data() + cols[i].size(), v[i], 16);
      if (ec != std::errc() || p != cols[i].data() + cols[i].size())
        return Error("softnet_stat line " + std::to_string(index + 1) + " column " + std::to_string(i + 1) +
                     ": not a hex number: \"" + std::string(cols[i]) + "\"");
    }
    uint64_t cpu = cols.size() > 12 ? v[12] : index;
    std::string prefix = "cpu" + std::to_string(cpu) + ".";
    for (size_t i = 0; i < cols.size(); ++i) {
      std::string name = i < known ? names[i] : "col" + std::to_string(i);
      if (name.empty() || name == "cpu") continue;
      bool gauge = name == "backlog_len" || name == "input_qlen" || name == "process_qlen";
      out.push_back({"softnet", prefix + name, static_cast<int64_t>(v[i]), gauge});
    }
    ++index;
  }
  if (index == 0) return Error("softnet_stat: no lines");
  return out;
}

bool is_snmp_gauge(const std::string& name) {
  static const std::set<std::string> gauges = {
      "Ip.Forwarding",   "Ip.DefaultTTL", "Tcp.RtoAlgorithm", "Tcp.RtoMin", "Tcp.RtoMax", "Tcp.MaxConn",
      "Tcp.CurrEstab",   "Ip6.Forwarding",
  };
  return gauges.count(name) > 0;
}

Result<std::vector<CounterValue>> parse_proc_pairs(std::string_view text, const std::string& source) {
  std::vector<CounterValue> out;
  auto ls = lines(text);
  std::vector<std::string_view> nonempty;
  for (auto l : ls)
    if (!tokens(l).empty()) nonempty.push_back(l);
  if (nonempty.empty()) return Error(source + ": empty");
  for (size_t i = 0; i < nonempty.size(); i += 2) {
    if (i + 1 >= nonempty.size())
      return Error(source + ": header line \"" + std::string(nonempty[i].substr(0, 40)) + "\" has no value line");
    auto head = tokens(nonempty[i]);
    auto vals = tokens(nonempty[i + 1]);
    if (head[0] != vals[0] || head[0].back() != ':')
      return Error(source + ": value line \"" + std::string(vals[0]) + "\" does not follow header \"" +
                   std::string(head[0]) + "\"");
    if (head.size() != vals.size())
      return Error(source + ": " + std::string(head[0]) + " " + std::to_string(head.size() - 1) + " names but " +
                   std::to_string(vals.size() - 1) + " values");
    std::string group(head[0].substr(0, head[0].size() - 1));
    for (size_t k = 1; k < head.size(); ++k) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(vals[k].data(), vals[k].data() + vals[k].size(), v);
      if (ec != std::errc() || p != vals[k].data() + vals[k].size())
        return Error(source + ": " + group + "." + std::string(head[k]) + ": not a number: \"" +
                     std::string(vals[k]) + "\"");
      std::string name = group + "." + std::string(head[k]);
      bool gauge = is_snmp_gauge(name);
      out.push_back({source, std::move(name), v, gauge});
    }
  }
  return out;
}

Result<std::vector<CounterValue>> parse_softirqs(std::string_view text) {
  auto ls = lines(text);
  if (ls.empty()) return Error("softirqs: empty");
  auto head = tokens(ls[0]);  // CPU0 CPU1 ...
  if (head.empty() || head[0].substr(0, 3) != "CPU") return Error("softirqs: no CPU header line");
  std::vector<CounterValue> out;
  for (size_t i = 1; i < ls.size(); ++i) {
    auto t = tokens(ls[i]);
    if (t.empty()) continue;
    std::string_view name = t[0];
    if (name.back() != ':') return Error("softirqs line " + std::to_string(i + 1) + ": no name");
    name.remove_suffix(1);
    if (name != "NET_RX" && name != "NET_TX") continue;
    if (t.size() - 1 != head.size())
      return Error("softirqs: " + std::string(name) + " has " + std::to_string(t.size() - 1) + " values for " +
                   std::to_string(head.size()) + " CPUs");
    for (size_t k = 1; k < t.size(); ++k) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(t[k].data(), t[k].data() + t[k].size(), v);
      if (ec != std::errc() || p != t[k].data() + t[k].size())
        return Error("softirqs: " + std::string(name) + ": not a number: \"" + std::string(t[k]) + "\"");
      std::string cpu(head[k - 1].substr(3));
      out.push_back({"softirqs", std::string(name) + ".cpu" + cpu, v, false});
    }
  }
  return out;
}

std::vector<store::CounterRecord> counter_records(const std::string& phase, const std::string& node,
                                                  const std::vector<CounterValue>& values) {
  std::vector<store::CounterRecord> out;
  out.reserve(values.size());
  for (const auto& v : values) out.push_back({phase, node, v.source, v.name, v.value});
  return out;
}

std::string counter_key(const std::string& node, const std::string& source, const std::string& name) {
  return node + "/" + source + "/" + name;
}

std::vector<store::CounterRecord> counter_deltas(const std::vector<store::CounterRecord>& before,
                                                 const std::vector<store::CounterRecord>& after,
                                                 const std::vector<std::string>& gauge_keys) {
  std::set<std::string> gauges(gauge_keys.begin(), gauge_keys.end());
  std::map<std::string, int64_t> b;
  for (const auto& r : before) b[counter_key(r.node, r.source, r.name)] = r.value;
  std::vector<store::CounterRecord> out;
  for (const auto& r : after) {
    auto key = counter_key(r.node, r.source, r.name);
    if (gauges.count(key)) continue;
    auto it = b.find(key);
    if (it == b.end()) continue;
    int64_t d = r.value - it->second;
    // softnet_stat and softirqs print 32-bit counters: a wrap is still growth.
    if (d < 0 && (r.source == "softnet" || r.source == "softirqs") && it->second <= 0xffffffffLL &&
        r.value <= 0xffffffffLL)
      d += int64_t{1} << 32;
    out.push_back({"delta", r.node, r.source, r.name, d});
  }
  return out;
}

}  // namespace latlab::run
