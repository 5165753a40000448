#include "run/trace_parse.h"

#include <cstdint>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_map>

namespace latlab::run {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

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

template <typename T>
std::optional<T> parse_int(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "1167.174522" -> ns (any number of decimals up to 9).
std::optional<int64_t> parse_seconds(std::string_view s) {
  auto dot = s.find('.');
  auto secs = parse_int<int64_t>(s.substr(0, dot));
  // Negative, or past what nanoseconds in an int64 hold (292 years of uptime):
  // not a trace timestamp. (Found by fuzz_trace.)
  if (!secs || *secs < 0 || *secs > INT64_MAX / 1'000'000'000 - 1) return std::nullopt;
  int64_t frac = 0;
  if (dot != std::string_view::npos) {
    std::string_view f = s.substr(dot + 1);
    if (f.empty() || f.size() > 9) return std::nullopt;
    auto v = parse_int<int64_t>(f);
    if (!v) return std::nullopt;
    frac = *v;
    for (size_t i = f.size(); i < 9; ++i) frac *= 10;
  }
  return *secs * 1'000'000'000 + frac;
}

void parse_fields(std::string_view rest, TraceEvent& ev) {
  auto toks = tokens(rest);
  std::string detail;
  auto add = [&](std::string_view k, std::string_view v) {
    if (!detail.empty()) detail += ' ';
    detail.append(k).append("=").append(v);
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    std::string_view t = toks[i];
    if (t == "reason:" && i + 1 < toks.size()) {  // kfree_skb prints "reason: NO_SOCKET"
      add("reason", toks[++i]);
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = t.substr(0, eq), v = t.substr(eq + 1);
    if (k == "skbaddr") {
      ev.skbaddr = std::string(v);
    } else if (k == "dev") {
      ev.dev = std::string(v);
    } else if (k == "len") {
      ev.len = parse_int<int64_t>(v);
    } else if (k == "location" || k == "rc" || k == "protocol" || k == "queue_mapping") {
      // The few fields worth keeping; the rest of net_dev_start_xmit is layout.
      add(k, v);
    }
  }
  ev.detail = std::move(detail);
}

}  // namespace

TraceLine parse_trace_line(std::string_view line) {
  TraceLine out;
  std::string_view s = trim(line);
  if (s.empty() || s.front() == '#') {
    out.kind = TraceLineKind::comment;
    return out;
  }
  // "CPU:1 [LOST 12 EVENTS]"
  if (auto l = s.find("[LOST "); l != std::string_view::npos && s.substr(0, 4) == "CPU:") {
    auto toks = tokens(s.substr(l + 6));
    if (!toks.empty())
      if (auto n = parse_int<int64_t>(toks[0])) {
        out.kind = TraceLineKind::lost;
        out.lost = *n;
      }
    return out;
  }
  // The cpu column "[000]" separates "comm-pid" from the rest.
  size_t cpu_open = std::string_view::npos;
  for (size_t i = s.find('['); i != std::string_view::npos; i = s.find('[', i + 1)) {
    size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i + 1 && j < s.size() && s[j] == ']' && i > 0 && is_space(s[i - 1])) {
      cpu_open = i;
      break;
    }
  }
  if (cpu_open == std::string_view::npos) return out;
  std::string_view task = trim(s.substr(0, cpu_open));
  auto dash = task.rfind('-');
  if (dash == std::string_view::npos) return out;
  auto pid = parse_int<int>(task.substr(dash + 1));
  if (!pid) return out;
  size_t cpu_close = s.find(']', cpu_open);
  auto cpu = parse_int<int>(s.substr(cpu_open + 1, cpu_close - cpu_open - 1));
  if (!cpu) return out;

  // Then: [flags] timestamp: event: fields   or   [flags] timestamp: func <-parent
  std::string_view rest = s.substr(cpu_close + 1);
  auto colon = rest.find(": ");
  if (colon == std::string_view::npos) return out;
  auto head = tokens(rest.substr(0, colon));
  if (head.empty()) return out;
  auto ts = parse_seconds(head.back());
  if (!ts) return out;
  std::string_view body = trim(rest.substr(colon + 2));

  TraceEvent ev;
  ev.t_ns = *ts;
  ev.cpu = *cpu;
  ev.pid = *pid;
  ev.comm = std::string(task.substr(0, dash));
  auto ecolon = body.find(": ");
  std::string_view first = body.substr(0, body.find(' '));
  bool is_event = ecolon != std::string_view::npos && ecolon < body.size() &&
                  body.substr(0, ecolon).find(' ') == std::string_view::npos;
  if (!is_event && !body.empty() && body.back() == ':' && body.find(' ') == std::string_view::npos) {
    // an event without fields ("foo:")
    ev.event = std::string(body.substr(0, body.size() - 1));
  } else if (is_event) {
    ev.event = std::string(body.substr(0, ecolon));
    parse_fields(body.substr(ecolon + 2), ev);
  } else {
    // function tracer: "udp_sendmsg <-inet_sendmsg"
    ev.event = "function";
    ev.detail = std::string(body);
    (void)first;
  }
  out.kind = TraceLineKind::event;
  out.ev = std::move(ev);
  return out;
}

std::optional<RawStamp> parse_raw_trace_line(std::string_view line) {
  auto toks = tokens(line);
  if (toks.size() < 3 || toks[0].front() == '#') return std::nullopt;
  auto pid = parse_int<int>(toks[0]);
  auto cpu = parse_int<int>(toks[1]);
  auto ts = parse_int<int64_t>(toks[2]);
  if (!pid || !cpu || !ts) return std::nullopt;
  return RawStamp{*pid, *cpu, *ts};
}

const std::vector<std::string>& packet_path_events() {
  static const std::vector<std::string> ev = {"net_dev_queue", "net_dev_start_xmit", "netif_rx", "net_dev_xmit",
                                              "netif_receive_skb"};
  return ev;
}

bool is_free_event(const std::string& event) { return event == "consume_skb" || event == "kfree_skb"; }

namespace {
bool is_path_event(const std::string& e) {
  const auto& p = packet_path_events();
  return std::find(p.begin(), p.end(), e) != p.end();
}
}  // namespace

std::vector<HopTimeline> join_on_skbaddr(const std::vector<TraceEvent>& events, int64_t max_gap_ns) {
  std::vector<HopTimeline> done;
  std::unordered_map<std::string, HopTimeline> open;
  for (const auto& ev : events) {
    if (ev.skbaddr.empty()) continue;
    if (auto stale = open.find(ev.skbaddr);
        stale != open.end() && ev.t_ns - stale->second.events.back()->t_ns > max_gap_ns) {
      done.push_back(std::move(stale->second));
      open.erase(stale);
    }
    if (is_free_event(ev.event)) {
      auto it = open.find(ev.skbaddr);
      if (it == open.end()) continue;  // never seen on the packet path (or too long ago): not ours
      it->second.events.push_back(&ev);
      done.push_back(std::move(it->second));
      open.erase(it);
      continue;
    }
    if (!is_path_event(ev.event)) continue;
    auto it = open.find(ev.skbaddr);
    if (it != open.end() && ev.event == "net_dev_queue") {
      bool sent = std::any_of(it->second.events.begin(), it->second.events.end(),
                              [](const TraceEvent* e) { return e->event == "net_dev_queue"; });
      if (sent) {
        done.push_back(std::move(it->second));
        open.erase(it);
        it = open.end();
      }
    }
    if (it == open.end()) it = open.emplace(ev.skbaddr, HopTimeline{ev.skbaddr, {}}).first;
    it->second.events.push_back(&ev);
  }
  for (auto& [k, t] : open) done.push_back(std::move(t));
  std::sort(done.begin(), done.end(), [](const HopTimeline& a, const HopTimeline& b) {
    return a.events.front()->t_ns < b.events.front()->t_ns;
  });
  return done;
}

namespace {
int64_t median(std::vector<int64_t>& v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
}  // namespace

HopSummary summarize_hops(const std::vector<HopTimeline>& timelines) {
  HopSummary s;
  std::map<std::string, std::vector<int64_t>> gaps;
  std::vector<int64_t> q2r;
  for (const auto& t : timelines) {
    int path = 0;
    for (const auto* e : t.events) {
      ++s.hop_counts[e->event];
      if (is_path_event(e->event)) ++path;
    }
    if (path < 2) continue;
    ++s.packets;
    for (size_t i = 1; i < t.events.size(); ++i)
      gaps[t.events[i - 1]->event + ">" + t.events[i]->event].push_back(t.events[i]->t_ns -
                                                                         t.events[i - 1]->t_ns);
    const TraceEvent* last = t.events.back();
    if (is_free_event(last->event)) {
      ++s.freed;
      if (last->event == "kfree_skb") {
        ++s.dropped;
        std::string reason = "unknown";
        if (auto r = last->detail.find("reason="); r != std::string::npos)
          reason = last->detail.substr(r + 7, last->detail.find(' ', r) - r - 7);
        ++s.drop_reasons[reason];
      }
    }
    const TraceEvent* q = nullptr;
    for (const auto* e : t.events) {
      if (e->event == "net_dev_queue" && !q) q = e;
      if (e->event == "netif_receive_skb" && q) {
        q2r.push_back(e->t_ns - q->t_ns);
        break;
      }
    }
  }
  for (auto& [k, v] : gaps) {
    s.hop_pairs[k] = static_cast<int64_t>(v.size());
    s.hop_median_ns[k] = median(v);
  }
  if (!q2r.empty()) s.queue_to_receive_median_ns = median(q2r);
  return s;
}

}  // namespace latlab::run
