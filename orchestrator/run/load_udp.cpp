// Load kind "udp": iperf3 -u; what the receiver got, and the datagrams it
// counted lost.
#include <nlohmann/json.hpp>

#include "run/kinds.h"

namespace latlab::run {

namespace {

void udp_client_args(const scenario::LoadSpec& /*l*/, std::vector<std::string>& a) { a.push_back("-u"); }

void read_udp_end(const nlohmann::json& end, store::LoadRecord& rec) {
  const auto& rx = end.value("sum_received", end.value("sum", nlohmann::json::object()));
  if (rx.contains("bits_per_second")) rec.bits_per_second = rx["bits_per_second"].get<double>();
  if (rx.contains("lost_packets")) rec.lost_packets = rx["lost_packets"].get<int64_t>();
  if (rx.contains("packets")) rec.packets = rx["packets"].get<int64_t>();
}

}  // namespace

const LoadKind& udp_load_kind() {
  static const LoadKind k{.name = "udp", .client_args = udp_client_args, .read_end = read_udp_end};
  return k;
}

}  // namespace latlab::run
