#include "run/agent_stream.h"

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
std::optional<int64_t> opt_time(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}
}  // namespace

Result<store::SampleRecord> sample_from_json(const nlohmann::json& j) {
  store::SampleRecord r;
  auto seq = j.find("seq");
  auto status = j.find("status");
  if (seq == j.end() || !seq->is_number_integer() || status == j.end() || !status->is_string())
    return Error("agent sample line lacks \"seq\" or \"status\"");
  r.seq = seq->get<int64_t>();
  const auto& st = status->get_ref<const std::string&>();
  if (st == "ok") r.status = store::SampleStatus::ok;
  else if (st == "lost") r.status = store::SampleStatus::lost;
  else if (st == "late") r.status = store::SampleStatus::late;
  else return Error("agent sample " + std::to_string(r.seq) + " has unknown status \"" + st + "\"");
  r.warmup = j.value("warmup", false);
  r.t_send_user = opt_time(j, "t_send_user_ns");
  r.t_send_kernel = opt_time(j, "t_send_kernel_ns");
  r.t_recv_kernel = opt_time(j, "t_recv_kernel_ns");
  r.t_recv_user = opt_time(j, "t_recv_user_ns");
  r.rtt_user = opt_time(j, "rtt_user_ns");
  r.rtt_kernel = opt_time(j, "rtt_kernel_ns");
  r.peer_proc = opt_time(j, "peer_proc_ns");
  return r;
}

}  // namespace latlab::run
