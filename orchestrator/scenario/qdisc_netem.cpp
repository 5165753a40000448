// Qdisc kind "netem": delay, jitter and loss on an interface's egress.
#include "scenario/kinds.h"
#include "scenario/obj_reader.h"

namespace latlab::scenario {

namespace {

bool parse_netem(ParseCtx& /*ctx*/, ObjReader& r, QdiscSpec& q) {
  if (auto dl = r.duration("delay", 0, 60'000'000'000ULL)) q.netem.delay_ns = *dl;
  if (auto j = r.duration("jitter", 0, 60'000'000'000ULL)) q.netem.jitter_ns = *j;
  if (auto l = r.number("loss", 0, 100)) q.netem.loss_pct = *l;
  if (auto lim = r.integer("limit", 1, 1'000'000)) q.netem.limit = static_cast<uint32_t>(*lim);
  return true;
}

}  // namespace

const QdiscKind& netem_qdisc_kind() {
  static const QdiscKind k{
      .name = "netem", .keys = {"delay", "jitter", "loss", "limit"}, .parse = parse_netem};
  return k;
}

}  // namespace latlab::scenario
