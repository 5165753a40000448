#include "run/pcap_ingest.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

namespace latlab::run {

namespace {

using nlohmann::json;

// Frames read to learn the cookie when the agent did not report it.
constexpr uint64_t kCookieVoteFrames = 20000;

std::optional<uint64_t> json_u64(const json& j) {
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer() && j.get<int64_t>() >= 0) return static_cast<uint64_t>(j.get<int64_t>());
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    uint64_t v = std::strtoull(s.c_str(), &end, 0);
    if (end && *end == '\0') return v;
  }
  return std::nullopt;
}

std::optional<uint64_t> header_field(const json& header, const char* key) {
  if (header.contains("socket") && header["socket"].is_object() && header["socket"].contains(key))
    return json_u64(header["socket"][key]);
  if (header.contains(key)) return json_u64(header[key]);
  return std::nullopt;
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Votes on the cookie over the first frames of the files.
std::optional<uint64_t> learn_cookie(const std::vector<PcapInput>& inputs, const MatchKeys& keys) {
  CookieVote vote;
  uint64_t budget = kCookieVoteFrames;
  for (const auto& in : inputs) {
    auto reader = PcapReader::open(in.file);
    if (!reader.ok()) continue;  // reported by the matching pass
    while (budget > 0) {
      auto pkt = reader->next();
      if (!pkt.ok() || !*pkt) break;
      --budget;
      vote.add(classify_frame(decode_frame(reader->linktype(), (*pkt)->data), keys));
    }
  }
  return vote.winner();
}

}  // namespace

MatchKeys match_keys_for(const ExperimentContext& ctx) {
  MatchKeys k;
  const scenario::Experiment& exp = *ctx.exp;
  k.probe = exp.probe;
  if (auto kind = probe_kind(exp.probe)) k.echo = (*kind)->echo;
  k.target = exp.target;
  k.udp_port = static_cast<uint16_t>(exp.responder.port);
  json header = json::parse(ctx.probe_header_json, nullptr, false);
  if (header.is_discarded() || !header.is_object()) header = json::object();
  if (k.echo == Echo::icmp) {
    // What the agent reports is what went on the wire (a ping socket may
    // have been given another identifier than the one asked for).
    if (auto id = header_field(header, "identifier"); id && *id <= 0xffff)
      k.icmp_ident = static_cast<uint16_t>(*id);
    else if (ctx.icmp_ident)
      k.icmp_ident = static_cast<uint16_t>(*ctx.icmp_ident);
  }
  if (k.echo == Echo::udp) {
    if (auto lp = header_field(header, "local_port"); lp && *lp > 0 && *lp <= 0xffff)
      k.udp_local_port = static_cast<uint16_t>(*lp);
  }
  k.cookie = header_field(header, "cookie");
  return k;
}

namespace {

// What reading one input gave: its link type, and why it could not be read.
struct InputRead {
  std::string linktype;
  std::string error;
};

// Feeds every frame of the inputs (ranked as listed) to the matcher.
std::vector<InputRead> read_inputs(const std::vector<PcapInput>& inputs, CaptureMatcher& matcher) {
  std::vector<InputRead> out(inputs.size());
  for (size_t i = 0; i < inputs.size() && i < CaptureMatcher::kMaxInterfaces; ++i) {
    auto reader = PcapReader::open(inputs[i].file);
    if (!reader.ok()) {
      out[i].error = reader.error().message();
      continue;
    }
    out[i].linktype = reader->linktype_name();
    while (true) {
      auto pkt = reader->next();
      if (!pkt.ok()) {
        out[i].error = pkt.error().message();
        break;
      }
      if (!*pkt) break;
      matcher.add_frame(i, (*pkt)->ts_realtime_ns, decode_frame(reader->linktype(), (*pkt)->data));
    }
  }
  matcher.finish();
  return out;
}

// What one interface saw, against what the probe sent.
void add_counts(json& s, const InterfaceCounts& c, uint64_t expected) {
  s["frames"] = c.frames;
  s["requests_seen"] = c.requests_seen;
  s["replies_seen"] = c.replies_seen;
  s["requests_expected"] = expected;
  s["duplicate_requests"] = c.duplicate_requests;
  s["duplicate_replies"] = c.duplicate_replies;
  s["foreign_frames"] = c.foreign_frames;
  s["other_frames"] = c.other_frames;
  s["coverage"] = expected ? json(static_cast<double>(c.requests_seen + c.replies_seen) /
                                  (2.0 * static_cast<double>(expected)))
                           : json(nullptr);
  s["wire_send_from"] = c.wire_send_from;
  s["wire_recv_from"] = c.wire_recv_from;
  s["first_frame_mono_ns"] = opt(c.first_frame_mono_ns);
  s["last_frame_mono_ns"] = opt(c.last_frame_mono_ns);
}

json match_summary(const MatchKeys& keys, const std::string& cookie_source) {
  json m;
  m["probe"] = keys.probe;
  m["target"] = keys.target.str();
  const bool udp = keys.echo == Echo::udp;
  m["identifier"] = udp ? json(nullptr) : opt(keys.icmp_ident);
  m["port"] = udp ? json(keys.udp_port) : json(nullptr);
  m["local_port"] = opt(keys.udp_local_port);
  m["cookie"] = keys.cookie ? json(hex64(*keys.cookie)) : json(nullptr);
  m["cookie_source"] = cookie_source;
  return m;
}

json tcpdump_summary(const PcapInput& in) {
  json t = {{"captured", opt(in.stats.captured)},
            {"received_by_filter", opt(in.stats.received_by_filter)},
            {"dropped_by_kernel", opt(in.stats.dropped_by_kernel)},
            {"exit_code", opt(in.exit_code)},
            {"filter", in.filter}};
  if (in.stats.dropped_by_interface) t["dropped_by_interface"] = *in.stats.dropped_by_interface;
  return t;
}

// What every interface's row shares: how frames were matched and clocks mapped.
struct SharedSummary {
  json match;
  json clock;
};

// The captures row of input `rank`.
store::CaptureRecord capture_row(const ExperimentContext& ctx, const PcapInput& in, size_t rank,
                                 const InputRead& read, const CaptureMatcher& matcher,
                                 const SharedSummary& shared) {
  json s;
  s["interface"] = in.interface.id;
  s["file"] = base_name(in.file);
  s["rank"] = rank;
  s["linktype"] = read.linktype.empty() ? json(nullptr) : json(read.linktype);
  if (rank < CaptureMatcher::kMaxInterfaces) add_counts(s, matcher.counts(rank), ctx.samples_expected);
  s["match"] = shared.match;
  s["clock"] = shared.clock;
  s["tcpdump"] = tcpdump_summary(in);
  s["timestamp_type"] = in.timestamp_type;
  s["timestamp_note"] = in.timestamp_note.empty() ? json(nullptr) : json(in.timestamp_note);
  s["read_error"] = read.error.empty() ? json(nullptr) : json(read.error);

  store::CaptureRecord rec;
  rec.experiment_id = ctx.experiment_id;
  rec.kind = "tcpdump";
  rec.interface = in.interface.id;
  rec.file = in.file;
  rec.summary_json = s.dump();
  if (rank >= CaptureMatcher::kMaxInterfaces)
    rec.error = "more than " + std::to_string(CaptureMatcher::kMaxInterfaces) + " interfaces; not read";
  else if (!in.tool_error.empty())
    rec.error = in.tool_error;
  else if (!read.error.empty())
    rec.error = read.error;
  rec.status = rec.error.empty() ? "ok" : "failed";
  return rec;
}

}  // namespace

Status ingest_pcaps(ExperimentContext& ctx, const std::vector<PcapInput>& inputs, MatchKeys keys,
                    const ClockMap& clock, const std::string& clock_source) {
  std::string cookie_source = keys.cookie ? "agent" : "none";
  if (!keys.cookie) {
    keys.cookie = learn_cookie(inputs, keys);
    if (keys.cookie) cookie_source = "learned";
  }
  CaptureMatcher matcher(keys, clock, inputs.size(), ctx.samples_expected ? ctx.samples_expected + 64 : 0);
  std::vector<InputRead> reads = read_inputs(inputs, matcher);

  std::vector<store::WireTimeRecord> wire;
  matcher.for_each_wire_time([&](int64_t seq, std::optional<int64_t> send, std::optional<int64_t> recv) {
    wire.push_back({seq, send, recv});
  });
  if (auto st = ctx.store->set_wire_times(ctx.experiment_id, wire); !st.ok())
    return st.error().with_context("capture tcpdump: wire times");

  SharedSummary shared;
  shared.match = match_summary(keys, cookie_source);
  shared.clock = {{"offset_start_ns", clock.offset_start_ns},
                  {"offset_end_ns", opt(clock.offset_end_ns)},
                  {"source", clock_source}};
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto added = ctx.store->add_capture(capture_row(ctx, inputs[i], i, reads[i], matcher, shared));
    if (!added.ok())
      return added.error().with_context("capture tcpdump on \"" + inputs[i].interface.id + "\"");
  }
  return Ok{};
}

}  // namespace latlab::run
