#include "core/options.h"

#include <charconv>
#include <optional>

#include "core/duration.h"
#include "core/probe_payload.h"
#include "core/spec_json.h"

namespace latlab::agent {

namespace {

constexpr unsigned kIcmp = 1u << static_cast<int>(Mode::icmp);
constexpr unsigned kUdp = 1u << static_cast<int>(Mode::udp);
constexpr unsigned kRaw = 1u << static_cast<int>(Mode::raw);
constexpr unsigned kUdpReflector = 1u << static_cast<int>(Mode::udp_reflector);
constexpr unsigned kRawResponder = 1u << static_cast<int>(Mode::raw_responder);
constexpr unsigned kProbes = kIcmp | kUdp | kRaw;
constexpr unsigned kResponders = kUdpReflector | kRawResponder;
constexpr unsigned kAll = kProbes | kResponders;

// A responder spinning through --delay does not see a stop signal, and
// requests queue behind it: the cap keeps Ctrl-C prompt.
constexpr std::int64_t kMaxDelayNs = kSecond;

struct ModeName {
  Mode mode;
  const char* name;
};
constexpr ModeName kModes[] = {
    {Mode::icmp, "icmp"},
    {Mode::udp, "udp"},
    {Mode::raw, "raw"},
    {Mode::udp_reflector, "udp-reflector"},
    {Mode::raw_responder, "raw-responder"},
    {Mode::version, "version"},
    {Mode::hold, "hold"},
};

enum class Arity { none, required, optional };

using Setter = Status (*)(AgentOptions&, std::string_view name, std::string_view value);

struct OptionDef {
  const char* name;
  Arity arity;
  unsigned modes;
  Setter set;
  const char* help;
};

std::string quoted(std::string_view name, std::string_view value) {
  return "--" + std::string(name) + " \"" + std::string(value) + "\"";
}

template <typename T>
Result<T> parse_uint(std::string_view name, std::string_view value, std::uint64_t max) {
  std::uint64_t out = 0;
  const char* end = value.data() + value.size();
  auto res = std::from_chars(value.data(), end, out);
  if (value.empty() || res.ec != std::errc() || res.ptr != end) {
    if (!value.empty() && value[0] == '-') return usage_error(quoted(name, value) + ": must not be negative");
    return usage_error(quoted(name, value) + ": not a non-negative integer");
  }
  if (out > max) return usage_error(quoted(name, value) + ": above the maximum of " + std::to_string(max));
  return static_cast<T>(out);
}

Result<bool> parse_on_off(std::string_view name, std::string_view value) {
  if (value == "on") return true;
  if (value == "off") return false;
  return usage_error(quoted(name, value) + ": expected on or off");
}

#define LATLAB_SET_UINT(field, type, max)                              \
  [](AgentOptions& o, std::string_view n, std::string_view v) -> Status { \
    auto r = parse_uint<type>(n, v, max);                              \
    if (!r) return r.error();                                          \
    o.field = *r;                                                      \
    return ok_status();                                                \
  }

Result<std::int64_t> parse_duration_at_most(std::string_view name, std::string_view value, std::int64_t max) {
  auto r = parse_duration("--" + std::string(name), value);
  if (r && *r > max) {
    return usage_error(quoted(name, value) + ": above the maximum of " + format_duration(max));
  }
  return r;
}

#define LATLAB_SET_DURATION_AT_MOST(field, max)                           \
  [](AgentOptions& o, std::string_view n, std::string_view v) -> Status { \
    auto r = parse_duration_at_most(n, v, max);                           \
    if (!r) return r.error();                                             \
    o.field = *r;                                                         \
    return ok_status();                                                   \
  }

#define LATLAB_SET_DURATION(field) LATLAB_SET_DURATION_AT_MOST(field, INT64_MAX)

#define LATLAB_SET_ON_OFF(field)                                       \
  [](AgentOptions& o, std::string_view n, std::string_view v) -> Status { \
    auto r = parse_on_off(n, v);                                       \
    if (!r) return r.error();                                          \
    o.field = *r;                                                      \
    return ok_status();                                                \
  }

#define LATLAB_SET_STRING(field)                                       \
  [](AgentOptions& o, std::string_view, std::string_view v) -> Status { \
    o.field = std::string(v);                                          \
    return ok_status();                                                \
  }

const OptionDef kOptions[] = {
    {"netns", Arity::required, kAll, LATLAB_SET_STRING(netns_path), "PATH  enter this network namespace first"},
    {"netns-pid", Arity::required, kAll, LATLAB_SET_UINT(netns_pid, int, 4194304),
     "PID  enter the network namespace of this process first"},
    {"spec", Arity::required, kAll, LATLAB_SET_STRING(spec_source),
     "-|PATH  read options from one JSON object (keys = option names)"},
    {"target", Arity::required, kProbes, LATLAB_SET_STRING(target_text), "ADDR  IPv4 or IPv6 literal to probe"},
    {"family", Arity::required, kIcmp | kUdp | kRaw | kUdpReflector,
     [](AgentOptions& o, std::string_view n, std::string_view v) -> Status {
       if (v == "4") o.family = 4;
       else if (v == "6") o.family = 6;
       else return usage_error(quoted(n, v) + ": unknown address family (expected 4 or 6)");
       return ok_status();
     },
     "4|6  address family (default: inferred from --target)"},
    {"count", Arity::required, kAll,
     [](AgentOptions& o, std::string_view n, std::string_view v) -> Status {
       auto r = parse_uint<std::uint64_t>(n, v, UINT64_MAX / 2);
       if (!r) return r.error();
       o.count = *r;
       o.count_set = true;
       return ok_status();
     },
     "N  requests to send after warm-up (responders: requests to handle; 0 = until signalled)"},
    {"duration", Arity::required, kAll, LATLAB_SET_DURATION(duration_ns), "DUR  stop sending after this long"},
    {"interval", Arity::required, kProbes, LATLAB_SET_DURATION(interval_ns),
     "DUR  time between requests, 0 = back to back (default 1s)"},
    {"payload", Arity::required, kProbes, LATLAB_SET_UINT(payload, std::uint32_t, 65000),
     "BYTES  ICMP data / UDP payload size, at least 32 (default 56)"},
    {"warmup", Arity::required, kProbes, LATLAB_SET_UINT(warmup, std::uint64_t, UINT32_MAX),
     "N  warm-up requests before --count (flagged, not dropped)"},
    {"timeout", Arity::required, kProbes, LATLAB_SET_DURATION(timeout_ns), "DUR  per-request timeout (default 1s)"},
    {"ident", Arity::required, kIcmp | kRaw, LATLAB_SET_UINT(ident, int, 65535),
     "N  ICMP identifier (default: random per run)"},
    {"samples", Arity::required, kProbes, LATLAB_SET_ON_OFF(samples), "on|off  per-sample lines (default on)"},
    {"spin", Arity::required, kProbes | kUdpReflector, LATLAB_SET_DURATION(spin_ns),
     "DUR  busy-poll (non-blocking reads) instead of sleeping: paced, through the last DUR before each send; "
     "back to back and udp-reflector, through the first DUR of each wait for a packet (default 0)"},
    {"kernel-stamps", Arity::required, kProbes | kUdpReflector, LATLAB_SET_ON_OFF(kernel_stamps),
     "on|off  kernel software TX/RX stamps (SO_TIMESTAMPING); off measures what they cost (default on)"},
    {"cpu", Arity::required, kAll, LATLAB_SET_UINT(cpu, int, 4095), "N  pin to this CPU"},
    {"busy-poll", Arity::required, kAll, LATLAB_SET_UINT(busy_poll_us, int, 1000000), "USEC  SO_BUSY_POLL"},
    {"priority", Arity::required, kAll, LATLAB_SET_UINT(priority, int, 6), "N  SO_PRIORITY (0-6)"},
    {"rt", Arity::optional, kAll,
     [](AgentOptions& o, std::string_view n, std::string_view v) -> Status {
       if (v.empty()) {
         o.rt_priority = 50;
         return ok_status();
       }
       auto r = parse_uint<int>(n, v, 99);
       if (!r) return r.error();
       if (*r == 0) return usage_error(quoted(n, v) + ": real-time priority must be 1-99");
       o.rt_priority = *r;
       return ok_status();
     },
     "[PRIO]  SCHED_FIFO at PRIO (default 50)"},
    {"port", Arity::required, kUdp | kUdpReflector, LATLAB_SET_UINT(port, std::uint16_t, 65535),
     "N  UDP port (default 9000)"},
    {"ifname", Arity::required, kRaw | kRawResponder, LATLAB_SET_STRING(ifname), "DEV  AF_PACKET device"},
    {"qdisc-bypass", Arity::required, kRaw | kRawResponder, LATLAB_SET_ON_OFF(qdisc_bypass),
     "on|off  PACKET_QDISC_BYPASS (default off)"},
    {"fanout", Arity::required, kRaw | kRawResponder, LATLAB_SET_UINT(fanout_group, int, 65535),
     "GROUP  join PACKET_FANOUT group (hash mode)"},
    {"ring-blocks", Arity::required, kRaw | kRawResponder, LATLAB_SET_UINT(ring_blocks, std::uint32_t, 4096),
     "N  TPACKET_V3 RX ring blocks (default 8)"},
    {"ring-block-size", Arity::required, kRaw | kRawResponder,
     LATLAB_SET_UINT(ring_block_size, std::uint32_t, 1u << 30), "BYTES  block size, a multiple of the page size"},
    {"ring-block-timeout", Arity::required, kRaw | kRawResponder,
     LATLAB_SET_UINT(ring_block_timeout_ms, std::uint32_t, 60000),
     "MS  TPACKET_V3 block retire timeout (default 1)"},
    {"source", Arity::required, kRaw, LATLAB_SET_STRING(source_text),
     "ADDR  raw: source IPv4 address (default: the device's)"},
    {"address", Arity::required, kResponders, LATLAB_SET_STRING(address_text),
     "ADDR  responder address (raw-responder: required, answers ICMP and ARP for it)"},
    {"drop-every", Arity::required, kResponders, LATLAB_SET_UINT(drop_every, std::uint64_t, UINT32_MAX),
     "K  drop every K-th request (tests loss accounting)"},
    {"delay", Arity::required, kResponders, LATLAB_SET_DURATION_AT_MOST(delay_ns, kMaxDelayNs),
     "DUR  busy-wait DUR (spinning, no sleep) between receiving each request and sending its reply: "
     "a known extra latency, counted in the reported processing time (default 0, at most 1s)"},
};

const OptionDef* find_option(std::string_view name) {
  for (const auto& def : kOptions) {
    if (name == def.name) return &def;
  }
  return nullptr;
}

struct RawOption {
  std::string name;
  std::string value;
  bool from_spec = false;
};

Status apply(AgentOptions& o, const RawOption& raw) {
  const OptionDef* def = find_option(raw.name);
  const std::string prefix = raw.from_spec ? "spec: " : "";
  if (def == nullptr) return usage_error(prefix + "unknown option \"--" + raw.name + "\"");
  if ((def->modes & (1u << static_cast<int>(o.mode))) == 0) {
    return usage_error(prefix + "option --" + raw.name + " does not apply to mode " + mode_name(o.mode));
  }
  auto status = def->set(o, raw.name, raw.value);
  if (!status && raw.from_spec) return Error{status.error().code, prefix + status.error().message};
  return status;
}

Status validate(AgentOptions& o) {
  if (!o.netns_path.empty() && o.netns_pid != 0) return usage_error("--netns and --netns-pid are mutually exclusive");
  if (is_probe(o.mode)) {
    if (o.target_text.empty()) return usage_error(std::string("--target is required for mode ") + mode_name(o.mode));
    auto target = parse_ip(o.target_text, o.family);
    if (!target) {
      const std::string expected = o.family == 4 ? "an IPv4 address (--family 4)"
                                   : o.family == 6 ? "an IPv6 address (--family 6)"
                                                   : "an IPv4 or IPv6 address";
      return usage_error("--target \"" + o.target_text + "\": not " + expected);
    }
    o.target = *target;
    o.family = target->family;
    if (o.payload < kProbePayloadMinSize) {
      return usage_error("--payload " + std::to_string(o.payload) + ": below the minimum of " +
                         std::to_string(kProbePayloadMinSize) + " bytes");
    }
    if (o.timeout_ns == 0) return usage_error("--timeout must be above 0");
    if (o.count_set && o.count == 0 && o.duration_ns == 0) {
      return usage_error("--count 0 needs --duration (a probe must end)");
    }
    if (!o.count_set && o.duration_ns > 0) o.count = 0;  // duration alone bounds the run
  }
  if (o.mode == Mode::raw || o.mode == Mode::raw_responder) {
    if (o.ifname.empty()) return usage_error(std::string("--ifname is required for mode ") + mode_name(o.mode));
    if (o.ring_blocks == 0) return usage_error("--ring-blocks must be above 0");
    if (o.ring_block_size < 4096 || o.ring_block_size % 4096 != 0) {
      return usage_error("--ring-block-size " + std::to_string(o.ring_block_size) +
                         ": must be a multiple of the page size (4096)");
    }
    if (o.ring_block_timeout_ms == 0) return usage_error("--ring-block-timeout must be above 0");
  }
  if (o.mode == Mode::raw && o.family == 6) return usage_error("mode raw supports IPv4 targets only");
  if (!o.source_text.empty()) {
    auto source = parse_ipv4(o.source_text);
    if (!source) return usage_error("--source \"" + o.source_text + "\": not an IPv4 address");
    o.source = *source;
    o.source_set = true;
  }
  if (o.mode == Mode::raw_responder && o.address_text.empty()) {
    return usage_error("--address is required for mode raw-responder");
  }
  if (!o.address_text.empty()) {
    const int family = o.mode == Mode::raw_responder ? 4 : o.family;
    auto address = parse_ip(o.address_text, family);
    if (!address) {
      return usage_error("--address \"" + o.address_text + "\": not " +
                         (family == 4 ? std::string("an IPv4 address") : std::string("an IP address")));
    }
    o.address = *address;
    o.address_set = true;
  }
  return ok_status();
}

}  // namespace

const char* mode_name(Mode mode) {
  for (const auto& m : kModes) {
    if (m.mode == mode) return m.name;
  }
  return "?";
}

bool is_probe(Mode mode) { return mode == Mode::icmp || mode == Mode::udp || mode == Mode::raw; }

std::string supported_modes() {
  std::string out;
  for (const auto& m : kModes) {
    if (!out.empty()) out += ", ";
    out += m.name;
  }
  return out;
}

Result<AgentOptions> parse_options(const std::vector<std::string>& args, const SpecReader& read_spec) {
  AgentOptions o;
  std::vector<RawOption> raws;
  std::optional<std::string> mode_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      if (mode_text) return usage_error("unexpected argument \"" + arg + "\"");
      mode_text = arg;
      continue;
    }
    RawOption raw;
    const std::size_t eq = arg.find('=');
    raw.name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const OptionDef* def = find_option(raw.name);
    if (def == nullptr) return usage_error("unknown option \"--" + raw.name + "\"");
    if (eq != std::string::npos) {
      if (def->arity == Arity::none) return usage_error("option --" + raw.name + " takes no value");
      raw.value = arg.substr(eq + 1);
    } else if (def->arity == Arity::required) {
      if (i + 1 >= args.size()) return usage_error("option --" + raw.name + " needs a value");
      raw.value = args[++i];
    } else if (def->arity == Arity::optional && i + 1 < args.size() && !args[i + 1].empty() &&
               args[i + 1].find_first_not_of("0123456789") == std::string::npos) {
      raw.value = args[++i];
    }
    raws.push_back(std::move(raw));
  }

  // The spec is applied first so that argv can override it.
  std::vector<RawOption> spec_raws;
  for (const auto& raw : raws) {
    if (raw.name != "spec") continue;
    auto text = read_spec(raw.value);
    if (!text) return text.error();
    auto entries = parse_spec_json(*text);
    if (!entries) return entries.error();
    for (const auto& e : *entries) {
      if (e.key == "mode") {
        if (e.kind != SpecEntry::Kind::string) return usage_error("spec: \"mode\" must be a string");
        if (mode_text && *mode_text != e.text) {
          return usage_error("spec: mode \"" + e.text + "\" contradicts mode \"" + *mode_text + "\" on the command line");
        }
        mode_text = e.text;
        continue;
      }
      if (e.key == "spec") return usage_error("spec: \"spec\" cannot be nested");
      RawOption sr;
      sr.name = e.key;
      sr.from_spec = true;
      const OptionDef* def = find_option(e.key);
      if (e.kind == SpecEntry::Kind::boolean) {
        const bool on = e.text == "true";
        if (def != nullptr && def->arity == Arity::optional) {
          if (!on) continue;  // "rt": false
        } else {
          sr.value = on ? "on" : "off";
        }
      } else {
        sr.value = e.text;
      }
      spec_raws.push_back(std::move(sr));
    }
  }

  if (!mode_text) return usage_error("missing mode; supported modes are " + supported_modes());
  bool found = false;
  for (const auto& m : kModes) {
    if (*mode_text == m.name) {
      o.mode = m.mode;
      found = true;
    }
  }
  if (!found) {
    return usage_error("unknown mode \"" + *mode_text + "\"; supported modes are " + supported_modes());
  }
  if (o.mode == Mode::version || o.mode == Mode::hold) {
    if (!raws.empty()) return usage_error(std::string("mode ") + mode_name(o.mode) + " takes no options");
    return o;
  }
  for (const auto& raw : spec_raws) {
    auto status = apply(o, raw);
    if (!status) return status.error();
  }
  for (const auto& raw : raws) {
    auto status = apply(o, raw);
    if (!status) return status.error();
  }
  auto status = validate(o);
  if (!status) return status.error();
  return o;
}

std::string usage_text() {
  std::string out = "usage: latlab-agent MODE [OPTIONS]\nmodes: " + supported_modes() + "\noptions:\n";
  for (const auto& def : kOptions) {
    out += "  --";
    out += def.name;
    out += " ";
    out += def.help;
    out += "\n";
  }
  out += "durations: 0 or a number with a unit: ns, us, ms, s (e.g. 200us, 1.5ms)\n";
  return out;
}

}  // namespace latlab::agent
