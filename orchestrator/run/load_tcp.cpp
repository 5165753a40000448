// Load kind "tcp": iperf3's default TCP streams; what the receiver got and
// the sender's retransmits.
#include <nlohmann/json.hpp>

#include "run/kinds.h"

namespace latlab::run {

namespace {

void read_tcp_end(const nlohmann::json& end, store::LoadRecord& rec) {
  const auto& rx = end.value("sum_received", nlohmann::json::object());
  const auto& tx = end.value("sum_sent", nlohmann::json::object());
  if (rx.contains("bits_per_second")) rec.bits_per_second = rx["bits_per_second"].get<double>();
  if (tx.contains("retransmits")) rec.retransmits = tx["retransmits"].get<int64_t>();
  if (end.contains("sender_tcp_congestion") && end["sender_tcp_congestion"].is_string())
    rec.congestion = end["sender_tcp_congestion"].get<std::string>();
}

void tcp_client_args(const scenario::LoadSpec& l, std::vector<std::string>& argv) {
  if (!l.congestion.empty()) argv.insert(argv.end(), {"-C", l.congestion});
}

}  // namespace

const LoadKind& tcp_load_kind() {
  static const LoadKind k{.name = "tcp", .client_args = tcp_client_args, .read_end = read_tcp_end};
  return k;
}

}  // namespace latlab::run
