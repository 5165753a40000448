// Qdisc kind "tbf": a token bucket at a rate, with a burst and the latency
// a packet may wait (the queue limit tc derives from it).
#include <netlink/errno.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>

#include <climits>

#include <fmt/format.h>

#include "scenario/units.h"
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

std::string describe_tbf(const scenario::QdiscSpec& q) {
  return fmt::format("tbf rate {}bit burst {}b latency {}", q.tbf.rate_bps, q.tbf.burst_bytes,
                     scenario::format_duration(q.tbf.latency_ns));
}

void tbf_json(const scenario::QdiscSpec& q, nlohmann::json& j) {
  j["rate_bps"] = q.tbf.rate_bps;
  j["burst_bytes"] = q.tbf.burst_bytes;
  j["latency_ns"] = q.tbf.latency_ns;
}

Status configure_tbf(rtnl_qdisc* qd, const scenario::QdiscSpec& q, const std::string& what) {
  uint64_t bytes_per_s = q.tbf.rate_bps / 8;
  if (bytes_per_s == 0 || bytes_per_s > INT_MAX) {
    return Error(what + ": rate " + std::to_string(q.tbf.rate_bps) +
                     " bit/s is outside what tbf accepts here (8 bit/s .. 17 Gbit/s)",
                 EINVAL);
  }
  rtnl_qdisc_tbf_set_rate(qd, static_cast<int>(bytes_per_s), static_cast<int>(q.tbf.burst_bytes), 0);
  if (int rc = rtnl_qdisc_tbf_set_limit_by_latency(qd, static_cast<int>(q.tbf.latency_ns / 1000)); rc < 0)
    return Error(what + ": " + nl_geterror(rc));
  return Ok{};
}

}  // namespace

const QdiscKind& tbf_qdisc_kind() {
  static const QdiscKind k{.name = "tbf",
                           .kernel_config = "CONFIG_NET_SCH_TBF",
                           .describe = describe_tbf,
                           .to_json = tbf_json,
                           .configure = configure_tbf};
  return k;
}

}  // namespace latlab::topology
