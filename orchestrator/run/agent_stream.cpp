#include "run/agent_stream.h"

#include <limits>

namespace latlab::run {

Result<AgentLine> parse_agent_line(std::string_view line) {
  AgentLine out;
  out.json = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (out.json.is_discarded() || !out.json.is_object())
    return Error("agent output is not a JSON line: \"" + std::string(line.substr(0, 120)) + "\"");
  auto t = out.json.find("type");
  if (t == out.json.end() || !t->is_string()) return Error("agent output line has no \"type\"");
  const auto& s = t->get_ref<const std::string&>();
  if (s == "header") out.type = AgentLine::Type::header;
  else if (s == "sample") out.type = AgentLine::Type::sample;
  else if (s == "summary") out.type = AgentLine::Type::summary;
  else if (s == "error") out.type = AgentLine::Type::error;
  return out;
}

namespace {

// The member `key` of an object, or null when `j` is not an object or lacks it.
const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json none;
  if (!j.is_object()) return none;
  auto it = j.find(key);
  return it == j.end() ? none : *it;
}

// A JSON integer that fits int64_t; anything else (a float, a string, an
// unsigned beyond INT64_MAX) is empty.
std::optional<int64_t> as_int64(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  return std::nullopt;
}

uint64_t count_of(const nlohmann::json& j, const char* key) {
  const auto& v = member(j, key);
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  auto i = as_int64(v);
  return i && *i > 0 ? static_cast<uint64_t>(*i) : 0;  // a negative count is no count
}

constexpr const char* kTimeKeys[] = {"t_send_user_ns", "t_send_kernel_ns", "t_recv_kernel_ns", "t_recv_user_ns",
                                     "rtt_user_ns",    "rtt_kernel_ns",    "peer_proc_ns"};

}  // namespace

Result<store::SampleRecord> sample_from_json(const nlohmann::json& j) {
  store::SampleRecord r;
  auto seq = as_int64(member(j, "seq"));
  const auto& status = member(j, "status");
  if (!seq || !status.is_string()) return Error("agent sample line lacks \"seq\" or \"status\"");
  r.seq = *seq;
  const auto& st = status.get_ref<const std::string&>();
  const std::string which = "agent sample " + std::to_string(r.seq);
  if (st == "ok") r.status = store::SampleStatus::ok;
  else if (st == "lost") r.status = store::SampleStatus::lost;
  else if (st == "late") r.status = store::SampleStatus::late;
  else return Error(which + " has unknown status \"" + st.substr(0, 64) + "\"");
  const auto& warmup = member(j, "warmup");
  if (!warmup.is_null() && !warmup.is_boolean()) return Error(which + ": \"warmup\" is not true or false");
  r.warmup = warmup.is_boolean() && warmup.get<bool>();
  std::optional<int64_t>* times[] = {&r.t_send_user, &r.t_send_kernel, &r.t_recv_kernel, &r.t_recv_user,
                                     &r.rtt_user,    &r.rtt_kernel,    &r.peer_proc};
  for (size_t i = 0; i < std::size(kTimeKeys); ++i) {
    const auto& v = member(j, kTimeKeys[i]);
    if (v.is_null()) continue;
    *times[i] = as_int64(v);
    if (!*times[i]) return Error(which + ": \"" + kTimeKeys[i] + "\" is not an integer of ns");
  }
  return r;
}

AgentHeader header_from_json(const nlohmann::json& j) {
  AgentHeader h;
  h.clock_offset_ns = as_int64(member(member(j, "clock"), "realtime_minus_monotonic_ns"));
  auto ident = as_int64(member(member(j, "socket"), "identifier"));
  if (ident && *ident >= 0 && *ident <= std::numeric_limits<uint32_t>::max())
    h.icmp_ident = static_cast<uint32_t>(*ident);
  return h;
}

AgentSummary summary_from_json(const nlohmann::json& j) {
  AgentSummary s;
  s.sent = count_of(j, "sent");
  s.received = count_of(j, "received");
  s.lost = count_of(j, "lost");
  s.warmup = count_of(j, "warmup");
  s.clock_offset_end_ns = as_int64(member(member(j, "clock_end"), "realtime_minus_monotonic_ns"));
  return s;
}

std::string error_message_of(const nlohmann::json& j, const std::string& fallback) {
  const auto& m = member(j, "message");
  return m.is_string() ? m.get<std::string>() : fallback;
}

}  // namespace latlab::run
