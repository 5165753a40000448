// Qdisc kind "netem": delay, jitter and random loss, with a queue limit.
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>

#include <fmt/format.h>

#include "scenario/units.h"
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

std::string describe_netem(const scenario::QdiscSpec& q) {
  std::string out = "netem";
  if (q.netem.delay_ns) out += " delay " + scenario::format_duration(q.netem.delay_ns);
  if (q.netem.jitter_ns) out += " jitter " + scenario::format_duration(q.netem.jitter_ns);
  if (q.netem.loss_pct > 0) out += fmt::format(" loss {}%", q.netem.loss_pct);
  out += fmt::format(" limit {}", q.netem.limit);
  return out;
}

void netem_json(const scenario::QdiscSpec& q, nlohmann::json& j) {
  j["delay_ns"] = q.netem.delay_ns;
  j["jitter_ns"] = q.netem.jitter_ns;
  j["loss_pct"] = q.netem.loss_pct;
  j["limit"] = q.netem.limit;
}

Status configure_netem(rtnl_qdisc* qd, const scenario::QdiscSpec& q, const std::string& /*what*/) {
  rtnl_netem_set_limit(qd, static_cast<int>(q.netem.limit));
  rtnl_netem_set_delay(qd, static_cast<int>(q.netem.delay_ns / 1000));
  rtnl_netem_set_jitter(qd, static_cast<int>(q.netem.jitter_ns / 1000));
  double loss = q.netem.loss_pct / 100.0 * 4294967295.0;
  rtnl_netem_set_loss(qd, static_cast<int>(static_cast<uint32_t>(loss)));
  return Ok{};
}

}  // namespace

const QdiscKind& netem_qdisc_kind() {
  static const QdiscKind k{.name = "netem",
                           .kernel_config = "CONFIG_NET_SCH_NETEM",
                           .describe = describe_netem,
                           .to_json = netem_json,
                           .configure = configure_netem};
  return k;
}

}  // namespace latlab::topology
